"""Background jobs of 报告与函件, run by the huey consumer that `tiaodu serve` starts (immediate in tests)."""

from huey.contrib.djhuey import db_task

from reports.models import SpecialReport
from reports.special.services import run_special_report


@db_task()
def generate_special_report_task(report_id):
    """Generate the queued 专报 `report_id` (its status and progress show on the list page)."""
    report = SpecialReport.objects.filter(pk=report_id).first()
    if report is None:  # deleted (or rolled back) before the job ran
        return {"report": report_id, "checksum": None}
    run_special_report(report)
    return {"report": report_id, "checksum": report.figures_checksum}
