"""The Ganzhou / Nankang demo, as plain data.

What comes from the seed (a Ganzhou newspaper page, March 2024): Nankang has 98 responsible units
(“全区98个招商安商责任单位”), 7 promotion teams led by district leaders, the industries they chase,
and the 50 亿元 曜灵新能源光伏产业制造项目. Township names come from the NBS division list already
loaded as regions, and every county-level region has a people's government. Everything else here —
which departments exist, their codes, every person, leader, team and task-force name — is invented
for the demo and loaded with `is_synthetic=True`. Person names follow the "王某" convention of
anonymised official documents so that no real official is named.
"""

from typing import NamedTuple

from org.choices import LeaderRank, MemberDuty, UnitKind

DEMO_PASSWORD = "tiaodu-demo-2024"

CITY_REGION = "360700"
NANKANG_REGION = "360703"
DEVELOPMENT_ZONE_REGION = "360703K01"

CITY_GOVERNMENT = "360700-GOV"
NANKANG_GOVERNMENT = "360703-GOV"
NANKANG_PARTY_COMMITTEE = "360703-QW"
NANKANG_DISCIPLINE = "360703-JW"
PROJECT_OFFICE = "360703-XMB"
PROMOTION_CENTRE = "360703-ZSFW"
STATE_ASSETS_OFFICE = "360703-GZB"
TOWNSHIP_A = "360703100"  # 唐江镇人民政府 (unit code = NBS 9-digit code of its township)
TOWNSHIP_B = "360703101"  # 凤岗镇人民政府
ACCOUNTABLE_UNIT_COUNT = 98  # “全区98个招商安商责任单位”


def government_unit_code(region_code):
    return f"{region_code}-GOV"


def government_unit_name(region_name):
    return f"{region_name}人民政府"


# The Nankang units at the top, besides the district government, that are not responsible units:
# (code, name, short name, kind).
NANKANG_TOP_UNITS = (
    (NANKANG_PARTY_COMMITTEE, "中共赣州市南康区委员会", "南康区委", UnitKind.PARTY_COMMITTEE),
    (NANKANG_DISCIPLINE, "南康区纪律检查委员会 南康区监察委员会", "区纪委监委", UnitKind.DISCIPLINE),
)

# Responsible units below the district party committee: (code suffix, name, short name, kind).
PARTY_UNITS = (
    ("QWB", "中共南康区委办公室", "区委办", UnitKind.PARTY_COMMITTEE),
    ("ZZB", "中共南康区委组织部", "区委组织部", UnitKind.PARTY_COMMITTEE),
    ("XCB", "中共南康区委宣传部", "区委宣传部", UnitKind.PARTY_COMMITTEE),
    ("TZB", "中共南康区委统战部", "区委统战部", UnitKind.PARTY_COMMITTEE),
    ("ZFW", "中共南康区委政法委员会", "区委政法委", UnitKind.PARTY_COMMITTEE),
    ("BB", "中共南康区委机构编制委员会办公室", "区委编办", UnitKind.PARTY_COMMITTEE),
    ("XCHB", "中共南康区委巡察工作领导小组办公室", "区委巡察办", UnitKind.PARTY_COMMITTEE),
    ("JGGW", "中共南康区直属机关工作委员会", "区直机关工委", UnitKind.PARTY_COMMITTEE),
    ("DX", "中共南康区委党校", "区委党校", UnitKind.PUBLIC_INSTITUTION),
    ("SHGZB", "中共南康区委社会工作部", "区委社会工作部", UnitKind.PARTY_COMMITTEE),
    ("WXB", "中共南康区委网络安全和信息化委员会办公室", "区委网信办", UnitKind.PARTY_COMMITTEE),
    ("LGBJ", "中共南康区委老干部局", "区委老干部局", UnitKind.PARTY_COMMITTEE),
    ("ZYS", "中共南康区委政策研究室", "区委政研室", UnitKind.PARTY_COMMITTEE),
    ("ZGH", "南康区总工会", "区总工会", UnitKind.OTHER),
    ("TQW", "共青团南康区委员会", "团区委", UnitKind.OTHER),
    ("FL", "南康区妇女联合会", "区妇联", UnitKind.OTHER),
    ("GSL", "南康区工商业联合会", "区工商联", UnitKind.OTHER),
    ("KX", "南康区科学技术协会", "区科协", UnitKind.OTHER),
)

# Responsible units below the district government: (code suffix, name, short name, kind).
GOVERNMENT_UNITS = (
    ("ZFB", "南康区人民政府办公室", "区政府办", UnitKind.DEPARTMENT),
    ("FGW", "南康区发展和改革委员会", "区发改委", UnitKind.DEPARTMENT),
    ("GXJ", "南康区工业和信息化局", "区工信局", UnitKind.DEPARTMENT),
    ("SWJ", "南康区商务局", "区商务局", UnitKind.DEPARTMENT),
    ("ZRZYJ", "南康区自然资源局", "区自然资源局", UnitKind.DEPARTMENT),
    ("ZJJ", "南康区住房和城乡建设局", "区住建局", UnitKind.DEPARTMENT),
    ("STHJJ", "南康区生态环境局", "区生态环境局", UnitKind.DEPARTMENT),
    ("XZSPJ", "南康区行政审批局", "区行政审批局", UnitKind.DEPARTMENT),
    ("CZJ", "南康区财政局", "区财政局", UnitKind.DEPARTMENT),
    ("JTYSJ", "南康区交通运输局", "区交通运输局", UnitKind.DEPARTMENT),
    ("NYNCJ", "南康区农业农村局", "区农业农村局", UnitKind.DEPARTMENT),
    ("SLJ", "南康区水利局", "区水利局", UnitKind.DEPARTMENT),
    ("YJGLJ", "南康区应急管理局", "区应急管理局", UnitKind.DEPARTMENT),
    ("SCJGJ", "南康区市场监督管理局", "区市场监管局", UnitKind.DEPARTMENT),
    ("SWUJ", "国家税务总局赣州市南康区税务局", "区税务局", UnitKind.DEPARTMENT),
    ("RSJ", "南康区人力资源和社会保障局", "区人社局", UnitKind.DEPARTMENT),
    ("JKTJ", "南康区教育科技体育局", "区教育科技体育局", UnitKind.DEPARTMENT),
    ("WJW", "南康区卫生健康委员会", "区卫健委", UnitKind.DEPARTMENT),
    ("WGXLJ", "南康区文化广电新闻出版旅游局", "区文广新旅局", UnitKind.DEPARTMENT),
    ("CGJ", "南康区城市管理局", "区城管局", UnitKind.DEPARTMENT),
    ("LYJ", "南康区林业局", "区林业局", UnitKind.DEPARTMENT),
    ("TJJ", "南康区统计局", "区统计局", UnitKind.DEPARTMENT),
    ("SJJ", "南康区审计局", "区审计局", UnitKind.DEPARTMENT),
    ("GZB", "南康区国有资产监督管理办公室", "区国资办", UnitKind.DEPARTMENT),
    ("ZSFW", "南康区招商服务中心", "区招商服务中心", UnitKind.PUBLIC_INSTITUTION),
    ("ZWFW", "南康区政务服务中心", "区政务服务中心", UnitKind.PUBLIC_INSTITUTION),
    ("XMB", "南康区重点项目推进办公室", "区项目办", UnitKind.PUBLIC_INSTITUTION),
    ("GAFJ", "赣州市公安局南康分局", "区公安分局", UnitKind.DEPARTMENT),
    ("MZJ", "南康区民政局", "区民政局", UnitKind.DEPARTMENT),
    ("SFJ", "南康区司法局", "区司法局", UnitKind.DEPARTMENT),
    ("TYJRJ", "南康区退役军人事务局", "区退役军人事务局", UnitKind.DEPARTMENT),
    ("YBJ", "南康区医疗保障局", "区医保局", UnitKind.DEPARTMENT),
    ("XFJ", "南康区信访局", "区信访局", UnitKind.DEPARTMENT),
    ("RFB", "南康区人民防空办公室", "区人防办", UnitKind.DEPARTMENT),
    ("QXJ", "南康区气象局", "区气象局", UnitKind.DEPARTMENT),
    ("JGSW", "南康区机关事务服务中心", "区机关事务中心", UnitKind.PUBLIC_INSTITUTION),
    ("JJCY", "南康区家具产业发展服务中心", "区家具产业中心", UnitKind.PUBLIC_INSTITUTION),
    ("RMT", "南康区融媒体中心", "区融媒体中心", UnitKind.PUBLIC_INSTITUTION),
    ("BDC", "南康区不动产登记中心", "区不动产登记中心", UnitKind.PUBLIC_INSTITUTION),
    ("GJJ", "南康区住房公积金管理部", "区公积金管理部", UnitKind.PUBLIC_INSTITUTION),
    ("GXS", "南康区供销合作社联合社", "区供销社", UnitKind.OTHER),
    ("FWZS", "南康区房屋征收与补偿服务中心", "区征收中心", UnitKind.PUBLIC_INSTITUTION),
    ("XFJY", "南康区消防救援大队", "区消防救援大队", UnitKind.OTHER),
    ("JRFW", "南康区金融服务中心", "区金融服务中心", UnitKind.PUBLIC_INSTITUTION),
    ("YSHJ", "南康区营商环境优化服务中心", "区营商办", UnitKind.PUBLIC_INSTITUTION),
    ("DSJ", "南康区大数据中心", "区大数据中心", UnitKind.PUBLIC_INSTITUTION),
    ("DZSW", "南康区电子商务发展服务中心", "区电商中心", UnitKind.PUBLIC_INSTITUTION),
    ("ZXQY", "南康区中小企业服务中心", "区中小企业中心", UnitKind.PUBLIC_INSTITUTION),
    ("GLSY", "南康区公路事业发展中心", "区公路中心", UnitKind.PUBLIC_INSTITUTION),
    ("ZFBZ", "南康区住房保障服务中心", "区住房保障中心", UnitKind.PUBLIC_INSTITUTION),
    ("XCZX", "南康区乡村振兴服务中心", "区乡村振兴中心", UnitKind.PUBLIC_INSTITUTION),
    ("LGJJ", "南康区临港经济服务中心", "区临港经济中心", UnitKind.PUBLIC_INSTITUTION),
    ("DKJJ", "南康区低空经济发展服务中心", "区低空经济中心", UnitKind.PUBLIC_INSTITUTION),
    ("KJCX", "南康区科技创新服务中心", "区科创中心", UnitKind.PUBLIC_INSTITUTION),
)

# Park committees: (code suffix, name, short name, region code). The NBS list also has
# 360703400 “南康市工业园”, a statistical area for the park; it gets no unit of its own.
PARK_UNITS = (("JKQ", "南康经济开发区管理委员会", "南康经开区管委会", DEVELOPMENT_ZONE_REGION),)

# State enterprises, below the state-assets office: (code suffix, name, short name).
STATE_ENTERPRISES = (
    ("CTJT", "南康区城市建设投资集团有限公司", "区城投集团"),
    ("FTJT", "南康区发展投资集团有限公司", "区发投集团"),
    ("GTJT", "南康区工业投资集团有限公司", "区工投集团"),
    ("NTGS", "南康区农业发展投资有限公司", "区农投公司"),
    ("JTJT", "南康区交通建设投资集团有限公司", "区交投集团"),
)

# One contact person per responsible unit, named "<surname>某<甲|乙…>".
CONTACT_SURNAMES = (
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏黄窦章云苏潘葛刘范彭郎鲁韦"
)
CONTACT_SUFFIXES = "甲乙丙丁戊己庚辛壬癸"
CONTACT_TITLE = "招商安商联络员"


class LeaderSpec(NamedTuple):
    key: str
    name: str
    unit_code: str
    position: str
    rank: str


LEADERS = (
    LeaderSpec("secretary", "钟某", NANKANG_PARTY_COMMITTEE, "区委书记", LeaderRank.DIVISION),
    LeaderSpec("mayor", "曾某", NANKANG_GOVERNMENT, "区委副书记、区长", LeaderRank.DIVISION),
    LeaderSpec("deputy_secretary", "谭某", NANKANG_PARTY_COMMITTEE, "区委副书记", LeaderRank.DEPUTY_DIVISION),
    LeaderSpec(
        "executive_vice_mayor", "廖某", NANKANG_GOVERNMENT, "区委常委、常务副区长", LeaderRank.DEPUTY_DIVISION
    ),
    LeaderSpec(
        "organisation", "邓某", NANKANG_PARTY_COMMITTEE, "区委常委、组织部部长", LeaderRank.DEPUTY_DIVISION
    ),
    LeaderSpec(
        "propaganda", "黎某", NANKANG_PARTY_COMMITTEE, "区委常委、宣传部部长", LeaderRank.DEPUTY_DIVISION
    ),
    LeaderSpec(
        "politics_law", "罗某", NANKANG_PARTY_COMMITTEE, "区委常委、政法委书记", LeaderRank.DEPUTY_DIVISION
    ),
    LeaderSpec(
        "development_zone",
        "胡某",
        NANKANG_PARTY_COMMITTEE,
        "区委常委、南康经济开发区党工委书记",
        LeaderRank.DEPUTY_DIVISION,
    ),
    LeaderSpec(
        "vice_mayor_industry", "赖某", NANKANG_GOVERNMENT, "副区长（分管工业）", LeaderRank.DEPUTY_DIVISION
    ),
    LeaderSpec(
        "vice_mayor_commerce", "肖某", NANKANG_GOVERNMENT, "副区长（分管商务）", LeaderRank.DEPUTY_DIVISION
    ),
    LeaderSpec(
        "vice_mayor_agriculture",
        "温某",
        NANKANG_GOVERNMENT,
        "副区长（分管农业农村）",
        LeaderRank.DEPUTY_DIVISION,
    ),
    LeaderSpec(
        "vice_mayor_urban", "石某", NANKANG_GOVERNMENT, "副区长（分管城建交通）", LeaderRank.DEPUTY_DIVISION
    ),
)

# The 7 teams and their industries are from the seed; pairing one industry with one team, the team
# names and their members are invented. (name, leader key, industry, member unit codes)
PROMOTION_TEAMS = (
    ("第一专业招商队", "deputy_secretary", "现代家居", ("360703-JJCY", "360703-GXJ")),
    ("第二专业招商队", "vice_mayor_industry", "电子信息及高端装备制造", ("360703-KJCX", "360703-FGW")),
    ("第三专业招商队", "development_zone", "新能源", ("360703-JKQ", "360703-FTJT")),
    ("第四专业招商队", "executive_vice_mayor", "新材料", ("360703-ZRZYJ", "360703-GTJT")),
    ("第五专业招商队", "vice_mayor_urban", "低空经济", ("360703-DKJJ", "360703-JTYSJ")),
    ("第六专业招商队", "vice_mayor_agriculture", "现代农业", ("360703-NYNCJ", "360703-XCZX")),
    ("第七专业招商队", "vice_mayor_commerce", "临港经济", ("360703-LGJJ", "360703-SWJ")),
)
PROMOTION_TEAM_LEAD_UNIT = PROMOTION_CENTRE

# (name, leader key, lead unit code, purpose, ((member unit code, duty), ...)); the leader is the lead.
TASK_FORCES = (
    (
        "曜灵新能源光伏产业制造项目推进专班",
        "development_zone",
        "360703-JKQ",
        "推进曜灵新能源光伏产业制造项目（总投资 50 亿元，2024 年春节后集中开工）建设，协调用地、用能、"
        "审批等要素保障。专班本身为演示虚构。",
        (
            ("360703-JKQ", MemberDuty.DEPUTY_LEAD),
            ("360703-GXJ", MemberDuty.MEMBER),
            ("360703-ZRZYJ", MemberDuty.MEMBER),
            ("360703-XZSPJ", MemberDuty.MEMBER),
            ("360703-ZJJ", MemberDuty.MEMBER),
            (PROJECT_OFFICE, MemberDuty.LIAISON),
        ),
    ),
    (
        "低空经济产业园建设推进专班",
        "vice_mayor_industry",
        "360703-GXJ",
        "推进无人机整机及配套项目落地、低空应用场景建设（演示虚构）。",
        (
            ("360703-DKJJ", MemberDuty.DEPUTY_LEAD),
            ("360703-JTYSJ", MemberDuty.MEMBER),
            ("360703-YJGLJ", MemberDuty.MEMBER),
            (PROJECT_OFFICE, MemberDuty.LIAISON),
        ),
    ),
    (
        "家居产业智能制造升级项目推进专班",
        "deputy_secretary",
        "360703-JJCY",
        "推进家具企业智能化改造、数字化转型项目（演示虚构）。",
        (
            ("360703-GXJ", MemberDuty.DEPUTY_LEAD),
            ("360703-SCJGJ", MemberDuty.MEMBER),
            ("360703-STHJJ", MemberDuty.MEMBER),
            (PROJECT_OFFICE, MemberDuty.LIAISON),
        ),
    ),
    (
        "临港物流园项目推进专班",
        "vice_mayor_commerce",
        "360703-SWJ",
        "推进临港物流园及配套项目建设（演示虚构）。",
        (
            ("360703-LGJJ", MemberDuty.DEPUTY_LEAD),
            ("360703-JTYSJ", MemberDuty.MEMBER),
            ("360703-ZRZYJ", MemberDuty.MEMBER),
            (PROJECT_OFFICE, MemberDuty.LIAISON),
        ),
    ),
)


class Persona(NamedTuple):
    """One demo login. Exactly one of `unit_code` / `region_code` is the grant's scope (neither for
    the superuser); the user is linked to the person `person_name` in `person_unit_code`, or to the
    person of the leader `leader_key`."""

    username: str
    role: str  # org.Role code; "" for the superuser
    unit_code: str | None
    region_code: str | None
    person_unit_code: str | None
    person_name: str | None
    person_title: str
    leader_key: str | None = None
    is_superuser: bool = False


PERSONAS = {
    "office": Persona(
        "nankang_admin", "office_admin", None, NANKANG_REGION, PROJECT_OFFICE, "邱某", "项目办调度专员"
    ),
    "township_a": Persona(
        "tangjiang_reporter", "unit_reporter", TOWNSHIP_A, None, TOWNSHIP_A, "汤某", "项目填报员"
    ),
    "township_b": Persona(
        "fenggang_reporter", "unit_reporter", TOWNSHIP_B, None, TOWNSHIP_B, "封某", "项目填报员"
    ),
    "discipline": Persona(
        "nankang_jiwei", "discipline", None, NANKANG_REGION, NANKANG_DISCIPLINE, "纪某", "监督检查室干部"
    ),
    "leader": Persona(
        "nankang_leader", "leader", None, NANKANG_REGION, None, None, "", leader_key="executive_vice_mayor"
    ),
    "superuser": Persona("admin", "", None, None, PROJECT_OFFICE, "管某", "系统管理员", is_superuser=True),
}
