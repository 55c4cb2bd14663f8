"""Generating a 专报: `generate_special_report` (at once) or `queue_special_report` (in the background,
reports.tasks), both storing a `SpecialReport` with its parameters, as-of date, recorded-at moment, the
rules version, the figures and their checksum, and the files. `regenerate_special_report` repeats a
stored report from its stored parameters: the records are read as they stood at the same moment, so the
figures and the checksum are the same whatever was edited since."""

import datetime
from concurrent.futures import ThreadPoolExecutor

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.history import history_context
from core.permissions import has_action
from reports.choices import DocumentKind, SpecialReportStatus
from reports.figures import FiguresScope, compute_figures, parse_period
from reports.models import SpecialReport

from .context import special_context

# The version of the figures' definitions and the 专报's wording (docs/figures.md, docs/special-report.md);
# stored with each report so a later change of the rules is visible on the reports made before it.
RULES_VERSION = "2024.1"
FORMATS = ("docx", "pdf", "xlsx")


def parse_formats(text):
    """("docx", "pdf", …) from "docx,pdf,xlsx"; ValidationError naming a format not known."""
    items = [item.strip().lower() for item in (text or "").split(",") if item.strip()]
    unknown = [item for item in items if item not in FORMATS]
    if unknown or not items:
        raise ValidationError(
            {"formats": f"文件格式“{text}”不正确，应为 docx、pdf、xlsx 中的一个或多个，用逗号分隔。"}
        )
    return tuple(format_ for format_ in FORMATS if format_ in items)


def _region(code):
    from org.models import Region

    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({"region": f"区划代码“{code}”不存在。"})
    return region


def _moment(value):
    if value is None or isinstance(value, datetime.datetime):
        return value
    if value == "now":
        return timezone.now()
    moment = parse_datetime(value)
    if moment is None:
        raise ValidationError({"recorded_at": f"数据时点“{value}”格式不正确，应为 now 或 2024-03-16T18:00。"})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def queue_special_report(period, *, actor, region=None, recorded_at=None, formats=FORMATS):
    """Store a queued `SpecialReport` for `period` ("2024-03-H1", "2024-03-H2", "2024-03", "2024"),
    optionally for the region with code `region`, read as recorded at `recorded_at` (None: the end of the
    period's last day; "now" or a moment), with the files of `formats`. The caller runs it
    (`run_special_report`, or reports.tasks.generate_special_report_task in the background).
    PermissionDenied when the actor may not add reports; ValidationError (Chinese) for bad input."""
    if actor is not None and not has_action(actor, SpecialReport, "add"):
        raise PermissionDenied("您没有生成专报的权限。")
    parsed = parse_period(period)
    region_obj = _region(region)
    moment = _moment(recorded_at)
    formats = parse_formats(",".join(formats)) if not isinstance(formats, str) else parse_formats(formats)
    with transaction.atomic(), history_context(actor=actor, reason="生成专报"):
        return SpecialReport.objects.create(
            period_code=parsed.code,
            period_label=parsed.label,
            region=region_obj,
            parameters={
                "period": parsed.code,
                "region": region_obj.code if region_obj else None,
                "recorded_at": moment.isoformat() if moment else None,
                "formats": list(formats),
            },
            as_of=parsed.end,
            # Replaced by the moment the figures actually read once they are computed.
            recorded_at=moment or timezone.now(),
            rules_version=RULES_VERSION,
            formats=list(formats),
            created_by=actor,
        )


def compute_report_figures(parameters):
    """The figures of stored `parameters` (SpecialReport.parameters): one compute_figures call."""
    period = parse_period(parameters["period"])
    scope = FiguresScope(region=parameters["region"]) if parameters.get("region") else None
    recorded = parameters.get("recorded_at")
    return compute_figures(
        as_of=period.end,
        scope=scope,
        period=period,
        recorded_at=datetime.datetime.fromisoformat(recorded) if recorded else None,
    )


def _progress(report, value, **fields):
    SpecialReport.objects.filter(pk=report.pk).update(progress=value, **fields)
    report.progress = value
    for name, field_value in fields.items():
        setattr(report, name, field_value)


def run_special_report(report):
    """Generate the figures, the context and the files of a queued `report`, recording progress
    (0–100) as it goes; status done, or failed with the error (and no files) when anything fails."""
    from reports.services import template_file

    from .documents import render_docx, render_pdf, render_xlsx

    _progress(report, 5, status=SpecialReportStatus.RUNNING)
    try:
        figures = compute_report_figures(report.parameters)
        _progress(report, 30)
        data = figures.to_dict()
        template, template_bytes = template_file(DocumentKind.SPECIAL_REPORT)
        context = special_context(
            data,
            issuer_name=(template.issuer_name if template else "") or "重点项目建设办公室",
            red_header=bool(template and template.red_header),
        )
        files = {}
        docx = render_docx(template_bytes, context)
        if "docx" in report.formats:
            files["docx_file"] = docx
        _progress(report, 60)
        # LibreOffice converts in a process of its own (seconds for a city's report): the Excel annex
        # is written meanwhile, on the other core.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pdf = pool.submit(render_pdf, docx) if "pdf" in report.formats else None
            if "xlsx" in report.formats:
                files["xlsx_file"] = render_xlsx(context, data)
            _progress(report, 70)
            if pdf is not None:
                files["pdf_file"] = pdf.result()
        _progress(report, 95)
        with transaction.atomic(), history_context(actor=report.created_by, reason="生成专报"):
            report.refresh_from_db()
            report.figures = data
            report.figures_checksum = figures.checksum()
            report.recorded_at = datetime.datetime.fromisoformat(data["parameters"]["recorded_at"])
            report.template = template
            for field, content in files.items():
                extension = field.removesuffix("_file")
                getattr(report, field).save(
                    f"专报-{report.period_code}-{report.pk}.{extension}", ContentFile(content), save=False
                )
            report.status = SpecialReportStatus.DONE
            report.progress = 100
            report.save()
    except Exception as error:
        _progress(report, report.progress, status=SpecialReportStatus.FAILED, error=str(error)[:2000])
        raise
    return report


def generate_special_report(period, *, actor, region=None, recorded_at=None, formats=FORMATS):
    """Generate a 专报 at once (see queue_special_report for the parameters); the done SpecialReport."""
    report = queue_special_report(
        period, actor=actor, region=region, recorded_at=recorded_at, formats=formats
    )
    return run_special_report(report)


def regenerate_special_report(report, *, actor):
    """A new 专报 from `report`'s stored parameters, its records read at the same stored moment: the
    same figures and checksum as the original, whatever was edited since."""
    parameters = report.parameters
    return generate_special_report(
        parameters["period"],
        actor=actor,
        region=parameters.get("region"),
        recorded_at=report.recorded_at,
        formats=parameters["formats"],
    )
