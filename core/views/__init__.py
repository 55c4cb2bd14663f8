"""Generic views: each app's views only declare queryset, filterset, form and table.

List (filters, sort, pagination, column choice, .xlsx export), detail, change log, create/edit,
delete and Excel import all get their rows through `restrict(user, action)`: out of scope is 404.
"""

from core.views.imports import ObjectImportView
from core.views.listing import ObjectListView
from core.views.objects import ObjectChangelogView, ObjectDeleteView, ObjectDetailView, ObjectEditView

__all__ = [
    "ObjectChangelogView",
    "ObjectDeleteView",
    "ObjectDetailView",
    "ObjectEditView",
    "ObjectImportView",
    "ObjectListView",
]
