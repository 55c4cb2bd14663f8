"""`import_projects`: an office's project sheet into the project library, all or nothing."""

from collections import defaultdict
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import bulk
from core.history import current_request_id, history_context
from core.spreadsheets import Sheet, SpreadsheetError, read_spreadsheet
from org.models import Region

from ..choices import Stage
from ..models import AnnualPlan, Project, StageTransition
from ..services import phase_by_month
from .cells import TIER_FIELDS, loose
from .headers import LABELS, LayoutError, find_layout
from .lookups import Directory
from .rows import Section, column_readers, enter_section, kind_of, read_project
from .summary import ImportSummary, RowOutcome
from .writer import new_codes, plan_row, write_cooperating_units

FOREIGN_KEYS = {
    "region",
    "introducing_unit",
    "responsible_unit",
    "liaison_leader",
    "task_force",
    "industry",
    "industry_chain",
    "emerging_industry",
}
ATTNAMES = {key: f"{key}_id" for key in FOREIGN_KEYS}
# What matching and the checks need of every project in the regions of the sheet (and the category,
# which a section heading may give without a column).
MATCH_ATTNAMES = {"id", "code", "name", "region_id", "planned_start_year", "planned_end_year", "category"}


class Rollback(Exception):
    """Raised inside the transaction to undo everything written."""


def attname(key):
    return ATTNAMES.get(key, key)


def import_projects(
    source, *, actor=None, region=None, year=None, commit=True, restrict_to=None, file_name=None, on=None
):
    """Import the project list in `source` (a file path, a `Sheet`, or a list of rows).

    Projects are matched by 项目编码, else by name within their region (`region` is the default region
    for rows that name none, e.g. the importing office's); matched projects are updated, others
    registered (code, first stage, stage transition) — all in one transaction, with history attributed
    to `actor` and the reason "Excel 导入：<file>". `year` is the year of an annual-plan column whose
    header names none. With commit=False (the preview) nothing is written. With `restrict_to` (a user),
    every project created or changed must fall within that user's add/change grants. Any error in any
    row means nothing is written; errors are listed by row and column in `ImportSummary.errors`.
    """
    summary = ImportSummary(file_name=file_name or _name_of(source))
    try:
        sheet, layout = _sheet_and_layout(source, year)
    except (SpreadsheetError, LayoutError) as error:
        summary.error(None, None, str(error))
        return summary
    summary.sheet_name, summary.header_row = sheet.name, layout.header_index + 1
    summary.columns = [
        {
            "column": column.letter,
            "header": column.header,
            "field": column.field,
            "label": LABELS[column.field],
        }
        for column in layout.columns
    ]
    for row, letter, message in layout.errors:
        summary.error(row, letter, message)
    if summary.errors:
        return summary
    on = on or timezone.localdate()
    importer = _Import(sheet, layout, summary, region=region, restrict_to=restrict_to, on=on)
    rows = importer.read_rows()
    if not commit:
        importer.plan(rows)
        _sort(summary)
        return summary
    reason = f"Excel 导入：{summary.file_name}" if summary.file_name else "Excel 导入"
    try:
        # Matching runs inside the transaction, so it sees the library as the writes will change it.
        with transaction.atomic(), history_context(actor=actor, reason=reason):
            importer.plan(rows)
            if summary.errors:
                raise Rollback
            importer.write(actor=actor, reason=reason)
            if summary.errors:
                raise Rollback
    except Rollback:
        pass
    except IntegrityError as error:
        summary.error(
            None, None, f"写入时与已有数据冲突（可能有人同时在修改项目库），未写入任何数据：{error}"
        )
    summary.committed = not summary.errors
    _sort(summary)
    return summary


def _name_of(source):
    return Path(source).name if isinstance(source, str | Path) else ""


def _sheet_and_layout(source, year):
    """The first sheet that has a 项目名称 column, and its layout."""
    if isinstance(source, Sheet):
        sheets = [source]
    elif isinstance(source, str | Path):
        sheets = read_spreadsheet(source)
    else:
        sheets = [Sheet(name="", rows=[list(row) for row in source])]
    first_error = None
    for sheet in sheets:
        try:
            return sheet, find_layout(sheet.rows, year=year)
        except LayoutError as error:
            first_error = first_error or error
    raise first_error or LayoutError("文件中没有工作表。")


def _sort(summary):
    def key(error):
        column = error.column or ""
        return (error.row or 0, len(column), column)

    summary.errors.sort(key=key)


class _Import:
    """One import: reads the rows, matches them to projects, then (if asked) writes the changes."""

    def __init__(self, sheet, layout, summary, *, region, restrict_to, on):
        self.sheet, self.layout, self.summary = sheet, layout, summary
        self.region, self.default_region_id = region, region.pk if region is not None else None
        self.restrict_to, self.on = restrict_to, on
        self.creates = []  # (sheet row, project values, outcome)
        self.updates = []  # (project id, {attname: new value}) of changed projects
        self.added, self.removed = defaultdict(set), defaultdict(set)  # cooperating units by project
        self.plan_creates, self.plan_updates = [], {}  # (project id, year, amount); {plan id: amount}
        self.claimed, self.seen_projects, self.seen_codes = {}, {}, {}
        fields = {column.field for column in layout.columns} - {"annual_plan", "cooperating_units", "stage"}
        if "tier" in fields:
            fields |= set(TIER_FIELDS) - {"tier"}
        self.compared = sorted(MATCH_ATTNAMES | {attname(key) for key in fields - {"tier"}})

    # -- reading ------------------------------------------------------------------------------------

    def read_rows(self):
        layout, summary, rows = self.layout, self.summary, self.sheet.rows
        readers = column_readers(layout, Directory(self.region))
        name_index = layout.column("name").index
        header = rows[layout.header_index]
        header_name = loose(header[name_index]) if name_index < len(header) and header[name_index] else ""
        section, projects = Section(), []
        for index in range(layout.data_index, len(rows)):
            raw = rows[index]
            kind = kind_of(raw, name_index, header_name)
            if kind == "note":
                break
            if kind == "section":
                section = enter_section(section, raw, name_index)
            if kind in ("total", "section"):
                summary.skipped += 1
            if kind == "project":
                projects.append(read_project(index + 1, raw, readers, section))
        summary.rows_read = len(projects)
        summary.total_investment_wan = sum(
            (row.values["total_investment"] for row in projects if "total_investment" in row.values),
            start=summary.total_investment_wan,
        )
        if not projects:
            summary.error(None, None, f"列名行（第 {layout.header_index + 1} 行）下面没有项目。")
        return projects

    # -- matching -----------------------------------------------------------------------------------

    def plan(self, rows):
        """Decide what each row read does; errors go to the summary."""
        for row in rows:
            for letter, message in row.errors:
                self.summary.error(row.number, letter, message)
        rows = [row for row in rows if not row.errors]
        self.load_existing(rows)
        matched = [(row, pk) for row in rows if (pk := self.plan_row(row))]
        self.load_links(pk for _, pk in matched)
        for row, pk in matched:
            self.plan_update(row, pk)
        self.summary.outcomes.sort(key=lambda outcome: outcome.row)

    def load_existing(self, rows):
        region_ids = {row.values.get("region", self.default_region_id) for row in rows} - {None}
        codes = {row.values["code"] for row in rows if "code" in row.values}
        existing = {
            project["id"]: project
            for project in Project.objects.filter(region_id__in=region_ids).values(*self.compared)
        }
        wanted = codes - {project["code"] for project in existing.values()}
        for part in bulk.chunks(wanted):
            existing.update(
                (project["id"], project)
                for project in Project.objects.filter(code__in=part).values(*self.compared)
            )
        self.existing = existing
        self.by_code = {project["code"]: pk for pk, project in existing.items()}
        self.by_name, self.by_exact = defaultdict(list), {}
        for pk, project in existing.items():
            self.by_name[project["region_id"], loose(project["name"])].append(pk)
            self.by_exact[project["region_id"], project["name"]] = pk

    def load_links(self, pks):
        """Cooperating units and annual plans of the matched projects; which ones `restrict_to` may change."""
        pks = list(pks)
        self.links, self.plans, self.allowed = defaultdict(set), {}, set()
        through = Project.cooperating_units.through
        for part in bulk.chunks(pks):
            links = through.objects.filter(project_id__in=part).values_list("project_id", "unit_id")
            for project_id, unit_id in links:
                self.links[project_id].add(unit_id)
            plans = AnnualPlan.objects.filter(project_id__in=part).values_list(
                "pk", "project_id", "year", "amount"
            )
            for plan_id, project_id, year, amount in plans:
                self.plans[project_id, year] = (plan_id, amount)
            if self.restrict_to is not None:
                queryset = Project.objects.filter(pk__in=part).restrict(self.restrict_to, "change")
                self.allowed.update(queryset.values_list("pk", flat=True))

    def error(self, row, key, message):
        column = self.layout.column(key)
        self.summary.error(row.number, row.columns.get(key) or (column.letter if column else None), message)

    def match(self, row, region_id):
        """The pk of the project the row updates, None for a new one; False after an error."""
        code = row.values.get("code")
        if code and code in self.by_code:
            return self.by_code[code]
        name = row.values["name"]
        candidates = self.by_name.get((region_id, loose(name)), [])
        if len(candidates) > 1:
            candidates = [pk for pk in candidates if self.existing[pk]["name"] == name]
            if len(candidates) != 1:
                self.error(row, "name", f"“{name}”在该区划下对应多个项目，请填写项目编码")
                return False
        return candidates[0] if candidates else None

    def plan_row(self, row):
        """Plans a new project; returns the pk of the project a row updates (None otherwise)."""
        name = row.values.get("name")
        if not name:
            self.error(row, "name", "项目名称为空")
            return None
        region_id = row.values.get("region", self.default_region_id)
        if region_id is None:
            self.error(row, "region", "所在区划为空，且导入时没有指定默认区划")
            return None
        pk = self.match(row, region_id)
        if pk is None:
            self.plan_create(row, region_id, name)
            return None
        if pk is not False and pk in self.seen_projects:
            self.error(row, "name", f"与第 {self.seen_projects[pk]} 行是同一个项目")
            return None
        if pk is not False:
            self.seen_projects[pk] = row.number
            return pk
        return None

    def claim(self, row, region_id, name, pk=None):
        """Whether the name is free in the region for this row's project; reports a clash."""
        other = self.by_exact.get((region_id, name))
        if other is not None and other != pk:
            self.error(row, "name", f"该区划已有同名项目“{name}”（{self.existing[other]['code']}）")
            return False
        if (region_id, name) in self.claimed:
            self.error(row, "name", f"项目名称与第 {self.claimed[region_id, name]} 行重复")
            return False
        self.claimed[region_id, name] = row.number
        return True

    def years_in_order(self, row, start, end):
        if start is not None and end is not None and end < start:
            self.error(row, "planned_end_year", f"计划竣工年份（{end}）早于计划开工年份（{start}）")
            return False
        return True

    def plan_create(self, row, region_id, name):
        values = row.values
        code = values.get("code")
        if code in self.seen_codes:
            self.error(row, "code", f"项目编码“{code}”与第 {self.seen_codes[code]} 行重复")
            return
        responsible = values.get("responsible_unit") or values.get("introducing_unit")
        if responsible is None:
            key = "responsible_unit" if self.layout.column("responsible_unit") else "introducing_unit"
            self.error(row, key, "新项目须填写责任单位（或引进单位）")
            return
        start, end = values.get("planned_start_year"), values.get("planned_end_year")
        if not self.years_in_order(row, start, end) or not self.claim(row, region_id, name):
            return
        if code:
            self.seen_codes[code] = row.number
        project = {ATTNAMES.get(key, key): value for key, value in values.items()}
        project.update(
            region_id=region_id,
            responsible_unit_id=responsible,
            introducing_unit_id=values.get("introducing_unit") or responsible,
            code=code or "",
            stage=values.get("stage") or Stage.SIGNED.value,
        )
        outcome = RowOutcome(row.number, "created", code or "", name)
        self.summary.count(outcome)
        self.creates.append((row, project, outcome))

    def plan_update(self, row, pk):
        current = self.existing[pk]
        if self.restrict_to is not None and pk not in self.allowed:
            self.error(row, "name", "该项目已存在，但不在您的授权范围内，不能修改")
            return
        changes = {}
        for key, value in row.values.items():
            # The stage moves only through change_stage (its timeline); codes never change.
            name = ATTNAMES.get(key, key)
            if key not in ("stage", "code") and current[name] != value:
                changes[name] = value
        after = {**current, **changes}
        if not self.years_in_order(row, after["planned_start_year"], after["planned_end_year"]):
            return
        if not self.claim(row, after["region_id"], after["name"], pk):
            return
        units_changed = False
        if row.cooperating_units is not None:
            wanted, linked = set(row.cooperating_units), self.links[pk]
            self.added[pk], self.removed[pk] = wanted - linked, linked - wanted
            units_changed = wanted != linked
        plans_changed = False
        for year, amount in row.plans.items():
            plan_id, current_amount = self.plans.get((pk, year), (None, None))
            if plan_id is None:
                self.plan_creates.append((pk, year, amount))
            elif current_amount != amount:
                self.plan_updates[plan_id] = amount
            else:
                continue
            plans_changed = True
        if changes or units_changed:
            self.updates.append((pk, changes))
        action = "updated" if changes or units_changed or plans_changed else "unchanged"
        self.summary.count(RowOutcome(row.number, action, current["code"], after["name"]))

    # -- writing ------------------------------------------------------------------------------------

    def write(self, *, actor, reason):
        """Write everything planned (inside the caller's transaction)."""
        now = timezone.now()
        writer = bulk.HistoryWriter(actor=actor, reason=reason, request_id=current_request_id(), now=now)
        created = self.write_created(writer, actor)
        plans = [plan_row(pk, year, amount, now) for pk, year, amount in self.plan_creates]
        writer.create(AnnualPlan, plans)
        plans = [
            {"id": pk, "amount": amount, "month_amounts": [str(month) for month in phase_by_month(amount)]}
            for pk, amount in self.plan_updates.items()
        ]
        writer.update(AnnualPlan, plans, ["amount", "month_amounts"])
        groups = defaultdict(list)
        for pk, changes in self.updates:
            groups[tuple(sorted(changes))].append({**changes, "id": pk})
        for changed, rows in groups.items():
            writer.update(Project, rows, list(changed))
        for row, project, _ in self.creates:
            if row.cooperating_units:
                self.added[project["id"]] = set(row.cooperating_units)
        with_units = [project["id"] for row, project, _ in self.creates if row.cooperating_units]
        write_cooperating_units(writer, with_units + [pk for pk, _ in self.updates], self.added, self.removed)
        if self.restrict_to is not None:
            self.check_scope(created, [pk for pk, _ in self.updates])

    def write_created(self, writer, actor):
        """Insert the new projects (with codes), their first stage transitions and annual plans."""
        if not self.creates:
            return {}
        now = writer.now
        template = {f.attname: f.get_default() for f in Project._meta.concrete_fields if not f.primary_key}
        regions = dict(
            Region.objects.filter(
                pk__in={project["region_id"] for _, project, _ in self.creates}
            ).values_list("pk", "code")
        )
        wanted = [
            (regions[project["region_id"]], self.on.year)
            for _, project, _ in self.creates
            if not project["code"]
        ]
        codes = iter(new_codes(wanted, {project["code"] for _, project, _ in self.creates}))
        rows = []
        for _, project, outcome in self.creates:
            if not project["code"]:
                project["code"] = outcome.code = next(codes)
            project.update(
                {**template, **project, "stage_since": self.on, "created_at": now, "updated_at": now}
            )
            rows.append(project)
        writer.create(Project, rows)
        transitions = [
            {
                "created_at": now,
                "updated_at": now,
                "is_synthetic": False,
                "project_id": project["id"],
                "from_stage": "",
                "to_stage": project["stage"],
                "effective_on": self.on,
                "reason": "",
                "actor_id": actor.pk if actor is not None else None,
            }
            for project in rows
        ]
        writer.create(StageTransition, transitions)
        self.plan_creates[:0] = [
            (project["id"], year, amount)
            for (row, project, _) in self.creates
            for year, amount in row.plans.items()
        ]
        return {project["id"]: row.number for row, project, _ in self.creates}

    def check_scope(self, created, updated):
        """Every written project must be in `restrict_to`'s add (new) or change (updated) scope."""
        updated = {pk: self.seen_projects[pk] for pk in updated}
        for action, written in (("add", created), ("change", updated)):
            inside = set()
            for part in bulk.chunks(written):
                queryset = Project.objects.filter(pk__in=part).restrict(self.restrict_to, action)
                inside.update(queryset.values_list("pk", flat=True))
            for pk, number in written.items():
                if pk not in inside:
                    self.summary.error(
                        number, None, "写入后的项目不在您的授权范围内（按所在区划和责任、引进、配合单位判断）"
                    )
