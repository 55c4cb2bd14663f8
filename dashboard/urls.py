from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("rows/", views.FigureRowsView.as_view(), name="rows"),
    path("boundary.geojson", views.BoundaryGeoJSONView.as_view(), name="boundary"),
    # 地图边界: added by uploading a GeoJSON, one version in force; never edited.
    path("boundaries/", views.MapBoundaryListView.as_view(), name="mapboundary_list"),
    path(
        "boundaries/<int:pk>/activate/",
        views.MapBoundarySwitchView.as_view(activate=True),
        name="mapboundary_activate",
    ),
    path(
        "boundaries/<int:pk>/deactivate/",
        views.MapBoundarySwitchView.as_view(activate=False),
        name="mapboundary_deactivate",
    ),
    path("boundaries/<int:pk>/file/", views.MapBoundaryFileView.as_view(), name="mapboundary_file"),
]
