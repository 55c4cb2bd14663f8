"""The matter page: what was assigned (五到位), its light and clocks, the escalation ladder, the
timeline, extension requests, pauses and evidence — and the action forms, each shown only to users
the engine lets act (`selectors.allowed_actions`), each posting to a view that calls ONE service.

A matter outside the user's view scope is 404. An action the engine refuses to this user
(PermissionDenied) is 404 as well, and changes nothing; an action refused for the matter's state (a
ValidationError) shows the page again with the engine's Chinese message on the form.
"""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import views as generic
from core.views.base import object_url
from core.views.objects import field_rows
from core.workdays import provisional_warning
from matters import forms, selectors, services
from matters.choices import LEVEL_ORDER, AttachmentType, EscalationLevel, ExtensionStatus, Light
from matters.models import Matter, MatterAttachment

from .boards import light_tone
from .objects import MATTER_RELATED

CONTENT_TYPES = {
    AttachmentType.PDF: "application/pdf",
    AttachmentType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    AttachmentType.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
STAMP_LABELS = {"创建时间", "更新时间", "演示虚构数据"}
REVIEW_BUTTONS = (("pass", "复核通过", "btn-success"), ("return", "退回重办", "btn-outline-danger"))
DECIDE_BUTTONS = (("approve", "同意延期", "btn-success"), ("reject", "不同意", "btn-outline-danger"))
IMAGE_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def action_url(matter, action):
    return reverse(f"matters:matter_{action}", kwargs={"pk": matter.pk})


def ladder_rows(matter, *, today, calendar):
    """The escalation ladder as the matter climbs it: each level, when the rule reaches it (so many
    working days after the deadline, and the date that gives), whether and when it was reached."""
    reached_on = {}
    for event in matter.events.exclude(to_level="").order_by("effective_on", "id"):
        reached_on.setdefault(event.to_level, event.effective_on)
    current = LEVEL_ORDER.index(matter.escalation_level)
    rows = [
        {
            "level": EscalationLevel.UNIT,
            "label": EscalationLevel.UNIT.label,
            "after_days": None,
            "due_on": None,
            "reached": True,
            "reached_on": matter.opened_on,
            "current": current == 0,
        }
    ]
    for step in matter.kind.escalation_ladder:
        level = EscalationLevel(step["level"])
        index = LEVEL_ORDER.index(level)
        rows.append(
            {
                "level": level,
                "label": level.label,
                "after_days": step["after_days"],
                "due_on": None
                if matter.is_closed
                else calendar.add_working_days(matter.deadline, step["after_days"]),
                "reached": index <= current,
                "reached_on": reached_on.get(level),
                "current": index == current,
            }
        )
    # A level reached by hand that the kind's ladder does not list is still shown where it belongs.
    listed = {row["level"] for row in rows}
    for level in LEVEL_ORDER:
        if level not in listed and level in reached_on:
            rows.append(
                {
                    "level": level,
                    "label": level.label,
                    "after_days": None,
                    "due_on": None,
                    "reached": LEVEL_ORDER.index(level) <= current,
                    "reached_on": reached_on[level],
                    "current": LEVEL_ORDER.index(level) == current,
                }
            )
    rows.sort(key=lambda row: LEVEL_ORDER.index(row["level"]))
    return rows


class MatterDetailView(generic.ObjectDetailView):
    queryset = Matter.objects.select_related(*MATTER_RELATED, "region", "source_report__round")
    template_name = "matters/matter_detail.html"

    def object_links(self, matter):
        links = super().object_links(matter)
        # Editing the assignment is the office's (the engine's rule), not everyone's with "change".
        allowed = self.allowed(matter)
        links["edit_url"] = object_url(Matter, "edit", matter) if "edit" in allowed else ""
        return links

    def allowed(self, matter):
        if getattr(self, "_allowed_for", None) != matter.pk:
            self._allowed = selectors.allowed_actions(matter, self.request.user)
            self._allowed_for = matter.pk
        return self._allowed

    def extra_context(self, matter):
        user = self.request.user
        today = timezone.localdate()
        calendar = selectors.working_calendar()
        light = selectors.matter_light(matter, today=today, calendar=calendar)
        allowed = self.allowed(matter)
        extensions = list(
            matter.extension_requests.all()
            .restrict(user, "view")
            .select_related("requested_by", "decided_by")
        )
        pending = next((item for item in extensions if item.status == ExtensionStatus.PENDING), None)
        overdue_days = calendar.working_days_between(matter.deadline, today) if light == Light.RED else None
        context = {
            "matter": matter,
            # What the lead unit reported, then the record's own timestamps last.
            "fields": sorted(
                [*field_rows(matter), (Matter._meta.get_field("feedback").verbose_name, matter.feedback)],
                key=lambda row: row[0] in STAMP_LABELS,
            ),
            "today": today,
            "light": light,
            "light_label": Light(light).label if light else "",
            "light_tone": light_tone(light),
            "overdue_days": overdue_days,
            "remaining_days": None
            if light in (None, Light.RED)
            else calendar.working_days_remaining(matter.deadline, today),
            "clocks": selectors.deadline_state(matter, today=today, calendar=calendar),
            # The 办结 clock of this matter: its own deadline may differ from the kind's default.
            "resolve_days": calendar.working_days_between(matter.opened_on, matter.original_deadline),
            "ladder": ladder_rows(matter, today=today, calendar=calendar),
            "provisional": provisional_warning(calendar.provisional_years(matter.opened_on, matter.deadline)),
            "next_node": selectors.next_node(matter),
            "events": matter.events.all().restrict(user, "view").select_related("actor__person"),
            "extensions": extensions,
            "pending_extension": pending,
            "attachments": matter.attachments.all().restrict(user, "view").select_related("uploaded_by"),
            "pauses": matter.pauses.all().restrict(user, "view"),
            "cooperating_units": list(matter.cooperating_units.all()),
            "allowed": allowed,
        }
        forms_by_action = {
            "sign": ("sign_form", lambda: forms.CommentForm(prefix="sign")),
            "start_handling": ("handle_form", lambda: forms.CommentForm(prefix="handle")),
            "submit_feedback": ("feedback_form", lambda: forms.FeedbackForm(prefix="feedback")),
            "review": ("review_form", lambda: forms.ReviewForm(prefix="review")),
            "close": ("close_form", lambda: forms.CloseForm(prefix="close")),
            "reopen": ("reopen_form", lambda: forms.ReopenForm(prefix="reopen")),
            "request_extension": ("extension_form", lambda: forms.ExtensionRequestForm(prefix="extension")),
            "decide_extension": ("decide_form", lambda: forms.DecideExtensionForm(prefix="decide")),
            "escalate": (
                "escalate_form",
                lambda: forms.EscalateForm(prefix="escalate", current_level=matter.escalation_level),
            ),
            "pause": ("pause_form", lambda: forms.PauseForm(prefix="pause")),
            "resume": ("resume_form", lambda: forms.CommentForm(prefix="resume")),
            "add_attachment": ("attachment_form", lambda: forms.AttachmentForm(prefix="attachment")),
            "comment": ("note_form", lambda: forms.NoteForm(prefix="note")),
        }
        for action, (name, build) in forms_by_action.items():
            if action in allowed:
                context[name] = build()
                context[f"{name}_url"] = action_url(matter, ACTION_URL_NAMES[action])
        context["review_buttons"] = REVIEW_BUTTONS
        context["decide_buttons"] = DECIDE_BUTTONS
        if matter.kind.requires_evidence:
            context["close_hint"] = f"“{matter.kind.name}”类事项销号前须上传佐证材料。"
        if matter.source_report_id:
            context["source_report_url"] = matter.source_report.get_absolute_url()
        return context


class MatterActionView(MatterDetailView):
    """POST only. Declare `form_class`, `form_context` (the page's name for the form), `prefix`,
    `act(matter, form)` (the one service call) and `done_message(matter)`."""

    http_method_names = ["post"]
    form_class = None
    form_context = ""
    prefix = ""

    def build_form(self, matter):
        return self.form_class(self.request.POST, self.request.FILES, prefix=self.prefix)

    def post(self, request, pk):
        matter = get_object_or_404(self.restricted_queryset("view"), pk=pk)
        form = self.build_form(matter)
        if form.is_valid():
            try:
                result = self.act(matter, form)
            except PermissionDenied:
                raise Http404("没有这个事项，或您不能办理这一步。") from None
            except ValidationError as error:
                forms.add_service_errors(form, error)
            else:
                messages.success(request, self.done_message(matter, result))
                return redirect(matter.get_absolute_url())
        # The service may have changed the in-memory matter before it refused; read it again.
        matter = get_object_or_404(self.restricted_queryset("view"), pk=pk)
        return self.render_page(
            matter, status=400, **{self.form_context: form, "open_action": self.form_context}
        )

    def act(self, matter, form):
        raise NotImplementedError

    def done_message(self, matter, result):
        raise NotImplementedError


class SignView(MatterActionView):
    form_class, form_context, prefix = forms.CommentForm, "sign_form", "sign"

    def act(self, matter, form):
        return services.sign_matter(matter, actor=self.request.user, comment=form.cleaned_data["comment"])

    def done_message(self, matter, result):
        return f"已签收事项 {matter.code}。"


class HandleView(MatterActionView):
    form_class, form_context, prefix = forms.CommentForm, "handle_form", "handle"

    def act(self, matter, form):
        return services.start_handling(matter, actor=self.request.user, comment=form.cleaned_data["comment"])

    def done_message(self, matter, result):
        return f"事项 {matter.code} 已进入办理。"


class FeedbackView(MatterActionView):
    form_class, form_context, prefix = forms.FeedbackForm, "feedback_form", "feedback"

    def act(self, matter, form):
        return services.submit_feedback(matter, actor=self.request.user, text=form.cleaned_data["text"])

    def done_message(self, matter, result):
        return f"已反馈事项 {matter.code} 的办理情况，等待项目办复核。"


class ReviewView(MatterActionView):
    form_class, form_context, prefix = forms.ReviewForm, "review_form", "review"

    def act(self, matter, form):
        passed = form.cleaned_data["decision"] == "pass"
        return services.review_matter(
            matter, actor=self.request.user, passed=passed, comment=form.cleaned_data["comment"]
        )

    def done_message(self, matter, result):
        if matter.node == "review":
            return f"事项 {matter.code} 复核通过，可以销号。"
        return f"已退回事项 {matter.code}，牵头单位重新办理后再反馈。"


class CloseView(MatterActionView):
    """销号 with the evidence chosen in the same form: the files are attached and the matter closed in
    one transaction; if the engine refuses either, nothing is kept (rows nor files)."""

    form_class, form_context, prefix = forms.CloseForm, "close_form", "close"

    def act(self, matter, form):
        data, stored = form.cleaned_data, []
        try:
            with transaction.atomic():
                for upload in data["files"]:
                    attachment = services.add_attachment(
                        matter, actor=self.request.user, upload=upload, description=data["description"]
                    )
                    stored.append(attachment.file.name)
                return services.close_matter(matter, actor=self.request.user, comment=data["comment"])
        except Exception:
            for name in stored:
                MatterAttachment._meta.get_field("file").storage.delete(name)
            raise

    def done_message(self, matter, result):
        return f"事项 {matter.code} 已销号。"


class ReopenView(MatterActionView):
    form_class, form_context, prefix = forms.ReopenForm, "reopen_form", "reopen"

    def act(self, matter, form):
        data = form.cleaned_data
        return services.reopen_matter(
            matter, actor=self.request.user, reason=data["reason"], deadline=data["deadline"]
        )

    def done_message(self, matter, result):
        return f"已重新打开事项 {matter.code}，办结期限 {matter.deadline:%Y-%m-%d}。"


class RequestExtensionView(MatterActionView):
    form_class, form_context, prefix = forms.ExtensionRequestForm, "extension_form", "extension"

    def act(self, matter, form):
        data = form.cleaned_data
        return services.request_extension(
            matter,
            actor=self.request.user,
            requested_deadline=data["requested_deadline"],
            reason=data["reason"],
        )

    def done_message(self, matter, result):
        return f"已申请将事项 {matter.code} 延期至 {result.requested_deadline:%Y-%m-%d}，等待审批。"


class DecideExtensionView(MatterActionView):
    """Approves or rejects the matter's pending extension request (there is at most one)."""

    form_class, form_context, prefix = forms.DecideExtensionForm, "decide_form", "decide"

    def act(self, matter, form):
        extension = matter.extension_requests.filter(status=ExtensionStatus.PENDING).first()
        if extension is None:
            raise ValidationError("该事项没有待审批的延期申请。")
        data = form.cleaned_data
        return services.decide_extension(
            extension, actor=self.request.user, approve=data["decision"] == "approve", comment=data["comment"]
        )

    def done_message(self, matter, result):
        if result.status == ExtensionStatus.APPROVED:
            return f"已同意延期，事项 {matter.code} 的办结期限改为 {result.requested_deadline:%Y-%m-%d}。"
        return f"已驳回事项 {matter.code} 的延期申请。"


class EscalateView(MatterActionView):
    form_class, form_context, prefix = forms.EscalateForm, "escalate_form", "escalate"

    def build_form(self, matter):
        return self.form_class(self.request.POST, prefix=self.prefix, current_level=matter.escalation_level)

    def act(self, matter, form):
        data = form.cleaned_data
        return services.escalate_matter(
            matter, actor=self.request.user, reason=data["reason"], to_level=data["to_level"] or None
        )

    def done_message(self, matter, result):
        return f"事项 {matter.code} 已升级至{matter.get_escalation_level_display()}。"


class PauseView(MatterActionView):
    form_class, form_context, prefix = forms.PauseForm, "pause_form", "pause"

    def act(self, matter, form):
        return services.pause_matter(matter, actor=self.request.user, reason=form.cleaned_data["reason"])

    def done_message(self, matter, result):
        return f"事项 {matter.code} 已暂停计时。"


class ResumeView(MatterActionView):
    form_class, form_context, prefix = forms.CommentForm, "resume_form", "resume"

    def act(self, matter, form):
        return services.resume_matter(matter, actor=self.request.user, comment=form.cleaned_data["comment"])

    def done_message(self, matter, result):
        return f"事项 {matter.code} 已恢复计时，办结期限 {matter.deadline:%Y-%m-%d}。"


class AttachView(MatterActionView):
    """Uploads evidence; each file goes through the engine, all in one transaction (all or none)."""

    form_class, form_context, prefix = forms.AttachmentForm, "attachment_form", "attachment"

    def act(self, matter, form):
        data, stored, attached = form.cleaned_data, [], []
        try:
            with transaction.atomic():
                for upload in data["files"]:
                    attachment = services.add_attachment(
                        matter, actor=self.request.user, upload=upload, description=data["description"]
                    )
                    stored.append(attachment.file.name)
                    attached.append(attachment)
        except Exception:
            for name in stored:
                MatterAttachment._meta.get_field("file").storage.delete(name)
            raise
        return attached

    def done_message(self, matter, result):
        return f"已上传 {len(result)} 个佐证材料。"


class CommentView(MatterActionView):
    form_class, form_context, prefix = forms.NoteForm, "note_form", "note"

    def act(self, matter, form):
        return services.add_comment(matter, actor=self.request.user, text=form.cleaned_data["text"])

    def done_message(self, matter, result):
        return "留言已添加。"


@login_required
@require_GET
def attachment_file(request, pk):
    """An evidence file, only to users who may view it (404 otherwise); downloaded under the name
    it was uploaded with, never shown inline (a PDF or picture opens in the browser's own viewer)."""
    attachment = get_object_or_404(MatterAttachment.objects.restrict(request.user, "view"), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    extension = attachment.file.name.rsplit(".", 1)[-1].lower()
    content_type = CONTENT_TYPES.get(attachment.file_type) or IMAGE_TYPES.get(
        extension, "application/octet-stream"
    )
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.original_name)}"
    response["Cache-Control"] = "private, no-store"
    return response


# action name in selectors.ACTIONS → URL name suffix (matters:matter_<suffix>) and view
ACTION_VIEWS = {
    "sign": ("sign", SignView),
    "start_handling": ("handle", HandleView),
    "submit_feedback": ("feedback", FeedbackView),
    "review": ("review", ReviewView),
    "close": ("close", CloseView),
    "reopen": ("reopen", ReopenView),
    "request_extension": ("extend", RequestExtensionView),
    "decide_extension": ("decide_extension", DecideExtensionView),
    "escalate": ("escalate", EscalateView),
    "pause": ("pause", PauseView),
    "resume": ("resume", ResumeView),
    "add_attachment": ("attach", AttachView),
    "comment": ("comment", CommentView),
}
ACTION_URL_NAMES = {action: suffix for action, (suffix, _view) in ACTION_VIEWS.items()}

urlpatterns = [
    path(f"matters/<int:pk>/{suffix.replace('_', '-')}/", view.as_view(), name=f"matter_{suffix}")
    for suffix, view in ACTION_VIEWS.values()
] + [path("attachments/<int:pk>/file/", attachment_file, name="attachment_file")]
