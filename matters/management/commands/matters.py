"""`tiaodu matters overdue --as-of DATE [--json]` and `tiaodu matters escalate [--as-of DATE]`."""

import datetime
import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from matters import selectors, services

HEADINGS = ("事项编号", "事项名称", "项目编码", "牵头单位", "办结期限", "超期工作日", "升级层级")


def _width(text):
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _table(rows):
    widths = [max(_width(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join(
            cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式不正确：{value}（应为 YYYY-MM-DD，例如 2024-03-15）。") from None


class Command(BaseCommand):
    help = (
        "问题协调事项：tiaodu matters overdue --as-of 日期 [--json] 列出该日超期未办结的事项"
        "（按当日记录：之后销号、之后批准的延期不影响）；"
        "tiaodu matters escalate [--as-of 日期] 按升级阶梯升级超期事项。"
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="子命令")
        overdue = commands.add_parser("overdue", help="列出某日超期未办结的事项")
        overdue.add_argument("--as-of", dest="as_of", type=_date, help="日期 YYYY-MM-DD（默认今天）")
        overdue.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")
        escalate = commands.add_parser("escalate", help="按升级阶梯升级超期事项（定时任务每天执行）")
        escalate.add_argument("--as-of", dest="as_of", type=_date, help="日期 YYYY-MM-DD（默认今天）")

    def handle(self, *args, subcommand, as_of=None, as_json=False, **options):
        as_of = as_of or timezone.localdate()
        if subcommand == "escalate":
            escalated = services.escalate_overdue_matters(as_of, actor=None)
            self.stdout.write(f"{as_of:%Y-%m-%d}：升级 {len(escalated)} 件事项。")
            for matter in escalated:
                self.stdout.write(f"  {matter.code} {matter.title} → {matter.get_escalation_level_display()}")
            return
        rows = selectors.overdue_rows(as_of)
        if as_json:
            self.stdout.write(json.dumps(self._as_dicts(as_of, rows), ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write(f"{as_of:%Y-%m-%d} 没有超期未办结的事项。")
            return
        self.stdout.write(f"{as_of:%Y-%m-%d} 超期未办结事项 {len(rows)} 件：")
        table = [HEADINGS]
        for row in rows:
            matter = row.matter
            table.append(
                (
                    matter.code,
                    matter.title,
                    matter.project.code if matter.project_id else "—",
                    str(matter.lead_unit),
                    f"{row.deadline:%Y-%m-%d}",
                    str(row.working_days_overdue),
                    row.level_label,
                )
            )
        for line in _table(table):
            self.stdout.write(line)

    @staticmethod
    def _as_dicts(as_of, rows):
        return {
            "as_of": as_of.isoformat(),
            "count": len(rows),
            "matters": [
                {
                    "code": row.matter.code,
                    "title": row.matter.title,
                    "kind": row.matter.kind.code,
                    "project_code": row.matter.project.code if row.matter.project_id else None,
                    "project": row.matter.project.name if row.matter.project_id else None,
                    "lead_unit": str(row.matter.lead_unit),
                    "deadline": row.deadline.isoformat(),
                    "working_days_overdue": row.working_days_overdue,
                    "escalation_level": row.level,
                    "escalation_level_label": row.level_label,
                }
                for row in rows
            ],
        }
