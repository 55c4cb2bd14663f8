"""Shared model machinery: the restricted queryset and the abstract base of every business model.

core has no domain models of its own. `BusinessModel` gives each business table its timestamps,
the demo's "synthetic" mark, history (django-simple-history, with actor and request id) and the one
permission entry point, `Model.objects.restrict(user, action)`.
"""

from dataclasses import dataclass

from django.db import models
from simple_history.models import HistoricalRecords

from core.history import HistoricalRecordExtras, history_user_getter


@dataclass(frozen=True)
class Scope:
    """Where a row sits in the organisation, for permission checks.

    units: lookups from the model to `org.Unit` ("" is the row itself when the model is Unit);
    regions: lookups to `org.Region` ("" for Region itself). A grant on a unit covers rows whose
    unit is that unit or below it; a grant on a region covers rows in that region or below it,
    including rows whose unit belongs to such a region. A model with neither is global (reference
    data): any grant carrying the permission covers all of its rows.
    public_view: every signed-in user may read it (reference data such as the division codes).
    """

    units: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    public_view: bool = False

    @property
    def is_global(self):
        return not self.units and not self.regions


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what a user may do."""

    def restrict(self, user, action="view"):
        """Rows of this queryset that `user` may `action` (view / add / change / delete)."""
        from core.permissions import scope_filter

        return scope_filter(self, user, action)


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass


class BusinessModel(models.Model):
    """Abstract base of every business table: timestamps, the synthetic mark, history, restrict()."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    is_synthetic = models.BooleanField(
        "演示虚构数据",
        default=False,
        help_text="演示数据中不出自公开报道、为演示而虚构的记录。",
    )

    objects = RestrictedManager()
    history = HistoricalRecords(
        inherit=True,
        bases=[HistoricalRecordExtras],
        get_user=history_user_getter,
        user_related_name="+",
    )

    scope = Scope()
    # Columns that identify an existing row when a spreadsheet is imported (e.g. ("code",)).
    import_keys: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def __str__(self):
        return getattr(self, "name", None) or f"{self._meta.verbose_name} {self.pk}"

    def get_absolute_url(self):
        return detail_url(self)


def detail_url(obj):
    """The detail page of any business row (`<app>:<model>_detail`)."""
    from django.urls import reverse

    return reverse(f"{obj._meta.app_label}:{obj._meta.model_name}_detail", kwargs={"pk": obj.pk})
