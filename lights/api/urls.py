from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "lights-api"

router = DefaultRouter()
router.register("rulesets", views.RuleSetViewSet)
router.register("lights", views.ProjectLightViewSet)

urlpatterns = [
    path("evaluate/", views.EvaluateView.as_view(), name="evaluate"),
    *router.urls,
]
