"""The `progress` kind of `tiaodu import`: a progress sheet into a round's reports (`import_progress`).

ROUND is the round's id or "<cadence name>:<period start YYYY-MM-DD>" (每周调度:2024-03-04).
"""

import datetime

from django.core.management.base import CommandError

from ..models import DispatchRound
from .importer import import_progress


class ProgressKind:
    label = "progress（调度进度报表）"
    rows_read = "进度"
    total_read = "所读本期完成投资合计"

    @staticmethod
    def add_arguments(parser):
        parser.add_argument(
            "--round",
            metavar="ROUND",
            dest="dispatch_round",
            help="progress：调度轮次，填轮次编号或“调度频次名称:周期开始日期”（如 每周调度:2024-03-04）",
        )

    @staticmethod
    def run(path, *, actor, dry_run, options):
        dispatch_round = find_round(options["dispatch_round"])
        return import_progress(path, round=dispatch_round, actor=actor, dry_run=dry_run)


def find_round(text):
    """The round named by its id or "<cadence name>:<YYYY-MM-DD>"."""
    if not text:
        raise CommandError("导入进度报表须用 --round 指定调度轮次（轮次编号或“调度频次名称:周期开始日期”）。")
    text = text.strip()
    if text.isdigit():
        found = DispatchRound.objects.filter(pk=int(text)).select_related("cadence").first()
    else:
        name, _, start = text.replace("：", ":").rpartition(":")
        try:
            day = datetime.date.fromisoformat(start.strip())
        except ValueError as error:
            raise CommandError(f"无法识别的调度轮次“{text}”：日期应写成 YYYY-MM-DD。") from error
        matches = list(
            DispatchRound.objects.filter(cadence__name=name.strip(), period_start=day).select_related(
                "cadence"
            )[:2]
        )
        if len(matches) > 1:
            raise CommandError(f"“{text}”对应多个调度轮次（不同区划的同名调度频次），请填轮次编号。")
        found = matches[0] if matches else None
    if found is None:
        raise CommandError(f"找不到调度轮次：{text}")
    return found
