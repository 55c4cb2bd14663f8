import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from org.models import Region
from projects.importer import import_projects

ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "从 Excel/CSV 导入数据：tiaodu import projects 文件 [--dry-run] [--json]。"
        "表头自动识别；任何一行有错则全部不写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["projects"], help="导入什么：projects（项目清单）")
        parser.add_argument("file", help=".xlsx、.xls、.ods 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查、预览，不写入")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出结果摘要")
        parser.add_argument("--region", metavar="CODE", help="默认所在区划（区划代码或名称），表中未填时使用")
        parser.add_argument("--year", type=int, metavar="YYYY", help="列名未写年份的“年度计划投资”列的年度")
        parser.add_argument("--actor", metavar="USERNAME", help="变更记录中的操作人（用户名）")

    def handle(self, *args, kind, file, dry_run, as_json, region, year, actor, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        summary = import_projects(
            path,
            actor=self._actor(actor),
            region=self._region(region),
            year=year,
            commit=not dry_run,
        )
        if as_json:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._report(summary, dry_run)
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

    @staticmethod
    def _region(text):
        if not text:
            return None
        found = list(Region.objects.filter(code=text)) or list(Region.objects.filter(name=text)[:2])
        if len(found) != 1:
            raise CommandError(
                f"找不到区划：{text}" if not found else f"区划名称“{text}”不唯一，请填区划代码"
            )
        return found[0]

    def _report(self, summary, dry_run):
        total = summary.total_investment_wan
        self.stdout.write(
            f"读取 {summary.rows_read} 行项目：新增 {summary.created}，更新 {summary.updated}，"
            f"不变 {summary.unchanged}；跳过合计/小计/分组行 {summary.skipped} 行。"
        )
        self.stdout.write(f"所读项目总投资 {total:,} 万元（{total / 10000:,.2f} 亿元）。")
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
