"""API permission and pagination classes (named in settings.REST_FRAMEWORK; import nothing from views)."""

from rest_framework import pagination, permissions

from core.permissions import has_action

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class RestrictedModelPermissions(permissions.BasePermission):
    """Signed in, and holding the action's permission on the model somewhere; rows are then
    narrowed by restrict(), so an object outside the grants is 404."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        queryset = getattr(view, "queryset", None)
        if queryset is None:
            return True
        return has_action(user, queryset.model, METHOD_ACTIONS.get(request.method, "view"))
