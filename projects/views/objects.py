"""The generic pages of every project-library model (the project page itself is in `project_page`)."""

from core import views as generic
from projects import filtersets, forms, tables
from projects.models import (
    AnnualPlan,
    Event,
    FactorNeed,
    IndustryChain,
    Milestone,
    PlanAdjustment,
    Project,
    ProjectFunding,
    StageTransition,
)

PROJECT_LIST_RELATED = (
    "region",
    "responsible_unit",
    "liaison_leader__person",
    "introducing_unit",
    "industry_chain",
)


def _projects_of_chain(chain, user):
    rows = chain.projects.all().restrict(user, "view").select_related(*PROJECT_LIST_RELATED)
    return tables.ProjectTable(tables.with_light_column(rows), orderable=False)


def _projects_of_event(event, user):
    rows = event.projects.all().restrict(user, "view").select_related(*PROJECT_LIST_RELATED)
    return tables.ProjectTable(tables.with_light_column(rows), orderable=False)


# 产业链
class IndustryChainListView(generic.ObjectListView):
    queryset = IndustryChain.objects.all()
    filterset = filtersets.IndustryChainFilterSet
    table = tables.IndustryChainTable


class IndustryChainDetailView(generic.ObjectDetailView):
    queryset = IndustryChain.objects.all()
    related = (("项目", _projects_of_chain),)


class IndustryChainEditView(generic.ObjectEditView):
    queryset = IndustryChain.objects.all()
    form = forms.IndustryChainForm


class IndustryChainDeleteView(generic.ObjectDeleteView):
    queryset = IndustryChain.objects.all()


class IndustryChainImportView(generic.ObjectImportView):
    queryset = IndustryChain.objects.all()
    form = forms.IndustryChainForm


class IndustryChainChangelogView(generic.ObjectChangelogView):
    queryset = IndustryChain.objects.all()


# 项目 (the detail page: project_page.ProjectDetailView)
class ProjectListView(generic.ObjectListView):
    queryset = tables.with_light_column(Project.objects.select_related(*PROJECT_LIST_RELATED))
    filterset = filtersets.ProjectFilterSet
    table = tables.ProjectTable


class ProjectEditView(generic.ObjectEditView):
    queryset = Project.objects.all()
    form = forms.ProjectForm


class ProjectDeleteView(generic.ObjectDeleteView):
    queryset = Project.objects.all()


class ProjectChangelogView(generic.ObjectChangelogView):
    queryset = Project.objects.all()


# 资金来源
class ProjectFundingListView(generic.ObjectListView):
    queryset = ProjectFunding.objects.select_related("project")
    filterset = filtersets.ProjectFundingFilterSet
    table = tables.ProjectFundingTable


class ProjectFundingDetailView(generic.ObjectDetailView):
    queryset = ProjectFunding.objects.select_related("project")


class ProjectFundingEditView(generic.ObjectEditView):
    queryset = ProjectFunding.objects.all()
    form = forms.ProjectFundingForm


class ProjectFundingDeleteView(generic.ObjectDeleteView):
    queryset = ProjectFunding.objects.all()


class ProjectFundingImportView(generic.ObjectImportView):
    queryset = ProjectFunding.objects.all()
    form = forms.ProjectFundingForm


class ProjectFundingChangelogView(generic.ObjectChangelogView):
    queryset = ProjectFunding.objects.all()


# 年度计划
class AnnualPlanListView(generic.ObjectListView):
    queryset = AnnualPlan.objects.select_related("project")
    filterset = filtersets.AnnualPlanFilterSet
    table = tables.AnnualPlanTable


class AnnualPlanDetailView(generic.ObjectDetailView):
    queryset = AnnualPlan.objects.select_related("project")


class AnnualPlanEditView(generic.ObjectEditView):
    queryset = AnnualPlan.objects.all()
    form = forms.AnnualPlanForm


class AnnualPlanDeleteView(generic.ObjectDeleteView):
    queryset = AnnualPlan.objects.all()


class AnnualPlanImportView(generic.ObjectImportView):
    queryset = AnnualPlan.objects.all()
    form = forms.AnnualPlanForm


class AnnualPlanChangelogView(generic.ObjectChangelogView):
    queryset = AnnualPlan.objects.all()


# 阶段变更: written only by services.register_project / change_stage, so read-only here
class StageTransitionListView(generic.ObjectListView):
    queryset = StageTransition.objects.select_related("project", "actor__person")
    filterset = filtersets.StageTransitionFilterSet
    table = tables.StageTransitionTable


class StageTransitionDetailView(generic.ObjectDetailView):
    queryset = StageTransition.objects.select_related("project", "actor__person")


class StageTransitionChangelogView(generic.ObjectChangelogView):
    queryset = StageTransition.objects.all()


# 节点
class MilestoneListView(generic.ObjectListView):
    queryset = Milestone.objects.select_related("project")
    filterset = filtersets.MilestoneFilterSet
    table = tables.MilestoneTable


class MilestoneDetailView(generic.ObjectDetailView):
    queryset = Milestone.objects.select_related("project")


class MilestoneEditView(generic.ObjectEditView):
    queryset = Milestone.objects.all()
    form = forms.MilestoneForm


class MilestoneDeleteView(generic.ObjectDeleteView):
    queryset = Milestone.objects.all()


class MilestoneImportView(generic.ObjectImportView):
    queryset = Milestone.objects.all()
    form = forms.MilestoneForm


class MilestoneChangelogView(generic.ObjectChangelogView):
    queryset = Milestone.objects.all()


# 计划调整: written only by services.adjust_plan, so read-only here
class PlanAdjustmentListView(generic.ObjectListView):
    queryset = PlanAdjustment.objects.select_related("project", "approver__person")
    filterset = filtersets.PlanAdjustmentFilterSet
    table = tables.PlanAdjustmentTable


class PlanAdjustmentChangelogView(generic.ObjectChangelogView):
    queryset = PlanAdjustment.objects.all()


# 集中活动
class EventListView(generic.ObjectListView):
    queryset = Event.objects.select_related("region").prefetch_related("projects")
    filterset = filtersets.EventFilterSet
    table = tables.EventTable


class EventDetailView(generic.ObjectDetailView):
    queryset = Event.objects.select_related("region")
    related = (("项目", _projects_of_event),)


class EventEditView(generic.ObjectEditView):
    queryset = Event.objects.all()
    form = forms.EventForm


class EventDeleteView(generic.ObjectDeleteView):
    queryset = Event.objects.all()


class EventImportView(generic.ObjectImportView):
    queryset = Event.objects.all()
    form = forms.EventForm


class EventChangelogView(generic.ObjectChangelogView):
    queryset = Event.objects.all()


# 要素需求 (no import: the model has no key to match a sheet's rows to existing ones)
class FactorNeedListView(generic.ObjectListView):
    queryset = FactorNeed.objects.select_related("project")
    filterset = filtersets.FactorNeedFilterSet
    table = tables.FactorNeedTable


class FactorNeedDetailView(generic.ObjectDetailView):
    queryset = FactorNeed.objects.select_related("project")


class FactorNeedEditView(generic.ObjectEditView):
    queryset = FactorNeed.objects.all()
    form = forms.FactorNeedForm


class FactorNeedDeleteView(generic.ObjectDeleteView):
    queryset = FactorNeed.objects.all()


class FactorNeedChangelogView(generic.ObjectChangelogView):
    queryset = FactorNeed.objects.all()
