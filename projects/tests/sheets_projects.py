"""Project sheets laid out the ways offices keep them, written by the tests (openpyxl, csv)."""

import datetime

import openpyxl

D = datetime.date
CREDIT_CODE = "91360703MA3512345D"  # valid check character (GB 32100-2015)
CREDIT_CODE_2 = "91360703MA3567890A"


def xlsx(path, rows, merges=(), title="项目清单"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for cells in merges:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def plain(path):
    """One header row under a title, every column an office fills, amounts in 万元."""
    header = [
        "序号",
        "项目名称",
        "所在区划",
        "建设地点",
        "引进单位",
        "责任单位",
        "配合单位",
        "挂点领导",
        "项目类别",
        "产业链",
        "国民经济行业",
        "建设内容",
        "项目业主",
        "统一社会信用代码",
        "总投资（万元）",
        "2024年计划投资（万元）",
        "累计完成投资（万元）",
        "计划开工时间",
        "计划竣工时间",
        "项目阶段",
        "省重点",
        "重大项目",
        "备注",
    ]
    rows = [
        ["南康区2024年重点项目清单"],
        header,
        [
            1,
            "年产10万套实木家具项目",
            "唐江镇",
            "唐江镇工业园",
            "唐江镇人民政府",
            "T-A",
            "凤岗镇人民政府、南康区人民政府",
            "甲镇领导（镇长）",
            "产业项目",
            "现代家居",
            "C2110",
            "新建厂房及生产线",
            "赣州家居有限公司",
            CREDIT_CODE,
            50000,
            12000,
            3000.5,
            D(2024, 3, 1),
            "2026年12月",
            "在建",
            "√",
            "否",
            "重点推进",
        ],
        [
            2,
            "凤岗镇污水处理厂",
            "360703101",
            None,
            None,
            "凤岗镇人民政府",
            None,
            "乙镇领导",
            "基础设施",
            None,
            "污水处理及其再生利用",
            None,
            None,
            None,
            8000,
            2000,
            "——",
            2024,
            2025,
            "拟建",
            None,
            "是",
            None,
        ],
    ]
    return xlsx(path, rows)


def merged_two_row(path):
    """Title and filler rows, then a two-row header: merged group cells over sub-headers (亿元)."""
    rows = [
        ["南康区2024年重点项目调度表"],
        ["填报单位：南康区项目办", None, None, None, None, None, None, None, "2024年3月"],
        ["序号", "项目名称", "责任单位", "投资情况（亿元）", None, None, "计划工期", None, "项目级别"],
        [None, None, None, "总投资", "2024年计划", "累计完成", "开工时间", "竣工时间", None],
        [
            1,
            "光伏组件制造项目",
            "凤岗镇人民政府",
            50,
            "5.5",
            1.2345,
            "2024.3.1",
            "2026.12",
            "省重点、重大项目",
        ],
        [2, "家具产业园二期", "T-A", 12.3456, "——", None, D(2024, 6, 1), 2027, "市重点"],
    ]
    merges = ["A1:I1", "A3:A4", "B3:B4", "C3:C4", "D3:F3", "G3:H3", "I3:I4"]
    return xlsx(path, rows, merges)


def yi_yuan(path):
    """Amounts in 亿元 from the header, the plan year from the import, a text cell naming its unit."""
    rows = [
        ["项目名称", "责任单位", "总投资（亿元）", "年度计划投资（亿元）", "累计完成投资（万元）"],
        ["电子信息产业园", "T-B", 12.3456, "1.234567", "1.5亿元"],
        ["智能仓储物流中心", "T-A", "0.000051", 0.25, 300],
    ]
    return xlsx(path, rows)


def totals(path):
    """Subtotals, an unlabelled total, 合计 in the 序号 column, notes under the data."""
    rows = [
        ["序号", "项目名称", "责任单位", "总投资", "累计完成投资"],
        [1, "城南污水管网改造", "T-A", 3000, 100],
        [2, "城北农贸市场", "T-A", 2000, None],
        [None, "小计", None, 5000, 100],
        [3, "龙华镇卫生院迁建", "T-B", 1500, 20],
        [None, None, None, 1500, 20],
        ["合计", None, None, 6500, 120],
        [None, None, None, None, None],
        ["注：1. 总投资以备案为准；"],
        ["2. 累计完成投资截至2024年2月底。"],
        ["制表人：张三", None, "审核人：李四"],
    ]
    return xlsx(path, rows, ["A9:E9", "A10:E10"])


def text_numbers(path):
    """Numbers stored as text with full-width digits and separators; headers with spaces, * and
    full-width brackets; "——" and "/" for nothing."""
    rows = [
        ["项目 名称", "*责任单位", "总投资（万元）", "累计完成投资(万元)", "计划开工时间", "建设地点"],
        ["数字经济产业园（一期）", "Ｔ－Ａ", "１２，３４５.６", "——", "２０２４．３．１", "/"],
        ["赣南脐橙深加工项目", "凤岗镇人民政府", "1,234", " 88 ", "——", "凤岗镇"],
    ]
    return xlsx(path, rows)


def dates(path):
    """Start and end dates as Excel serials, dates, and text in every usual way."""
    rows = [
        ["项目名称", "责任单位", "计划开工时间", "计划竣工时间"],
        ["项目一", "T-A", 45352, "2026年底"],
        ["项目二", "T-A", D(2023, 12, 31), 46387.0],
        ["项目三", "T-A", "2024.3.1", 2027],
        ["项目四", "T-A", "2024年3月", "2025/6"],
        ["项目五", "T-A", "2024-03", datetime.datetime(2025, 1, 1, 9, 30)],
    ]
    return xlsx(path, rows)


def reordered(path):
    """Columns in another order, header synonyms, project codes given, regions by name and code."""
    rows = [
        ["建设规模及内容", "项目编码", "牵头单位", "项目名称", "所在地", "包挂领导", "项目业主", "开工日期"],
        [
            "年产5万吨铝型材",
            "NK-2024-A01",
            "凤岗镇人民政府",
            "铝型材生产线",
            "凤岗镇",
            "乙镇领导",
            "赣州铝业有限公司",
            2024,
        ],
        ["文化旅游街区", "NK-2024-A02", "南康区人民政府", "文旅街区", "360703", None, None, "2025-01"],
    ]
    return xlsx(path, rows)


def sections(path):
    """Section headings with counts and subtotals (in the 序号 column, or an ordinal there and the heading
    in the name column); categories and stages taken from them."""
    rows = [
        ["序号", "项目名称", "责任单位", "总投资（万元）", "项目阶段"],
        ["一、产业项目（2个）", None, None, 9000, None],
        ["（一）续建项目", None, None, 6000, None],
        [1, "电子元器件产业园", "T-A", 6000, None],
        ["（二）新开工项目", None, None, 3000, None],
        [2, "新能源电池项目", "T-B", 3000, "拟建"],
        ["二", "基础设施项目（1个）", None, 500, None],
        [3, "镇区道路提升", "T-A", 500, None],
        ["合计", None, None, 9500, None],
    ]
    return xlsx(path, rows, ["A2:C2"])


def tiers(path):
    """A 项目级别 column naming tiers, a tick column, several cooperating units, a leader with a title."""
    rows = [
        ["项目名称", "责任单位", "配合单位", "联系领导", "项目级别", "区重点"],
        [
            "高端家具智造基地",
            "T-GOV",
            "唐江镇人民政府，凤岗镇人民政府;T-GOV",
            "甲镇领导（镇长）",
            "省重点、市重点",
            "√",
        ],
        ["镇级农贸市场", "T-A", "/", "——", "一般", None],
        ["低空经济产业园", "T-B", None, None, "重大项目", "Y"],
    ]
    return xlsx(path, rows)


def sheet_unit(path):
    """ "单位：亿元" above the header; a units row ("（万元）") under the header of another column."""
    rows = [
        ["2024年招商引资签约项目", None, None, None],
        [None, None, None, "单位：亿元"],
        ["项目名称", "责任单位", "总投资", "累计完成投资"],
        [None, None, None, "（万元）"],
        ["新材料产业园", "T-A", 3.5, 1200],
    ]
    return xlsx(path, rows)


def csv_gbk(path):
    """A CSV saved by Excel in GBK (the default for Chinese Windows)."""
    text = (
        "项目名称,责任单位,总投资（亿元）,计划开工时间,项目阶段\r\n"
        "赣州港多式联运中心,凤岗镇人民政府,2.5,2024年5月,签约\r\n"
        '唐江镇光伏电站,唐江镇人民政府,"1,200.5万元",2024/10/1,新上\r\n'
    )
    path.write_bytes(text.encode("gbk"))
    return path


def bad(path):
    """Rows with every kind of mistake; the good row must not be written either."""
    rows = [
        [
            "项目名称",
            "责任单位",
            "挂点领导",
            "总投资（万元）",
            "计划开工时间",
            "计划竣工时间",
            "统一社会信用代码",
        ],
        ["好项目", "T-A", "甲镇领导", 100, 2024, 2025, CREDIT_CODE],
        ["坏项目一", "不存在的镇政府", "查无此人", -5, "明年", 2025, "91360703MA3512345X"],
        ["坏项目二", "T-B", None, 500, 2026, 2025, None],
        ["坏项目三", "T-B", "甲镇领导、乙镇领导", "约五千", None, None, None],
        [None, "T-A", None, 300, None, None, None],
        ["好项目", "T-A", None, 100, None, None, None],
    ]
    return xlsx(path, rows)


def missing_name(path):
    rows = [["单位名单"], ["序号", "单位名称", "总投资", "责任单位"], [1, "唐江镇", 100, "T-A"]]
    return xlsx(path, rows)
