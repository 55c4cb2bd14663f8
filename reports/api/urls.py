from rest_framework.routers import DefaultRouter

app_name = "reports-api"

router = DefaultRouter()

urlpatterns = router.urls
