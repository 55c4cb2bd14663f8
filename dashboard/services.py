"""Workflows of the 驾驶舱's map boundaries: uploading a GeoJSON (checked by
`dashboard.geojson.check_boundary`), putting a version in force, taking it out of force.

Each takes `actor` keyword-only (None is the system: a command run by the operator), runs in one
transaction with a history context and returns the boundary. Refusals are ValidationError (Chinese,
naming the line and column or the feature) or PermissionDenied, and leave the database as it was.
"""

from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core.history import history_context
from core.permissions import has_action

from .geojson import MAX_BOUNDARY_BYTES, check_boundary, check_size
from .models import MapBoundary


def upload_boundary(upload, *, actor, name="", note="", activate=True):
    """Store an uploaded GeoJSON file (a Django UploadedFile or anything with `read()` and `name`) as a
    new version of the map boundary and, with `activate`, put it in force (the version in force before
    is kept, no longer in force)."""
    if actor is not None and not has_action(actor, MapBoundary, "add"):
        raise PermissionDenied("您没有上传地图边界的权限。")
    original_name = PurePath(getattr(upload, "name", "") or "边界.geojson").name[:200]
    # The size first, so that a huge upload is not read into memory.
    check_size(getattr(upload, "size", None) or 0)
    checked = check_boundary(upload.read(MAX_BOUNDARY_BYTES + 1))
    boundary = MapBoundary(
        name=(name or PurePath(original_name).stem).strip()[:100],
        geojson=checked.geojson,
        original_name=original_name,
        checksum=checked.checksum,
        size_bytes=checked.size_bytes,
        feature_count=checked.feature_count,
        feature_names=checked.feature_names,
        bbox=checked.bbox,
        note=note,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    boundary.full_clean()
    with transaction.atomic(), history_context(actor=actor, reason=f"上传地图边界“{boundary.name}”"):
        boundary.save()
        if activate:
            _put_in_force(boundary)
    return boundary


def _put_in_force(boundary):
    for other in MapBoundary.objects.select_for_update().filter(is_active=True).exclude(pk=boundary.pk):
        other.is_active = False
        other.save(update_fields=["is_active", "updated_at"])
    if not boundary.is_active:
        boundary.is_active = True
        boundary.save(update_fields=["is_active", "updated_at"])


def _may_change(boundary, actor):
    return actor is None or MapBoundary.objects.restrict(actor, "change").filter(pk=boundary.pk).exists()


def activate_boundary(boundary, *, actor):
    """Put `boundary` in force: the dashboard's map draws it (the version in force before stays, no
    longer in force)."""
    if not _may_change(boundary, actor):
        raise PermissionDenied("您没有启用地图边界的权限。")
    with transaction.atomic(), history_context(actor=actor, reason=f"启用地图边界“{boundary.name}”"):
        _put_in_force(boundary)
    return boundary


def deactivate_boundary(boundary, *, actor):
    """Take `boundary` out of force: the map falls back to the boundary file, or to no boundary."""
    if not _may_change(boundary, actor):
        raise PermissionDenied("您没有停用地图边界的权限。")
    with transaction.atomic(), history_context(actor=actor, reason=f"停用地图边界“{boundary.name}”"):
        if boundary.is_active:
            boundary.is_active = False
            boundary.save(update_fields=["is_active", "updated_at"])
    return boundary
