"""Excel import of a round's progress reports (进度报表导入).

    from dispatch.importer import import_progress
    summary = import_progress(path, round=dispatch_round, actor=user, user=user, dry_run=True)  # preview
    summary.as_dict()  # rows_read, created (0), updated, unchanged, skipped, errors, total_investment_wan

The web preview and `tiaodu import progress FILE --round ROUND` share this function. The sheet may be
the round's own pre-filled sheet (`dispatch.sheets.round_sheet`) or a county's consolidated sheet kept
the office's way: title rows, a two-row header with merged group cells ("完成投资（万元）" over
"本月 | 本年累计 | 开工累计"), 亿元 headers or a "单位：亿元" note, 合计/小计 and section rows (skipped),
notes under the data, numbers as text, full-width digits, "——" for nothing. Columns are listed in
`columns.COLUMN_TABLE`; reference columns (上期年度累计, 上期开工累计, 责任单位) are read past.

Rows match the round's reports by 项目编码, else by 项目名称; each goes through the form's rules and is
submitted (报送) with a 表格导入 entry on the report's timeline and full history. Errors read
"第 N 行 第 X 列：原因"; any error means nothing is written; importing the same file again changes nothing.
"""

from .importer import import_progress

__all__ = ["import_progress"]
