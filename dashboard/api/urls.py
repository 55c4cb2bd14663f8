from rest_framework.routers import DefaultRouter

app_name = "dashboard-api"

router = DefaultRouter()

urlpatterns = router.urls
