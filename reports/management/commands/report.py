"""tiaodu report special --period 2024-03-H1 [--region CODE] [--recorded-at now|时间]
--format docx,pdf,xlsx --out DIR: generate a 专报, store it (SpecialReport) and write its files."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.special.services import generate_special_report


class Command(BaseCommand):
    help = (
        "生成专报：tiaodu report special --period 2024-03-H1 [--region 区划代码] "
        "[--recorded-at now|时间] "
        "--format docx,pdf,xlsx --out 目录。"
        "生成记录保存在系统中（参数、数据时点、统计口径版本、数据校验码）。"
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="kind", required=True, title="报告类型")
        special = commands.add_parser("special", help="半月一专报（也可生成月报、年报）")
        special.add_argument(
            "--period",
            required=True,
            help="统计期：2024-03-H1（上半月）、2024-03-H2（下半月）、2024-03、2024",
        )
        special.add_argument("--region", help="区划代码（含下级），例如 360703")
        special.add_argument(
            "--recorded-at",
            dest="recorded_at",
            help="按哪一时刻的记录计算：now 或时间（默认：统计期末日结束时）",
        )
        special.add_argument(
            "--format", dest="formats", default="docx,pdf,xlsx", help="docx、pdf、xlsx，逗号分隔"
        )
        special.add_argument("--out", required=True, help="输出目录")

    def handle(self, *args, **options):
        out = Path(options["out"])
        try:
            report = generate_special_report(
                options["period"],
                actor=None,
                region=options["region"],
                recorded_at=options["recorded_at"],
                formats=options["formats"],
            )
        except ValidationError as error:
            messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            raise CommandError(
                "；".join(message for items in messages.values() for message in items)
            ) from None
        out.mkdir(parents=True, exist_ok=True)
        for field in ("docx_file", "pdf_file", "xlsx_file"):
            stored = getattr(report, field)
            if stored:
                target = out / f"专报-{report.period_code}.{field.removesuffix('_file')}"
                with stored.open("rb") as handle:
                    target.write_bytes(handle.read())
                self.stdout.write(str(target))
        self.stdout.write(f"专报 {report.period_label}（编号 {report.pk}）校验码 {report.figures_checksum}")
