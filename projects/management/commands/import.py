import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

ERRORS_SHOWN = 50
# What `tiaodu import KIND` can import: each app provides its kind (its arguments and how it runs).
KINDS = {
    "projects": "projects.importer.command.ProjectsKind",
    "progress": "dispatch.importer.command.ProgressKind",
}


def kinds():
    return {name: import_string(path) for name, path in KINDS.items()}


class Command(BaseCommand):
    help = (
        "从 Excel/CSV 导入数据：tiaodu import projects 文件 [--dry-run] [--json]；"
        "tiaodu import progress 文件 --round 轮次 [--dry-run] [--json]。"
        "表头自动识别；任何一行有错则全部不写入。"
    )

    def add_arguments(self, parser):
        available = kinds()
        parser.add_argument(
            "kind",
            choices=list(available),
            help="导入什么：" + "；".join(kind.label for kind in available.values()),
        )
        parser.add_argument("file", help=".xlsx、.xls、.ods 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查、预览，不写入")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出结果摘要")
        parser.add_argument("--actor", metavar="USERNAME", help="变更记录中的操作人（用户名）")
        for kind in available.values():
            kind.add_arguments(parser)

    def handle(self, *args, kind, file, dry_run, as_json, actor, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        importer = kinds()[kind]
        summary = importer.run(path, actor=self._actor(actor), dry_run=dry_run, options=options)
        if as_json:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._report(summary, importer, dry_run)
        if summary.errors:
            raise CommandError(f"有 {len(summary.errors)} 处错误，未写入任何数据。", returncode=1)

    @staticmethod
    def _actor(username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"找不到用户：{username}")
        return user

    def _report(self, summary, importer, dry_run):
        total = summary.total_investment_wan
        self.stdout.write(
            f"读取 {summary.rows_read} 行{importer.rows_read}：新增 {summary.created}，"
            f"更新 {summary.updated}，不变 {summary.unchanged}；跳过合计/小计/分组行 {summary.skipped} 行。"
        )
        self.stdout.write(f"{importer.total_read} {total:,} 万元（{total / 10000:,.2f} 亿元）。")
        if summary.errors:
            self.stdout.write(f"错误 {len(summary.errors)} 处：")
            for error in summary.errors[:ERRORS_SHOWN]:
                self.stdout.write(f"  {error}")
            if len(summary.errors) > ERRORS_SHOWN:
                self.stdout.write(f"  ……另有 {len(summary.errors) - ERRORS_SHOWN} 处（用 --json 查看全部）")
        elif dry_run:
            self.stdout.write("预览（--dry-run）：未写入。")
        else:
            self.stdout.write(self.style.SUCCESS("已写入。"))
