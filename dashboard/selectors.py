"""Reads of the leaders' dashboard (驾驶舱): the request's filters checked into figures parameters,
one `compute_figures` call for the signed-in user's scope, a figure found by its path, the rows
behind a figure — always through `restrict(user, "view")` — and the map's boundary."""

import datetime
import json
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reports.figures import FiguresScope, compute_figures, parse_period
from reports.figures.cache import live_figures

from .models import MapBoundary

# Query parameter → FiguresScope field; the names the API and the filter form share.
SCOPE_PARAMETERS = {
    "region": "region",
    "unit": "unit",
    "leader": "leader",
    "task_force": "task_force",
    "chain": "industry_chain",
}
BOUNDARY_FILE = "dashboard/boundary.geojson"


@dataclass(frozen=True)
class DashboardParameters:
    """The checked filters: the business date, the scope filters, the tiers and the optional period."""

    as_of: datetime.date
    filters: tuple  # ((scope field, value), …) of the filters given
    tiers: tuple
    period: str | None
    recorded_on: datetime.date | None = None  # "as recorded on": None reads the records as they are now

    def recorded_at(self):
        """The moment whose records are read: the end of `recorded_on` (Asia/Shanghai), or now."""
        if self.recorded_on is None:
            return timezone.now()
        return timezone.make_aware(datetime.datetime.combine(self.recorded_on, datetime.time.max))

    def scope(self, user):
        """The FiguresScope of these filters, limited to what `user` may view."""
        return FiguresScope(**dict(self.filters), tiers=self.tiers, user=user)


def default_as_of(today=None):
    """The date the figures default to: today, unless dispatch has stopped before it — then the last
    day of the last round that has opened, so the page opens on the latest reported figures (a county
    between dispatch seasons, the demo's ten weeks of 2024) rather than on an empty year."""
    from dispatch.models import DispatchRound

    today = today or timezone.localdate()
    last = (
        DispatchRound.objects.filter(opens_at__lte=timezone.now())
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    return min(today, last) if last else today


def parse_parameters(query):
    """DashboardParameters from a QueryDict (as_of, region, unit, leader, task_force, chain, tier —
    repeatable —, period, recorded_on). ValidationError in Chinese naming the field on a bad value."""
    as_of = _date(query, "as_of", "统计日期") or default_as_of()
    recorded_on = _date(query, "recorded_on", "数据记录日期")
    filters = tuple(
        (field, query.get(name).strip())
        for name, field in SCOPE_PARAMETERS.items()
        if (query.get(name) or "").strip()
    )
    tiers = tuple(tier.strip() for tier in query.getlist("tier") if tier.strip())
    period = (query.get("period") or "").strip() or None
    if period:
        parse_period(period)  # a bad period code is named here, before any figure is read
    return DashboardParameters(
        as_of=as_of, filters=filters, tiers=tiers, period=period, recorded_on=recorded_on
    )


def _date(query, name, label):
    text = (query.get(name) or "").strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        message = f"{label}“{text}”格式不正确，应为 YYYY-MM-DD，例如 2024-03-16。"
        raise ValidationError({name: message}) from None


def dashboard_figures(user, parameters):
    """The figures of the dashboard: one `compute_figures` call, records as they are now (kept while
    nothing is written: reports.figures.cache) or as recorded on `parameters.recorded_on`, the user's
    view scope, without the year's reporting tally
    (the current rounds are shown; the year's tally reads every report of the year and is the
    专报's)."""
    if parameters.recorded_on is None:  # the live reading: kept while nothing is written
        return live_figures(
            as_of=parameters.as_of,
            scope=parameters.scope(user),
            period=parameters.period,
            year_reporting=False,
        )
    return compute_figures(
        as_of=parameters.as_of,
        scope=parameters.scope(user),
        period=parameters.period,
        recorded_at=parameters.recorded_at(),
        year_reporting=False,
    )


def figure_at(data, path):
    """The part of the figures' dict at a dotted path ("summary.completion_rate",
    "unit_ranking.0.year_to_date"); ValidationError when the path leads nowhere or to no sources."""
    node = data
    for step in path.split("."):
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            raise ValidationError({"figure": f"统计项“{path}”不存在。"})
    if not isinstance(node, dict) or "sources" not in node:
        raise ValidationError({"figure": f"统计项“{path}”没有可列出的明细。"})
    return node


def source_rows(user, sources):
    """{model label: rows} of a figure's sources that `user` may view, in the sources' order."""
    result = {}
    for label, ids in sources.items():
        model = apps.get_model(label)
        rows = model.objects.restrict(user, "view").filter(pk__in=ids).in_bulk()
        result[label] = [rows[pk] for pk in ids if pk in rows]
    return result


def project_points(user, data):
    """Map points: [name, longitude, latitude, light, project page] of the projects in the figures
    that have coordinates and that the user may view; the light (red, yellow, green or none) is the
    figures' `lights` count the project is among."""
    from projects.models import Project

    lights = {
        pk: level for level, entry in data["lights"].items() for pk in entry["sources"]["projects.project"]
    }
    located = (
        Project.objects.restrict(user, "view")
        .filter(pk__in=list(lights), latitude__isnull=False, longitude__isnull=False)
        .order_by("pk")
        .values_list("pk", "name", "longitude", "latitude")
    )
    return [
        [name, float(lon), float(lat), lights[pk], reverse("projects:project_detail", kwargs={"pk": pk})]
        for pk, name, lon, lat in located
    ]


def located_projects(user):
    """[name, longitude, latitude, project page] of the projects `user` may view that have coordinates,
    to check an uploaded boundary against."""
    from projects.models import Project

    located = (
        Project.objects.restrict(user, "view")
        .filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("pk")
        .values_list("pk", "name", "longitude", "latitude")
    )
    return [
        [name, float(lon), float(lat), reverse("projects:project_detail", kwargs={"pk": pk})]
        for pk, name, lon, lat in located
    ]


def boundary_version():
    """A token naming the county boundaries in force, which changes when they do — "b<id>" for an
    uploaded version (never edited), "f<mtime>-<size>" for the office's file — or None when there are
    none (or the file cannot be read): the map's data URL carries it, so browsers keep the GeoJSON
    until it changes."""
    pk = MapBoundary.objects.filter(is_active=True).values_list("pk", flat=True).first()
    if pk is not None:
        return f"b{pk}"
    token, _ = _boundary_file()
    return token


def boundary_geojson(version):
    """The county boundaries named by `version` (from `boundary_version`): the uploaded version in
    force, or the GeoJSON the office supplied as DATA_DIR/dashboard/boundary.geojson; None when they
    are no longer the ones in force."""
    if version.startswith("b"):
        active = MapBoundary.objects.filter(pk=int(version[1:]), is_active=True)
        return active.values_list("geojson", flat=True).first()
    token, parsed = _boundary_file()
    return parsed if token == version else None


_file_cache = {}


def _boundary_file():
    """(token, parsed GeoJSON) of DATA_DIR/dashboard/boundary.geojson, parsed once per change of the
    file; (None, None) when it is missing or broken (a broken file must not take the dashboard down;
    the points still show)."""
    path = settings.DATA_DIR / BOUNDARY_FILE
    try:
        stat = path.stat()
    except OSError:
        return None, None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _file_cache:
        try:
            parsed = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            parsed = None
        _file_cache.clear()
        _file_cache[key] = parsed
    parsed = _file_cache[key]
    return (f"f{stat.st_mtime_ns}-{stat.st_size}", parsed) if parsed is not None else (None, None)
