"""Base FilterSet: one per model, shared by the list page and the API."""

import django_filters
from django.db.models import Q
from django.forms import NullBooleanSelect, Select

from core.models import RestrictedQuerySet


class BaseFilterSet(django_filters.FilterSet):
    """Adds `q` (search over `search_fields`) and limits related-object choices to the user's scope."""

    q = django_filters.CharFilter(method="search", label="搜索")
    search_fields: tuple[str, ...] = ()

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        for form_filter in self.filters.values():
            queryset_of_choices = form_filter.extra.get("queryset")
            if user is not None and isinstance(queryset_of_choices, RestrictedQuerySet):
                restricted = queryset_of_choices.restrict(user, "view")
                # django-filter builds the choices from filter.queryset; extra is what the field gets.
                form_filter.queryset = form_filter.extra["queryset"] = restricted

    def search(self, queryset, name, value):
        condition = Q()
        for lookup in self.search_fields:
            condition |= Q(**{f"{lookup}__icontains": value.strip()})
        return queryset.filter(condition) if value.strip() else queryset

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if isinstance(field.widget, NullBooleanSelect):
                field.widget.choices = (("unknown", "全部"), ("true", "是"), ("false", "否"))
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)
        return form
