"""API permission and pagination classes (named in settings.REST_FRAMEWORK; import nothing from views)."""

from rest_framework import pagination, permissions
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

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
    """Pages by number (`?page=`, `?page_size=` up to 500) without counting the rows in scope.

    A total would cost a COUNT over every row the user may see, on every page: with 10,000 projects
    that count cost more than the page itself and grew with the table (bench/project_list_benchmark.py).
    Reading one row past the page tells whether there is a next one, so the answer is
    {"next", "previous", "results"}: follow `next` until it is null.
    """

    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        try:
            self.number = int(request.query_params.get(self.page_query_param) or 1)
        except ValueError:
            self.number = 0
        if self.number < 1:
            raise NotFound(self.invalid_page_message)
        start = (self.number - 1) * page_size
        rows = list(queryset[start : start + page_size + 1])
        if not rows and self.number > 1:
            raise NotFound(self.invalid_page_message)
        self.has_next = len(rows) > page_size
        # The browsable API shows previous / next controls.
        self.display_page_controls = self.template is not None and (self.has_next or self.number > 1)
        return rows[:page_size]

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        del described["properties"]["count"]
        described["required"] = ["results"]
        return described

    def _page_link(self, number):
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_next_link(self):
        return self._page_link(self.number + 1) if self.has_next else None

    def get_previous_link(self):
        return self._page_link(self.number - 1) if self.number > 1 else None

    def get_html_context(self):
        current = pagination.PageLink(self._page_link(self.number), self.number, True, False)
        return {
            "previous_url": self.get_previous_link(),
            "next_url": self.get_next_link(),
            "page_links": [current],
        }


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
