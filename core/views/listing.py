"""The list page: filter form, sortable paginated table, column choice, Excel export."""

from django.shortcuts import render
from django.utils import timezone
from django.views import View
from django_tables2 import RequestConfig

from core.tables import column_choices, export_table_xlsx
from core.views.base import RestrictedViewMixin

PAGE_SIZES = (25, 50, 100, 200)


class ObjectListView(RestrictedViewMixin, View):
    """Declare `queryset`, `filterset` and `table`."""

    filterset = None
    table = None
    template_name = "core/object_list.html"

    def chosen_columns(self, table):
        """Columns the user chose (?columns=…), remembered per model in the session."""
        available = [name for name, _ in column_choices(table)]
        session_key = f"columns:{self.model._meta.label_lower}"
        if "columns" in self.request.GET:
            chosen = [name for name in self.request.GET.getlist("columns") if name in available]
            self.request.session[session_key] = chosen
        else:
            chosen = [name for name in self.request.session.get(session_key, []) if name in available]
        return chosen or [name for name in available if table.columns[name].visible]

    def get(self, request, *args, **kwargs):
        self.require_action("view")
        rows = self.restricted_queryset("view")
        filterset = self.filterset(request.GET or None, queryset=rows, request=request)
        rows = filterset.qs if filterset.is_bound and filterset.is_valid() else rows
        if filterset.is_bound and not filterset.is_valid():
            rows = rows.none()
        table = self.table(rows)
        chosen = self.chosen_columns(table)
        for name, _ in column_choices(table):
            if name in chosen:
                table.columns.show(name)
            else:
                table.columns.hide(name)
        if request.GET.get("export") == "xlsx":
            RequestConfig(request, paginate=False).configure(table)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            return export_table_xlsx(
                table,
                f"{self.model._meta.verbose_name_plural}-{stamp}.xlsx",
                self.model._meta.verbose_name_plural,
            )
        try:
            per_page = int(request.GET.get("per_page", 50))
        except ValueError:
            per_page = 50
        per_page = per_page if per_page in PAGE_SIZES else 50
        RequestConfig(request, paginate={"per_page": per_page}).configure(table)
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context = {
            **self.base_context(),
            "table": table,
            "filter_form": filterset.form,
            "columns": column_choices(table),
            "chosen_columns": chosen,
            "page_sizes": PAGE_SIZES,
            "per_page": per_page,
            "total": table.paginator.count if hasattr(table, "paginator") else len(table.rows),
            "export_query": query.urlencode(),
        }
        template = "core/includes/object_table.html" if request.htmx else self.template_name
        return render(request, template, context)
