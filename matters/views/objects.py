"""The generic pages of every matters model. A matter is created (交办) and changed only through the
engine, so its edit page saves through `services.assign_matter` / `services.update_matter`; its own
page with the actions is in `matter_page`. Timelines, extension requests, pauses and evidence are
written only by the services, so they get read-only pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect

from core import views as generic
from core.views.base import object_url
from matters import filtersets, forms, tables
from matters.filtersets import with_light
from matters.models import (
    ExtensionRequest,
    Matter,
    MatterAttachment,
    MatterEvent,
    MatterKind,
    MatterPause,
    WorkdayOverride,
)

MATTER_RELATED = ("kind", "project", "lead_unit", "responsible_leader__person", "responsible_person")


# 事项 (the detail page: matter_page.MatterDetailView)
class MatterListView(generic.ObjectListView):
    queryset = Matter.objects.select_related(*MATTER_RELATED).prefetch_related("cooperating_units")
    filterset = filtersets.MatterFilterSet
    table = tables.MatterTable

    def restricted_queryset(self, action=None):
        # Every row carries its light (红/黄/绿灯) from the database, so it can be shown, sorted and exported.
        return with_light(super().restricted_queryset(action))


class MatterEditView(generic.ObjectEditView):
    """交办 and 修改交办信息: the office's pages (the "review" permission on the matter, as the engine
    asks for editing); the form saves through the engine and a refusal shows on the form."""

    queryset = Matter.objects.all()
    form = forms.MatterForm

    def get_object(self, pk):
        if pk is None:
            self.require_action("add")
            return self.model()
        return get_object_or_404(self.restricted_queryset("review"), pk=pk)

    def closed(self, matter):
        messages.info(self.request, "事项已销号，不能修改交办信息（如需继续办理请先重新打开）。")
        return redirect(matter.get_absolute_url())

    def get(self, request, pk=None):
        obj = self.get_object(pk)
        if obj.pk and obj.is_closed:
            return self.closed(obj)
        return super().get(request, pk)

    def post(self, request, pk=None):
        obj = self.get_object(pk)
        if obj.pk and obj.is_closed:
            return self.closed(obj)
        form = self.form(request.POST, request.FILES, instance=obj, user=request.user)
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = form.save()
                    # The matter must stay where this office may act on it (its scope follows the units).
                    if not self.restricted_queryset("review" if pk else "add").filter(pk=saved.pk).exists():
                        raise PermissionDenied("保存后的事项不在您的授权范围内，未保存。")
            except ValidationError as error:
                forms.add_service_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error) or "您没有执行此操作的权限。")
            else:
                verb = "修改" if pk else "交办"
                messages.success(request, f"已{verb}事项“{saved}”。")
                return redirect(saved.get_absolute_url())
        if pk is None:
            obj.pk, obj.code = None, ""
        return self.render_form(obj, form, status=400)


class MatterDeleteView(generic.ObjectDeleteView):
    queryset = Matter.objects.all()


class MatterChangelogView(generic.ObjectChangelogView):
    queryset = Matter.objects.all()


# 事项类型
class MatterKindListView(generic.ObjectListView):
    queryset = MatterKind.objects.all()
    filterset = filtersets.MatterKindFilterSet
    table = tables.MatterKindTable


class MatterKindDetailView(generic.ObjectDetailView):
    queryset = MatterKind.objects.all()
    template_name = "matters/kind_detail.html"

    def extra_context(self, kind):
        return {
            "nodes_text": tables.nodes_text(kind.nodes),
            "clocks": kind.clocks,
            "clocks_text": tables.clocks_text(kind.clocks),
            "ladder_text": tables.ladder_text(kind.escalation_ladder),
            "matters_url": f"{object_url(Matter, 'list')}?kind={kind.pk}",
        }


class MatterKindEditView(generic.ObjectEditView):
    queryset = MatterKind.objects.all()
    form = forms.MatterKindForm


class MatterKindDeleteView(generic.ObjectDeleteView):
    queryset = MatterKind.objects.all()


class MatterKindChangelogView(generic.ObjectChangelogView):
    queryset = MatterKind.objects.all()


# 事项记录: the timeline, written by the services
class MatterEventListView(generic.ObjectListView):
    queryset = MatterEvent.objects.select_related("matter", "actor__person")
    filterset = filtersets.MatterEventFilterSet
    table = tables.MatterEventTable


class MatterEventDetailView(generic.ObjectDetailView):
    queryset = MatterEvent.objects.select_related("matter", "actor__person")


class MatterEventChangelogView(generic.ObjectChangelogView):
    queryset = MatterEvent.objects.all()


# 延期申请: asked and decided on the matter page
class ExtensionRequestListView(generic.ObjectListView):
    queryset = ExtensionRequest.objects.select_related("matter", "requested_by__person", "decided_by__person")
    filterset = filtersets.ExtensionRequestFilterSet
    table = tables.ExtensionRequestTable


class ExtensionRequestDetailView(generic.ObjectDetailView):
    queryset = ExtensionRequest.objects.select_related("matter", "requested_by", "decided_by")


class ExtensionRequestChangelogView(generic.ObjectChangelogView):
    queryset = ExtensionRequest.objects.all()


# 暂停计时: paused and resumed on the matter page
class MatterPauseListView(generic.ObjectListView):
    queryset = MatterPause.objects.select_related("matter")
    filterset = filtersets.MatterPauseFilterSet
    table = tables.MatterPauseTable


class MatterPauseDetailView(generic.ObjectDetailView):
    queryset = MatterPause.objects.select_related("matter")


class MatterPauseChangelogView(generic.ObjectChangelogView):
    queryset = MatterPause.objects.all()


# 佐证材料: uploaded on the matter page, downloaded through matter_page.attachment_file
class MatterAttachmentListView(generic.ObjectListView):
    queryset = MatterAttachment.objects.select_related("matter", "uploaded_by__person")
    filterset = filtersets.MatterAttachmentFilterSet
    table = tables.MatterAttachmentTable


class MatterAttachmentDetailView(generic.ObjectDetailView):
    queryset = MatterAttachment.objects.select_related("matter", "uploaded_by")
    template_name = "matters/attachment_detail.html"


class MatterAttachmentChangelogView(generic.ObjectChangelogView):
    queryset = MatterAttachment.objects.all()


# 工作日调整 (节假日调整)
class WorkdayOverrideListView(generic.ObjectListView):
    queryset = WorkdayOverride.objects.all()
    filterset = filtersets.WorkdayOverrideFilterSet
    table = tables.WorkdayOverrideTable


class WorkdayOverrideDetailView(generic.ObjectDetailView):
    queryset = WorkdayOverride.objects.all()


class WorkdayOverrideEditView(generic.ObjectEditView):
    queryset = WorkdayOverride.objects.all()
    form = forms.WorkdayOverrideForm


class WorkdayOverrideDeleteView(generic.ObjectDeleteView):
    queryset = WorkdayOverride.objects.all()


class WorkdayOverrideImportView(generic.ObjectImportView):
    queryset = WorkdayOverride.objects.all()
    form = forms.WorkdayOverrideForm


class WorkdayOverrideChangelogView(generic.ObjectChangelogView):
    queryset = WorkdayOverride.objects.all()
