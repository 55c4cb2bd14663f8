from rest_framework.routers import DefaultRouter

from . import views

app_name = "projects-api"

router = DefaultRouter()
router.register("projects", views.ProjectViewSet)
router.register("industry-chains", views.IndustryChainViewSet)
router.register("fundings", views.ProjectFundingViewSet)
router.register("annual-plans", views.AnnualPlanViewSet)
router.register("stage-transitions", views.StageTransitionViewSet)
router.register("milestones", views.MilestoneViewSet)
router.register("plan-adjustments", views.PlanAdjustmentViewSet)
router.register("events", views.EventViewSet)
router.register("factor-needs", views.FactorNeedViewSet)
urlpatterns = router.urls
