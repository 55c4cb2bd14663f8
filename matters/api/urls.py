from rest_framework.routers import DefaultRouter

app_name = "matters-api"

router = DefaultRouter()

urlpatterns = router.urls
