from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from core import pages
from core.api.schema import SchemaView

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("api-token/", pages.api_token, name="api_token"),
    path("health/", pages.health, name="health"),
    path("org/", include("org.urls")),
    path("reference/", include("reference.urls")),
    path("promotion/", include("promotion.urls")),
    path("projects/", include("projects.urls")),
    path("dispatch/", include("dispatch.urls")),
    path("matters/", include("matters.urls")),
    path("lights/", include("lights.urls")),
    path("reports/", include("reports.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("api/org/", include("org.api.urls")),
    path("api/reference/", include("reference.api.urls")),
    path("api/promotion/", include("promotion.api.urls")),
    path("api/projects/", include("projects.api.urls")),
    path("api/dispatch/", include("dispatch.api.urls")),
    path("api/matters/", include("matters.api.urls")),
    path("api/lights/", include("lights.api.urls")),
    path("api/reports/", include("reports.api.urls")),
    path("api/dashboard/", include("dashboard.api.urls")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the CSP (script-src 'self') allows it.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
]
