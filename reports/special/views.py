"""专报 pages: the list of generated reports (with the job's status and progress, each unfinished row
polling its own fragment), the generate form (queues the background job) and the downloads. Rows come
only through SpecialReport.objects.restrict; a report out of the user's scope is a 404."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from core.permissions import has_action
from reports.models import SpecialReport

from .services import FORMATS, queue_special_report

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class SpecialReportForm(forms.Form):
    period = forms.CharField(
        label="统计期", max_length=20, help_text="2024-03-H1（上半月）、2024-03-H2（下半月）、2024-03 或 2024"
    )
    region = forms.CharField(
        label="区划代码", max_length=12, required=False, help_text="留空：本人授权范围的区划"
    )
    recorded_at = forms.CharField(
        label="数据时点",
        max_length=40,
        required=False,
        help_text="留空：统计期末日结束时的记录；now：现在的记录",
    )
    formats = forms.MultipleChoiceField(
        label="文件格式",
        choices=[(item, item.upper()) for item in FORMATS],
        initial=list(FORMATS),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("period", "region", "recorded_at"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")


def _own_region(user):
    """The code of the highest region on which the user may generate reports: a report is seen by
    those whose scope covers its region, so the office's report is filed under its own county."""
    from org.models import Grant

    grant = (
        Grant.objects.filter(user=user, region__isnull=False, role__permissions__codename="add_specialreport")
        .select_related("region")
        .order_by("region__path")
        .first()
    )
    return grant.region.code if grant else None


@login_required
def special_report_list(request):
    """专报: the reports the user may view, newest first, and (for the office) the generate form; a
    POST queues a report and starts its background job."""
    from reports.tasks import generate_special_report_task

    may_add = has_action(request.user, SpecialReport, "add")
    form = SpecialReportForm(request.POST or None)
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied("您没有生成专报的权限。")
        if form.is_valid():
            try:
                report = queue_special_report(
                    form.cleaned_data["period"],
                    actor=request.user,
                    region=form.cleaned_data["region"] or _own_region(request.user),
                    recorded_at=form.cleaned_data["recorded_at"] or None,
                    formats=form.cleaned_data["formats"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                generate_special_report_task(report.pk)
                messages.success(request, f"已开始生成{report}，完成后可在列表中下载。")
                return redirect("reports:specialreport_list")
    reports = SpecialReport.objects.restrict(request.user, "view").select_related("region", "created_by")[
        :100
    ]
    return render(
        request, "reports/specialreport_list.html", {"reports": reports, "form": form, "may_add": may_add}
    )


@login_required
@require_GET
def special_report_row(request, pk):
    """One row of the list, for htmx to poll while the report's job is queued or running: status,
    progress and, once done, the downloads. The row of a finished or failed report no longer polls."""
    report = get_object_or_404(
        SpecialReport.objects.restrict(request.user, "view").select_related("region", "created_by"), pk=pk
    )
    return render(request, "reports/specialreport_row.html", {"report": report})


@login_required
@require_GET
def special_report_file(request, pk, kind):
    """A generated 专报 file (docx, pdf or xlsx), to users who may view the report (404 otherwise)."""
    if kind not in CONTENT_TYPES:
        raise Http404("没有这种文件。")
    report = get_object_or_404(SpecialReport.objects.restrict(request.user, "view"), pk=pk)
    stored = getattr(report, f"{kind}_file")
    if not stored:
        raise Http404("文件不存在。")
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    response = FileResponse(handle, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(f'专报-{report.period_code}.{kind}')}"
    )
    response["Cache-Control"] = "private, no-store"
    return response
