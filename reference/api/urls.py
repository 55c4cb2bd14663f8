from rest_framework.routers import DefaultRouter

from . import views

app_name = "reference-api"

router = DefaultRouter()
router.register("industries", views.IndustryViewSet)
router.register("emerging-industries", views.EmergingIndustryViewSet)
urlpatterns = router.urls
