"""`import_progress`: a round's progress sheet into its reports, all or nothing, as if each unit had
pressed 报送 on the form."""

from collections import defaultdict
from contextlib import suppress
from operator import attrgetter, itemgetter
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from core import bulk
from core.history import current_request_id, history_context
from core.sheets.cells import Problem, loose, read_column
from core.sheets.headers import LayoutError, find_layout
from core.sheets.memory import collector_paused
from core.sheets.rows import kind_of
from core.sheets.summary import ImportSummary, RowOutcome
from core.spreadsheets import Reading, Sheet, SpreadsheetError, read_spreadsheet, start_reading
from projects.models import AnnualPlan

from ..choices import EDITABLE_STATUSES, ReportAction, ReportStatus
from ..models import ProgressReport, ReportReview
from ..services import INVESTMENT_FIELDS, REPORT_FIELDS, _apply, accepts_reports, active_rules
from .checks import RuleBook
from .columns import LABELS, PROGRESS_TABLE, reader_for

# What a report row needs in memory: matching, the checks, and the comparison before and after — read
# as plain values (no model instances: 20,000 of them cost more than the rest of the import).
REPORT_COLUMNS = (
    "id",
    "unit_id",
    "status",
    "baseline_year_to_date",
    "baseline_since_start",
    "first_submitted_at",
    *REPORT_FIELDS,
)
PROJECT_COLUMNS = (
    "project_id",
    "project__code",
    "project__name",
    "project__stage",
    "project__total_investment",
)
WRITTEN = (*REPORT_FIELDS, "status", "submitted_at", "submitted_by_id", "first_submitted_at")
NOT_FOUND = "本轮调度中没有这个项目，或它不在您的填报范围内"
# How long the import waits for the file's parse inside its transaction (see `_import`).
OVERLAP_SECONDS = 1.0
STATUS_LABELS = {value: str(label) for value, label in ReportStatus.choices}
filled_in = attrgetter(*REPORT_FIELDS)


class Rollback(Exception):
    """Raised inside the transaction to undo everything written."""


class _Again(Exception):
    """The file is still being parsed: the transaction is given up, to be begun again."""


class ProgressRow:
    """A data row of the sheet: its number (1-based), the project's code and name, the report fields
    read (blank cells left out) and the cells that could not be read ((column letter, message))."""

    __slots__ = ("code", "errors", "name", "number", "values")

    def __init__(self, number, code=None, name=None, values=None, errors=()):
        self.number, self.code, self.name = number, code, name
        self.values, self.errors = values if values is not None else {}, list(errors)


class _Project:
    """What the checks read of a report's project."""

    __slots__ = ("code", "name", "pk", "stage", "total_investment")

    def __init__(self, pk, code, name, stage, total_investment):
        self.pk, self.code, self.name = pk, code, name
        self.stage, self.total_investment = stage, total_investment


class _Report:
    """A report as read for the import: its fields as attributes (what `services._apply`,
    `services.report_values` and the rule book read and set), without a model instance."""

    __slots__ = (
        *REPORT_COLUMNS,
        "project",
        "project_id",
        "submitted_at",
        "submitted_by_id",
    )

    def __init__(self, values):
        (
            self.id,
            self.unit_id,
            self.status,
            self.baseline_year_to_date,
            self.baseline_since_start,
            self.first_submitted_at,
            *filled,
            project_id,
            code,
            name,
            stage,
            total_investment,
        ) = values
        (
            self.investment_period,
            self.investment_year_to_date,
            self.investment_since_start,
            self.physical_progress,
            self.workers_on_site,
            self.stage,
            self.next_steps,
            self.blockers,
            self.confidence,
            self.confidence_narrative,
            self.warning_comment,
        ) = filled
        self.project_id = project_id
        self.project = _Project(project_id, code, name, stage, total_investment)

    @property
    def pk(self):
        return self.id


def import_progress(source, *, round, actor, dry_run=False, user=None, file_name=None, now=None):
    """Import the progress sheet `source` (a path, bytes of an .xlsx file, a `Sheet` or a list of rows)
    into the reports of `round`.

    Each row names its project by 项目编码, else by 项目名称 within the round; with `user`, only reports
    in `ProgressReport.objects.restrict(user, "change")` can be named. Every row goes through the form's
    rules (`services._apply`, the fixed checks and the validation rules of `check_report`; warnings need
    a 预警说明) and becomes 已报送 as if its unit had pressed 报送 (the round must accept reports from the
    unit), with a ReportReview "表格导入" and history attributed to `actor`. A blank cell keeps what the
    report holds. A row that changes nothing is left alone (a re-import writes nothing). One error
    anywhere and nothing is written; with `dry_run` nothing is written either (the preview).
    """
    # Rows, reports and their checks are hundreds of thousands of small objects: see core.sheets.memory.
    with collector_paused():
        return _import(source, round, actor, dry_run, user, file_name, now)


def _import(source, dispatch_round, actor, dry_run, user, file_name, now):
    summary = ImportSummary(file_name=file_name or _name_of(source))
    try:
        reading = _reading(source)
    except SpreadsheetError as error:
        summary.error(None, None, str(error))
        return summary
    importer = _Import(summary, dispatch_round=dispatch_round, user=user, now=now or timezone.now())
    reason = f"Excel 导入：{summary.file_name}" if summary.file_name else "Excel 导入"
    with reading:
        # The round is read while the child process parses the file (the other CPU). Reading it
        # belongs in the transaction that writes (SQLite: it holds the write lock from the start), so
        # a slow file does not keep the lock: past OVERLAP_SECONDS the transaction is given up, the
        # parse awaited outside it, and the round read again.
        overlap = reading.running()
        while True:
            try:
                with transaction.atomic(), history_context(actor=actor, reason=reason):
                    importer.load()
                    if overlap and not reading.ready(OVERLAP_SECONDS):
                        raise _Again
                    rows = importer.read(reading)
                    if not summary.errors:
                        importer.plan(rows)
                    if summary.errors or dry_run:
                        raise Rollback
                    importer.write(actor=actor, reason=reason)
            except _Again:
                overlap = False
                with suppress(SpreadsheetError):  # reported by importer.read on the next pass
                    reading.sheets()
                continue
            except Rollback:
                pass
            break
    summary.committed = not summary.errors and not dry_run
    summary.errors.sort(key=lambda error: (error.row or 0, len(error.column or ""), error.column or ""))
    return summary


def _name_of(source):
    return Path(source).name if isinstance(source, str | Path) else ""


def _reading(source):
    """The `Reading` of `source`: a file is parsed in the child process, started here."""
    if isinstance(source, Sheet):
        return Reading(sheets=[source])
    if isinstance(source, str | Path):
        return start_reading(source)
    if isinstance(source, bytes | bytearray):
        import tempfile

        # Parsed like an upload: in the limited child process, from a file (read before it goes).
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            handle.write(source)
            handle.flush()
            return Reading(sheets=read_spreadsheet(handle.name))
    return Reading(sheets=[Sheet(name="", rows=[list(row) for row in source])])


def _sheet_and_layout(sheets):
    """The first sheet with a 项目编码 or 项目名称 column, and its layout."""
    first_error = None
    for sheet in sheets:
        try:
            return sheet, find_layout(sheet.rows, PROGRESS_TABLE)
        except LayoutError as error:
            first_error = first_error or error
    raise first_error or LayoutError("文件中没有工作表。")


class _Import:
    """One import: reads the round's reports and the rows, matches and checks them, then writes."""

    def __init__(self, summary, *, dispatch_round, user, now):
        self.summary = summary
        self.round, self.user, self.now = dispatch_round, user, now
        self.changed = []  # reports to write, in sheet order

    # -- reading ------------------------------------------------------------------------------------

    def read(self, reading):
        """The sheet's project rows ([] with the reason in the summary when it cannot be read)."""
        summary = self.summary
        try:
            self.sheet, self.layout = sheet, layout = _sheet_and_layout(reading.sheets())
        except (SpreadsheetError, LayoutError) as error:
            summary.error(None, None, str(error))
            return []
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
            return []
        self.key_column = layout.column("code") or layout.column("name")
        self.letters = {column.field: column.letter for column in layout.columns}
        return self.read_rows()

    def read_rows(self):
        """The sheet's project rows, read column by column (each distinct cell value of a column once)."""
        layout, rows = self.layout, self.sheet.rows
        name_index = (layout.column("name") or self.key_column).index
        header = rows[layout.header_index]
        header_name = loose(header[name_index]) if name_index < len(header) and header[name_index] else ""
        data = []  # (row number, cells)
        for index in range(layout.data_index, len(rows)):
            raw = rows[index]
            kind = kind_of(raw, name_index, header_name)
            if kind == "note":
                break
            if kind in ("total", "section"):
                self.summary.skipped += 1
            elif kind == "project":
                data.append((index + 1, raw))
        self.summary.rows_read = len(data)
        if not data:
            self.summary.error(None, None, f"列名行（第 {layout.header_index + 1} 行）下面没有项目。")
            return []
        found = [ProgressRow(number) for number, _ in data]
        raws, width = [raw for _, raw in data], min(len(raw) for _, raw in data)
        if any(len(raw) != width for raw in raws):  # rows given as lists need not be padded
            width = max(len(raw) for raw in raws)
            raws = [raw if len(raw) == width else [*raw, *[None] * (width - len(raw))] for raw in raws]
        for column in layout.columns:
            read = reader_for(column)
            if read is None:
                continue
            index, key = column.index, column.field
            cells = list(map(itemgetter(index), raws)) if index < width else [None] * len(raws)
            parsed = read_column(read, cells)
            if Problem in set(map(type, parsed)):
                for row, value in zip(found, parsed, strict=True):
                    if value.__class__ is Problem:
                        row.errors.append((column.letter, str(value)))
                parsed = [None if value.__class__ is Problem else value for value in parsed]
            if key in ("code", "name"):
                for row, value in zip(found, parsed, strict=True):
                    setattr(row, key, value)
                continue
            for row, value in zip(found, parsed, strict=True):
                if value is not None:
                    row.values[key] = value
        return found

    # -- matching and checking ----------------------------------------------------------------------

    def load(self):
        """The round's reports (as plain values with their project's facts), what the user may change,
        the annual plans of the round's year and the rules — each read once."""
        reports = ProgressReport.objects.filter(round=self.round).order_by()
        self.reports = {}
        self.by_code, self.by_name = {}, defaultdict(list)
        for values in reports.values_list(*REPORT_COLUMNS, *PROJECT_COLUMNS):
            pk = values[0]
            self.reports[pk] = values
            self.by_code[values[-4]] = pk
            self.by_name[loose(values[-3])].append(pk)
        self.allowed = None
        if self.user is not None:
            scoped = ProgressReport.objects.filter(round=self.round).restrict(self.user, "change")
            self.allowed = set(scoped.order_by().values_list("pk", flat=True))
        year = self.round.period_end.year
        plans = AnnualPlan.objects.filter(year=year, project__progress_reports__round=self.round)
        self.plans = dict(plans.order_by().values_list("project_id", "amount"))
        self.rules = RuleBook(active_rules(self.round.cadence))
        self.accepting = {}
        self.changed = []

    def accepts(self, unit_id):
        """`accepts_reports` for each unit, asked once per unit."""
        if unit_id not in self.accepting:
            self.accepting[unit_id] = accepts_reports(self.round, unit_id, now=self.now)
        return self.accepting[unit_id]

    def error(self, row, key, message):
        self.summary.error(row.number, self.letters.get(key) or self.key_column.letter, message)

    def match(self, row):
        code, name = row.code, row.name
        pk = self.by_code.get(code) if code else None
        if pk is None and name:
            candidates = self.by_name.get(loose(name), [])
            if len(candidates) > 1:
                self.error(row, "name", f"“{name}”在本轮调度中对应多个项目，请填写项目编码")
                return None
            pk = candidates[0] if candidates else None
        if pk is None or (self.allowed is not None and pk not in self.allowed):
            if not code and not name:
                self.error(row, "code", "项目编码和项目名称都为空")
            else:
                self.error(row, "code" if code else "name", NOT_FOUND)
            return None
        return pk

    def plan(self, rows):
        """Match and check every row (after `load`); errors go to the summary, the reports to write
        to `changed`."""
        seen = {}
        for row in rows:
            if row.errors:
                for letter, message in row.errors:
                    self.summary.error(row.number, letter, message)
                continue
            pk = self.match(row)
            if pk is None:
                continue
            if pk in seen:
                self.error(row, "code", f"与第 {seen[pk]} 行是同一个项目")
                continue
            seen[pk] = row.number
            self.plan_row(row, _Report(self.reports[pk]))

    def plan_row(self, row, report):
        before = filled_in(report)
        _apply(report, row.values)
        if report.investment_period is not None:
            self.summary.total_investment_wan += report.investment_period
        after = filled_in(report)
        outcome = RowOutcome(row.number, "updated", report.project.code, report.project.name)
        if report.status not in EDITABLE_STATUSES:
            if after == before:
                outcome.action = "unchanged"
                self.summary.count(outcome)
            else:
                self.error(row, "code", f"报告{STATUS_LABELS.get(report.status, report.status)}，不能修改")
            return
        if after == before and report.status == ReportStatus.PENDING:
            # Nothing filled in (the row as downloaded): the report stays 未填报.
            outcome.action = "unchanged"
            self.summary.count(outcome)
            return
        if not self.accepts(report.unit_id):
            if self.now < self.round.opens_at:
                opens = timezone.localtime(self.round.opens_at)
                self.error(row, "code", f"本轮调度 {opens:%Y-%m-%d %H:%M} 才开放填报")
            else:
                self.error(row, "code", "本轮调度已锁定，不能再报送；如需补报，请联系项目办开通补报许可")
            return
        findings = self.rules.findings(report, annual_plan=self.plans.get(report.project_id))
        if findings:
            blocking = [finding for finding in findings if finding.is_blocking]
            warnings = [finding for finding in findings if not finding.is_blocking]
            for finding in blocking:
                self.error(row, self.field_of(finding), finding.message.rstrip("。"))
            if warnings and not report.warning_comment.strip():
                for finding in warnings:
                    self.error(
                        row,
                        self.field_of(finding),
                        f"{finding.message.rstrip('。')}（警告：请在“预警说明”列中说明后再报送）",
                    )
            if blocking or (warnings and not report.warning_comment.strip()):
                return
        self.summary.count(outcome)
        self.changed.append(report)

    def field_of(self, finding):
        """The column a finding is about: its field, else the first figure its rule reads that the sheet
        has, else the first investment column of the sheet."""
        if finding.field and self.layout.column(finding.field):
            return finding.field
        names = finding.rule.left_side + " " + finding.rule.right_side if finding.rule else ""
        for key in (*INVESTMENT_FIELDS, "physical_progress", "workers_on_site"):
            if key in names and self.layout.column(key):
                return key
        return next((key for key in INVESTMENT_FIELDS if self.layout.column(key)), finding.field or "code")

    # -- writing ------------------------------------------------------------------------------------

    def write(self, *, actor, reason):
        """Submit every changed report (inside the caller's transaction): the report rows and their
        history in bulk, and a 表格导入 entry on each report's timeline."""
        now, actor_id = self.now, actor.pk if actor is not None else None
        # History and timestamps record when the import ran; `now` is when the reports count as submitted
        # (as in submit_report, where it may be given).
        written_at = timezone.now()
        writer = bulk.HistoryWriter(
            actor=actor, reason=reason, request_id=current_request_id(), now=written_at
        )
        rows = []
        names, values_of = (*WRITTEN, "id"), attrgetter(*WRITTEN, "id")
        submitted = ReportStatus.SUBMITTED
        for report in self.changed:
            report.status, report.submitted_at, report.submitted_by_id = submitted, now, actor_id
            report.first_submitted_at = report.first_submitted_at or now
            rows.append(dict(zip(names, values_of(report), strict=True)))
        writer.update(ProgressReport, rows, list(WRITTEN))
        review = {
            "created_at": written_at,
            "updated_at": written_at,
            "is_synthetic": False,
            "action": ReportAction.IMPORT.value,
            "actor_id": actor_id,
            "at": now,
        }
        reviews = [
            {**review, "report_id": report.id, "comment": report.warning_comment} for report in self.changed
        ]
        if reviews:
            writer.create(ReportReview, reviews)
