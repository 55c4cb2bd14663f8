"""The figures engine on a small county built by hand, every expected figure worked out by hand.

The county (南康区 of the test personas), year 2024, figures as of Saturday 16 March 2024:

    project  unit  region  tiers        stage timeline                         2024 plan  leader
    P1 甲    A     唐江镇  省重点、重大  signed 2023-06-01, 在建 2024-01-10         1200      甲镇领导
    P2 乙    A     唐江镇  市重点        planned 2023-09-01, 在建 2024-03-05         600      —
    P3 丙    B     凤岗镇  区重点        signed 2024-02-01                            300      乙镇领导
    P4 丁    B     凤岗镇  市重点        在建 2023-03-01, 竣工 2024-03-12              500      —

Weekly dispatch, weeks 9 (26 Feb–3 Mar, due Fri 1 Mar 17:00) and 10 (4–10 Mar, due Fri 8 Mar); week 11
(ends 17 Mar) is open but not yet counted. Reported year-to-date figures (万元):

    week 9:  P1 200 approved on time · P2 0 submitted on time · P3 missing · P4 150 submitted late
    week 10: P1 350 submitted on time · P2 80 on time, returned 12 Mar · P3 missing · P4 260 approved

Matters: M1 on P1 opened 5 Mar, deadline 8 Mar, still open; M2 on P4 opened 1 Feb, closed 10 Mar.
Lights: P1 green (3 Mar) then red (10 Mar); P2 green (3 Mar), red dated 17 Mar; P4 yellow (10 Mar).
Peer group 一类乡镇: 唐江镇 and 凤岗镇.

Recorded on 20 March, after the date: P1's total investment 50000 → 60000 and plan 1200 → 1500, P2's
week-10 report resubmitted at 90, P1's week-10 report approved, P3's start on 14 March entered late,
a new project P5 registered on 18 March, 凤岗镇 taken out of the peer group.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.history import history_context
from core.timetravel import recorded_at
from reports.figures import FiguresScope, compute_figures, parse_period, percent, rank

D = datetime.date
AS_OF = D(2024, 3, 16)


def at(day, hour=10, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class County:
    """The hand-built county: projects, reports, matters and lights by name."""


def register(world, name, *, unit, region, stage, on, plan, start_year, end_year, leader=None, **flags):
    from projects import services
    from projects.models import Project

    project = Project(
        name=name,
        region=region,
        introducing_unit=unit,
        responsible_unit=unit,
        liaison_leader=leader,
        total_investment=Decimal(flags.pop("total")),
        planned_start_year=start_year,
        planned_end_year=end_year,
        **flags,
    )
    services.register_project(project, stage=stage, on=on, actor=world.office)
    if plan is not None:
        services.set_annual_plan(project, year=2024, amount=Decimal(plan), actor=world.office)
    return project


def open_week(cadence, day, moment):
    from dispatch import services
    from dispatch.choices import PeriodType
    from dispatch.models import ProgressReport
    from dispatch.periods import period_containing

    with recorded_at(moment):
        dispatch_round = services.open_round(
            cadence, period=period_containing(PeriodType.WEEKLY, day), actor=None
        )
    reports = {report.project_id: report for report in dispatch_round.reports.all()}
    # open_round writes the reports' first records in bulk (stamped with the present, which
    # `recorded_at` does not reach): date them when the round opened, as they would have been.
    ProgressReport.history.filter(id__in=[r.pk for r in reports.values()], history_type="+").update(
        history_date=moment
    )
    return reports


def submit(report, year_to_date, moment, actor):
    from dispatch import services
    from projects.models import Project

    with recorded_at(moment):
        services.submit_report(
            report,
            stage=Project.objects.get(pk=report.project_id).stage,
            actor=actor,
            now=moment,
            investment_year_to_date=Decimal(year_to_date),
            confidence="green",
            physical_progress="主体施工",
            next_steps="继续施工",
            warning_comment="已核实",
        )


def review(report, moment, actor, *, approve=True):
    from dispatch import services

    with recorded_at(moment):
        if approve:
            services.approve_report(report, actor=actor, now=moment)
        else:
            services.return_report(report, comment="数据有误，请核实", actor=actor, now=moment)


def build_until_as_of(world, settings, tmp_path):
    """Everything recorded up to the as-of date."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dispatch.models import Cadence
    from lights.models import ProjectLight, RuleSet
    from matters import services as matters
    from matters.models import Matter, MatterKind
    from org.models import PeerGroup
    from projects import services as projects

    settings.MEDIA_ROOT = tmp_path / "media"
    office = world.office
    c = County()
    with history_context(reason="测试数据"), recorded_at(at(D(2024, 2, 20))):
        common = {"start_year": 2024}
        c.p1 = register(world, "甲项目", unit=world.unit_a, region=world.region_a, stage="signed",
                        on=D(2023, 6, 1), plan="1200", end_year=2025, leader=world.leader_a, total="50000",
                        is_provincial_key=True, is_major=True, **common)  # fmt: skip
        projects.change_stage(c.p1, to_stage="under_construction", on=D(2024, 1, 10), actor=office)
        c.p2 = register(world, "乙项目", unit=world.unit_a, region=world.region_a, stage="planned",
                        on=D(2023, 9, 1), plan="600", end_year=2024, total="20000", is_city_key=True,
                        **common)  # fmt: skip
        c.p3 = register(world, "丙项目", unit=world.unit_b, region=world.region_b, stage="signed",
                        on=D(2024, 2, 1), plan="300", end_year=2025, leader=world.leader_b, total="8000",
                        is_district_key=True, **common)  # fmt: skip
        c.p4 = register(world, "丁项目", unit=world.unit_b, region=world.region_b, stage="planned",
                        on=D(2023, 1, 1), plan="500", start_year=2023, end_year=2024, total="30000",
                        is_city_key=True)  # fmt: skip
        projects.change_stage(c.p4, to_stage="under_construction", on=D(2023, 3, 1), actor=office)
        cadence = Cadence.objects.create(name="每周调度", region=world.county, due_offset_days=-2)
        c.group = PeerGroup.objects.create(name="一类乡镇", region=world.county, level="township")
        c.group.regions.set([world.region_a, world.region_b])
        kind = MatterKind.objects.get(code="project_issue")
        c.m2 = matters.assign_matter(
            Matter(kind=kind, title="用电未接入", project=c.p4, lead_unit=world.unit_b, category="energy",
                   opened_on=D(2024, 2, 1), deadline=D(2024, 3, 29)),
            actor=office,
        )  # fmt: skip
    week9 = open_week(cadence, D(2024, 2, 26), at(D(2024, 2, 26), 9))
    c.w9 = {name: week9[getattr(c, name).pk] for name in ("p1", "p2", "p3", "p4")}
    submit(c.w9["p1"], "200", at(D(2024, 2, 29)), world.reporter_a)
    submit(c.w9["p2"], "0", at(D(2024, 3, 1)), world.reporter_a)
    submit(c.w9["p4"], "150", at(D(2024, 3, 2)), world.reporter_b)  # after the 1 March 17:00 deadline
    review(c.w9["p1"], at(D(2024, 3, 4), 9), office)
    week10 = open_week(cadence, D(2024, 3, 4), at(D(2024, 3, 4), 9, 30))
    c.w10 = {name: week10[getattr(c, name).pk] for name in ("p1", "p2", "p3", "p4")}
    with history_context(reason="测试数据"), recorded_at(at(D(2024, 3, 5))):
        projects.change_stage(c.p2, to_stage="under_construction", on=D(2024, 3, 5), actor=office)
        c.m1 = matters.assign_matter(
            Matter(kind=kind, title="用地未交地", project=c.p1, lead_unit=world.unit_a, category="land",
                   opened_on=D(2024, 3, 5), deadline=D(2024, 3, 8)),
            actor=office,
        )  # fmt: skip
    submit(c.w10["p1"], "350", at(D(2024, 3, 7)), world.reporter_a)
    submit(c.w10["p2"], "80", at(D(2024, 3, 7)), world.reporter_a)
    submit(c.w10["p4"], "260", at(D(2024, 3, 8)), world.reporter_b)
    review(c.w10["p4"], at(D(2024, 3, 11), 9), office)
    with history_context(reason="测试数据"), recorded_at(at(D(2024, 3, 10))):
        for step in (matters.sign_matter, matters.start_handling):
            step(c.m2, actor=world.reporter_b, on=D(2024, 3, 4))
        matters.submit_feedback(c.m2, actor=world.reporter_b, text="已接入", on=D(2024, 3, 6))
        matters.review_matter(c.m2, actor=office, passed=True, on=D(2024, 3, 7))
        upload = SimpleUploadedFile("证明.pdf", b"%PDF-1.7\n%%EOF\n")
        matters.add_attachment(c.m2, actor=world.reporter_b, upload=upload, on=D(2024, 3, 7))
        matters.close_matter(c.m2, actor=office, on=D(2024, 3, 10))
    open_week(cadence, D(2024, 3, 11), at(D(2024, 3, 11), 9))
    review(c.w10["p2"], at(D(2024, 3, 12), 9), office, approve=False)
    with history_context(reason="测试数据"), recorded_at(at(D(2024, 3, 12))):
        projects.change_stage(c.p4, to_stage="completed", on=D(2024, 3, 12), actor=office)
    ruleset = RuleSet.objects.get(is_active=True)

    def light(project, day, level):
        with recorded_at(at(day + datetime.timedelta(days=1))):
            return ProjectLight.objects.create(
                project=project, as_of=day, level=level, ruleset=ruleset, evaluated_at=at(day)
            )

    c.lights = {
        "p1_green": light(c.p1, D(2024, 3, 3), "green"),
        "p2_green": light(c.p2, D(2024, 3, 3), "green"),
        "p1_red": light(c.p1, D(2024, 3, 10), "red"),
        "p4_yellow": light(c.p4, D(2024, 3, 10), "yellow"),
        "p2_red": light(c.p2, D(2024, 3, 17), "red"),
    }
    return c


def allow_late_report(report, unit, moment, actor):
    """The office opens the report's locked round to `unit` until 22 March, at `moment`."""
    from dispatch import services

    with recorded_at(moment):
        services.grant_lock_exception(
            report.round, unit=unit, until=at(D(2024, 3, 22)), reason="补报更正", actor=actor
        )


def edit_after_as_of(world, c):
    """What was recorded on 20 March."""
    from projects import services as projects

    moment = at(D(2024, 3, 20))
    with history_context(reason="测试数据"), recorded_at(moment):
        c.p1.total_investment = Decimal("60000")
        c.p1.save()
        projects.set_annual_plan(c.p1, year=2024, amount=Decimal("1500"), actor=world.office)
        projects.change_stage(c.p3, to_stage="under_construction", on=D(2024, 3, 14), actor=world.office)
        c.p5 = register(world, "戊项目", unit=world.unit_a, region=world.region_a, stage="signed",
                        on=D(2024, 3, 18), plan="100", start_year=2024, end_year=2025,
                        total="1000")  # fmt: skip
        c.group.regions.set([world.region_a])
    review(c.w10["p1"], moment, world.office)
    allow_late_report(c.w10["p2"], world.unit_a, moment, world.office)
    submit(c.w10["p2"], "90", at(D(2024, 3, 20), 11), world.reporter_a)


def ids(*objects):
    return sorted(obj.pk for obj in objects)


def value(figure):
    return figure["value"]


def sources(figure, label="projects.project"):
    return figure["sources"][label]


def test_the_headline_figures_by_hand(world, county):
    c = county
    figures = compute_figures(as_of=AS_OF, period="2024-03-H1")
    summary = figures["summary"]

    assert value(summary["projects"]) == 4
    assert sources(summary["projects"]) == ids(c.p1, c.p2, c.p3, c.p4)
    assert value(summary["total_investment"]) == Decimal("108000.00")
    assert value(summary["annual_plan"]) == Decimal("2600.00")
    # P1 week 10 (350, submitted), P2 week 9 (0: its week-10 report was returned), P4 week 10 (260)
    assert value(summary["year_to_date"]) == Decimal("610.00")
    assert sources(summary["year_to_date"], "dispatch.progressreport") == ids(
        c.w10["p1"], c.w9["p2"], c.w10["p4"]
    )
    assert value(summary["completion_rate"]) == Decimal("23.46")  # 610 / 2600 = 23.4615…
    assert summary["time_elapsed"] == Decimal("16.67")  # 2 complete months / 12
    assert summary["gap_points"] == Decimal("6.79")
    assert sources(summary["schedule"]["ahead"]) == ids(c.p1, c.p4)  # 29.17 % and 52.00 %
    assert sources(summary["schedule"]["behind"]) == ids(c.p2, c.p3)  # 0.00 % each
    assert value(summary["schedule"]["on"]) == 0
    assert figures["time_elapsed"] == {"mode": "months", "months_elapsed": 2, "value": Decimal("16.67")}


def test_stages_starts_completions_and_rates_by_hand(world, county):
    c = county
    figures = compute_figures(as_of=AS_OF, period="2024-03-H1")
    stages = figures["by_stage"]

    assert sources(stages["signed"]["projects"]) == ids(c.p3)
    assert sources(stages["under_construction"]["projects"]) == ids(c.p1, c.p2)
    assert value(stages["under_construction"]["total_investment"]) == Decimal("70000.00")
    assert sources(stages["completed"]["projects"]) == ids(c.p4)
    assert [value(stages[key]["projects"]) for key in ("preparing", "planned", "operating", "stalled")] == [
        0
    ] * 4
    assert sources(figures["starts"]["year"]["projects"]) == ids(c.p1, c.p2)
    assert sources(figures["starts"]["period"]["projects"]) == ids(c.p2)
    assert value(figures["starts"]["period"]["total_investment"]) == Decimal("20000.00")
    assert sources(figures["completions"]["year"]["projects"]) == ids(c.p4)
    assert sources(figures["completions"]["period"]["projects"]) == ids(c.p4)
    start_rate = figures["start_rate"]
    assert sources(start_rate["planned"]) == ids(c.p1, c.p2, c.p3)
    assert sources(start_rate["started"]) == ids(c.p1, c.p2)
    assert start_rate["rate"] == Decimal("66.67")
    on_time = figures["on_time_completion"]
    assert sources(on_time["planned"]) == ids(c.p2, c.p4)
    assert sources(on_time["on_time"]) == ids(c.p4)
    assert on_time["rate"] == Decimal("50.00")


def test_tiers_lights_and_matters_by_hand(world, county):
    c = county
    figures = compute_figures(as_of=AS_OF, period="2024-03-H1")
    city = figures["by_tier"]["city"]

    assert sources(city["projects"]) == ids(c.p2, c.p4)
    assert value(city["annual_plan"]) == Decimal("1100.00")
    assert value(city["completion_rate"]) == Decimal("23.64")  # 260 / 1100
    assert value(figures["by_tier"]["district"]["completion_rate"]) == Decimal("0.00")
    assert sources(figures["by_tier"]["major"]["projects"]) == ids(c.p1)
    lights = figures["lights"]
    assert sources(lights["red"]) == ids(c.p1)
    assert sources(lights["red"], "lights.projectlight") == ids(c.lights["p1_red"])
    assert sources(lights["yellow"]) == ids(c.p4)
    assert sources(lights["green"]) == ids(c.p2)  # its red light is dated 17 March
    assert sources(lights["none"]) == ids(c.p3)
    matters = figures["matters"]
    assert sources(matters["year"]["opened"], "matters.matter") == ids(c.m1, c.m2)
    assert sources(matters["year"]["closed"], "matters.matter") == ids(c.m2)
    assert sources(matters["period"]["opened"], "matters.matter") == ids(c.m1)
    assert sources(matters["period"]["closed"], "matters.matter") == ids(c.m2)
    assert sources(matters["overdue"], "matters.matter") == ids(c.m1)
    assert [(row["label"], row["value"]) for row in matters["year"]["opened"]["by_category"]] == [
        ("用能", 1),
        ("用地", 1),
    ]
    assert [(row["unit"]["code"], row["value"]) for row in matters["overdue"]["by_lead_unit"]] == [("T-A", 1)]
    assert [row["code"] for row in matters["rows"]] == sorted([c.m1.code, c.m2.code])


def test_reporting_completeness_and_timeliness_by_hand(world, county):
    c = county
    figures = compute_figures(as_of=AS_OF, period="2024-03-H1")
    year = figures["reporting"]["year"]

    assert [r["period_end"] for r in year["rounds"]] == [D(2024, 3, 3), D(2024, 3, 10)]  # week 11 not due
    assert (year["expected"], year["submitted"], year["on_time"]) == (8, 6, 5)
    assert (year["completeness"], year["timeliness"]) == (Decimal("75.00"), Decimal("62.50"))
    assert [
        (u["unit"]["code"], u["expected"], u["submitted"], u["on_time"], u["completeness"], u["timeliness"])
        for u in year["by_unit"]
    ] == [
        ("T-B", 4, 2, 1, Decimal("50.00"), Decimal("25.00")),
        ("T-A", 4, 4, 4, Decimal("100.00"), Decimal("100.00")),
    ]
    current = figures["reporting"]["current"]
    assert current["missing_reports"] == ids(c.w9["p3"], c.w10["p3"])
    assert current["late_reports"] == ids(c.w9["p4"])
    latest = compute_figures(as_of=AS_OF)["reporting"]["current"]  # no period: the latest round due
    assert [r["period_end"] for r in latest["rounds"]] == [D(2024, 3, 10)]
    assert (latest["expected"], latest["submitted"], latest["on_time"]) == (4, 3, 3)
    assert latest["missing_reports"] == ids(c.w10["p3"])
    assert latest["late_reports"] == []


def test_rankings_and_scorecards_by_hand(world, county):
    figures = compute_figures(as_of=AS_OF, period="2024-03-H1")

    # 凤岗镇's unit: 260 / 800 = 32.50 %; 唐江镇's: 350 / 1800 = 19.44 %
    assert [(u["rank"], u["code"], value(u["completion_rate"])) for u in figures["unit_ranking"]] == [
        (1, "T-B", Decimal("32.50")),
        (2, "T-A", Decimal("19.44")),
    ]
    (group,) = figures["peer_groups"]
    assert group["name"] == "一类乡镇"
    assert [(r["rank"], r["name"], value(r["completion_rate"])) for r in group["regions"]] == [
        (1, "凤岗镇", Decimal("32.50")),
        (2, "唐江镇", Decimal("19.44")),
    ]
    leaders = {entry["name"]: entry for entry in figures["leaders"]}
    assert value(leaders["甲镇领导"]["completion_rate"]) == Decimal("29.17")
    assert value(leaders["甲镇领导"]["schedule"]["ahead"]) == 1
    assert leaders["甲镇领导"]["lights"] == {"red": 1, "yellow": 0, "green": 0}
    assert value(leaders["乙镇领导"]["schedule"]["behind"]) == 1
    assert leaders["乙镇领导"]["start_rate"]["rate"] == Decimal("0.00")


def test_scope_filters_combine(world, county):
    c = county
    by_region = compute_figures(as_of=AS_OF, scope=FiguresScope(region="360703100"))
    by_tier = compute_figures(as_of=AS_OF, scope=FiguresScope(tiers=("市重点",), unit="T-B"))
    by_leader = compute_figures(as_of=AS_OF, scope=FiguresScope(leader="甲镇领导"))

    assert sources(by_region["summary"]["projects"]) == ids(c.p1, c.p2)
    assert sources(by_tier["summary"]["projects"]) == ids(c.p4)
    assert sources(by_leader["summary"]["projects"]) == ids(c.p1)
    assert by_region["reporting"]["year"]["expected"] == 4
    with pytest.raises(ValidationError) as error:
        compute_figures(as_of=AS_OF, scope=FiguresScope(region="999999"))
    assert error.value.message_dict == {"region": ["区划代码“999999”不存在。"]}


def test_a_user_sees_the_figures_of_the_projects_in_scope_only(world, county):
    c = county
    figures = compute_figures(as_of=AS_OF, scope=FiguresScope(user=world.reporter_b))

    assert sources(figures["summary"]["projects"]) == ids(c.p3, c.p4)


def test_later_edits_leave_a_past_date_unchanged_and_show_when_read_as_recorded_now(world, county):
    c = county
    before = compute_figures(as_of=AS_OF, period="2024-03-H1")
    edit_after_as_of(world, c)
    again = compute_figures(as_of=AS_OF, period="2024-03-H1")

    assert again.to_dict() == before.to_dict()
    assert again.checksum() == before.checksum()

    now = compute_figures(as_of=AS_OF, period="2024-03-H1", recorded_at=timezone.now())
    summary = now["summary"]
    assert value(summary["total_investment"]) == Decimal("118000.00")  # P1 at 60000; P5 starts 18 March
    assert value(summary["annual_plan"]) == Decimal("2900.00")
    assert value(summary["year_to_date"]) == Decimal("700.00")  # 350 + 90 + 260
    assert value(summary["completion_rate"]) == Decimal("24.14")
    assert sources(now["starts"]["period"]["projects"]) == ids(c.p2, c.p3)  # P3's start entered late
    assert now["start_rate"]["rate"] == Decimal("100.00")
    assert [r["name"] for r in now["peer_groups"][0]["regions"]] == ["唐江镇"]
    assert now.checksum() != before.checksum()


def test_json_has_strings_for_money_and_the_checksum_is_canonical(world, county):
    figures = compute_figures(as_of=AS_OF, period="2024-03-H1")
    data = figures.to_dict()

    assert data["summary"]["annual_plan"]["value"] == "2600.00"
    assert data["summary"]["completion_rate"]["value"] == "23.46"
    assert data["parameters"]["as_of"] == "2024-03-16"
    assert data["parameters"]["recorded_at"] == "2024-03-16T23:59:59.999999+08:00"
    assert data["parameters"]["period"] == {
        "code": "2024-03-H1", "label": "2024年3月上半月", "start": "2024-03-01", "end": "2024-03-15"
    }  # fmt: skip
    later = compute_figures(as_of=AS_OF, period="2024-03-H1", recorded_at=at(D(2024, 3, 19)))
    assert later.to_dict()["parameters"]["recorded_at"] != data["parameters"]["recorded_at"]
    assert later.checksum() == figures.checksum()  # nothing was recorded between the two moments
    assert len(figures.checksum()) == 64


def test_plan_mode_reads_each_projects_month_phased_plan(world, county):
    figures = compute_figures(as_of=AS_OF, schedule_mode="plan")
    # Plans are phased in a straight line (1200 → 100 a month …): two months of 2600 = 433.33 → 16.67 %.
    assert figures["summary"]["time_elapsed"] == Decimal("16.67")
    assert figures["time_elapsed"]["value"] is None
    rows = {row["code"]: row for row in figures["projects"]}
    assert rows[county.p1.code]["time_elapsed"] == Decimal("16.67")


def test_percent_rounds_half_up_to_two_decimals():
    assert percent(Decimal("116.94"), Decimal("121.3")) == Decimal("96.41")
    assert percent(1, 8) == Decimal("12.50")
    assert percent(1, 0) is None


def test_rank_shares_a_rank_on_equal_rates_and_leaves_units_without_a_plan_unranked():
    def entry(name, rate, done):
        return {"name": name, "completion_rate": {"value": rate}, "year_to_date": {"value": Decimal(done)}}

    ranked = rank(
        [
            entry("甲", Decimal("50.00"), 10),
            entry("乙", None, 0),
            entry("丙", Decimal("80.00"), 5),
            entry("丁", Decimal("50.00"), 30),
            entry("戊", Decimal("20.00"), 1),
        ]
    )
    assert [(e["name"], e["rank"]) for e in ranked] == [
        ("丙", 1),
        ("丁", 2),
        ("甲", 2),
        ("戊", 4),
        ("乙", None),
    ]


def test_periods_are_named_as_offices_name_them():
    assert (parse_period("2024-03-H2").start, parse_period("2024-03-H2").end) == (
        D(2024, 3, 16),
        D(2024, 3, 31),
    )
    assert parse_period("2024-02").end == D(2024, 2, 29)
    assert parse_period("2024").label == "2024年"
    with pytest.raises(ValidationError) as error:
        parse_period("2024-13")
    assert "月份应在 1 至 12 之间" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        compute_figures(as_of=D(2024, 3, 10), period="2024-03-H2")
    assert error.value.messages == ["统计期“2024年3月下半月”晚于统计日期 2024-03-10。"]
