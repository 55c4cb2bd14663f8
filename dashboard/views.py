"""The leaders' dashboard (驾驶舱), the list behind each of its numbers and the map boundaries' page.
The dashboard pages read the figures once (`selectors.dashboard_figures`) for the signed-in user's view
scope; bad filters are answered with a Chinese message naming the field, never a server error. The
boundaries' page lists the uploaded versions, takes a new upload and puts a version in force, through
`services` and `MapBoundary.objects.restrict`."""

import json
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from core.permissions import has_action
from reports.figures import TIERS

from . import selectors, services
from .forms import MapBoundaryUploadForm
from .models import MapBoundary

# The headline cards: (label, path in the figures, unit).
HEADLINES = (
    ("项目总数", "summary.projects", "个"),
    ("总投资", "summary.total_investment", "万元"),
    ("年度计划投资", "summary.annual_plan", "万元"),
    ("年度累计完成投资", "summary.year_to_date", "万元"),
    ("年度投资完成率", "summary.completion_rate", "%"),
    ("序时进度", "summary.time_elapsed", "%"),
    ("与序时进度差距", "summary.gap_points", "个百分点"),
    ("开工率", "start_rate.rate", "%"),
    ("已开工项目", "start_rate.started", "个"),
    ("红灯", "lights.red", "个"),
    ("黄灯", "lights.yellow", "个"),
    ("绿灯", "lights.green", "个"),
    ("未亮灯", "lights.none", "个"),
    ("年内交办事项", "matters.year.opened", "件"),
    ("年内销号事项", "matters.year.closed", "件"),
    ("逾期事项", "matters.overdue", "件"),
    ("填报完整率", "reporting.current.completeness", "%"),
    ("填报及时率", "reporting.current.timeliness", "%"),
)
# The parts of the figures the page shows (the others are not built for it).
PAGE_PARTS = (
    "parameters",
    "summary",
    "start_rate",
    "lights",
    "matters",
    "reporting",
    "by_stage",
    "unit_ranking",
)
# A rate's rows are those of the figure it is computed from.
ROWS_OF = {
    "start_rate.rate": "start_rate.planned",
    "reporting.current.completeness": "reporting.current",
    "reporting.current.timeliness": "reporting.current",
}
# 序时进度 is a share of the year, not a count of rows; the gap follows from it.
NO_ROWS = ("summary.time_elapsed", "summary.gap_points")
LIGHT_LABELS = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "none": "未亮灯"}
SOURCE_LABELS = {
    "projects.project": "项目",
    "projects.annualplan": "年度计划",
    "dispatch.progressreport": "进度报告",
    "dispatch.dispatchround": "调度轮次",
    "matters.matter": "事项",
    "lights.projectlight": "项目亮灯",
}


def figure_label(data, path):
    """The Chinese title of the figure at `path`, for the list page's heading."""
    steps = path.split(".")
    headline = {rows: label for label, rows, _ in HEADLINES} | {
        "start_rate.planned": "计划年内开工项目",
        "reporting.current": "当前轮次调度填报",
    }
    if path in headline:
        return headline[path]
    if steps[0] == "by_stage" and len(steps) == 3 and steps[1] in data["by_stage"]:
        return f"{data['by_stage'][steps[1]]['label']}阶段项目"
    if steps[0] == "unit_ranking" and len(steps) == 3 and steps[1].isdigit():
        unit = data["unit_ranking"][int(steps[1])]
        measure = {label_path.split(".")[1]: label for label, label_path, _ in HEADLINES[:5]}
        return f"{unit['name']} · {measure.get(steps[2], steps[2])}"
    return path


def _walk(data, path):
    node = data
    for step in path.split("."):
        if node is None:
            return None
        node = node[int(step)] if isinstance(node, list) else node.get(step)
    return node


def _value(node):
    return node["value"] if isinstance(node, dict) and "value" in node else node


def _filters_query(request):
    return [(key, value) for key, values in request.GET.lists() for value in values if key != "figure"]


def rows_url(request, path):
    """The list of the rows behind the figure at `path`, with the dashboard's filters."""
    return f"{reverse('dashboard:rows')}?{urlencode([*_filters_query(request), ('figure', path)])}"


def _filters_context(request, parameters=None):
    return {
        "query": request.GET,
        "as_of": request.GET.get("as_of") or (parameters.as_of.isoformat() if parameters else ""),
        "tiers": [(key, label, key in request.GET.getlist("tier")) for key, (_, label) in TIERS.items()],
    }


def _charts(request, data):
    stages = [
        {
            "name": stage["label"],
            "value": stage["projects"]["value"],
            "url": rows_url(request, f"by_stage.{key}.projects"),
        }
        for key, stage in data["by_stage"].items()
    ]
    lights = [
        {
            "name": LIGHT_LABELS[key],
            "value": data["lights"][key]["value"],
            "url": rows_url(request, f"lights.{key}"),
        }
        for key in ("red", "yellow", "green", "none")
    ]
    units = [
        {
            "name": unit["name"],
            "value": unit["completion_rate"]["value"],
            "url": rows_url(request, f"unit_ranking.{index}.completion_rate"),
        }
        for index, unit in enumerate(data["unit_ranking"])
    ]
    reporting = [
        {"name": row["unit"]["name"], "completeness": row["completeness"], "timeliness": row["timeliness"]}
        for row in (data["reporting"]["current"] or {}).get("by_unit", [])
    ]
    return {"stages": stages, "lights": lights, "units": units, "reporting": reporting}


class DashboardView(LoginRequiredMixin, View):
    """驾驶舱: headline cards, charts and the map of the projects the user may view."""

    template_name = "dashboard/dashboard.html"

    def get(self, request):
        try:
            parameters = selectors.parse_parameters(request.GET)
            figures = selectors.dashboard_figures(request.user, parameters)
        except ValidationError as error:
            context = _filters_context(request) | {"errors": error.messages}
            return render(request, self.template_name, context, status=400)
        data = figures.parts(*PAGE_PARTS)
        cards = []
        for label, path, unit in HEADLINES:
            value = _value(_walk(data, path))
            link = (
                ROWS_OF.get(path, path)
                if path not in ("summary.time_elapsed", "summary.gap_points")
                else None
            )
            cards.append(
                {
                    "label": label,
                    "key": path.replace(".", "-"),
                    "value": "—" if value is None else value,
                    "unit": unit,
                    "url": rows_url(request, link) if link else None,
                }
            )
        context = _filters_context(request, parameters) | {
            "parameters": data["parameters"],
            "cards": cards,
            "charts": _charts(request, data),
            "points": selectors.project_points(request.user, data),
            "boundary_url": _boundary_url(),
            "may_view_boundaries": has_action(request.user, MapBoundary, "view"),
            "ranking": data["unit_ranking"],
        }
        return render(request, self.template_name, context)


def _boundary_url():
    """The map's GeoJSON URL, naming the boundaries in force (None: there are none)."""
    version = selectors.boundary_version()
    if version is None:
        return None
    return f"{reverse('dashboard:boundary')}?{urlencode({'v': version})}"


class BoundaryGeoJSONView(LoginRequiredMixin, View):
    """GET: the county boundaries in force, for the dashboard's map (fetched by its script, not
    embedded in every page). Asked for with the version in force (`?v=`, as the page links it), the
    browser keeps it for a year — a new version is a new URL; without, it revalidates each time
    (ETag, 304 when unchanged). 404 when there are no boundaries."""

    def get(self, request):
        version = selectors.boundary_version()
        if version is None:
            return HttpResponse(status=404)
        etag = f'"{version}"'
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            response = HttpResponse(status=304)
        else:
            geojson = selectors.boundary_geojson(version)
            if geojson is None:  # switched in between: the next request names the new version
                return HttpResponse(status=404)
            body = json.dumps(geojson, ensure_ascii=False, separators=(",", ":"))
            response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
        response["ETag"] = etag
        if request.GET.get("v") == version:
            response["Cache-Control"] = "private, max-age=31536000, immutable"
        else:
            response["Cache-Control"] = "private, no-cache"
        return response


class FigureRowsView(LoginRequiredMixin, View):
    """The rows behind one number of the dashboard (`?figure=<path>` and the dashboard's filters):
    exactly the figure's sources, of those the user may view, each linked to its page."""

    template_name = "dashboard/rows.html"

    def get(self, request):
        path = (request.GET.get("figure") or "").strip()
        try:
            if not path:
                raise ValidationError({"figure": "请指定统计项（figure）。"})
            parameters = selectors.parse_parameters(request.GET)
            figures = selectors.dashboard_figures(request.user, parameters)
            data = figures.parts(path.split(".")[0], "projects", "parameters")
            figure = selectors.figure_at(data, path)
        except ValidationError as error:
            return render(request, self.template_name, {"errors": error.messages}, status=400)
        projects = {row["id"]: row for row in data["projects"]}
        groups = []
        for label, rows in selectors.source_rows(request.user, figure["sources"]).items():
            groups.append(
                {
                    "label": SOURCE_LABELS.get(label, label),
                    "key": label.replace(".", "-"),
                    "rows": [
                        {
                            "object": row,
                            "url": row.get_absolute_url(),
                            "figures": projects.get(row.pk),
                            "light": LIGHT_LABELS.get((projects.get(row.pk) or {}).get("light") or "none"),
                        }
                        for row in rows
                    ],
                    "is_project": label == "projects.project",
                }
            )
        context = {
            "path": path,
            "label": figure_label(data, path),
            "value": figure.get("value"),
            "parameters": data["parameters"],
            "groups": groups,
            "back": f"{reverse('dashboard:dashboard')}?{urlencode(_filters_query(request))}",
        }
        return render(request, self.template_name, context)


# 地图边界 -----------------------------------------------------------------------------------------


class MapBoundaryListView(LoginRequiredMixin, View):
    """地图边界: the uploaded versions (newest first, the one in force marked), their history, a preview
    of one version under the projects the user may view, and (with the add permission) the upload form."""

    template_name = "dashboard/mapboundary_list.html"

    def get(self, request):
        if not has_action(request.user, MapBoundary, "view"):
            raise PermissionDenied("您没有查看地图边界的权限。")
        return self.render_page(MapBoundaryUploadForm(initial={"activate": True}, user=request.user))

    def post(self, request):
        if not has_action(request.user, MapBoundary, "add"):
            raise PermissionDenied("您没有上传地图边界的权限。")
        form = MapBoundaryUploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                boundary = services.upload_boundary(
                    form.cleaned_data["file"],
                    name=form.cleaned_data["name"],
                    note=form.cleaned_data["note"],
                    activate=form.cleaned_data["activate"],
                    actor=request.user,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                state = "并已启用，驾驶舱地图使用此边界" if boundary.is_active else "（未启用）"
                messages.success(
                    request, f"已上传地图边界“{boundary.name}”（{boundary.feature_count} 个要素）{state}。"
                )
                return redirect(boundary.get_absolute_url())
        return self.render_page(form, status=400)

    def render_page(self, form, status=200):
        user = self.request.user
        versions = list(
            MapBoundary.objects.restrict(user, "view").select_related("uploaded_by").defer("geojson")
        )
        shown = self._shown(versions)
        history = (
            MapBoundary.history.filter(id__in=[version.pk for version in versions])
            .select_related("history_user")
            .only(
                "id",
                "name",
                "is_active",
                "history_date",
                "history_type",
                "history_change_reason",
                "history_user",
            )
            .order_by("-history_date", "-history_id")[:50]
        )
        context = {
            "versions": versions,
            "active": next((version for version in versions if version.is_active), None),
            "shown": shown,
            "history": history,
            "form": form if has_action(user, MapBoundary, "add") else None,
            "may_change": has_action(user, MapBoundary, "change"),
            "file_in_use": (settings.DATA_DIR / selectors.BOUNDARY_FILE).exists(),
            "preview": {
                "boundary": MapBoundary.objects.get(pk=shown.pk).geojson if shown else None,
                "points": selectors.located_projects(user),
            },
        }
        return render(self.request, self.template_name, context, status=status)

    def _shown(self, versions):
        wanted = self.request.GET.get("show", "")
        by_id = {str(version.pk): version for version in versions}
        if wanted in by_id:
            return by_id[wanted]
        return next((version for version in versions if version.is_active), versions[0] if versions else None)


class MapBoundarySwitchView(LoginRequiredMixin, View):
    """POST: put a version in force (`activate`) or take it out of force; 404 outside the user's
    change scope."""

    activate = True

    def post(self, request, pk):
        boundary = get_object_or_404(MapBoundary.objects.restrict(request.user, "change"), pk=pk)
        if self.activate:
            services.activate_boundary(boundary, actor=request.user)
            messages.success(request, f"已启用地图边界“{boundary.name}”，驾驶舱地图使用此边界。")
        else:
            services.deactivate_boundary(boundary, actor=request.user)
            messages.success(request, f"已停用地图边界“{boundary.name}”。")
        return redirect(boundary.get_absolute_url())


class MapBoundaryFileView(LoginRequiredMixin, View):
    """GET: a version's GeoJSON as stored (a FeatureCollection), to users who may view boundaries."""

    def get(self, request, pk):
        boundary = get_object_or_404(MapBoundary.objects.restrict(request.user, "view"), pk=pk)
        body = json.dumps(boundary.geojson, ensure_ascii=False, separators=(",", ":"))
        response = HttpResponse(body.encode("utf-8"), content_type="application/geo+json; charset=utf-8")
        filename = f"{boundary.name}-{boundary.uploaded_at:%Y%m%d%H%M}.geojson"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        response["Cache-Control"] = "private, no-store"
        return response
