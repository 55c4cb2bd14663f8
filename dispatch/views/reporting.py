"""Reporting pages: a unit's open reports, the phone-first fill form with photos, and the office's
review actions on a report.

Every page gets its rows through `restrict`: filling needs the report in the user's "change" scope,
reviewing in its "review" scope (the office), photos are served only to users who may view them.
Everything that changes data calls `dispatch.services` with the signed-in user as actor.
"""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_GET

from core import views as generic
from core.permissions import has_action
from dispatch import services
from dispatch.choices import EDITABLE_STATUSES, ReminderChannel, ReportStatus
from dispatch.models import ProgressReport, Reminder, ReportPhoto
from dispatch.reporting_forms import (
    CONFIDENCE_TONES,
    ReopenReportForm,
    ReportFillForm,
    ReturnReportForm,
    ReviewCommentForm,
    add_review_errors,
)
from dispatch.selectors import round_state

# Returned reports come first: the office is waiting for them.
STATUS_ORDER = {
    ReportStatus.RETURNED: 0,
    ReportStatus.PENDING: 1,
    ReportStatus.DRAFT: 2,
    ReportStatus.SUBMITTED: 3,
    ReportStatus.APPROVED: 4,
}
STATUS_TONES = {
    ReportStatus.PENDING: "secondary",
    ReportStatus.DRAFT: "info",
    ReportStatus.SUBMITTED: "primary",
    ReportStatus.RETURNED: "danger",
    ReportStatus.APPROVED: "success",
}
# Photos never change once stored (a new upload is a new file); access can be withdrawn, so keep
# them private to the browser and only for a while.
PHOTO_CACHE_CONTROL = "private, max-age=3600"


def _status_order():
    return Case(
        *[When(status=status, then=Value(order)) for status, order in STATUS_ORDER.items()],
        output_field=IntegerField(),
    )


def fill_url(report):
    return reverse("dispatch:report_fill", kwargs={"pk": report.pk})


def report_url(report):
    return report.get_absolute_url()


# 我的填报 -----------------------------------------------------------------------------------------


class MyReportsView(LoginRequiredMixin, View):
    """The reports the user may fill in rounds that still accept them, by round, returned ones first;
    and the unit's unread reminders."""

    template_name = "dispatch/my_reports.html"

    def get(self, request):
        user, now = request.user, timezone.now()
        reports = (
            ProgressReport.objects.restrict(user, "change")
            .filter(round__opens_at__lte=now)
            .select_related("round__cadence", "project", "unit")
            .annotate(status_order=_status_order())
            .order_by("round__due_at", "round_id", "status_order", "project__code")
        )
        accepting = {}

        def accepts(report):
            key = (report.round_id, report.unit_id)
            if key not in accepting:
                accepting[key] = services.accepts_reports(report.round, report.unit, now=now)
            return accepting[key]

        groups = []
        for dispatch_round, rows in groupby(reports, key=lambda report: report.round):
            rows = [report for report in rows if accepts(report)]
            if not rows:
                continue
            for report in rows:
                report.tone = STATUS_TONES.get(report.status, "secondary")
                report.can_fill = report.status in EDITABLE_STATUSES
            groups.append(
                {
                    "round": dispatch_round,
                    "state": round_state(dispatch_round, now=now),
                    "overdue": now >= dispatch_round.due_at,
                    "reports": rows,
                    "to_do": sum(1 for report in rows if report.can_fill),
                }
            )
        returned = sum(
            1 for group in groups for report in group["reports"] if report.status == ReportStatus.RETURNED
        )
        reminders = (
            Reminder.objects.restrict(user, "view")
            .filter(read_at__isnull=True, channel=ReminderChannel.IN_APP)
            # Only rounds still taking reports: a reminder about a locked round asks for nothing.
            .filter(Q(round__locks_at__isnull=True) | Q(round__locks_at__gt=now))
            .select_related("round", "unit")
            .order_by("-sent_at")[:10]
        )
        context = {"groups": groups, "returned": returned, "reminders": reminders, "now": now}
        return render(request, self.template_name, context)


# The fill page ----------------------------------------------------------------------------------


class ReportFillView(LoginRequiredMixin, View):
    """GET shows the form; POST adds the chosen photos, then saves a draft (保存草稿) or submits (报送)
    through the services. 404 unless the report is in the user's "change" scope."""

    template_name = "dispatch/report_fill.html"

    def get_report(self, pk):
        reports = ProgressReport.objects.restrict(self.request.user, "change").select_related(
            "round__cadence", "project", "unit"
        )
        return get_object_or_404(reports, pk=pk)

    def get(self, request, pk):
        report = self.get_report(pk)
        if report.status not in EDITABLE_STATUSES:
            messages.info(request, f"报告{report.get_status_display()}，不能再修改。")
            return redirect(report_url(report))
        return self.render_page(report, ReportFillForm(report=report))

    def post(self, request, pk):
        report = self.get_report(pk)
        form = ReportFillForm(request.POST, request.FILES, report=report)
        submitting = self.submitting = "submit" in request.POST
        if not form.is_valid():
            return self.render_page(report, form, status=400)
        if not self.add_photos(report, form):
            return self.render_page(report, form, status=400)
        values = form.report_values()
        try:
            if submitting:
                services.submit_report(report, actor=request.user, **values)
            else:
                services.save_report(report, actor=request.user, **values)
        except ValidationError as error:
            findings = (
                services.check_report(report) if submitting and not hasattr(error, "error_dict") else ()
            )
            form.add_service_errors(error, findings=findings)
            # The service may have changed the in-memory report before it refused; read it again.
            return self.render_page(self.get_report(pk), form, status=400)
        if submitting:
            messages.success(request, f"已报送“{report.project.name}”{report.round.label}的进度。")
            return redirect("dispatch:my_reports")
        messages.success(request, "草稿已保存。")
        return redirect(fill_url(report))

    def add_photos(self, report, form):
        """Add each chosen photo; a refused one becomes an error on the photo field. True if all went in."""
        uploads = form.cleaned_data["photos"]
        if not uploads:
            return True
        if not has_action(self.request.user, ReportPhoto, "add"):
            form.add_error("photos", "您没有上传现场照片的权限。")
            return False
        added = 0
        for upload in uploads:
            try:
                services.add_photo(
                    report, upload=upload, caption=form.cleaned_data["photo_caption"], actor=self.request.user
                )
            except ValidationError as error:
                form.add_error("photos", error.messages)
            else:
                added += 1
        if added:
            messages.info(self.request, f"已上传 {added} 张照片。")
        return not form.errors

    def render_page(self, report, form, *, status=200):
        user = self.request.user
        for name in form.errors:
            if name in form.fields:
                widget = form.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
        photos = list(report.photos.all().restrict(user, "view"))
        deletable = set(report.photos.all().restrict(user, "delete").values_list("pk", flat=True))
        for photo in photos:
            photo.delete_url = (
                reverse("dispatch:report_photo_delete", kwargs={"pk": photo.pk})
                if photo.pk in deletable
                else ""
            )
        context = {
            "report": report,
            "project": report.project,
            "form": form,
            "photos": photos,
            "accepting": services.accepts_reports(report.round, report.unit),
            "state": round_state(report.round),
            "detail_url": report_url(report),
            "fill_url": fill_url(report),
            "tone": STATUS_TONES.get(report.status, "secondary"),
            "submitting": getattr(self, "submitting", False),
        }
        return render(self.request, self.template_name, context, status=status)


class ReportPhotoDeleteView(LoginRequiredMixin, View):
    """POST only: remove a photo of a report the user may change, while the report is editable."""

    http_method_names = ["post"]

    def post(self, request, pk):
        photos = ReportPhoto.objects.restrict(request.user, "delete").select_related("report__round")
        photo = get_object_or_404(photos, pk=pk)
        report = get_object_or_404(
            ProgressReport.objects.restrict(request.user, "change"), pk=photo.report_id
        )
        try:
            services.delete_photo(photo, actor=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "照片已删除。")
        if report.status in EDITABLE_STATUSES:
            return redirect(fill_url(report))
        return redirect(report_url(report))


class ReminderReadView(LoginRequiredMixin, View):
    """POST only: the unit marks an in-app reminder as read (知道了); 404 outside the user's scope."""

    http_method_names = ["post"]

    def post(self, request, pk):
        reminder = get_object_or_404(Reminder.objects.restrict(request.user, "view"), pk=pk)
        services.mark_reminder_read(reminder, actor=request.user)
        if request.htmx:
            return HttpResponse("")
        return redirect("dispatch:my_reports")


# Serving photos ---------------------------------------------------------------------------------


def _photo_response(request, pk, field):
    photo = get_object_or_404(ReportPhoto.objects.restrict(request.user, "view"), pk=pk)
    stored = getattr(photo, field)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = PHOTO_CACHE_CONTROL
    response["Content-Disposition"] = (
        f'inline; filename="photo-{photo.pk}{"-thumbnail" if field == "thumbnail" else ""}.jpg"'
    )
    return response


@login_required
@require_GET
def photo_image(request, pk):
    """The stored (upright, re-encoded) photo, only to users who may view it (404 otherwise)."""
    return _photo_response(request, pk, "image")


@login_required
@require_GET
def photo_thumbnail(request, pk):
    """The photo's thumbnail, only to users who may view it (404 otherwise)."""
    return _photo_response(request, pk, "thumbnail")


# The report page and the review actions ---------------------------------------------------------


class ProgressReportDetailView(generic.ObjectDetailView):
    queryset = ProgressReport.objects.select_related(
        "round__cadence", "project", "unit", "submitted_by", "reviewed_by"
    )
    template_name = "dispatch/report_detail.html"

    def extra_context(self, report):
        user = self.request.user
        same = ProgressReport.objects.filter(pk=report.pk)
        may_review = same.restrict(user, "review").exists()
        may_change = same.restrict(user, "change").exists()
        context = {
            "report": report,
            "tone": STATUS_TONES.get(report.status, "secondary"),
            "confidence_tone": CONFIDENCE_TONES.get(report.confidence, ""),
            "photos": report.photos.all().restrict(user, "view"),
            "reviews": report.reviews.all().restrict(user, "view").select_related("actor"),
            "fill_url": fill_url(report) if may_change and report.status in EDITABLE_STATUSES else "",
            "may_review": may_review,
        }
        if may_review:
            context |= {
                "can_approve": report.status == ReportStatus.SUBMITTED,
                "can_return": report.status == ReportStatus.SUBMITTED,
                # The service also reopens a submitted report, but returning it is the office's way then.
                "can_reopen": report.status == ReportStatus.APPROVED,
                "approve_form": ReviewCommentForm(),
                "return_form": ReturnReportForm(),
                "reopen_form": ReopenReportForm(),
                "approve_url": reverse("dispatch:report_approve", kwargs={"pk": report.pk}),
                "return_url": reverse("dispatch:report_return", kwargs={"pk": report.pk}),
                "reopen_url": reverse("dispatch:report_reopen", kwargs={"pk": report.pk}),
            }
        return context


class ReviewActionView(ProgressReportDetailView):
    """POST only, on a report in the user's "review" scope (else 404): read `form_class`, call
    `act(report, form)`; a refusal shows the report page again with the form's errors."""

    http_method_names = ["post"]
    form_class = None
    form_context = ""

    def post(self, request, pk):
        report = get_object_or_404(self.restricted_queryset("review"), pk=pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.act(report, form)
            except ValidationError as error:
                add_review_errors(form, error)
            else:
                messages.success(request, self.done_message(report))
                return redirect(report_url(report))
        # The service may have changed the in-memory report before it refused; read it again.
        report = get_object_or_404(self.restricted_queryset("view"), pk=pk)
        return self.render_page(
            report, status=400, review_errors=form.non_field_errors(), **{self.form_context: form}
        )

    def act(self, report, form):
        raise NotImplementedError

    def done_message(self, report):
        raise NotImplementedError


class ReportApproveView(ReviewActionView):
    form_class = ReviewCommentForm
    form_context = "approve_form"

    def act(self, report, form):
        services.approve_report(report, actor=self.request.user, comment=form.cleaned_data["comment"])

    def done_message(self, report):
        return f"已审核通过“{report.project.name}”{report.round.label}的报告。"


class ReportReturnView(ReviewActionView):
    form_class = ReturnReportForm
    form_context = "return_form"

    def act(self, report, form):
        services.return_report(report, comment=form.cleaned_data["comment"], actor=self.request.user)

    def done_message(self, report):
        return f"已退回“{report.project.name}”{report.round.label}的报告，填报单位可修改后重新报送。"


class ReportReopenView(ReviewActionView):
    form_class = ReopenReportForm
    form_context = "reopen_form"

    def act(self, report, form):
        services.reopen_report(report, reason=form.cleaned_data["reason"], actor=self.request.user)

    def done_message(self, report):
        return f"已重新打开“{report.project.name}”{report.round.label}的报告，填报单位可修改后重新报送。"


urlpatterns = [
    path("my/", MyReportsView.as_view(), name="my_reports"),
    path("reports/<int:pk>/fill/", ReportFillView.as_view(), name="report_fill"),
    path("reports/<int:pk>/approve/", ReportApproveView.as_view(), name="report_approve"),
    path("reports/<int:pk>/return/", ReportReturnView.as_view(), name="report_return"),
    path("reports/<int:pk>/reopen/", ReportReopenView.as_view(), name="report_reopen"),
    # photos/<pk>/ and photos/<pk>/changelog/ are the generic photo pages (dispatch/urls.py).
    path("photos/<int:pk>/image/", photo_image, name="report_photo"),
    path("photos/<int:pk>/thumbnail/", photo_thumbnail, name="report_photo_thumbnail"),
    path("photos/<int:pk>/remove/", ReportPhotoDeleteView.as_view(), name="report_photo_delete"),
    path("reminders/<int:pk>/read/", ReminderReadView.as_view(), name="reminder_read"),
]
