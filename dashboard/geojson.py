"""Checking an uploaded boundary file before it is stored: UTF-8 JSON, a GeoJSON FeatureCollection,
Feature or geometry of areas (Polygon, MultiPolygon) or lines (LineString, MultiLineString) — what
ECharts' `registerMap` draws — with positions in longitude/latitude. Every refusal is a Chinese
message naming where the problem is: "第 N 行第 M 列：…" for a file that is not JSON, "第 3 个要素：…"
for a bad feature.
"""

import hashlib
import json
import math
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

# The map is embedded in every dashboard page: beyond this a county's boundaries need simplifying.
MAX_BOUNDARY_BYTES = 2 * 1024 * 1024
# Past this many messages the rest are only counted: the first ones show what to fix.
MAX_MESSAGES = 10
AREA_TYPES = ("Polygon", "MultiPolygon")
LINE_TYPES = ("LineString", "MultiLineString")
GEOMETRY_TYPES = ("Point", "MultiPoint", *LINE_TYPES, *AREA_TYPES, "GeometryCollection")
# A declared CRS must be longitude/latitude: WGS 84 (EPSG:4326, CRS84) or CGCS2000 (EPSG:4490).
LONGITUDE_LATITUDE_CRS = re.compile(r"(CRS84|EPSG:{1,2}(4326|4490))$", re.IGNORECASE)
# json's messages, in the office's words.
JSON_MESSAGES = (
    ("Expecting value", "此处应为一个值（可能多了逗号，或缺少引号、括号）"),
    ("Expecting property name enclosed in double quotes", "属性名应使用英文双引号（可能多了逗号）"),
    ("Expecting ',' delimiter", "缺少英文逗号或右括号"),
    ("Expecting ':' delimiter", "缺少英文冒号"),
    ("Unterminated string", "字符串缺少结束的英文双引号"),
    ("Invalid control character", "字符串中有换行或控制字符"),
    ("Invalid \\escape", "无效的转义字符"),
    ("Invalid \\uXXXX escape", "无效的 \\u 转义"),
    ("Extra data", "JSON 已结束，后面还有多余内容"),
)


@dataclass(frozen=True)
class CheckedBoundary:
    """A boundary file that passed the checks: the GeoJSON as a FeatureCollection, the file's checksum
    and size, its features' count and names, and [min lon, min lat, max lon, max lat]."""

    geojson: dict
    checksum: str
    size_bytes: int
    feature_count: int
    feature_names: list
    bbox: list


def _refuse(messages):
    raise ValidationError({"file": messages})


def _position(text, offset):
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _decode(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8", errors="replace")
        line, column = _position(before, len(before))
        _refuse(
            f"第 {line} 行第 {column} 列：文件不是 UTF-8 编码"
            "（GBK 等编码的文件请在编辑器中另存为 UTF-8 后再上传）。"
        )


def _parse(text):
    def no_constant(name):
        raise ValueError(name)

    try:
        return json.loads(text, parse_constant=no_constant)
    except json.JSONDecodeError as error:
        reason = next(
            (chinese for english, chinese in JSON_MESSAGES if error.msg.startswith(english)), error.msg
        )
        _refuse(f"第 {error.lineno} 行第 {error.colno} 列：不是合法的 JSON，{reason}。")
    except RecursionError:
        _refuse("不是合法的 GeoJSON：数组或对象嵌套层数过多。")
    except ValueError as error:
        # NaN and Infinity are Python's extension, not JSON; json does not say where they are.
        found = re.search(rf"(?<![\w\"]){re.escape(str(error))}\b", text)
        where = "第 {} 行第 {} 列：".format(*_position(text, found.start())) if found else ""
        _refuse(f"{where}不是合法的 JSON，不能使用 {error}。")


def _declared_crs(document):
    """The name of the CRS an old-style GeoJSON (QGIS, ArcGIS exports) declares, or None."""
    crs = document.get("crs")
    properties = crs.get("properties") if isinstance(crs, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    return name if isinstance(name, str) else None


def _features(document):
    """The document's features, a Feature or a bare geometry counting as one."""
    if not isinstance(document, dict):
        _refuse("文件内容应为 GeoJSON 对象（以 { 开头），不是数组或单个值。")
    kind = document.get("type")
    crs = _declared_crs(document)
    if crs and not LONGITUDE_LATITUDE_CRS.search(crs):
        _refuse(f"文件声明的坐标系为“{crs}”；请转换为经纬度坐标（WGS 84 / CGCS2000，EPSG:4326）后再上传。")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            _refuse("FeatureCollection 缺少 features 数组。")
        if not features:
            _refuse("FeatureCollection 中没有要素（features 为空）。")
        return features
    if kind == "Feature":
        return [document]
    if kind in GEOMETRY_TYPES:
        return [{"type": "Feature", "properties": {}, "geometry": document}]
    if kind == "Topology":
        _refuse("这是 TopoJSON 文件；请先转换为 GeoJSON（例如用 mapshaper 导出为 GeoJSON）再上传。")
    shown = f"“{kind}”" if isinstance(kind, str) else "缺失"
    _refuse(
        f"GeoJSON 类型{shown}不正确：应为 FeatureCollection、Feature 或 Polygon / MultiPolygon 几何对象。"
    )


def _number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_position(position, where, bounds):
    if not isinstance(position, list) or len(position) not in (2, 3) or not all(map(_number, position)):
        shown = json.dumps(position, ensure_ascii=False)[:60]
        return f"{where}应为 [经度, 纬度]，实际为 {shown}"
    longitude, latitude = position[0], position[1]
    if -180 <= longitude <= 180 and -90 <= latitude <= 90:
        bounds[0] = min(bounds[0], longitude)
        bounds[1] = min(bounds[1], latitude)
        bounds[2] = max(bounds[2], longitude)
        bounds[3] = max(bounds[3], latitude)
        return None
    message = f"{where} {json.dumps(position[:2])} 超出经纬度范围（经度 -180～180，纬度 -90～90）"
    if abs(longitude) > 1000 or abs(latitude) > 1000:
        message += "，像是投影坐标（米）；请转换为经纬度（WGS 84 / CGCS2000，EPSG:4326）后再上传"
    return message


def _check_line(points, where, minimum, bounds):
    if not isinstance(points, list):
        return f"{where}应为坐标点数组"
    if len(points) < minimum:
        return f"{where}只有 {len(points)} 个点，至少需要 {minimum} 个"
    for index, position in enumerate(points, start=1):
        problem = _check_position(position, f"{where}第 {index} 个点", bounds)
        if problem:
            return problem
    return None


def _check_parts(coordinates, kind, bounds):
    """The first problem of a geometry's coordinates, or None."""
    if not isinstance(coordinates, list) or not coordinates:
        return "coordinates 为空或不是数组"
    if kind == "LineString":
        return _check_line(coordinates, "", 2, bounds)
    if kind == "MultiLineString":
        for line_index, line in enumerate(coordinates, start=1):
            problem = _check_line(line, f"第 {line_index} 条线", 2, bounds)
            if problem:
                return problem
        return None
    polygons = [coordinates] if kind == "Polygon" else coordinates
    for polygon_index, polygon in enumerate(polygons, start=1):
        prefix = f"第 {polygon_index} 个面" if kind == "MultiPolygon" else ""
        if not isinstance(polygon, list) or not polygon:
            return f"{prefix or '面'}应为由环组成的数组"
        for ring_index, ring in enumerate(polygon, start=1):
            problem = _check_line(ring, f"{prefix}第 {ring_index} 个环", 4, bounds)
            if problem:
                return problem
    return None


def _check_feature(feature, bounds):
    """(problem or None, the feature ready for ECharts)."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return "不是 Feature 对象（type 应为“Feature”）", None
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        return "没有几何图形（geometry 为空）", None
    kind = geometry.get("type")
    if kind not in (*AREA_TYPES, *LINE_TYPES):
        shown = f"“{kind}”" if isinstance(kind, str) else "缺失"
        return (
            f"几何类型{shown}不能作为边界，应为面（Polygon、MultiPolygon）或线（LineString、MultiLineString）",
            None,
        )
    problem = _check_parts(geometry.get("coordinates"), kind, bounds)
    if problem:
        return f"{kind} {problem.strip()}", None
    properties = feature.get("properties")
    if properties is not None and not isinstance(properties, dict):
        return "properties 应为对象", None
    # ECharts skips a feature whose properties are null.
    return None, {"type": "Feature", "properties": properties or {}, "geometry": geometry}


def check_size(size):
    """ValidationError on "file" when a file of `size` bytes is over MAX_BOUNDARY_BYTES."""
    if size > MAX_BOUNDARY_BYTES:
        _refuse(
            f"文件 {size / 1024 / 1024:.1f} MB，超过 {MAX_BOUNDARY_BYTES // 1024 // 1024} MB 的上限；"
            "请先简化边界（例如用 mapshaper 简化到原来的 10%）再上传。"
        )


def check_boundary(data):
    """A `CheckedBoundary` of the uploaded bytes; ValidationError on "file" listing what is wrong (the
    first MAX_MESSAGES problems and how many more there are)."""
    if not data:
        _refuse("文件是空的。")
    check_size(len(data))
    features = _features(_parse(_decode(data)))
    bounds = [math.inf, math.inf, -math.inf, -math.inf]
    problems, checked = [], []
    for index, feature in enumerate(features, start=1):
        problem, ready = _check_feature(feature, bounds)
        if problem:
            problems.append(f"第 {index} 个要素：{problem}。")
        else:
            checked.append(ready)
    if problems:
        shown = problems[:MAX_MESSAGES]
        if len(problems) > MAX_MESSAGES:
            shown.append(f"另有 {len(problems) - MAX_MESSAGES} 个要素有错误，未一一列出。")
        _refuse(shown)
    names = [
        str(name) for feature in checked if (name := feature["properties"].get("name")) not in (None, "")
    ]
    return CheckedBoundary(
        geojson={"type": "FeatureCollection", "features": checked},
        checksum=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        feature_count=len(checked),
        feature_names=names,
        bbox=[round(value, 6) for value in bounds],
    )
