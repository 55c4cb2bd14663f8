"""地图边界: the checks an uploaded GeoJSON goes through (each refusal in Chinese, naming the line and
column or the feature), the upload / activate pages with their history and permissions, and the
dashboard's map drawing the version in force (falling back to the boundary file)."""

import html
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dashboard import services
from dashboard.geojson import MAX_BOUNDARY_BYTES, check_boundary, check_size
from dashboard.models import MapBoundary
from dashboard.tests.helpers import AS_OF, build_june
from org.models import Role
from org.services import grant_role

pytestmark = pytest.mark.django_db

BOUNDARIES = reverse("dashboard:mapboundary_list")
DASHBOARD = reverse("dashboard:dashboard")
# Two townships around the projects of `build_june` (唐江 114.61–114.66 E, 凤岗 114.78 E).
TANGJIANG = [[[114.55, 25.75], [114.70, 25.75], [114.70, 25.90], [114.55, 25.90], [114.55, 25.75]]]
FENGGANG = [[[114.72, 25.55], [114.85, 25.55], [114.85, 25.70], [114.72, 25.70], [114.72, 25.55]]]


def feature(name, geometry):
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


AREAS_OR_LINES = "应为面（Polygon、MultiPolygon）或线（LineString、MultiLineString）"
TOWNSHIPS = collection(
    feature("唐江镇", {"type": "Polygon", "coordinates": TANGJIANG}),
    feature("凤岗镇", {"type": "MultiPolygon", "coordinates": [FENGGANG]}),
)


def upload(document, name="南康区乡镇.geojson"):
    data = document if isinstance(document, bytes) else json.dumps(document, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, data, content_type="application/geo+json")


def refusal(data):
    with pytest.raises(ValidationError) as caught:
        check_boundary(data)
    return caught.value.message_dict["file"]


@pytest.fixture
def keeper(world):
    """The office, holding the boundary permissions on the county (whether or not its default role
    carries them)."""
    role = Role.objects.create(code="boundary_keeper", name="地图边界管理（测试）")
    role.permissions.set(Permission.objects.filter(content_type__app_label="dashboard"))
    grant_role(world.office, role=role, region=world.county, actor=None)
    return world.office


# The checks -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'{"type": "FeatureCollection",\n "features": [\n  {"type": "Feature" "geometry": null}]}',
            "第 3 行第 22 列：不是合法的 JSON，缺少英文逗号或右括号。",
        ),
        (
            b'{"type": "Polygon",\n  "coordinates": [],\n}',
            "第 3 行第 1 列：不是合法的 JSON，属性名应使用英文双引号（可能多了逗号）。",
        ),
        (
            b'{"type": "Polygon",\n "coordinates": [[[NaN, 1]]]}',
            "第 2 行第 20 列：不是合法的 JSON，不能使用 NaN。",
        ),
        (
            '{"type":\n "FeatureCollection", "name": "南康"}'.encode("gbk"),
            "第 2 行第 32 列：文件不是 UTF-8 编码（GBK 等编码的文件请在编辑器中另存为 UTF-8 后再上传）。",
        ),
        (b"", "文件是空的。"),
        (b"[1, 2]", "文件内容应为 GeoJSON 对象（以 { 开头），不是数组或单个值。"),
        (b'{"type": "FeatureCollection", "features": []}', "FeatureCollection 中没有要素（features 为空）。"),
        (
            b'{"type": "Topology", "objects": {}}',
            "这是 TopoJSON 文件；请先转换为 GeoJSON（例如用 mapshaper 导出为 GeoJSON）再上传。",
        ),
        (
            json.dumps(TOWNSHIPS | {"crs": {"type": "name", "properties": {"name": "EPSG:4547"}}}).encode(),
            "文件声明的坐标系为“EPSG:4547”；请转换为经纬度坐标（WGS 84 / CGCS2000，EPSG:4326）后再上传。",
        ),
    ],
    ids=["missing-comma", "trailing-comma", "nan", "gbk", "empty", "array", "no-features", "topojson", "crs"],
)
def test_a_file_that_is_not_a_boundary_is_refused_naming_where(data, message):
    assert refusal(data) == [message]


def test_each_bad_feature_is_named_by_its_number():
    document = collection(
        feature("唐江镇", {"type": "Polygon", "coordinates": TANGJIANG}),
        feature(
            "凤岗镇", {"type": "MultiPolygon", "coordinates": [FENGGANG, [[[114.7, 25.6], [114.8, 25.6]]]]}
        ),
        feature("镇政府", {"type": "Point", "coordinates": [114.6, 25.8]}),
        feature("投影", {"type": "Polygon", "coordinates": [[[38500000, 2850000], [38500100, 2850000]] * 2]}),
        {"type": "Feature", "properties": {}, "geometry": None},
        feature("河流", {"type": "LineString", "coordinates": [[114.6, 25.8], [114.7, "25.9"]]}),
        feature(
            "越界",
            {
                "type": "Polygon",
                "coordinates": [[[114.6, 95.0], [114.7, 25.8], [114.7, 25.9], [114.6, 95.0]]],
            },
        ),
    )
    assert refusal(json.dumps(document).encode()) == [
        "第 2 个要素：MultiPolygon 第 2 个面第 1 个环只有 2 个点，至少需要 4 个。",
        f"第 3 个要素：几何类型“Point”不能作为边界，{AREAS_OR_LINES}。",
        "第 4 个要素：Polygon 第 1 个环第 1 个点 [38500000, 2850000] 超出经纬度范围"
        "（经度 -180～180，纬度 -90～90），像是投影坐标（米）；"
        "请转换为经纬度（WGS 84 / CGCS2000，EPSG:4326）后再上传。",
        "第 5 个要素：没有几何图形（geometry 为空）。",
        '第 6 个要素：LineString 第 2 个点应为 [经度, 纬度]，实际为 [114.7, "25.9"]。',
        "第 7 个要素：Polygon 第 1 个环第 1 个点 [114.6, 95.0] 超出经纬度范围"
        "（经度 -180～180，纬度 -90～90）。",
    ]


def test_past_ten_bad_features_the_rest_are_counted():
    document = collection(*[{"type": "Feature", "properties": {}, "geometry": None}] * 13)
    messages = refusal(json.dumps(document).encode())
    assert len(messages) == 11
    assert messages[9] == "第 10 个要素：没有几何图形（geometry 为空）。"
    assert messages[10] == "另有 3 个要素有错误，未一一列出。"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(ValidationError) as caught:
        check_size(3 * 1024 * 1024)
    assert caught.value.message_dict["file"] == [
        "文件 3.0 MB，超过 2 MB 的上限；请先简化边界（例如用 mapshaper 简化到原来的 10%）再上传。"
    ]
    check_size(MAX_BOUNDARY_BYTES)  # at the limit: accepted


def test_a_good_file_is_kept_as_a_feature_collection_with_its_extent():
    checked = check_boundary(b"\xef\xbb\xbf" + json.dumps(TOWNSHIPS, ensure_ascii=False).encode())
    assert checked.geojson == TOWNSHIPS
    assert (checked.feature_count, checked.feature_names) == (2, ["唐江镇", "凤岗镇"])
    assert checked.bbox == [114.55, 25.55, 114.85, 25.9]
    # A single feature or a bare geometry counts as one feature; null properties become {} (ECharts
    # leaves out a feature without properties).
    bare = {"type": "Polygon", "coordinates": TANGJIANG}
    expected = collection({"type": "Feature", "properties": {}, "geometry": bare})
    assert check_boundary(json.dumps(bare).encode()).geojson == expected
    single = {"type": "Feature", "properties": None, "geometry": bare}
    assert check_boundary(json.dumps(single).encode()).geojson == expected


# The page ---------------------------------------------------------------------------------------------


def test_the_office_uploads_then_goes_back_to_an_earlier_version_all_recorded(client, world, keeper):
    client.force_login(keeper)

    response = client.post(BOUNDARIES, {"file": upload(TOWNSHIPS), "name": "", "activate": "on"})

    first = MapBoundary.objects.get()
    assert response.status_code == 302 and response["Location"] == first.get_absolute_url()
    assert (first.name, first.original_name, first.is_active, first.feature_count) == (
        "南康区乡镇",
        "南康区乡镇.geojson",
        True,
        2,
    )
    assert first.geojson == TOWNSHIPS and first.uploaded_by == keeper

    smaller = collection(feature("唐江镇", {"type": "Polygon", "coordinates": TANGJIANG}))
    client.post(BOUNDARIES, {"file": upload(smaller, "tangjiang.json"), "name": "唐江镇", "activate": "on"})
    second = MapBoundary.objects.get(name="唐江镇")
    first.refresh_from_db()
    assert (first.is_active, second.is_active) == (False, True)

    response = client.post(reverse("dashboard:mapboundary_activate", args=[first.pk]))

    assert response.status_code == 302
    assert list(MapBoundary.objects.filter(is_active=True)) == [first]
    history = [
        (record.id, record.history_type, record.is_active, record.history_change_reason, record.history_user)
        for record in MapBoundary.history.order_by("history_id")
    ]
    assert history == [
        (first.pk, "+", False, "上传地图边界“南康区乡镇”", keeper),
        (first.pk, "~", True, "上传地图边界“南康区乡镇”", keeper),
        (second.pk, "+", False, "上传地图边界“唐江镇”", keeper),
        (first.pk, "~", False, "上传地图边界“唐江镇”", keeper),
        (second.pk, "~", True, "上传地图边界“唐江镇”", keeper),
        (second.pk, "~", False, "启用地图边界“南康区乡镇”", keeper),
        (first.pk, "~", True, "启用地图边界“南康区乡镇”", keeper),
    ]
    page = client.get(BOUNDARIES)
    assert page.status_code == 200
    assert [version.pk for version in page.context["versions"]] == [second.pk, first.pk]
    assert page.context["active"] == first
    text = page.content.decode()
    assert "驾驶舱地图正在使用“南康区乡镇”（2 个要素" in text and "启用地图边界“南康区乡镇”" in text

    download = client.get(reverse("dashboard:mapboundary_file", args=[second.pk]))
    assert download.status_code == 200 and json.loads(download.content) == smaller


def test_a_bad_upload_is_shown_on_the_form_and_nothing_is_stored(client, world, keeper):
    client.force_login(keeper)
    bad = collection(
        feature("唐江镇", {"type": "Polygon", "coordinates": TANGJIANG}),
        feature("凤岗镇", {"type": "Polygon", "coordinates": FENGGANG}),
        feature("镇政府", {"type": "Point", "coordinates": [114.6, 25.8]}),
    )

    response = client.post(BOUNDARIES, {"file": upload(bad), "activate": "on"})

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        f"第 3 个要素：几何类型“Point”不能作为边界，{AREAS_OR_LINES}。"
    ]
    assert "第 3 个要素：几何类型“Point”不能作为边界" in response.content.decode()
    assert (MapBoundary.objects.count(), MapBoundary.history.count()) == (0, 0)

    response = client.post(
        BOUNDARIES, {"file": upload(b'{"type": "Feature",\n"geometry": }'), "activate": "on"}
    )
    assert response.context["form"].errors["file"] == [
        "第 2 行第 13 列：不是合法的 JSON，此处应为一个值（可能多了逗号，或缺少引号、括号）。"
    ]
    assert (MapBoundary.objects.count(), MapBoundary.history.count()) == (0, 0)


def test_without_the_permission_the_page_and_the_actions_are_refused_and_nothing_changes(
    client, world, keeper
):
    boundary = services.upload_boundary(upload(TOWNSHIPS), actor=keeper, activate=False)
    before = MapBoundary.history.count()
    client.force_login(world.reporter_a)

    assert client.get(BOUNDARIES).status_code == 403
    assert client.post(BOUNDARIES, {"file": upload(TOWNSHIPS), "activate": "on"}).status_code == 403
    assert client.post(reverse("dashboard:mapboundary_activate", args=[boundary.pk])).status_code == 404
    assert client.get(reverse("dashboard:mapboundary_file", args=[boundary.pk])).status_code == 404
    assert (MapBoundary.objects.count(), MapBoundary.history.count()) == (1, before)
    assert not MapBoundary.objects.get().is_active
    with pytest.raises(PermissionDenied, match="您没有上传地图边界的权限"):
        services.upload_boundary(upload(TOWNSHIPS), actor=world.reporter_a)
    with pytest.raises(PermissionDenied, match="您没有启用地图边界的权限"):
        services.activate_boundary(boundary, actor=world.reporter_a)
    assert (MapBoundary.objects.count(), MapBoundary.history.count()) == (1, before)

    client.logout()
    assert client.get(BOUNDARIES).status_code == 302  # to the login page


def test_the_menu_offers_the_boundaries_only_to_who_may_view_them(client, world, keeper):
    client.force_login(keeper)
    groups = dict(client.get(reverse("home")).context["navigation_menu"])
    assert groups["驾驶舱"] == [("驾驶舱", DASHBOARD), ("地图边界", BOUNDARIES)]
    assert ("半月一专报", reverse("reports:specialreport_list")) in groups["报告与函件"]
    client.force_login(world.reporter_a)
    groups = dict(client.get(reverse("home")).context["navigation_menu"])
    assert groups["驾驶舱"] == [("驾驶舱", DASHBOARD)]
    assert ("半月一专报", reverse("reports:specialreport_list")) in groups["报告与函件"]


def test_every_page_of_the_menu_opens(client, world, keeper):
    client.force_login(keeper)
    links = [url for _, items in client.get(reverse("home")).context["navigation_menu"] for _, url in items]
    assert BOUNDARIES in links and DASHBOARD in links
    assert {url: client.get(url).status_code for url in links} == dict.fromkeys(links, 200)


# The dashboard's map ----------------------------------------------------------------------------------


def map_boundary(client, response):
    """The boundary the page's map script fetches (the URL on the map element), as the browser reads
    it; None when the page names none."""
    found = re.search(r'data-boundary-url="([^"]+)"', response.content.decode())
    if found is None:
        return None
    fetched = client.get(html.unescape(found.group(1)))
    assert fetched.status_code == 200 and fetched["Content-Type"].startswith("application/geo+json")
    return json.loads(fetched.content)


def test_the_map_draws_the_uploaded_boundary_in_force_else_the_file(
    client, world, keeper, settings, tmp_path
):
    from lights.tests.helpers import project

    settings.DATA_DIR = tmp_path
    build_june(world)
    project(world, "未定位项目", plan="100", region=world.region_a)  # no coordinates: not on the map
    client.force_login(world.scoped)
    query = {"as_of": AS_OF.isoformat()}
    assert map_boundary(client, client.get(DASHBOARD, query)) is None

    file_boundary = collection(feature("南康区", {"type": "Polygon", "coordinates": TANGJIANG}))
    (tmp_path / "dashboard").mkdir()
    (tmp_path / "dashboard" / "boundary.geojson").write_text(json.dumps(file_boundary), encoding="utf-8")
    assert map_boundary(client, client.get(DASHBOARD, query)) == file_boundary

    boundary = services.upload_boundary(upload(TOWNSHIPS), actor=keeper)
    response = client.get(DASHBOARD, query)
    assert response.status_code == 200
    assert map_boundary(client, response) == TOWNSHIPS
    assert [point[0] for point in response.context["points"]] == ["唐江家具产业园", "唐江光伏组件"]
    assert "未上传区划边界" not in response.content.decode()

    services.deactivate_boundary(boundary, actor=keeper)
    assert map_boundary(client, client.get(DASHBOARD, query)) == file_boundary


def test_browsers_keep_the_map_boundary_until_it_changes(client, world, keeper, settings, tmp_path):
    """The page names the version in force in the GeoJSON's URL: that URL is kept for a year; the bare
    URL is revalidated (ETag, 304 while unchanged); another version is another URL and ETag."""
    settings.DATA_DIR = tmp_path
    url = reverse("dashboard:boundary")
    assert client.get(url).status_code == 302  # signed in only
    client.force_login(world.scoped)
    assert client.get(url).status_code == 404  # no boundaries
    first = services.upload_boundary(upload(TOWNSHIPS), actor=keeper)
    page = client.get(DASHBOARD, {"as_of": AS_OF.isoformat()}).content.decode()
    versioned = html.unescape(re.search(r'data-boundary-url="([^"]+)"', page).group(1))
    assert versioned == f"{url}?v=b{first.pk}"
    kept = client.get(versioned)
    assert kept["Cache-Control"] == "private, max-age=31536000, immutable"
    assert kept["ETag"] == f'"b{first.pk}"'
    bare = client.get(url)
    assert bare["Cache-Control"] == "private, no-cache" and json.loads(bare.content) == TOWNSHIPS
    unchanged = client.get(url, headers={"If-None-Match": bare["ETag"]})
    assert unchanged.status_code == 304 and not unchanged.content

    second = services.upload_boundary(
        upload(collection(feature("唐江镇", {"type": "Polygon", "coordinates": TANGJIANG}))), actor=keeper
    )
    changed = client.get(url, headers={"If-None-Match": bare["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] == f'"b{second.pk}"'
    assert (
        client.get(versioned)["ETag"] == f'"b{second.pk}"'
    )  # an old link: the version in force, revalidated
    assert client.get(versioned)["Cache-Control"] == "private, no-cache"
