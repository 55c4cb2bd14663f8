"""驾驶舱: the county boundaries the office uploads for the dashboard's map.

A `MapBoundary` is one uploaded GeoJSON (the township or county polygons, longitude/latitude), checked on
upload (`dashboard.geojson.check_boundary`) and stored as a FeatureCollection. Uploads are never
edited: a new file is a new version. At most one version is in force; without one the map uses the
file at DATA_DIR/dashboard/boundary.geojson when there is one, else a plain longitude/latitude grid.
"""

from django.db import models
from django.urls import reverse

from core.models import BusinessModel, Scope


class MapBoundary(BusinessModel):
    """地图边界: a GeoJSON of the county's boundaries (乡镇、街道的行政区划面) the office uploaded for the
    驾驶舱 map, with who uploaded it when; one version is in force."""

    name = models.CharField("边界名称", max_length=100)
    geojson = models.JSONField("边界数据（GeoJSON）", editable=False)
    original_name = models.CharField("原文件名", max_length=200, editable=False)
    checksum = models.CharField("文件校验码", max_length=64, editable=False)
    size_bytes = models.PositiveIntegerField("文件大小（字节）", editable=False)
    feature_count = models.PositiveIntegerField("要素数", editable=False)
    feature_names = models.JSONField("要素名称", default=list, blank=True, editable=False)
    bbox = models.JSONField(
        "经纬度范围", default=list, editable=False, help_text="[最小经度, 最小纬度, 最大经度, 最大纬度]"
    )
    note = models.TextField("说明", blank=True)
    is_active = models.BooleanField("启用", default=False, editable=False)
    uploaded_by = models.ForeignKey(
        "org.User",
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField("上传时间", editable=False)

    scope = Scope()

    class Meta:
        verbose_name = "地图边界"
        verbose_name_plural = "地图边界"
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="mapboundary_one_active"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('dashboard:mapboundary_list')}#boundary-{self.pk}"
