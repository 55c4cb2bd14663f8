"""Pages of the templates and the letters. Templates: list, upload (the add page), detail with the
variables of its kind, settings, activate / deactivate, download, and the built-in template of each
kind. Letters: issue (POST from the project or matter page), list, detail, download.

Rows come only through `restrict(user, action)`: a template or letter out of scope is 404, and so is
issuing a letter about a project or matter the user may see but not issue letters about (nothing is
written). A refusal for the subject's state (a project not red, a matter not overdue) goes back to
the subject's page with the Chinese reason.
"""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from core import views as generic
from core.permissions import has_action

from . import filtersets, forms, services, tables
from .choices import DocumentKind
from .letters import KINDS, spec_for
from .letters.rendering import DOCX_CONTENT_TYPE
from .models import DocumentTemplate, LetterIssue


def docx_response(handle_or_bytes, filename):
    """A .docx download under `filename`, never cached by a shared proxy."""
    if isinstance(handle_or_bytes, bytes):
        response = HttpResponse(handle_or_bytes, content_type=DOCX_CONTENT_TYPE)
    else:
        response = FileResponse(handle_or_bytes, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def _open(field_file):
    try:
        return field_file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None


# 文书模板 ------------------------------------------------------------------------------------------


class DocumentTemplateListView(generic.ObjectListView):
    queryset = DocumentTemplate.objects.select_related("uploaded_by")
    filterset = filtersets.DocumentTemplateFilterSet
    table = tables.DocumentTemplateTable
    template_name = "reports/documenttemplate_list.html"

    def get(self, request, *args, **kwargs):
        self.in_force = {
            template.kind: template for template in DocumentTemplate.objects.filter(is_active=True)
        }
        return super().get(request, *args, **kwargs)

    def base_context(self):
        return super().base_context() | {
            "kinds": [
                {"kind": kind, "label": spec.label, "template": self.in_force.get(kind)}
                for kind, spec in KINDS.items()
            ]
        }


class DocumentTemplateDetailView(generic.ObjectDetailView):
    queryset = DocumentTemplate.objects.select_related("uploaded_by")
    template_name = "reports/documenttemplate_detail.html"

    def extra_context(self, template):
        user = self.request.user
        may_change = DocumentTemplate.objects.filter(pk=template.pk).restrict(user, "change").exists()
        return {
            "variables": spec_for(template.kind).variables,
            "used": set(template.variables),
            "may_change": may_change,
        }


class DocumentTemplateUploadView(generic.ObjectEditView):
    """新增 = upload: the file is checked and stored by `services.upload_template`."""

    queryset = DocumentTemplate.objects.all()
    form = forms.DocumentTemplateUploadForm
    template_name = "reports/documenttemplate_upload.html"

    def get(self, request, pk=None):
        obj = self.get_object(None)
        initial = {"kind": request.GET.get("kind", DocumentKind.REMINDER_LETTER), "activate": True}
        return self.render_form(obj, self.form(instance=obj, user=request.user, initial=initial))

    def post(self, request, pk=None):
        obj = self.get_object(None)
        form = self.form(request.POST, request.FILES, instance=obj, user=request.user)
        if form.is_valid():
            try:
                template = services.upload_template(
                    form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                    name=form.cleaned_data["name"],
                    activate=form.cleaned_data["activate"],
                    actor=request.user,
                    **form.settings(),
                )
            except ValidationError as error:
                forms.add_service_errors(form, error)
            else:
                state = "并已启用" if template.is_active else "（未启用）"
                messages.success(
                    request, f"已上传{template.get_kind_display()}模板“{template.name}”{state}。"
                )
                return redirect(template.get_absolute_url())
        return self.render_form(obj, form, status=400)

    def render_form(self, obj, form, status=200):
        context = {
            **self.base_context(),
            "object": None,
            "form": form,
            "cancel_url": self.base_context()["list_url"],
            "kinds": KINDS.values(),
        }
        return render(self.request, self.template_name, context, status=status)


class DocumentTemplateEditView(generic.ObjectEditView):
    queryset = DocumentTemplate.objects.all()
    form = forms.DocumentTemplateForm

    def get_object(self, pk):
        if pk is None:
            raise Http404  # a template is added by uploading it
        return super().get_object(pk)


class DocumentTemplateDeleteView(generic.ObjectDeleteView):
    queryset = DocumentTemplate.objects.all()


class DocumentTemplateChangelogView(generic.ObjectChangelogView):
    queryset = DocumentTemplate.objects.all()


class DocumentTemplateSwitchView(LoginRequiredMixin, View):
    """POST: put the template in force (`activate`) or back to the built-in one."""

    activate = True

    def post(self, request, pk):
        template = get_object_or_404(DocumentTemplate.objects.restrict(request.user, "change"), pk=pk)
        try:
            if self.activate:
                services.activate_template(template, actor=request.user)
                messages.success(
                    request, f"已启用“{template.name}”，此后的{template.get_kind_display()}使用该模板。"
                )
            else:
                services.deactivate_template(template, actor=request.user)
                messages.success(
                    request, f"已停用“{template.name}”，此后的{template.get_kind_display()}使用内置模板。"
                )
        except PermissionDenied:
            raise Http404 from None
        return redirect(template.get_absolute_url())


@login_required
@require_GET
def template_file(request, pk):
    """The uploaded .docx, to users who may view templates (404 otherwise)."""
    template = get_object_or_404(DocumentTemplate.objects.restrict(request.user, "view"), pk=pk)
    return docx_response(_open(template.file), template.original_name or f"{template.name}.docx")


@login_required
@require_GET
def builtin_template_file(request, kind):
    """The built-in template of a kind, to edit in WPS or Word and upload back."""
    if not has_action(request.user, DocumentTemplate, "view"):
        raise PermissionDenied("您没有查看文书模板的权限。")
    if kind not in DocumentKind.values:
        raise Http404("没有这种文书。")
    spec = spec_for(kind)
    return docx_response(spec.builtin_template(), f"{spec.label}（内置模板）.docx")


# 发函记录 ------------------------------------------------------------------------------------------


class LetterIssueListView(generic.ObjectListView):
    queryset = LetterIssue.objects.select_related("project", "matter", "issued_by", "template")
    filterset = filtersets.LetterIssueFilterSet
    table = tables.LetterIssueTable


class LetterIssueDetailView(generic.ObjectDetailView):
    queryset = LetterIssue.objects.select_related("project", "matter", "issued_by", "template", "light")
    template_name = "reports/letterissue_detail.html"


class LetterIssueChangelogView(generic.ObjectChangelogView):
    queryset = LetterIssue.objects.all()


@login_required
@require_GET
def letter_file(request, pk):
    """An issued letter's .docx, to users who may view it (404 otherwise)."""
    issue = get_object_or_404(LetterIssue.objects.restrict(request.user, "view"), pk=pk)
    return docx_response(_open(issue.file), services.letter_file_name(issue))


@login_required
@require_POST
def issue_letter(request, kind, pk):
    """签发: issue a letter of `kind` about the project or matter `pk` (the button on its page)."""
    if kind not in DocumentKind.values or kind not in KINDS or not KINDS[kind].subject:
        raise Http404("没有这种函件。")
    if not has_action(request.user, LetterIssue, "review"):
        raise PermissionDenied("您没有签发函件的权限。")
    spec = spec_for(kind)
    subject = get_object_or_404(spec.subject_model.objects.restrict(request.user, "view"), pk=pk)
    try:
        issue = services.issue_letter(subject, kind=kind, actor=request.user)
    except PermissionDenied:
        raise Http404("没有这个对象，或您不能对它发函。") from None
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(subject.get_absolute_url())
    messages.success(request, f"已生成{spec.label}“{issue.number}”，请下载后用印发出。")
    return redirect(issue.get_absolute_url())
