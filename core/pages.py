"""Pages that belong to no model: home, API token, health check."""

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from core.navigation import MENU
from core.permissions import has_action


@login_required
def home(request):
    """The home page: what the user may open, with how many rows each holds for them."""
    user = request.user
    cards = []
    for group, items in MENU:
        for item in items:
            model = apps.get_model(item.model)
            if has_action(user, model, "view") and not model.scope.public_view:
                cards.append(
                    {
                        "group": group,
                        "label": item.label,
                        "url_name": item.url_name,
                        "count": model.objects.all().restrict(user, "view").count(),
                    }
                )
    grants = user.grants.select_related("role", "unit", "region") if user.pk else []
    return render(request, "core/home.html", {"cards": cards, "grants": grants})


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request):
    """Shows (and on POST renews) the signed-in user's API token."""
    if request.method == "POST":
        Token.objects.filter(user=request.user).delete()
    token, _ = Token.objects.get_or_create(user=request.user)
    return render(request, "core/api_token.html", {"token": token})


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
