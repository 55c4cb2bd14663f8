"""Excel import of project lists as offices keep them (项目清单导入).

    from projects.importer import import_projects
    summary = import_projects(path, actor=user, region=county, year=2024, commit=False)  # the preview
    summary.as_dict()  # rows_read, created, updated, unchanged, skipped, errors, total_investment_wan …

The web preview and `tiaodu import projects FILE` share this function. The sheet may look the way
offices keep it: title rows above the header, a two-row header with merged group cells, notes under the
data, 合计/小计 rows and section headings ("一、产业项目（120个）") among the projects, full-width digits and
punctuation, numbers stored as text, "——" or "/" for nothing, dates as Excel serials or text.

Columns recognised (header synonyms in `headers.COLUMN_TABLE`; a column nobody recognises, e.g. 序号 or
备注, is ignored):

    项目编码 / 项目代码 / 编号           the project's code; matches an existing project (a bare row number
                                        is ignored); a new project keeps the code given, else gets
                                        "<region code>-<year>-<nnnn>" as `register_project` would
    项目名称 (required)                  matches an existing project within its region when no code matches
    所在区划 / 县（市、区）/ 所在地        Region by code or name; default: the `region` argument
    建设地点 / 地址                      address
    引进单位, 责任单位 / 牵头单位 / 责任主体   Unit by code, name or short name; a new project needs
                                        one of them (the other defaults to it: 谁引进、谁负责)
    配合单位                             several units, separated by 、，, ; or line breaks
    挂点领导 / 联系领导 / 包挂领导         Leader by the person's name ("张三（副区长）" is fine); one only
    项目推进专班 / 专班                   TaskForce by name
    项目类别 / 类别                      产业项目, 基础设施, 社会民生, 技改项目, 城市建设, 农业农村, 其他
                                        (or a word they contain: 工业, 技改, 民生 …)
    产业链 / 所属产业                    IndustryChain by name
    行业 / 国民经济行业                  reference.Industry by code ("C2110", "2110"), name or both
    战略性新兴产业                        reference.EmergingIndustry by code or name
    建设内容 / 建设规模及内容             construction content
    投资主体 / 项目业主 / 建设单位         investor name
    统一社会信用代码                      validated (GB 32100-2015 check character)
    总投资                               万元; "总投资（亿元）" or a "单位：亿元" note above the header
                                        converts exactly (Decimal, to the cent)
    年度计划投资 / 2024年计划投资          the annual plan of the year in the header, else the `year`
                                        argument; phased by month in a straight line (`set_annual_plan`)
    累计完成投资 / 完成投资               invested to date (a header with a year, "2024年完成投资", is not it)
    计划开工时间, 计划竣工时间             planned start and end years, from any way of writing a date
    项目阶段 / 项目状态                   the first stage of a new project: 招商/签约, 新上, 拟建,
                                        续建/在建/开工, 竣工, 投产, 停缓建 (an existing project's stage
                                        changes only through `services.change_stage`)
    省重点, 市重点, 区重点/县重点, 省大中型, 重大项目   one column each, ticked 是/√/Y/1 (blank is 否)
    项目级别 / 级别                      or one column naming them ("省重点、重大项目")
    经度, 纬度                           coordinates

Rules: every name must already exist (unknown units, leaders … are errors, never created); money may
not be negative; an error anywhere means nothing is written; errors read "第 N 行 第 X 列：原因". A blank
cell never erases what the library holds (except the tick columns, where blank means 否). Importing the
same file again changes nothing: rows are compared before anything is saved.
"""

from .importer import import_projects
from .summary import ImportSummary, RowError

__all__ = ["ImportSummary", "RowError", "import_projects"]
