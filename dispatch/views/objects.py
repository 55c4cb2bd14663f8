"""The generic pages of every dispatch model. Rounds, reports, reviews, reminders and photos are
written only by the workflows (`dispatch.services`), so they get read-only pages; the round page and
the cadence page with their actions are in `rounds`, the report page in `reporting`."""

from core import views as generic
from dispatch import filtersets, forms, tables
from dispatch.models import (
    Cadence,
    DispatchRound,
    LockException,
    ProgressReport,
    Reminder,
    ReportPhoto,
    ReportReview,
    ValidationRule,
)

REPORT_RELATED = ("round__cadence", "project", "unit")


# 调度频次 (the detail page: rounds.CadenceDetailView)
class CadenceListView(generic.ObjectListView):
    queryset = Cadence.objects.select_related("region").prefetch_related("units")
    filterset = filtersets.CadenceFilterSet
    table = tables.CadenceTable


class CadenceEditView(generic.ObjectEditView):
    queryset = Cadence.objects.all()
    form = forms.CadenceForm


class CadenceDeleteView(generic.ObjectDeleteView):
    queryset = Cadence.objects.all()


class CadenceImportView(generic.ObjectImportView):
    queryset = Cadence.objects.all()
    form = forms.CadenceForm


class CadenceChangelogView(generic.ObjectChangelogView):
    queryset = Cadence.objects.all()


# 调度轮次: opened only by services.open_round (the detail page: rounds.DispatchRoundDetailView)
class DispatchRoundListView(generic.ObjectListView):
    queryset = DispatchRound.objects.select_related("cadence")
    filterset = filtersets.DispatchRoundFilterSet
    table = tables.DispatchRoundTable


class DispatchRoundChangelogView(generic.ObjectChangelogView):
    queryset = DispatchRound.objects.all()


# 进度报告: created by open_round, filled and reviewed through the services (detail: reporting)
class ProgressReportListView(generic.ObjectListView):
    queryset = ProgressReport.objects.select_related(*REPORT_RELATED)
    filterset = filtersets.ProgressReportFilterSet
    table = tables.ProgressReportTable


class ProgressReportChangelogView(generic.ObjectChangelogView):
    queryset = ProgressReport.objects.all()


# 现场照片: uploaded through the fill form
class ReportPhotoListView(generic.ObjectListView):
    queryset = ReportPhoto.objects.select_related("report__round__cadence", "report__project")
    filterset = filtersets.ReportPhotoFilterSet
    table = tables.ReportPhotoTable


class ReportPhotoDetailView(generic.ObjectDetailView):
    queryset = ReportPhoto.objects.select_related("report__round", "report__project")


class ReportPhotoChangelogView(generic.ObjectChangelogView):
    queryset = ReportPhoto.objects.all()


# 报送审核记录: the report's timeline, written by the services
class ReportReviewListView(generic.ObjectListView):
    queryset = ReportReview.objects.select_related("report__round", "report__project", "actor")
    filterset = filtersets.ReportReviewFilterSet
    table = tables.ReportReviewTable


class ReportReviewDetailView(generic.ObjectDetailView):
    queryset = ReportReview.objects.select_related("report__round", "report__project", "actor")


class ReportReviewChangelogView(generic.ObjectChangelogView):
    queryset = ReportReview.objects.all()


# 校验规则
class ValidationRuleListView(generic.ObjectListView):
    queryset = ValidationRule.objects.select_related("cadence")
    filterset = filtersets.ValidationRuleFilterSet
    table = tables.ValidationRuleTable


class ValidationRuleDetailView(generic.ObjectDetailView):
    queryset = ValidationRule.objects.select_related("cadence")


class ValidationRuleEditView(generic.ObjectEditView):
    queryset = ValidationRule.objects.all()
    form = forms.ValidationRuleForm


class ValidationRuleDeleteView(generic.ObjectDeleteView):
    queryset = ValidationRule.objects.all()


class ValidationRuleImportView(generic.ObjectImportView):
    queryset = ValidationRule.objects.all()
    form = forms.ValidationRuleForm


class ValidationRuleChangelogView(generic.ObjectChangelogView):
    queryset = ValidationRule.objects.all()


# 补报许可: a new one is granted through services.grant_lock_exception (see the form); no import,
# since a sheet would bypass that workflow
class LockExceptionListView(generic.ObjectListView):
    queryset = LockException.objects.select_related("round__cadence", "unit")
    filterset = filtersets.LockExceptionFilterSet
    table = tables.LockExceptionTable


class LockExceptionDetailView(generic.ObjectDetailView):
    queryset = LockException.objects.select_related("round__cadence", "unit")


class LockExceptionEditView(generic.ObjectEditView):
    queryset = LockException.objects.all()
    form = forms.LockExceptionForm


class LockExceptionDeleteView(generic.ObjectDeleteView):
    queryset = LockException.objects.all()


class LockExceptionChangelogView(generic.ObjectChangelogView):
    queryset = LockException.objects.all()


# 催报提醒: sent only by services.send_reminders
class ReminderListView(generic.ObjectListView):
    queryset = Reminder.objects.select_related("round__cadence", "unit")
    filterset = filtersets.ReminderFilterSet
    table = tables.ReminderTable


class ReminderDetailView(generic.ObjectDetailView):
    queryset = Reminder.objects.select_related("round__cadence", "unit")


class ReminderChangelogView(generic.ObjectChangelogView):
    queryset = Reminder.objects.all()
