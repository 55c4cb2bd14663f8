from rest_framework.routers import DefaultRouter

from . import views

app_name = "reports-api"

router = DefaultRouter()
router.register("templates", views.DocumentTemplateViewSet)
router.register("letters", views.LetterIssueViewSet)

urlpatterns = router.urls
