from rest_framework.routers import DefaultRouter

from . import views

app_name = "promotion-api"

router = DefaultRouter()
router.register("teams", views.PromotionTeamViewSet)
router.register("team-members", views.PromotionTeamMemberViewSet)
urlpatterns = router.urls
