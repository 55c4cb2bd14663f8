"""The 专报 of the Ganzhou/Nankang demo (2024-03-H1, 南康区, as recorded now): every figure it stored
recomputed from the raw rows by `raw_figures` (plain SQL and Python, none of the engine's code) and
compared leaf by leaf, and every project and matter behind any figure found in its Excel annex.

The demo back-fills ten weeks of 2024 into a database created today, so the report reads the records
as recorded now (`recorded_at="now"`); the recomputation reads the historical tables at the moment the
report stored, which then equals the current rows.
"""

import datetime
import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from openpyxl import load_workbook

from reports.special.services import generate_special_report
from reports.tests.raw_figures import compare, leaves, recompute, report_moment, source_ids
from reports.tests.raw_rows import sql

NANKANG = "360703"
PERIOD = (datetime.date(2024, 3, 1), datetime.date(2024, 3, 15), "2024-03-H1", "2024年3月上半月")
# Every test asks for the database: only then does pytest-django point the connection at the test
# database before the module's fixtures load the demo.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once, its 专报 generated and the figures recomputed from the raw rows, inside a
    transaction rolled back at the module's end (the pattern of demo/tests/conftest.py)."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        block = transaction.atomic()
        block.__enter__()
        try:
            call_command("demo", stdout=StringIO())
            report = generate_special_report(
                "2024-03-H1", actor=None, region=NANKANG, recorded_at="now", formats="xlsx"
            )
            report.refresh_from_db()
            moment = report_moment(report)
            assert report.recorded_at == moment
            raw = recompute(as_of=report.as_of, period=PERIOD, moment=moment, region=NANKANG)
            with report.xlsx_file.open("rb") as handle:
                book = load_workbook(io.BytesIO(handle.read()))
            yield {
                "report": report,
                "raw": raw,
                "book": book,
                "project_codes": dict(sql("SELECT id, code FROM projects_project")),
                "matter_codes": dict(sql("SELECT id, code FROM matters_matter")),
            }
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


def differences(actual, expected, skip=()):
    found = compare(actual, expected, skip=skip)
    return "\n".join(f"{path}: report {a!r}, raw rows {e!r}" for path, a, e in found[:40]) + (
        f"\n… {len(found)} in all" if len(found) > 40 else ""
    )


def test_the_demo_report_has_figures_worth_reconciling(demo):
    figures = demo["report"].figures
    assert demo["report"].as_of == datetime.date(2024, 3, 15)
    assert figures["summary"]["projects"]["value"] == 239
    assert Decimal(figures["summary"]["year_to_date"]["value"]) > 0
    assert figures["starts"]["year"]["projects"]["value"] > 0
    assert (
        figures["reporting"]["current"]["missing_reports"] and figures["reporting"]["current"]["late_reports"]
    )
    assert figures["matters"]["period"]["opened"]["value"] and figures["matters"]["period"]["closed"]["value"]
    assert figures["matters"]["overdue"]["value"] > 0
    assert all(figures["lights"][level]["value"] for level in ("red", "yellow", "green"))
    assert figures["leaders"] and figures["task_forces"] and figures["industry_chains"]
    assert len(leaves(figures)) > 10000


def test_every_figure_of_the_report_matches_the_raw_rows(demo):
    """All of them: a key of the stored figures the recomputation does not produce fails here too."""
    assert not differences(demo["report"].figures, demo["raw"])


def test_the_matter_rows_keep_the_dates_of_overdue_matters(demo):
    stored, raw = demo["report"].figures["matters"]["rows"], demo["raw"]["matters"]["rows"]
    assert any(
        row["id"] in demo["report"].figures["matters"]["overdue"]["sources"]["matters.matter"] for row in raw
    )
    assert not differences(stored, raw)


def test_every_project_and_matter_behind_a_figure_is_in_the_excel_annex(demo):
    figures, book = demo["report"].figures, demo["book"]
    annex = {row[0]: row for row in book["一、项目明细"].iter_rows(min_row=2, values_only=True)}
    projects = source_ids(figures, "projects.project") | {row["id"] for row in figures["projects"]}
    assert len(projects) == 239
    assert {demo["project_codes"][pk] for pk in projects} == set(annex)
    # the annex's amounts are the raw rows' (year-to-date completed, column 8)
    for row in demo["raw"]["projects"]:
        expected = float(row["year_to_date"]) if row["year_to_date"] is not None else None
        assert annex[row["code"]][7] == expected, row["code"]
    matters = source_ids(figures, "matters.matter")
    listed = {row[0] for row in book["五、问题事项"].iter_rows(min_row=2, values_only=True)}
    assert matters and {demo["matter_codes"][pk] for pk in matters} <= listed
