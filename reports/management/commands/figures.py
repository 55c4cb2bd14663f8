import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lights.choices import TimeElapsedMode
from reports.figures import FiguresScope, compute_figures


class Command(BaseCommand):
    help = (
        "打印统计数据（驾驶舱、专报所用的同一组数据）：tiaodu figures --as-of 日期 [--region 区划代码] "
        "[--unit 单位编码] [--tier 级别] [--leader 挂点领导] [--task-force 专班] [--chain 产业链] "
        "[--period 2024-03-H1|2024-03|2024] [--recorded-at now|时间] [--json]。"
        "默认按统计日期当天结束时的记录（历史记录）计算；"
        "--recorded-at now 按现在的记录计算（适用于事后补录的数据，如演示数据）。"
        "不写入任何数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, dest="as_of", help="统计日期，例如 2024-03-16")
        parser.add_argument("--region", help="区划代码（含下级），例如 360703")
        parser.add_argument("--unit", help="责任单位编码（含下级单位）")
        parser.add_argument(
            "--tier",
            action="append",
            default=[],
            help="项目级别：省重点、市重点、区重点、重大、省大中型；可重复",
        )
        parser.add_argument("--leader", help="挂点领导姓名或编号")
        parser.add_argument("--task-force", dest="task_force", help="推进专班名称或编号")
        parser.add_argument("--chain", help="产业链名称或编号")
        parser.add_argument(
            "--period", help="统计期：2024-03-H1（上半月）、2024-03-H2（下半月）、2024-03、2024"
        )
        parser.add_argument(
            "--recorded-at",
            dest="recorded_at",
            help="按哪一时刻的记录计算：now 或 2024-03-16T18:00（默认：统计日期当天结束时）",
        )
        parser.add_argument(
            "--schedule-mode",
            dest="schedule_mode",
            default=TimeElapsedMode.MONTHS,
            choices=TimeElapsedMode.values,
            help="序时进度算法：months（已过完整月数 ÷ 12，默认）、days（已过天数 ÷ 全年天数）、"
            "plan（项目分月计划）",
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出完整统计数据")

    def handle(self, *args, **options):
        as_of = _date(options["as_of"])
        scope = FiguresScope(
            region=options["region"],
            unit=options["unit"],
            leader=options["leader"],
            task_force=options["task_force"],
            industry_chain=options["chain"],
            tiers=tuple(options["tier"]),
        )
        try:
            figures = compute_figures(
                as_of=as_of,
                scope=scope,
                period=options["period"],
                recorded_at=_moment(options["recorded_at"]),
                schedule_mode=options["schedule_mode"],
            )
        except ValidationError as error:
            raise CommandError("；".join(_messages(error))) from error
        if options["as_json"]:
            self.stdout.write(figures.to_json(indent=2))
        else:
            for line in figures.summary_lines():
                self.stdout.write(line)
            self.stdout.write(f"校验码：{figures.checksum()}")


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--as-of：日期“{text}”格式不正确，应为 2024-03-16。") from error


def _moment(text):
    if not text:
        return None
    if text.strip().lower() == "now":
        return timezone.now()
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(
            f"--recorded-at：时间“{text}”格式不正确，应为 now 或 2024-03-16T18:00。"
        ) from error
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _messages(error):
    if hasattr(error, "message_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)
