"""The one pass over the projects in scope, then the same summary for every group (the whole scope,
each stage, tier, unit, leader, task force, region of a peer group).

Definitions, rounding and sources are documented in docs/figures.md; the numbers here follow it.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from core.timetravel import end_of_day
from lights.choices import TimeElapsedMode
from lights.engine.measures import months_elapsed, time_elapsed_ratio
from projects.choices import Stage

from . import data
from .names import _Names
from .output import Deferred
from .periods import year_to_date
from .scope import TIERS
from .values import (
    CENT,
    FINISH,
    HUNDRED,
    LEVELS,
    PROJECT,
    ROUND,
    STAGE_LABELS,
    START,
    TIER_KEYS,
    ZERO,
    Record,
    _earliest,
    _matter_breakdown,
    _planned,
    _reporting_counts,
    figure,
    money,
    percent,
    rank,
)


class _Builder:
    def __init__(self, as_of, moment, period, schedule_mode):
        self.as_of, self.moment, self.schedule_mode = as_of, moment, schedule_mode
        self.year = as_of.year
        self.ytd = year_to_date(as_of)
        self.period = period.clipped(as_of) if period else None
        self.cutoff = end_of_day(as_of)
        self.months = months_elapsed(as_of)
        ratio, _ = time_elapsed_ratio(
            as_of, schedule_mode if schedule_mode != TimeElapsedMode.PLAN else "months"
        )
        # In the months and days modes 序时进度 is one number for every project and group.
        self.global_schedule = (ratio * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)

    # Loading -------------------------------------------------------------------------------------

    def load(self, condition, *, keep_records=False):
        """Read the records of the projects matching `condition` (`keep_records`: through the live
        reading's store, `records.records`) and the dispatch rounds of the year so far."""
        rounds = data.rounds(self.moment, self.ytd.start, self.as_of)
        # Reporting counts a round once its due time has passed; a figure counts once reported.
        self.year_rounds = [row for row in rounds if row["due_at"] <= self.cutoff]
        if keep_records:
            from .records import records

            self.records = records(self, condition, rounds)
        else:
            # By id: every list of sources is then built in order (sorting them is then linear).
            self.records = sorted(self.read_records(condition, rounds), key=lambda record: record.id)
        self.ids = [record.id for record in self.records]

    def read_records(self, condition, rounds):
        """[Record] of the projects matching `condition` (registered by as_of), in no set order;
        `rounds`: the dispatch rounds of the year so far (`data.rounds`)."""
        rows = data.projects(self.moment, condition)
        ids = [row[0] for row in rows]
        timelines = data.timelines(self.moment, ids, self.as_of)
        milestones = data.milestones(self.moment, ids)
        plans = data.annual_plans(
            self.moment, ids, self.year, months=self.schedule_mode == TimeElapsedMode.PLAN
        )
        reported = data.year_to_date(self.moment, ids, rounds)
        lights = data.latest_lights(self.moment, ids, self.as_of)
        records = []
        for row in rows:
            record = self._record(row, timelines, milestones)
            if record is None:
                continue
            plan = plans.get(record.id)
            record.annual_plan, record.plan_id = (money(plan[0]), plan[2]) if plan else (None, None)
            record.plan_done = self._plan_done(plan) if plan else None
            figures = reported.get(record.id)
            record.year_to_date = money(figures[0]) if figures else None
            record.since_start = money(figures[1]) if figures and figures[1] is not None else None
            record.report_id, record.round_id = (figures[2], figures[3]) if figures else (None, None)
            light = lights.get(record.id)
            record.light, record.light_id = (light[0], light[2]) if light else (None, None)
            self._rates(record)
            records.append(record)
        return records

    def _record(self, row, timelines, milestones):
        (pk, code, name, region_id, unit_id, _, leader_id, task_force_id, chain_id, total,
         start_year, end_year, is_synthetic, stage, *flags) = row  # fmt: skip
        timeline = timelines.get(pk)
        if timeline is not None and timeline[0] is None:
            return None  # registered after as_of
        record = Record()
        record.id, record.code, record.name = pk, code, name
        record.stage = timeline[0] if timeline is not None else stage
        record.region_id, record.unit_id = region_id, unit_id
        record.leader_id, record.task_force_id = leader_id, task_force_id
        record.chain_id, record.is_synthetic = chain_id, is_synthetic
        record.total_investment = total.quantize(CENT)
        record.tiers = [key for key, flag in zip(TIER_KEYS, flags, strict=True) if flag]
        start = milestones.get((record.id, START))
        finish = milestones.get((record.id, FINISH))
        first_start, first_finish = (timeline[1], timeline[2]) if timeline is not None else (None, None)
        record.started_on = _earliest(first_start, start[1] if start else None)
        record.completed_on = _earliest(first_finish, finish[1] if finish else None)
        record.planned_start = _planned(start, start_year)
        record.planned_completion = _planned(finish, end_year)
        return record

    def _plan_done(self, plan):
        amount, months, _ = plan
        if self.schedule_mode != TimeElapsedMode.PLAN:
            return None  # only the plan mode reads the month-phased plan
        if len(months or []) == 12:
            return sum((Decimal(str(value)) for value in months[: self.months]), ZERO)
        return Decimal(amount) * self.months / 12

    def _rates(self, record):
        record.completion_rate = record.time_elapsed = record.gap_points = record.schedule_status = None
        if not record.annual_plan:
            return
        record.completion_rate = percent(record.year_to_date or ZERO, record.annual_plan)
        if self.schedule_mode == TimeElapsedMode.PLAN:
            record.time_elapsed = percent(record.plan_done, record.annual_plan)
        else:
            record.time_elapsed = self.global_schedule
        record.gap_points = record.completion_rate - record.time_elapsed
        if record.completion_rate > record.time_elapsed:
            record.schedule_status = "ahead"
        elif record.completion_rate == record.time_elapsed:
            record.schedule_status = "on"
        else:
            record.schedule_status = "behind"

    # Building ------------------------------------------------------------------------------------

    def build(self):
        records = self.records
        names = _Names(records)
        result = {
            "time_elapsed": {
                "mode": str(self.schedule_mode),
                "months_elapsed": self.months,
                "value": self.global_schedule if self.schedule_mode != TimeElapsedMode.PLAN else None,
            },
            "summary": self.summarise(records),
            "by_stage": {
                str(stage): {"label": label, **self.counts([r for r in records if r.stage == stage])}
                for stage, label in Stage.choices
            },
            # Parts the dashboard's page does not show are built when read (Figures.parts, to_dict).
            "by_tier": Deferred(
                lambda: {
                    key: {"label": label, **self.summarise([r for r in records if key in r.tiers])}
                    for key, (_, label) in TIERS.items()
                }
            ),
            "starts": Deferred(lambda: self.starts(records)),
            "completions": Deferred(lambda: self.completions(records)),
            "start_rate": self.start_rate(records),
            "on_time_completion": Deferred(lambda: self.on_time_completion(records)),
            "lights": self.lights(records),
            "unit_ranking": rank(self.grouped(records, "unit_id", names.unit)),
            "leaders": Deferred(lambda: self.grouped(records, "leader_id", names.leader)),
            "task_forces": Deferred(lambda: self.grouped(records, "task_force_id", names.task_force)),
            "industry_chains": Deferred(lambda: self.grouped(records, "chain_id", names.chain)),
            "peer_groups": Deferred(lambda: self.peer_groups(records, names)),
            "reporting": self.reporting(names),
            "matters": self.matters(names),
            # The annex table: built when read (the dashboard's numbers do not need 10,000 dicts).
            "projects": Deferred(
                lambda: [self.project_row(r, names) for r in sorted(records, key=lambda r: r.code)]
            ),
        }
        return result

    def counts(self, records):
        return {
            "projects": figure(len(records), projects__project=[r.id for r in records]),
            "total_investment": figure(
                sum((r.total_investment for r in records), ZERO), projects__project=[r.id for r in records]
            ),
        }

    def summarise(self, records):
        """The headline figures of a group of projects."""
        planned = [r for r in records if r.annual_plan is not None]
        reported = [r for r in records if r.year_to_date is not None]
        plan_total = sum((r.annual_plan for r in planned), ZERO)
        done_total = sum((r.year_to_date for r in reported), ZERO)
        rate = percent(done_total, plan_total)
        if self.schedule_mode == TimeElapsedMode.PLAN:
            schedule = percent(sum((r.plan_done for r in planned), ZERO), plan_total)
        else:
            schedule = self.global_schedule if planned else None
        status = defaultdict(list)
        for r in records:
            status[r.schedule_status or "no_plan"].append(r.id)
        return {
            **self.counts(records),
            "annual_plan": figure(
                plan_total,
                projects__project=[r.id for r in planned],
                projects__annualplan=[r.plan_id for r in planned],
            ),
            "year_to_date": figure(
                done_total,
                projects__project=[r.id for r in reported],
                dispatch__progressreport=[r.report_id for r in reported],
            ),
            "completion_rate": figure(
                rate,
                projects__project=[r.id for r in planned],
                dispatch__progressreport=[r.report_id for r in reported if r.annual_plan is not None],
            ),
            "time_elapsed": schedule,
            "gap_points": rate - schedule if rate is not None and schedule is not None else None,
            "schedule": {
                key: figure(len(status[key]), projects__project=status[key])
                for key in ("ahead", "on", "behind", "no_plan")
            },
        }

    def starts(self, records):
        return self._dated(records, "started_on")

    def completions(self, records):
        return self._dated(records, "completed_on")

    def _dated(self, records, attribute):
        found = {"year": [r for r in records if getattr(r, attribute) in self.ytd]}
        if self.period:
            found["period"] = [r for r in records if getattr(r, attribute) in self.period]
        return {
            key: {
                "projects": figure(len(rows), projects__project=[r.id for r in rows]),
                "total_investment": figure(
                    sum((r.total_investment for r in rows), ZERO), projects__project=[r.id for r in rows]
                ),
            }
            for key, rows in found.items()
        }

    def start_rate(self, records):
        planned = [
            r
            for r in records
            if r.planned_start and r.planned_start.year == self.year and r.stage != Stage.CANCELLED
        ]
        started = [r for r in planned if r.started_on and r.started_on <= self.as_of]
        return {
            "planned": figure(len(planned), projects__project=[r.id for r in planned]),
            "started": figure(len(started), projects__project=[r.id for r in started]),
            "rate": percent(len(started), len(planned)),
        }

    def on_time_completion(self, records):
        planned = [
            r
            for r in records
            if r.planned_completion and r.planned_completion.year == self.year and r.stage != Stage.CANCELLED
        ]
        completed = [r for r in planned if r.completed_on and r.completed_on <= self.as_of]
        on_time = [r for r in completed if r.completed_on <= r.planned_completion]
        return {
            "planned": figure(len(planned), projects__project=[r.id for r in planned]),
            "completed": figure(len(completed), projects__project=[r.id for r in completed]),
            "on_time": figure(len(on_time), projects__project=[r.id for r in on_time]),
            "rate": percent(len(on_time), len(planned)),
        }

    def lights(self, records):
        by_level = defaultdict(list)
        for r in records:
            by_level[r.light or "none"].append(r)
        return {
            level: figure(
                len(by_level[level]),
                projects__project=[r.id for r in by_level[level]],
                **(
                    {"lights__projectlight": [r.light_id for r in by_level[level]]} if level != "none" else {}
                ),
            )
            for level in (*LEVELS, "none")
        }

    def grouped(self, records, attribute, describe):
        """A summary per value of `attribute` (unit, leader, task force, chain), groups in the order
        `describe` gives (sort key first), projects without one left out."""
        groups = defaultdict(list)
        for r in records:
            key = getattr(r, attribute)
            if key is not None:
                groups[key].append(r)
        described = {key: describe(key) for key in groups}
        ordered = sorted(groups, key=lambda key: described[key]["sort"])
        result = []
        for key in ordered:
            entry = {k: v for k, v in described[key].items() if k != "sort"}
            entry.update(self.summarise(groups[key]))
            entry["lights"] = {level: len([r for r in groups[key] if r.light == level]) for level in LEVELS}
            entry["start_rate"] = self.start_rate(groups[key])
            result.append(entry)
        return result

    def peer_groups(self, records, names):
        from .peers import peer_group_rankings

        return peer_group_rankings(self, records, names)

    def reporting(self, names):
        """Completeness and timeliness over the year so far and over the explicit period (else the
        latest rounds due by as_of), per unit, with the missing and late reports of the latter."""
        result = {
            "year": self._tally(self.year_rounds, names, exceptions=False) if self.year_reporting else None
        }
        if self.period:
            current = [r for r in self.year_rounds if r["period_end"] in self.period]
            if self.period.start.year != self.year or not current:
                current = [
                    r
                    for r in data.rounds(self.moment, self.period.start, self.period.end)
                    if r["due_at"] <= self.cutoff
                ]
        else:
            latest = max((r["period_end"] for r in self.year_rounds), default=None)
            current = [r for r in self.year_rounds if r["period_end"] == latest]
        result["current"] = self._tally(current, names, exceptions=True)
        return result

    def _tally(self, rounds, names, *, exceptions):
        round_ids = [r["id"] for r in rounds]
        rows = data.reporting_tally(self.moment, self.ids, round_ids, self.cutoff)
        names.need_units(row[1] for row in rows)
        by_unit = defaultdict(lambda: [0, 0, 0])
        total = [0, 0, 0]
        for _, unit_id, expected, submitted, on_time in rows:
            for index, value in enumerate((expected, submitted or 0, on_time or 0)):
                by_unit[unit_id][index] += value
                total[index] += value
        missing, late = defaultdict(list), defaultdict(list)
        if exceptions:
            for pk, _, unit_id, _, submitted, *_ in data.reporting_exceptions(
                self.moment, self.ids, round_ids, self.cutoff
            ):
                (late if submitted else missing)[unit_id].append(pk)
        units = []
        for unit_id, (expected, submitted, on_time) in by_unit.items():
            described = names.unit(unit_id)
            units.append(
                {
                    "unit": {k: v for k, v in described.items() if k != "sort"},
                    "sort": described["sort"],
                    **_reporting_counts(expected, submitted, on_time),
                    **(
                        {
                            "missing_reports": sorted(missing.get(unit_id, [])),
                            "late_reports": sorted(late.get(unit_id, [])),
                        }
                        if exceptions
                        else {}
                    ),
                }
            )
        # Lowest completeness first (the units to chase), then timeliness, then the office's order.
        units.sort(
            key=lambda u: (
                u["completeness"] if u["completeness"] is not None else HUNDRED + 1,
                u["timeliness"] if u["timeliness"] is not None else HUNDRED + 1,
                u["sort"],
            )
        )
        for u in units:
            del u["sort"]
        return {
            "rounds": [
                {
                    "id": r["id"],
                    "label": r["label"],
                    "period_start": r["period_start"],
                    "period_end": r["period_end"],
                }
                for r in rounds
            ],
            "sources": {ROUND: sorted(round_ids), PROJECT: list(self.ids)},
            **_reporting_counts(*total),
            **(
                {
                    "missing_reports": sorted(pk for ids in missing.values() for pk in ids),
                    "late_reports": sorted(pk for ids in late.values() for pk in ids),
                }
                if exceptions
                else {}
            ),
            "by_unit": units,
        }

    def matters(self, names):
        from matters.choices import Category

        labels = dict(Category.choices)
        periods = {"year": self.ytd}
        if self.period:
            periods["period"] = self.period
        first_day = min(p.start for p in periods.values())
        rows = data.matters_in_period(self.moment, self.ids, first_day, self.as_of)
        overdue = data.overdue_matters(self.moment, self.as_of, self.ids)
        table = {row["id"]: row for row in rows} | {row["id"]: row for row in overdue}
        names.need_units(row["lead_unit_id"] for row in table.values())
        result = {}
        for key, window in periods.items():
            opened = [row for row in rows if row["opened_on"] in window]
            closed = [row for row in rows if row["closed_on"] in window]
            result[key] = {
                "opened": _matter_breakdown(opened, labels, names),
                "closed": _matter_breakdown(closed, labels, names),
            }
        result["overdue"] = _matter_breakdown(overdue, labels, names)
        result["rows"] = [
            {
                "id": row["id"],
                "code": row["code"],
                "title": row["title"],
                "category": row["category"],
                "lead_unit_id": row["lead_unit_id"],
                "project_id": row["project_id"],
                "opened_on": row.get("opened_on"),
                "closed_on": row.get("closed_on"),
            }
            for row in sorted(table.values(), key=lambda row: row["code"])
        ]
        return result

    def project_row(self, r, names):
        return {
            "id": r.id,
            "code": r.code,
            "name": r.name,
            "is_synthetic": r.is_synthetic,
            "region": names.region(r.region_id)["code"],
            "unit_id": r.unit_id,
            "leader_id": r.leader_id,
            "task_force_id": r.task_force_id,
            "industry_chain_id": r.chain_id,
            "tiers": r.tiers,
            "stage": r.stage,
            "stage_label": STAGE_LABELS.get(r.stage, r.stage),
            "total_investment": r.total_investment,
            "annual_plan": r.annual_plan,
            "annual_plan_id": r.plan_id,
            "year_to_date": r.year_to_date,
            "since_start": r.since_start,
            "report_id": r.report_id,
            "round_id": r.round_id,
            "completion_rate": r.completion_rate,
            "time_elapsed": r.time_elapsed,
            "gap_points": r.gap_points,
            "schedule_status": r.schedule_status,
            "planned_start": r.planned_start,
            "started_on": r.started_on,
            "planned_completion": r.planned_completion,
            "completed_on": r.completed_on,
            "light": r.light,
            "light_id": r.light_id,
        }
