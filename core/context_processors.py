"""Template context shared by every page: the navigation the signed-in user may open."""

from core.navigation import menu_for


def navigation(request):
    return {"navigation_menu": menu_for(getattr(request, "user", None))}
