from rest_framework.routers import DefaultRouter

app_name = "lights-api"

router = DefaultRouter()

urlpatterns = router.urls
