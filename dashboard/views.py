"""The leaders' dashboard (驾驶舱) and the list behind each of its numbers. Both pages read the figures
once (`selectors.dashboard_figures`) for the signed-in user's view scope; bad filters are answered
with a Chinese message naming the field, never a server error."""

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from reports.figures import TIERS

from . import selectors

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
        data = figures.to_dict()
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
            "boundary": selectors.boundary_geojson(),
            "ranking": data["unit_ranking"],
        }
        return render(request, self.template_name, context)


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
            data = selectors.dashboard_figures(request.user, parameters).to_dict()
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
