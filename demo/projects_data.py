"""The Nankang 2024 project library, as plain data generated from compact tables.

From the seed (the Nankang article of a March 2024 Ganzhou newspaper page): “八大行动” 2024 has 239 projects
of 1,308.15 亿元; on 1 March 2024 Nankang signed 23 projects of 158.2 亿元 at its Shenzhen promotion
meeting (新能源、现代家居、电子信息、低空经济、现代农业、临港经济); on the first working day after the 2024
Spring Festival it started 43 projects of 233.33 亿元, one the 50 亿元 曜灵新能源光伏产业制造项目; and the
chains it promotes. Those are loaded with `is_synthetic=False`. Every other project and every detail
(names, companies, units, leaders, amounts, dates, plans, milestones, factor needs) is invented,
deterministically, and loaded with `is_synthetic=True`; only the counts and totals are the seed's.
"""

import datetime
from collections import Counter, namedtuple
from decimal import ROUND_HALF_EVEN, Decimal

from projects.choices import Category, EventKind, Stage
from projects.validators import CREDIT_CODE_CHARACTERS, credit_code_check_character

from .data import NANKANG_REGION

D = datetime.date
WAN_PER_YI = Decimal("10000")
MAJOR = Decimal("100000")  # 重大项目: 10 亿元 and more get a liaison leader and these cooperating units
COOPERATING = ("360703-ZRZYJ", "360703-XZSPJ")
PLAN_YEAR = 2024

LIBRARY_COUNT = 239  # “2024年该区实施‘八大行动’项目239个，总投资1308.15亿元”
LIBRARY_TOTAL = Decimal("13081500")
SIGNING_DAY = D(2024, 3, 1)
# Spring Festival 2024 fell on 10 February. The State Council's 2024 holiday notice gave 10–17 February
# off and made Sunday 18 February a working day (调休上班), so “春节假期后的第一个工作日” — the day of
# the joint groundbreaking — was that Sunday, 2024-02-18.
GROUNDBREAKING_DAY = D(2024, 2, 18)
SOLAR_PROJECT = "曜灵新能源光伏产业制造项目"
SOLAR_TOTAL = Decimal("500000")  # 50 亿元

EventSpec = namedtuple("EventSpec", "key name kind held_on place project_count total")
# The groundbreaking's name is our wording; the seed gives the event, its date rule and its batch.
EVENTS = (
    EventSpec("signing", "南康区对口合作招商引资推介会（深圳）", EventKind.SIGNING, SIGNING_DAY, "深圳市", 23,
              Decimal("1582000")),
    EventSpec("groundbreaking", "南康区2024年春节后项目集中开工活动", EventKind.GROUNDBREAKING,
              GROUNDBREAKING_DAY, "南康区", 43, Decimal("2333300")),
)  # fmt: skip

# (name, is_synthetic): the seed names the first seven.
CHAINS = (("现代家居", False), ("电子信息及高端装备制造", False), ("新能源", False), ("新材料", False),
          ("低空经济", False), ("现代农业", False), ("临港经济", False), ("文旅康养", True))  # fmt: skip

FURNITURE_TASK_FORCE = "家居产业智能制造升级项目推进专班"
DRONE_TASK_FORCE = "低空经济产业园建设推进专班"
PORT_TASK_FORCE = "临港物流园项目推进专班"
SOLAR_TASK_FORCE = "曜灵新能源光伏产业制造项目推进专班"

# Nankang's townships and subdistricts (NBS codes; each is also the code of its responsible unit).
PLACES = (
    ("360703001", "蓉江街道"), ("360703002", "东山街道"), ("360703100", "唐江镇"), ("360703101", "凤岗镇"),
    ("360703103", "龙岭镇"), ("360703104", "龙回镇"), ("360703105", "镜坝镇"), ("360703106", "横市镇"),
    ("360703107", "龙华镇"), ("360703200", "浮石乡"), ("360703201", "赤土畲族乡"), ("360703202", "横寨乡"),
    ("360703203", "朱坊乡"), ("360703204", "太窝乡"), ("360703205", "三江乡"), ("360703207", "十八塘乡"),
    ("360703208", "麻双乡"), ("360703209", "大坪乡"), ("360703210", "坪市乡"), ("360703211", "隆木乡"),
)  # fmt: skip

# A sector: its chain; the liaison leader of its major projects (a key of data.LEADERS); the task force
# of its major projects; the units (code suffixes or township codes) that bring its projects in; the
# ending of its companies' names, or the state investor of its {place} projects; and its templates,
# "name|category|GB/T 4754 code|战略性新兴产业 code|base 亿元|{n} per 亿元|construction content".
Sector = namedtuple("Sector", "chain leader task_force units investor templates")
SECTORS = {
    "J": Sector("现代家居", "deputy_secretary", FURNITURE_TASK_FORCE,
                "JJCY JKQ GXJ 360703100 360703103 360703104 360703105", "家居有限公司", (
        "{brand}年产{n}万套实木家具智能制造项目|industry|2110||3|3|新建实木家具智能化生产线及标准厂房",
        "{brand}定制家居数字化工厂项目|industry|2110||5||建设全屋定制家居数字化车间、仓储及展示中心",
        "{brand}软体家具智能生产线技术改造项目|tech_upgrade|2190||1.5||购置自动裁剪、缝纫及包装设备",
        "{brand}年产{n}万张板式家具生产线项目|industry|2110||2|8|新建板式家具自动封边、钻孔生产线",
        "{brand}家具用环保人造板生产项目|industry|2029||4||新建环保型人造板生产线及配套仓储",
        "{brand}家居五金配件产业园项目|industry|3351||2.5||建设家具五金配件生产厂房及研发中心",
        "{brand}智能家居展贸中心项目|other|5283||6||建设家具展示交易、设计研发及电商直播中心",
        "{brand}家具水性涂料生产项目|industry|2641|3.3|2||新建水性木器涂料生产线",
    )),
    "D": Sector("电子信息及高端装备制造", "vice_mayor_industry", None, "KJCX GXJ JKQ FGW", "电子科技有限公司",
                (
        "{brand}年产{n}万平方米柔性电路板项目|industry|3982|1.2|5|20|新建柔性电路板生产线及洁净厂房",
        "{brand}智能终端产业园项目|industry|3922|1.2|8||建设智能终端整机及配件生产基地",
        "{brand}新型显示模组生产项目|industry|3974|1.2|6||新建显示模组贴合、检测生产线",
        "{brand}高端数控机床制造项目|industry|3421|2.1|4||建设数控机床整机装配及关键部件加工车间",
        "{brand}工业机器人及智能装备项目|industry|3491|2.1|3||建设工业机器人本体及系统集成生产线",
        "{brand}精密模具制造项目|industry|3525|2.1|1.5||新建精密模具设计、加工中心",
        "{brand}片式电子元器件生产项目|industry|3989|1.2|2||新建片式电子元器件生产线",
        "{brand}智能传感器研发生产基地项目|industry|3983|1.2|3||建设智能传感器研发中心及生产车间",
    )),
    "X": Sector("新能源", "development_zone", None, "JKQ FGW FTJT", "新能源科技有限公司", (
        "{brand}年产{n}GW高效光伏组件项目|industry|3825|6.3|10|0.2|新建高效光伏组件自动化生产线",
        "{brand}锂电池储能系统生产项目|industry|3841|6.5|8||建设储能电芯、电池包及系统集成生产线",
        "{brand}工业厂房分布式光伏发电项目|infrastructure|4416|6.3|1.5||利用工业厂房屋顶建设分布式光伏电站",
        "{brand}光伏边框及支架生产项目|industry|3825|6.3|3||新建光伏铝边框、支架生产线",
        "{brand}新能源汽车零部件项目|industry|3670|5.2|5||建设电驱、热管理等新能源汽车零部件生产线",
        "{brand}充换电设备制造项目|industry|3829|5.3|2||建设充电桩、换电柜生产线",
    )),
    "C": Sector("新材料", "executive_vice_mayor", None, "GXJ JKQ GTJT", "新材料有限公司", (
        "{brand}年产{n}万吨高性能复合材料项目|industry|3062|3.5|4|1|新建玻璃纤维增强复合材料生产线",
        "{brand}稀土永磁材料深加工项目|industry|3985|3.2|6||新建高性能钕铁硼磁材深加工生产线",
        "{brand}新型环保墙体材料项目|industry|3024|3.4|2||新建轻质环保墙体材料生产线",
        "{brand}功能性光学薄膜项目|industry|2921|3.3|3||新建功能性光学薄膜生产线",
        "{brand}高端铝型材精深加工项目|industry|3252|3.2|3||新建铝型材挤压、表面处理生产线",
        "{brand}石墨烯导热材料项目|industry|3091|3.6|2.5||建设石墨烯导热膜中试及量产线",
    )),
    "K": Sector("低空经济", "vice_mayor_urban", DRONE_TASK_FORCE, "DKJJ JTYSJ GXJ", "航空科技有限公司", (
        "{brand}工业级无人机整机制造项目|industry|3963|2.2|5||建设工业级无人机整机装配、测试基地",
        "{brand}无人机飞控及动力系统项目|industry|3744|2.2|3||新建飞控、电机电调等核心部件生产线",
        "{place}低空起降点及航线网络建设项目|infrastructure|5631|2.2|1||建设无人机起降点、通信导航及监管平台",
        "{brand}无人机物流配送运营中心项目|other|5621|2.2|1.5||建设无人机配送运营调度中心及航线",
    )),
    "N": Sector("现代农业", "vice_mayor_agriculture", None, "NYNCJ XCZX", "农业发展有限公司", (
        "{place}{n}亩高标准蔬菜基地项目|agriculture|0141||0.6|3000|建设连栋大棚、水肥一体化设施",
        "{brand}甜柚精深加工项目|industry|1373||1.5||新建甜柚果汁、果脯等精深加工生产线",
        "{place}现代农业产业园项目|agriculture|0190||2||建设种养基地、加工车间及冷链仓储",
        "{brand}农产品冷链集配中心项目|other|5930||1.2||建设冷库及农产品分拣、集配中心",
        "{brand}生猪标准化养殖项目|agriculture|0313||1||建设标准化猪舍及粪污资源化利用设施",
        "{place}高标准农田建设项目|agriculture|7910||0.5||实施土地平整、灌溉排水及田间道路工程",
    )),
    "G": Sector("临港经济", "vice_mayor_commerce", PORT_TASK_FORCE, "LGJJ SWJ JTJT", "供应链管理有限公司", (
        "{brand}临港智慧物流园项目|other|5442||6||建设智能仓储、分拨中心及配套道路",
        "{brand}跨境电商产业园项目|other|5292||4||建设跨境电商运营中心、监管仓及孵化基地",
        "{brand}保税仓储及供应链中心项目|other|5920||3||建设保税仓库及供应链服务中心",
        "{brand}多式联运集装箱场站项目|infrastructure|5810||5||建设铁路专用线装卸场站及集装箱堆场",
    )),
    "W": Sector("文旅康养", "propaganda", None, "WGXLJ", "文旅发展有限公司", (
        "{place}乡村旅游综合开发项目|other|9030||1.5||建设游客中心、民宿及田园观光设施",
        "{brand}医养结合康养中心项目|livelihood|8514||2||建设养老公寓及医养结合服务中心",
        "{place}历史文化街区保护提升项目|urban|8840||1.2||修缮历史建筑，改造街巷及配套设施",
    )),
    "I": Sector(None, "vice_mayor_urban", None, "JTYSJ ZJJ SLJ CGJ", "南康区城市建设投资集团有限公司", (
        "{place}集镇道路提升改造工程|infrastructure|4813||1||改造集镇主次干道及排水、照明设施",
        "{place}污水处理厂及配套管网工程|infrastructure|4620||1.5||新建污水处理厂及截污管网",
        "{place}防洪排涝综合整治工程|infrastructure|4822||2||实施堤防加固、排涝泵站及河道清淤",
        "{place}片区城市更新项目|urban|4790||8||实施老旧小区、背街小巷改造及配套设施建设",
        "{place}供水管网改造工程|infrastructure|4821||0.8||改造供水主管网及入户管网",
    )),
    "M": Sector(None, "mayor", None, "JKTJ WJW MZJ ZFBZ", "南康区发展投资集团有限公司", (
        "{place}中心小学新建项目|livelihood|8321||1.2||新建教学楼、宿舍楼及运动场",
        "{place}卫生院业务用房建设项目|livelihood|8423||0.6||新建门诊、住院业务用房",
        "{place}保障性住房建设项目|livelihood|4790||3||新建保障性租赁住房及配套设施",
        "{place}养老服务中心建设项目|livelihood|8514||0.8||新建养老服务中心及配套用房",
    )),
}  # fmt: skip


# The batches: (group, sector mix). The first two are the seed's events (曜灵 joins the 42 of the
# groundbreaking); the group fixes the stage and the shape of the timeline.
GROUPS = (
    ("signing", "X4 J6 D5 K3 N3 G2"),
    ("groundbreaking", "J12 D8 X5 C5 K2 N3 G2 I3 M2"),
    ("continuing", "J16 D10 X6 C6 K3 N6 G4 W3 I10 M8"),  # 续建
    ("planned", "J9 D6 X4 C4 K2 N4 G2 W2 I4 M3"),  # 拟建
    ("preparing", "J7 D5 X3 C3 K2 N3 G2 W1 I2 M2"),  # 新上
    ("signed", "J6 D5 X3 C3 K2 N2 G1"),  # 招商, signed at earlier meetings
    ("completed", "J1 D1 I1"),
    ("operating", "J1 D1 N1"),
    ("stalled", "J1 C1 W1"),
)
ENTERPRISE_GROUPS = ("signing", "signed")  # investment deals: company ({brand}) projects only
# Each group's stage changes: "stage@date" or "stage@+days after the previous one", then "a%m": the
# n-th project of the group is a·n mod m days later. Computed dates skip weekends and HOLIDAYS.
TIMELINES = {
    "signing": ("signed@2024-03-01",),
    "groundbreaking": ("signed@2023-03-01 13%180", "planned@+90 7%60", "under_construction@2024-02-18"),
    "continuing": ("signed@2021-10-11 17%400", "planned@+60 11%120", "under_construction@+30 7%40"),
    "planned": ("signed@2023-04-03 11%200", "planned@+45 7%45"),
    "preparing": ("signed@2023-06-01 13%180", "preparing@+30 5%30"),
    "signed": ("signed@2023-10-09 9%110",),
    "completed": ("signed@2021-09-10 40%60", "planned@+120", "under_construction@+60",
                  "completed@2024-01-10 5%15"),
    "operating": ("signed@2021-05-10 40%60", "planned@+150", "under_construction@+120",
                  "completed@2023-10-16 25%60", "operating@+75 7%14"),
    "stalled": ("signed@2022-04-11 40%90", "planned@+150", "under_construction@+150",
                "stalled@2023-09-12 60%130"),
}  # fmt: skip
STALL_REASONS = (
    "受市场行情影响，企业资金链紧张，暂缓建设",
    "项目用地涉及林地调整，报批未完成，暂停施工",
    "投资方调整产能布局，项目方案重新论证中",
)
# Each group's (planned start years — None: the year construction began —, years to build, share of
# the total invested to date, share planned for PLAN_YEAR), each cycled through the group's projects.
SHAPES = {
    "signing": ((2024,), (1, 2), (0,), (0.10, 0.15, 0.20)),
    "groundbreaking": ((None,), (1, 2), (0.05, 0.07, 0.09, 0.11), (0.40, 0.45, 0.50)),
    "continuing": ((None,), (2, 3), (0.3, 0.65, 0.45, 0.55, 0.35, 0.7, 0.4, 0.6, 0.5), (0.35, 0.4, 0.45)),
    "planned": ((2024,), (1, 2), (0, 0.01), (0.25, 0.30, 0.35)),
    "preparing": ((2025, 2024, 2024), (1, 2), (0,), (0.10, 0.15)),
    "signed": ((2024, 2025), (1, 2), (0,), (0.10,)),
    "completed": ((None,), (1,), (1,), (0.05,)),
    "operating": ((None,), (1,), (1,), (0.02,)),
    "stalled": ((None,), (1, 2), (0.10, 0.15, 0.20), (0.10,)),
}  # fmt: skip
EARLY_WORK_SHARE = 0.05  # 前期工作: what a project starting after PLAN_YEAR plans for it
BRAND_FIRST, BRAND_SECOND = "康赣蓉章瑞恒嘉鼎华森润泓晟锦宏卓", "匠林禾盛达源泰丰宇诚信远拓美创和"
MULTIPLIERS = (1.0, 1.4, 0.7, 2.0, 0.9, 1.2, 0.6, 1.6, 0.8, 3.0, 1.1, 0.5)
SITES = {"K": "南康区低空经济产业园", "G": "赣州国际陆港（南康区）"}
STATE_INVESTORS = {"K": "南康区交通建设投资集团有限公司", "N": "南康区农业发展投资有限公司",
                   "W": "南康区发展投资集团有限公司"}  # fmt: skip
# Official holidays (start/end) from October 2021 to February 2024, on which no invented date falls.
HOLIDAYS = tuple(tuple(map(D.fromisoformat, span.split("/"))) for span in """
    2021-10-01/2021-10-07 2022-01-01/2022-01-03 2022-01-31/2022-02-06 2022-04-03/2022-04-05
    2022-04-30/2022-05-04 2022-06-03/2022-06-05 2022-09-10/2022-09-12 2022-10-01/2022-10-07
    2022-12-31/2023-01-02 2023-01-21/2023-01-27 2023-04-05/2023-04-05 2023-04-29/2023-05-03
    2023-06-22/2023-06-24 2023-09-29/2023-10-06 2023-12-30/2024-01-01 2024-02-10/2024-02-17
""".split())  # fmt: skip

Transition = namedtuple("Transition", "stage on reason is_synthetic", defaults=("", True))
# Money in 万元; `flags` are the tier flags (重大 / 省重点 / 市重点 / 区重点 / 省大中型) by field name;
# `annual_plan` is for PLAN_YEAR; `events` are keys of EVENTS; `nth` is the place in its group.
ProjectSpec = namedtuple(
    "ProjectSpec",
    "name group nth sector chain category industry_code emerging_code total introducing_unit "
    "responsible_unit cooperating_units leader task_force flags planned_start_year planned_end_year "
    "invested_to_date annual_plan investor_name investor_credit_code construction_content address "
    "timeline events is_synthetic",
)


def unit_code(code_or_suffix):
    return code_or_suffix if code_or_suffix.isdigit() else f"{NANKANG_REGION}-{code_or_suffix}"


def workday(day):
    while day.weekday() >= 5 or any(start <= day <= end for start, end in HOLIDAYS):
        day += datetime.timedelta(days=1)
    return day


def _share(total, fraction):
    return (total * Decimal(str(fraction))).quantize(Decimal("1"))


def nice(number):
    """Rounded to two significant figures, at least 1."""
    number = max(1, round(number))
    return number if number < 100 else round(number, 2 - len(str(number)))


def brand_of(number):
    """The invented brand of the `number`-th company: two characters, a different pair each time."""
    return BRAND_FIRST[number % 16] + BRAND_SECOND[(5 * number + number // 16) % 16]


def credit_code(number):
    """A synthetic 统一社会信用代码 registered in Nankang: 91, 360703, an organisation code with a right
    GB 11714 check digit, and the GB 32100 check character."""
    body = "MA3" + "".join(CREDIT_CODE_CHARACTERS[(number * 7919 + 104729) // 31**p % 31] for p in range(5))
    check = 11 - sum(int(c, 36) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    first17 = f"91{NANKANG_REGION}{body}{'X' if check == 10 else check % 11}"
    return first17 + credit_code_check_character(first17)


def _timeline(group, n):
    steps, previous = [], None
    for text in TIMELINES[group]:
        stage, rule = text.split("@")
        start, *spread = rule.split()
        on = previous + datetime.timedelta(int(start)) if start[0] == "+" else D.fromisoformat(start)
        if spread:
            step, modulus = map(int, spread[0].split("%"))
            on += datetime.timedelta(step * n % modulus)
        previous = on = workday(on) if spread or start[0] == "+" else on
        reason = STALL_REASONS[n % len(STALL_REASONS)] if stage == Stage.STALLED else ""
        steps.append(Transition(Stage(stage), on, reason))
    return tuple(steps)


def _shape(group, n, steps, total):
    """(planned start year, planned end year, invested to date, plan for PLAN_YEAR)."""
    starts, years, invested, planned = (values[n % len(values)] for values in SHAPES[group])
    started = next((s.on.year for s in steps if s.stage == Stage.UNDER_CONSTRUCTION), None)
    start = starts or started
    planned = EARLY_WORK_SHARE if start > PLAN_YEAR else min(planned, 1 - invested or planned)
    return start, max(start + years, PLAN_YEAR), _share(total, invested), _share(total, planned)


def _mix(text):
    """ "J2 D1" → ["J", "D", "J"]: each sector's projects spread evenly through the batch."""
    items = [(item[0], int(item[1:])) for item in text.split()]
    spread = sorted(
        ((j + 0.5) / count, order, key) for order, (key, count) in enumerate(items) for j in range(count)
    )
    return [key for *_, key in spread]


def _scale(raw, target, step=Decimal("1000")):
    """Amounts proportional to `raw`, in steps of 0.1 亿元, adding up exactly to `target` (the remainder
    goes to the largest)."""
    amounts = [
        max(step, (value * target / sum(raw) / step).quantize(1, ROUND_HALF_EVEN) * step) for value in raw
    ]
    amounts[amounts.index(max(amounts))] += target - sum(amounts)
    return amounts


def _drafts():
    """(group, nth in group, sector key, nth of its sector, template fields, brand number, place)."""
    sector_uses, template_uses, brands = Counter(), Counter(), 0
    for group, mix in GROUPS:
        for n, key in enumerate(_mix(mix)):
            sector = SECTORS[key]
            templates = [t for t in sector.templates if group not in ENTERPRISE_GROUPS or "{brand}" in t]
            template = templates[sector_uses[key] % len(templates)]
            offset = sector.templates.index(template) * 3
            place = PLACES[(template_uses[template] * 7 + offset) % len(PLACES)]
            brand = brands if "{brand}" in template else None
            yield group, n, key, sector_uses[key], template.split("|"), brand, place
            sector_uses[key], template_uses[template] = sector_uses[key] + 1, template_uses[template] + 1
            brands += brand is not None


def _amounts(drafts):
    """Each project's total: its template's base × a fixed multiplier, scaled so that both batches and
    the library add up exactly to the seed's totals."""
    targets = {"signing": EVENTS[0].total, "groundbreaking": EVENTS[1].total - SOLAR_TOTAL}
    targets["rest"] = LIBRARY_TOTAL - SOLAR_TOTAL - sum(targets.values())
    pools = {key: [] for key in targets}
    for index, (group, _, _, _, fields, _, _) in enumerate(drafts):
        raw = Decimal(fields[4]) * Decimal(str(MULTIPLIERS[index % len(MULTIPLIERS)])) * WAN_PER_YI
        pools[group if group in targets else "rest"].append((index, raw))
    amounts = {}
    for key, rows in pools.items():
        amounts.update(zip([i for i, _ in rows], _scale([raw for _, raw in rows], targets[key]), strict=True))
    return [amounts[index] for index in range(len(drafts))]


def _flags(total, category):
    major = total >= MAJOR
    return {
        "is_major": major,
        "is_provincial_key": total >= 2 * MAJOR and category in (Category.INDUSTRY, Category.INFRASTRUCTURE),
        "is_city_key": total >= MAJOR / 2,
        "is_district_key": True,  # the whole 八大行动 list
        "is_provincial_large": major and category in (Category.INDUSTRY, Category.TECH_UPGRADE),
    }


def _spec(draft, total):
    group, n, key, use, fields, brand, (place_code, place) = draft
    pattern, category, industry, emerging, _, per_yi, content = fields
    sector, yi, major = SECTORS[key], total / WAN_PER_YI, total >= MAJOR
    introducing = unit_code(sector.units.split()[use % len(sector.units.split())])
    if brand is None:  # a public project, run by its township
        brand_name, responsible, code, address = "", place_code, "", f"南康区{place}"
        investor = STATE_INVESTORS.get(key, sector.investor)
    else:
        brand_name, responsible, code = brand_of(brand), introducing, credit_code(brand)
        investor, township = f"赣州{brand_name}{sector.investor}", dict(PLACES).get(introducing)
        address = SITES.get(
            key, f"南康区{township or place}" if township or key in "NW" else "南康经济开发区"
        )
    if category in (Category.INDUSTRY, Category.TECH_UPGRADE):
        content += f"，达产后预计年产值约 {max(1, round(yi * Decimal('1.5')))} 亿元"
    steps = _timeline(group, n)
    return ProjectSpec(
        pattern.format(brand=brand_name, place=place, n=nice(float(yi) * float(per_yi)) if per_yi else ""),
        group, n, key, sector.chain, Category(category), industry, emerging, total, introducing, responsible,
        tuple(c for c in COOPERATING if major and c not in (introducing, responsible)),
        ("mayor" if total >= 3 * MAJOR else sector.leader) if major else None,
        sector.task_force if major or key == "K" else None, _flags(total, category),
        *_shape(group, n, steps, total),
        investor, code, content + "。", address, steps,
        (group,) if group in ("signing", "groundbreaking") else (), True,
    )  # fmt: skip


def _solar_project():
    """The seed's 50 亿元 photovoltaic project, started with the groundbreaking batch; its units, leader,
    task force, earlier stages and plans are invented, its start on GROUNDBREAKING_DAY is not. Its
    place 9 in the batch gives it, by the loader's rules, a secured land need and an energy need."""
    steps = (Transition(Stage.SIGNED, D(2023, 6, 16)), Transition(Stage.PLANNED, D(2023, 12, 20)),
             Transition(Stage.UNDER_CONSTRUCTION, GROUNDBREAKING_DAY, "", False))  # fmt: skip
    park, total = unit_code("JKQ"), SOLAR_TOTAL
    return ProjectSpec(
        SOLAR_PROJECT, "groundbreaking", 9, "X", "新能源", Category.INDUSTRY, "3825", "6.3", total, park,
        park, COOPERATING, "development_zone", SOLAR_TASK_FORCE,
        _flags(total, Category.INDUSTRY), 2024, 2025, _share(total, 0.06), _share(total, 0.4), "", "",
        "建设光伏产业制造基地；建成后将促进项目上下游供应商集聚，助力南康区加快发展壮大光伏及新能源产业集群。",
        "南康经济开发区", steps, ("groundbreaking",), False,
    )  # fmt: skip


def _build():
    drafts = list(_drafts())
    specs = [_spec(draft, total) for draft, total in zip(drafts, _amounts(drafts), strict=True)]
    specs.insert(len(_mix(GROUPS[0][1])), _solar_project())
    batches = [(LIBRARY_COUNT, LIBRARY_TOTAL, specs)]
    batches += [(e.project_count, e.total, [s for s in specs if e.key in s.events]) for e in EVENTS]
    wrong = any((count, total) != (len(b), sum(s.total for s in b)) for count, total, b in batches)
    if wrong or len({s.name for s in specs}) != len(specs):
        raise ValueError("演示项目库与报道的项目数或总投资不符")
    return tuple(specs)


PROJECTS = _build()
