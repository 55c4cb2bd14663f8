from django.urls import path

from core.urls import object_paths, read_only_paths

from .views import objects as views
from .views import project_import, project_page

app_name = "projects"


urlpatterns = [
    *object_paths(
        "projects",
        "project",
        list_view=views.ProjectListView,
        detail_view=project_page.ProjectDetailView,
        edit_view=views.ProjectEditView,
        delete_view=views.ProjectDeleteView,
        changelog_view=views.ProjectChangelogView,
        import_view=project_import.ProjectImportView,
    ),
    path(
        "projects/<int:pk>/change-stage/",
        project_page.ProjectChangeStageView.as_view(),
        name="project_change_stage",
    ),
    path(
        "projects/<int:pk>/adjust-plan/",
        project_page.ProjectAdjustPlanView.as_view(),
        name="project_adjust_plan",
    ),
    *object_paths(
        "industry-chains",
        "industrychain",
        list_view=views.IndustryChainListView,
        detail_view=views.IndustryChainDetailView,
        edit_view=views.IndustryChainEditView,
        delete_view=views.IndustryChainDeleteView,
        changelog_view=views.IndustryChainChangelogView,
        import_view=views.IndustryChainImportView,
    ),
    *object_paths(
        "fundings",
        "projectfunding",
        list_view=views.ProjectFundingListView,
        detail_view=views.ProjectFundingDetailView,
        edit_view=views.ProjectFundingEditView,
        delete_view=views.ProjectFundingDeleteView,
        changelog_view=views.ProjectFundingChangelogView,
        import_view=views.ProjectFundingImportView,
    ),
    *object_paths(
        "annual-plans",
        "annualplan",
        list_view=views.AnnualPlanListView,
        detail_view=views.AnnualPlanDetailView,
        edit_view=views.AnnualPlanEditView,
        delete_view=views.AnnualPlanDeleteView,
        changelog_view=views.AnnualPlanChangelogView,
        import_view=views.AnnualPlanImportView,
    ),
    *read_only_paths(
        "stage-transitions",
        "stagetransition",
        list_view=views.StageTransitionListView,
        detail_view=views.StageTransitionDetailView,
        changelog_view=views.StageTransitionChangelogView,
    ),
    *object_paths(
        "milestones",
        "milestone",
        list_view=views.MilestoneListView,
        detail_view=views.MilestoneDetailView,
        edit_view=views.MilestoneEditView,
        delete_view=views.MilestoneDeleteView,
        changelog_view=views.MilestoneChangelogView,
        import_view=views.MilestoneImportView,
    ),
    *read_only_paths(
        "plan-adjustments",
        "planadjustment",
        list_view=views.PlanAdjustmentListView,
        detail_view=project_page.PlanAdjustmentDetailView,
        changelog_view=views.PlanAdjustmentChangelogView,
    ),
    *object_paths(
        "events",
        "event",
        list_view=views.EventListView,
        detail_view=views.EventDetailView,
        edit_view=views.EventEditView,
        delete_view=views.EventDeleteView,
        changelog_view=views.EventChangelogView,
        import_view=views.EventImportView,
    ),
    *object_paths(
        "factor-needs",
        "factorneed",
        list_view=views.FactorNeedListView,
        detail_view=views.FactorNeedDetailView,
        edit_view=views.FactorNeedEditView,
        delete_view=views.FactorNeedDeleteView,
        changelog_view=views.FactorNeedChangelogView,
    ),
]
