"""The 专报 of the hand-built county of test_figures (see its docstring), period 2024-03-H1 (as of
15 March 2024), generated after the edits of 20 March (P1's investment and plan, P3's late start, P5,
the peer group's membership, P2's resubmission …), which a report of 15 March must not see: every
figure the report stored compared with the value worked out by hand and written below, and with the
recomputation from the raw rows (`raw_figures`, reading history as it stood at the report's moment).

What the county gives on 15 March, by hand (万元; 序时进度 2 complete months / 12 = 16.67 %):

    project  plan  reported year-to-date (report)       rate    stage on 15 March   light
    P1 甲    1200  350 (week 10, submitted)             29.17   在建 since 10 Jan   red (10 Mar)
    P2 乙     600    0 (week 9; week 10 returned 12 Mar)  0.00   在建 since 5 Mar    green (3 Mar)
    P3 丙     300    — (never reported)                  0.00   签约 since 1 Feb    —
    P4 丁     500  260 (week 10, approved)              52.00   竣工 on 12 Mar      yellow (10 Mar)

Reporting, weeks 9 and 10 (week 11 ends 17 March): 8 expected, 6 submitted (P3 twice missing),
5 on time (P4 week 9 late). Matters: M2 (P4, 用能) opened 1 Feb, closed 10 Mar; M1 (P1, 用地) opened
5 Mar, deadline 8 Mar, open: overdue.

Two more late entries, each in a scenario of its own, must not change the report either: M1 closed on
14 March but recorded on 20 March, and the lights of 3 March deleted on 20 March.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from core.history import history_context
from core.timetravel import recorded_at
from reports.special.services import generate_special_report
from reports.tests.raw_figures import compare, leaves, recompute, report_moment, source_ids
from reports.tests.test_figures import D, at, build_until_as_of, edit_after_as_of

PERIOD = (D(2024, 3, 1), D(2024, 3, 15), "2024-03-H1", "2024年3月上半月")
TIME_ELAPSED = "16.67"


@pytest.fixture
def generated(world, settings, tmp_path):
    """The county, the edits of 20 March, then the 专报 of 2024-03-H1 (read as it stood on 15 March)."""
    c = build_until_as_of(world, settings, tmp_path)
    edit_after_as_of(world, c)
    report = generate_special_report("2024-03-H1", actor=world.office, formats="xlsx")
    report.refresh_from_db()
    return c, report


def close_m1_late(world, c):
    """Recorded on 20 March: M1 handled from 11 March and closed on 14 March — a late entry, which the
    report of 15 March (the records as they stood at its end) must not see."""
    from matters import services as matters

    with history_context(reason="测试数据"), recorded_at(at(D(2024, 3, 20), 15)):
        for step in (matters.sign_matter, matters.start_handling):
            step(c.m1, actor=world.reporter_a, on=D(2024, 3, 11))
        matters.submit_feedback(c.m1, actor=world.reporter_a, text="已交地", on=D(2024, 3, 12))
        matters.review_matter(c.m1, actor=world.office, passed=True, on=D(2024, 3, 13))
        upload = SimpleUploadedFile("交地确认书.pdf", b"%PDF-1.7\n%%EOF\n")
        matters.add_attachment(c.m1, actor=world.reporter_a, upload=upload, on=D(2024, 3, 13))
        matters.close_matter(c.m1, actor=world.office, on=D(2024, 3, 14))


@pytest.fixture
def closed_late(world, settings, tmp_path):
    """As `generated`, M1's late closure recorded too."""
    c = build_until_as_of(world, settings, tmp_path)
    edit_after_as_of(world, c)
    close_m1_late(world, c)
    report = generate_special_report("2024-03-H1", actor=world.office, formats="xlsx")
    report.refresh_from_db()
    return c, report


@pytest.fixture
def lights_deleted_late(world, settings, tmp_path):
    """As `generated`, the lights of 3 March (P1's and P2's green) deleted on 20 March — the history
    keeps them: the report of 15 March still sees P2's green light."""
    from lights.models import ProjectLight

    c = build_until_as_of(world, settings, tmp_path)
    edit_after_as_of(world, c)
    with history_context(reason="测试数据"), recorded_at(at(D(2024, 3, 20), 16)):
        ProjectLight.objects.filter(as_of=D(2024, 3, 3)).delete()
    report = generate_special_report("2024-03-H1", actor=world.office, formats="xlsx")
    report.refresh_from_db()
    return c, report


def ids(*objects):
    return sorted(obj.pk for obj in objects)


def fig(value, **sources):
    """A figure: sources by model label ("projects__project") as the objects behind it."""
    return {
        "value": value,
        "sources": {label.replace("__", "."): ids(*objs) for label, objs in sources.items()},
    }


def counts(members, total):
    return {
        "projects": fig(len(members), projects__project=members),
        "total_investment": fig(total, projects__project=members),
    }


def summary(members, total, *, plans, plan, reports, done, rate, gap, ahead=(), on=(), behind=()):
    """A group's headline figures; every project of this county has a 2024 plan."""
    reported = [report.project for report in reports]
    return {
        **counts(members, total),
        "annual_plan": fig(plan, projects__project=members, projects__annualplan=plans),
        "year_to_date": fig(done, projects__project=reported, dispatch__progressreport=reports),
        "completion_rate": fig(rate, projects__project=members, dispatch__progressreport=reports),
        "time_elapsed": TIME_ELAPSED if members else None,
        "gap_points": gap,
        "schedule": {
            "ahead": fig(len(ahead), projects__project=ahead),
            "on": fig(len(on), projects__project=on),
            "behind": fig(len(behind), projects__project=behind),
            "no_plan": fig(0, projects__project=[]),
        },
    }


def start_rate(planned, started, rate):
    return {
        "planned": fig(len(planned), projects__project=planned),
        "started": fig(len(started), projects__project=started),
        "rate": rate,
    }


def unit(obj, code, name):
    return {"id": obj.pk, "code": code, "name": name}


def breakdown(matters, categories, lead_units):
    """Matters with their categories [(key, label, matters)] and lead units [(unit, matters)], in the
    order printed (most first, then key / the office's order)."""
    return {
        **fig(len(matters), matters__matter=matters),
        "by_category": [
            {"category": key, "label": label, **fig(len(found), matters__matter=found)}
            for key, label, found in categories
        ],
        "by_lead_unit": [
            {"unit": who, **fig(len(found), matters__matter=found)} for who, found in lead_units
        ],
    }


def tally(rounds, counted, by_unit, exceptions=None):
    """counted: (expected, submitted, missing, on_time, late, completeness, timeliness)."""

    def numbers(values):
        keys = ("expected", "submitted", "missing", "on_time", "late", "completeness", "timeliness")
        return dict(zip(keys, values, strict=True))

    result = {"rounds": rounds["rows"], "sources": rounds["sources"], **numbers(counted)}
    if exceptions is not None:
        result["missing_reports"], result["late_reports"] = ids(*exceptions[0]), ids(*exceptions[1])
    result["by_unit"] = []
    for who, values, *unit_exceptions in by_unit:
        entry = {"unit": who, **numbers(values)}
        if exceptions is not None:
            entry["missing_reports"], entry["late_reports"] = (ids(*found) for found in unit_exceptions)
        result["by_unit"].append(entry)
    return result


# fmt: off
def row(project, region, who, leader, tiers, stage, label, total, plan, report, done, rate, gap, status,
        planned_start, started, planned_end, completed, light):
    """A project row of the annex table. plan: (amount, AnnualPlan); light: (level, ProjectLight)."""
    return {
        "id": project.pk, "code": project.code, "name": project.name, "is_synthetic": False,
        "region": region, "unit_id": who.pk, "leader_id": leader.pk if leader else None,
        "task_force_id": None, "industry_chain_id": None, "tiers": tiers, "stage": stage,
        "stage_label": label, "total_investment": total, "annual_plan": plan[0],
        "annual_plan_id": plan[1].pk, "year_to_date": done, "since_start": done,
        "report_id": report.pk if report else None, "round_id": report.round_id if report else None,
        "completion_rate": rate, "time_elapsed": TIME_ELAPSED, "gap_points": gap, "schedule_status": status,
        "planned_start": planned_start, "started_on": started, "planned_completion": planned_end,
        "completed_on": completed, "light": light[0], "light_id": light[1].pk if light[1] else None,
    }


def expected(world, c):
    """Every figure of the report, by hand."""
    from projects.models import AnnualPlan

    p1, p2, p3, p4 = c.p1, c.p2, c.p3, c.p4
    pl1, pl2, pl3, pl4 = (AnnualPlan.objects.get(project=p, year=2024) for p in (p1, p2, p3, p4))
    r1, r2, r4 = c.w10["p1"], c.w9["p2"], c.w10["p4"]  # the latest reported figure of each
    week9, week10 = c.w9["p1"].round, c.w10["p1"].round
    light = c.lights
    unit_a, unit_b = unit(world.unit_a, "T-A", "唐江镇人民政府"), unit(world.unit_b, "T-B", "凤岗镇人民政府")
    energy, land = ("energy", "用能"), ("land", "用地")
    # 唐江镇 / unit A: P1 + P2, 350 of 1800 = 19.44 %; 凤岗镇 / unit B: P3 + P4, 260 of 800 = 32.50 %
    town_a = summary([p1, p2], "70000.00", plans=[pl1, pl2], plan="1800.00", reports=[r1, r2], done="350.00",
                     rate="19.44", gap="2.77", ahead=[p1], behind=[p2])
    town_b = summary([p3, p4], "38000.00", plans=[pl3, pl4], plan="800.00", reports=[r4], done="260.00",
                     rate="32.50", gap="15.83", ahead=[p4], behind=[p3])
    only_p1 = summary([p1], "50000.00", plans=[pl1], plan="1200.00", reports=[r1], done="350.00",
                      rate="29.17", gap="12.50", ahead=[p1])
    only_p3 = summary([p3], "8000.00", plans=[pl3], plan="300.00", reports=[], done="0.00", rate="0.00",
                      gap="-16.67", behind=[p3])
    rounds = {
        "rows": [
            {"id": week9.pk, "label": "2024年第9周（2月26日—3月3日）", "period_start": "2024-02-26",
             "period_end": "2024-03-03"},
            {"id": week10.pk, "label": "2024年第10周（3月4日—3月10日）", "period_start": "2024-03-04",
             "period_end": "2024-03-10"},
        ],
        "sources": {"dispatch.dispatchround": ids(week9, week10), "projects.project": ids(p1, p2, p3, p4)},
    }
    # expected, submitted, missing, on time, late, completeness, timeliness
    all_counts = (8, 6, 2, 5, 1, "75.00", "62.50")
    unit_b_counts, unit_a_counts = (4, 2, 2, 1, 1, "50.00", "25.00"), (4, 4, 0, 4, 0, "100.00", "100.00")
    missing, late = [c.w9["p3"], c.w10["p3"]], [c.w9["p4"]]
    # by code: 360703100-2023-0001 P1, -0002 P2, 360703101-2023-0001 P4, 360703101-2024-0001 P3
    projects = [
        row(p1, "360703100", world.unit_a, world.leader_a, ["provincial", "major"], "under_construction",
            "在建（开工/续建）", "50000.00", ("1200.00", pl1), r1, "350.00", "29.17", "12.50", "ahead",
            "2024-12-31", "2024-01-10", "2025-12-31", None, ("red", light["p1_red"])),
        row(p2, "360703100", world.unit_a, None, ["city"], "under_construction", "在建（开工/续建）",
            "20000.00", ("600.00", pl2), r2, "0.00", "0.00", "-16.67", "behind", "2024-12-31", "2024-03-05",
            "2024-12-31", None, ("green", light["p2_green"])),
        row(p4, "360703101", world.unit_b, None, ["city"], "completed", "竣工", "30000.00", ("500.00", pl4),
            r4, "260.00", "52.00", "35.33", "ahead", "2023-12-31", "2023-03-01", "2024-12-31", "2024-03-12",
            ("yellow", light["p4_yellow"])),
        row(p3, "360703101", world.unit_b, world.leader_b, ["district"], "signed", "招商（已签约）",
            "8000.00", ("300.00", pl3), None, None, "0.00", "-16.67", "behind", "2024-12-31", None,
            "2025-12-31", None, (None, None)),
    ]
    return {
        "time_elapsed": {"mode": "months", "months_elapsed": 2, "value": TIME_ELAPSED},
        "summary": summary([p1, p2, p3, p4], "108000.00", plans=[pl1, pl2, pl3, pl4], plan="2600.00",
                           reports=[r1, r2, r4], done="610.00", rate="23.46", gap="6.79", ahead=[p1, p4],
                           behind=[p2, p3]),
        "by_stage": {
            "signed": {"label": "招商（已签约）", **counts([p3], "8000.00")},
            "preparing": {"label": "新上（筹备）", **counts([], "0.00")},
            "planned": {"label": "拟建", **counts([], "0.00")},
            "under_construction": {"label": "在建（开工/续建）", **counts([p1, p2], "70000.00")},
            "completed": {"label": "竣工", **counts([p4], "30000.00")},
            "operating": {"label": "投产", **counts([], "0.00")},
            "stalled": {"label": "停缓建", **counts([], "0.00")},
            "cancelled": {"label": "取消", **counts([], "0.00")},
        },
        "by_tier": {
            "provincial": {"label": "省重点", **only_p1},
            # 市重点: P2 (0 of 600) and P4 (260 of 500): 260 / 1100 = 23.64 %
            "city": {"label": "市重点", **summary([p2, p4], "50000.00", plans=[pl2, pl4], plan="1100.00",
                                               reports=[r2, r4], done="260.00", rate="23.64", gap="6.97",
                                               ahead=[p4], behind=[p2])},
            "district": {"label": "区重点", **only_p3},
            "major": {"label": "重大", **only_p1},
            "provincial_large": {"label": "省大中型", **summary([], "0.00", plans=[], plan="0.00", reports=[],
                                                             done="0.00", rate=None, gap=None)},
        },
        "starts": {"year": counts([p1, p2], "70000.00"), "period": counts([p2], "20000.00")},
        "completions": {"year": counts([p4], "30000.00"), "period": counts([p4], "30000.00")},
        # planned to start in 2024: P1, P2, P3 (P4 in 2023); planned to complete in 2024: P2, P4
        "start_rate": start_rate([p1, p2, p3], [p1, p2], "66.67"),
        "on_time_completion": {
            "planned": fig(2, projects__project=[p2, p4]),
            "completed": fig(1, projects__project=[p4]),
            "on_time": fig(1, projects__project=[p4]),
            "rate": "50.00",
        },
        "lights": {
            "red": fig(1, projects__project=[p1], lights__projectlight=[light["p1_red"]]),
            "yellow": fig(1, projects__project=[p4], lights__projectlight=[light["p4_yellow"]]),
            "green": fig(1, projects__project=[p2], lights__projectlight=[light["p2_green"]]),  # red: 17 Mar
            "none": fig(1, projects__project=[p3]),
        },
        "unit_ranking": [
            {**unit_b, **town_b, "lights": {"red": 0, "yellow": 1, "green": 0},
             "start_rate": start_rate([p3], [], "0.00"), "rank": 1},
            {**unit_a, **town_a, "lights": {"red": 1, "yellow": 0, "green": 1},
             "start_rate": start_rate([p1, p2], [p1, p2], "100.00"), "rank": 2},
        ],
        "leaders": [
            {"id": world.leader_b.pk, "name": "乙镇领导", "position": "镇长", **only_p3,
             "lights": {"red": 0, "yellow": 0, "green": 0}, "start_rate": start_rate([p3], [], "0.00")},
            {"id": world.leader_a.pk, "name": "甲镇领导", "position": "镇长", **only_p1,
             "lights": {"red": 1, "yellow": 0, "green": 0}, "start_rate": start_rate([p1], [p1], "100.00")},
        ],
        "task_forces": [],
        "industry_chains": [],
        # 凤岗镇 was still in the group on 15 March (taken out on 20 March)
        "peer_groups": [
            {"id": c.group.pk, "name": "一类乡镇", "level": "township", "regions": [
                {"id": world.region_b.pk, "code": "360703101", "name": "凤岗镇", **town_b, "rank": 1},
                {"id": world.region_a.pk, "code": "360703100", "name": "唐江镇", **town_a, "rank": 2},
            ]},
        ],
        "reporting": {
            "year": tally(rounds, all_counts, [(unit_b, unit_b_counts), (unit_a, unit_a_counts)]),
            "current": tally(rounds, all_counts,
                             [(unit_b, unit_b_counts, missing, late), (unit_a, unit_a_counts, [], [])],
                             exceptions=(missing, late)),
        },
        "matters": {
            "year": {
                "opened": breakdown([c.m1, c.m2], [(*energy, [c.m2]), (*land, [c.m1])],
                                    [(unit_a, [c.m1]), (unit_b, [c.m2])]),
                "closed": breakdown([c.m2], [(*energy, [c.m2])], [(unit_b, [c.m2])]),
            },
            "period": {
                "opened": breakdown([c.m1], [(*land, [c.m1])], [(unit_a, [c.m1])]),
                "closed": breakdown([c.m2], [(*energy, [c.m2])], [(unit_b, [c.m2])]),
            },
            "overdue": breakdown([c.m1], [(*land, [c.m1])], [(unit_a, [c.m1])]),
            "rows": [
                {"id": c.m2.pk, "code": "WT-2024-0001", "title": "用电未接入", "category": "energy",
                 "lead_unit_id": world.unit_b.pk, "project_id": p4.pk, "opened_on": "2024-02-01",
                 "closed_on": "2024-03-10"},
                {"id": c.m1.pk, "code": "WT-2024-0002", "title": "用地未交地", "category": "land",
                 "lead_unit_id": world.unit_a.pk, "project_id": p1.pk, "opened_on": "2024-03-05",
                 "closed_on": None},
            ],
        },
        "projects": projects,
        "parameters": {
            "as_of": "2024-03-15", "recorded_at": "2024-03-15T23:59:59.999999+08:00", "year": 2024,
            "year_to_date": {"code": "2024-YTD", "label": "2024年1月1日至3月15日", "start": "2024-01-01",
                             "end": "2024-03-15"},
            "period": {"code": "2024-03-H1", "label": "2024年3月上半月", "start": "2024-03-01",
                       "end": "2024-03-15"},
            "scope": {}, "schedule_mode": "months", "year_reporting": True,
        },
    }
    # fmt: on
# fmt: on


def differences(actual, expected, skip=()):
    return "\n".join(
        f"{path}: report {a!r}, expected {e!r}" for path, a, e in compare(actual, expected, skip=skip)
    )


def test_every_figure_of_the_report_is_the_value_worked_out_by_hand(world, generated):
    c, report = generated
    by_hand = expected(world, c)

    assert not differences(report.figures, by_hand)
    assert len(leaves(report.figures)) == len(leaves(by_hand)) > 700


def test_the_raw_rows_give_the_report_and_the_hand_values(world, generated):
    c, report = generated
    moment = report_moment(report)
    raw = recompute(as_of=report.as_of, period=PERIOD, moment=moment)

    assert report.recorded_at == moment

    assert not differences(report.figures, raw)
    assert not differences(raw, expected(world, c))  # the overdue matter's dates included
    # the same rows read as recorded now see the edits of 20 March: history was read, not the tables
    now = recompute(as_of=report.as_of, period=PERIOD, moment=timezone.now())
    assert now["summary"]["total_investment"]["value"] == "118000.00"  # P1 at 60000; P5 starts 18 March
    assert now["summary"]["annual_plan"]["value"] == "2900.00"
    assert [region["name"] for region in now["peer_groups"][0]["regions"]] == ["唐江镇"]


def test_the_matter_rows_keep_the_dates_of_an_overdue_matter(world, generated):
    c, report = generated
    assert not differences(report.figures["matters"]["rows"], expected(world, c)["matters"]["rows"])


def test_every_project_and_matter_behind_a_figure_is_in_the_excel_annex(world, generated):
    c, report = generated
    with report.xlsx_file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    annex = {row[0]: row for row in book["一、项目明细"].iter_rows(min_row=2, values_only=True)}
    codes = {c.p1.pk: c.p1.code, c.p2.pk: c.p2.code, c.p3.pk: c.p3.code, c.p4.pk: c.p4.code}

    assert source_ids(report.figures, "projects.project") == set(codes)  # P5 came later
    assert set(annex) == set(codes.values())
    assert [annex[c.p1.code][5], annex[c.p1.code][6], annex[c.p1.code][7]] == [50000.0, 1200.0, 350.0]
    assert annex[c.p3.code][7] is None  # never reported
    assert source_ids(report.figures, "matters.matter") == set(ids(c.m1, c.m2))
    matters = [row[0] for row in book["五、问题事项"].iter_rows(min_row=2, values_only=True)]
    assert matters == ["WT-2024-0001", "WT-2024-0002"]


def test_the_walk_fails_on_a_figure_it_cannot_recompute_and_on_a_wrong_value():
    stored = {"summary": {"projects": {"value": 4, "sources": {"projects.project": [1, 2, 3, 4]}}, "new": 1}}
    expected_here = {"summary": {"projects": {"value": 4, "sources": {"projects.project": [1, 2, 3, 5]}}}}

    assert compare(stored, expected_here) == [
        ("summary.projects.sources.projects.project[3]", 4, 5),
        ("summary.new", 1, "<no independent recomputation for this figure>"),
    ]
    assert compare(stored, expected_here, skip=(r"summary\.new", r"summary\.projects\.sources")) == []
    assert compare({"a": [1]}, {"a": [1, 2]}) == [("a[len]", 1, 2)]
    assert compare({"a": 1}, {"a": 1, "b": 2}) == [("b", "<missing from the report>", 2)]


def test_a_closure_entered_later_changes_nothing_in_the_report(world, closed_late):
    c, report = closed_late
    c.m1.refresh_from_db()
    assert c.m1.closed_on == D(2024, 3, 14)  # as the matter stands now
    raw = recompute(as_of=report.as_of, period=PERIOD, moment=report_moment(report))

    assert not differences(raw, expected(world, c))  # M1 still open and overdue, as recorded on 15 March
    assert not differences(report.figures, raw)


def test_a_closure_entered_later_leaves_the_overdue_matters_of_the_report_unchanged(world, closed_late):
    c, report = closed_late
    assert not differences(report.figures["matters"]["overdue"], expected(world, c)["matters"]["overdue"])


def test_lights_deleted_later_change_nothing_in_the_report(world, lights_deleted_late):
    c, report = lights_deleted_late
    raw = recompute(as_of=report.as_of, period=PERIOD, moment=report_moment(report))

    assert not differences(raw, expected(world, c))  # P2 still green, as recorded on 15 March
    assert not differences(report.figures, raw)


def test_lights_deleted_later_leave_the_lights_of_the_report_unchanged(world, lights_deleted_late):
    c, report = lights_deleted_late
    by_hand = expected(world, c)
    assert not differences(report.figures, by_hand)
