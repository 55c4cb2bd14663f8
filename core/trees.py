"""Materialised-path trees (regions, units): `path` is "/<root pk>/…/<own pk>/".

"Everything below X" is then one indexed prefix query (`path__startswith=X.path`), which is what the
permission filter needs for every request.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Concat, Substr


class PathTreeModel(models.Model):
    """Abstract tree node with a `parent` and a maintained `path`."""

    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("树路径", max_length=255, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            new_path = self._expected_path()
            if new_path != old_path:
                type(self)._base_manager.filter(pk=self.pk).update(path=new_path)
                self.path = new_path
                history = getattr(type(self), "history", None)
                if history is not None:
                    # The history row written by the save above has the old path; keep it truthful.
                    latest = history.filter(id=self.pk).order_by("-history_id").first()
                    if latest is not None:
                        type(latest).objects.filter(pk=latest.pk).update(path=new_path)
                if old_path:
                    type(self)._base_manager.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                        path=Concat(models.Value(new_path), Substr("path", len(old_path) + 1))
                    )

    def clean(self):
        super().clean()
        if self.parent_id and self.pk:
            if self.parent_id == self.pk or (self.parent.path or "").startswith(self.path or "\0"):
                raise ValidationError({"parent": "上级不能是自身或自身的下级。"})

    def _expected_path(self):
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.pk}/"

    def descendants(self, include_self=True):
        rows = type(self)._default_manager.filter(path__startswith=self.path)
        return rows if include_self else rows.exclude(pk=self.pk)

    def ancestors(self):
        keys = [int(part) for part in self.path.strip("/").split("/") if part]
        rows = {row.pk: row for row in type(self)._default_manager.filter(pk__in=keys)}
        return [rows[key] for key in keys if key in rows and key != self.pk]
