from django import forms

from core.forms import RestrictedModelForm

from .geojson import MAX_BOUNDARY_BYTES
from .models import MapBoundary


class MapBoundaryUploadForm(RestrictedModelForm):
    """Uploading a GeoJSON boundary; the file is checked by `services.upload_boundary`."""

    file = forms.FileField(
        label="边界文件（GeoJSON）",
        help_text=(
            "乡镇（街道）或县（区）的行政区划面，FeatureCollection 格式，经纬度坐标（WGS 84 / CGCS2000），"
            "与项目经纬度使用同一坐标系；每个要素的 properties.name 为地图上显示的名称；"
            f"不超过 {MAX_BOUNDARY_BYTES // 1024 // 1024} MB。"
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".geojson,.json,application/geo+json,application/json"}
        ),
    )
    activate = forms.BooleanField(label="上传后立即启用", required=False, initial=True)

    class Meta:
        model = MapBoundary
        fields = ("name", "note")
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = "留空：使用文件名。"
        self.order_fields(["file", "name", "note", "activate"])
