from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("rows/", views.FigureRowsView.as_view(), name="rows"),
]
