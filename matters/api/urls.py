from rest_framework.routers import DefaultRouter

from . import views

app_name = "matters-api"

router = DefaultRouter()
router.register("matters", views.MatterViewSet)
router.register("kinds", views.MatterKindViewSet)
router.register("events", views.MatterEventViewSet)
router.register("extension-requests", views.ExtensionRequestViewSet)
router.register("pauses", views.MatterPauseViewSet)
router.register("attachments", views.MatterAttachmentViewSet)
router.register("workday-overrides", views.WorkdayOverrideViewSet)

urlpatterns = router.urls
