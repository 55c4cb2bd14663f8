from rest_framework.routers import DefaultRouter

from . import views

app_name = "dispatch-api"

router = DefaultRouter()
router.register("cadences", views.CadenceViewSet)
router.register("validation-rules", views.ValidationRuleViewSet)
router.register("lock-exceptions", views.LockExceptionViewSet)
router.register("rounds", views.DispatchRoundViewSet)
router.register("reports", views.ProgressReportViewSet)
router.register("report-reviews", views.ReportReviewViewSet)
router.register("reminders", views.ReminderViewSet)
router.register("photos", views.ReportPhotoViewSet)

urlpatterns = router.urls
