"""The columns of an office's project sheet, for `core.sheets.headers` to find.

See `core.sheets.headers` for how the header row, two-row merged headers, units (亿元/万元) and years
are found; this module declares what a project sheet's columns are called (`COLUMN_TABLE`).
"""

from core.sheets import headers
from core.sheets.headers import Column, Layout, LayoutError  # noqa: F401 (re-exported)

# (field, label in messages, the headers offices write for it: compared after NFKC, without spaces,
# "*" or ":", a money unit and a year taken out; a header with brackets also matches without them).
COLUMN_TABLE = (
    ("code", "项目编码", "项目编码 项目代码 编号 项目编号 编码"),
    ("name", "项目名称", "项目名称 项目名 名称"),
    (
        "region",
        "所在区划",
        "所在区划 县(市、区) 县市区 所在地 所在县(市、区) 所在县区 区划 所属区划 所在乡镇 乡镇(街道) "
        "所在乡镇(街道) 地区 所在区域",
    ),
    ("address", "建设地点", "建设地点 地址 项目地址 建设地址 项目建设地点 项目地点 选址"),
    ("introducing_unit", "引进单位", "引进单位 招商单位 引资单位 招引单位"),
    ("responsible_unit", "责任单位", "责任单位 牵头单位 责任主体 主体责任单位 项目责任单位 牵头责任单位"),
    ("cooperating_units", "配合单位", "配合单位 协助单位 协办单位 配合责任单位"),
    (
        "liaison_leader",
        "挂点领导",
        "挂点领导 联系领导 包挂领导 挂点联系领导 挂点区领导 挂点县领导 区挂点领导 县挂点领导 挂点责任领导 "
        "调度领导",
    ),
    ("task_force", "项目推进专班", "项目推进专班 专班 推进专班 工作专班 项目专班"),
    ("category", "项目类别", "项目类别 类别 项目类型 项目分类 类型"),
    ("industry_chain", "产业链", "产业链 所属产业 所属产业链 产业类别 产业"),
    ("industry", "国民经济行业", "行业 国民经济行业 所属行业 行业分类 国民经济行业分类 行业代码 行业类别"),
    ("emerging_industry", "战略性新兴产业", "战略性新兴产业 战新产业 战略性新兴产业分类"),
    (
        "construction_content",
        "建设内容",
        "建设内容 建设规模及内容 建设内容及规模 主要建设内容 项目建设内容 建设规模和内容 项目概况 建设规模",
    ),
    ("investor_name", "投资主体", "投资主体 项目业主 建设单位 项目单位 业主单位 投资方 投资企业 项目法人"),
    ("investor_credit_code", "统一社会信用代码", "统一社会信用代码 信用代码 社会信用代码"),
    ("total_investment", "总投资", "总投资 计划总投资 项目总投资 总投资额 投资总额 估算总投资"),
    (
        "annual_plan",
        "年度计划投资",
        "年度计划投资 年度计划 年计划投资 计划投资 本年计划投资 年度投资计划 本年度计划投资 年度计划投资额 "
        "计划完成投资 年度计划完成投资",
    ),
    (
        "invested_to_date",
        "累计完成投资",
        "累计完成投资 完成投资 累计完成 累计投资 开工以来累计完成投资 累计完成投资额 至今累计完成投资 "
        "已完成投资",
    ),
    (
        "planned_start_year",
        "计划开工时间",
        "开工时间 计划开工时间 开工日期 计划开工 计划开工日期 开工年份 计划开工年份 开工年月 计划开工年月",
    ),
    (
        "planned_end_year",
        "计划竣工时间",
        "竣工时间 计划竣工 计划竣工时间 竣工日期 计划竣工日期 计划竣工年份 竣工年份 竣工年月 计划竣工年月 "
        "计划建成时间 建成时间",
    ),
    ("stage", "项目阶段", "项目阶段 项目状态 阶段 状态 建设阶段"),
    ("tier", "项目级别", "项目级别 项目层级 级别 重点类别 项目等级"),
    ("is_provincial_key", "省重点", "省重点 省重点项目 是否省重点 是否省重点项目"),
    ("is_city_key", "市重点", "市重点 市重点项目 是否市重点 是否市重点项目"),
    ("is_district_key", "区重点", "区重点 县重点 区重点项目 县重点项目 是否区重点 是否县重点 县(区)重点"),
    ("is_provincial_large", "省大中型", "省大中型 省大中型项目 是否省大中型"),
    ("is_major", "重大项目", "重大项目 重大 是否重大项目"),
    ("latitude", "纬度", "纬度"),
    ("longitude", "经度", "经度"),
)
MONEY_FIELDS = {"total_investment", "annual_plan", "invested_to_date"}
# Only an annual plan is "of a year"; "2024年完成投资" is not the cumulative total, so it is not read.
YEAR_FIELDS = {"annual_plan"}
YEAR_ONLY_PLAN = {"计划", "投资计划", "计划数"}
PROJECT_TABLE = headers.ColumnTable(
    COLUMN_TABLE,
    money=MONEY_FIELDS,
    dated=YEAR_FIELDS,
    dated_words=dict.fromkeys(YEAR_ONLY_PLAN, "annual_plan"),
)
LABELS = PROJECT_TABLE.labels


def find_layout(rows, *, year=None):
    """The header of a project sheet and its columns; raises LayoutError when there is no 项目名称 column."""
    return headers.find_layout(rows, PROJECT_TABLE, year=year)
