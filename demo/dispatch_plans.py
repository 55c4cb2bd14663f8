"""The demo's weekly dispatch, week by week: each project's plan of cumulative figures (万元), which
weeks it reports in and how (on time, late, after the lock, missing, returned), and what the unit fills in.
Deterministic (seeded), so a round loaded alone gets the same rows. `demo.dispatch_loader` writes them."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from dispatch.choices import Confidence
from projects.choices import Stage

from . import dispatch_data as data

WAN = Decimal("1")


def _stage_on(spec, day):
    stage = None
    for step in spec.timeline:
        if step.on <= day:
            stage = step.stage
    return stage


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class _Plan:
    """One project's ten weeks: who reports when, and the cumulative figures (万元) behind the reports."""

    def __init__(self, world, project, spec, number):
        self.rng = random.Random(data.SEED * 1000 + number)
        self.project, self.spec = project, spec
        unit_code = project.responsible_unit.code
        self.pace = self.rng.choice((0.5, 0.85, 0.9, 0.95, 1.0, 1.0, 1.05, 1.1, 0.9, 0.45, 1.0, 0.95))
        self.missing = data.CHRONICALLY_MISSING.get(unit_code, data.MISSING_SHARE)
        self.late = data.CHRONICALLY_LATE.get(unit_code, data.LATE_SHARE)
        plan, total_weight = spec.annual_plan, sum(data.WEEK_WEIGHTS)
        amounts = []
        for week, period in enumerate(world.periods, start=1):
            building = _stage_on(spec, period.end) == Stage.UNDER_CONSTRUCTION
            started_before = _stage_on(spec, period.start) == Stage.UNDER_CONSTRUCTION
            weight = data.WEEK_WEIGHTS[week - 1] if building and started_before else 0
            share = weight / total_weight * data.ELAPSED_AT_END * self.pace
            amounts.append(plan * Decimal(str(round(share, 6))))
        cumulative, running = [], Decimal(0)
        for amount in amounts:
            running += amount
            cumulative.append(running.quantize(WAN))
        self.year_to_date = cumulative  # by week index 0..9
        self.start = Decimal(0)  # set by `settle` once the last approved week is known

    def settle(self, last_approved_week):
        """Fix the since-start figures so that the last approved report gives the library's figure."""
        invested = self.project.invested_to_date
        reached = self.year_to_date[last_approved_week - 1] if last_approved_week else Decimal(0)
        if reached > invested * Decimal("0.8"):
            scale = invested * Decimal("0.8") / reached
            self.year_to_date = [(value * scale).quantize(WAN) for value in self.year_to_date]
            reached = self.year_to_date[last_approved_week - 1]
        self.start = invested - reached

    def since_start(self, week):
        return self.start + self.year_to_date[week - 1]


def _plans(world):
    """Every project's plan, and which weeks it reports in and how (decided once for all rounds, so
    that a round loaded alone gets the same rows)."""
    if world.plans:
        return world.plans
    for number, (project, spec) in enumerate(world.projects):
        plan = world.plans[project.pk] = _Plan(world, project, spec, number)
        weeks = {}
        for week, period in enumerate(world.periods, start=1):
            if _stage_on(spec, period.start) not in world.cadence.stages:
                continue
            fate = weeks[week] = _fate(plan, week, len(world.periods))
            fate["submitted_at"] = _submission_time(fate, period, world.times[period.start])
        plan.weeks = weeks
        approved = [week for week, fate in weeks.items() if fate["approved"]]
        plan.settle(max(approved, default=0))
    return world.plans


def _fate(plan, week, last_week):
    rng = plan.rng
    roll = rng.random()
    exception_weeks = {w for w, code, _ in data.LOCK_EXCEPTIONS if code == plan.project.responsible_unit.code}
    if week in exception_weeks:
        kind = "after_lock"
    elif roll < plan.missing:
        kind = "missing"
    elif roll < plan.missing + plan.late:
        kind = "late"
    else:
        kind = "on_time"
    returned = kind == "on_time" and rng.random() < data.RETURNED_SHARE
    last = week == last_week
    fate = {
        "kind": kind,
        "returned": returned,
        # In the last round, a returned report is not yet resubmitted and some wait for review.
        "resubmitted": returned and not (last and rng.random() < 0.6),
        "day": rng.choice((1, 2, 3, 3, 4, 4, 4)),  # Tuesday … Friday of the week
        "hour": rng.choice((9, 10, 11, 14, 15, 16)),
        "minute": rng.randrange(0, 60, 5),
        "review_minute": rng.randrange(0, 120, 5),
        "comment": rng.choice(data.RETURN_COMMENTS),
        "text": rng.random(),
        "blocker": rng.random() < 0.06,
        "blocker_text": rng.choice(data.BLOCKERS),
        "workers": rng.uniform(0.8, 1.2),
        "cause": rng.choice(data.BEHIND_CAUSES),
    }
    awaiting = last and (kind == "late" or rng.random() < data.AWAITING_REVIEW_SHARE)
    fate["approved"] = kind != "missing" and (not returned or fate["resubmitted"]) and not awaiting
    return fate


def _submission_time(fate, period, times):
    """When the report is first submitted: on time (Tuesday to Friday, at the latest by the on-time
    limit), late (after it, before the lock), after the lock (with a 补报许可), or never."""
    if fate["kind"] == "missing":
        return None
    if fate["kind"] == "on_time":
        submitted = _at(period.start + datetime.timedelta(days=fate["day"]), fate["hour"], fate["minute"])
        return min(submitted, times.on_time_until)
    if fate["kind"] == "late":
        submitted = times.on_time_until + datetime.timedelta(hours=fate["hour"] + 2, minutes=fate["minute"])
        return min(submitted, times.locks_at - datetime.timedelta(minutes=30))
    return times.locks_at + datetime.timedelta(hours=18, minutes=fate["minute"])


def _values(plan, week, previous, day, fate):
    """What the unit fills in: figures from the plan, texts by stage, confidence with its reasons."""
    project, spec = plan.project, plan.spec
    stage = _stage_on(spec, day)
    since_start = plan.since_start(week)
    year_to_date = plan.year_to_date[week - 1]
    period = since_start - (plan.since_start(previous) if previous else plan.start)
    building = stage == Stage.UNDER_CONSTRUCTION
    values = {
        "investment_period": period,
        "investment_year_to_date": year_to_date,
        "investment_since_start": since_start,
        "physical_progress": _progress(plan, week, stage, since_start, fate),
        "workers_on_site": None,
        "stage": stage,
        "next_steps": data.NEXT_STEPS.get(stage, ""),
        "blockers": "",
        "confidence": Confidence.GREEN,
        "confidence_narrative": "",
        "warning_comment": "",
    }
    if building:
        size = float(project.total_investment) ** 0.5
        weight = data.WEEK_WEIGHTS[week - 1]
        values["workers_on_site"] = max(3, int((20 + size * 0.9) * weight * fate["workers"]))
    elif stage == Stage.STALLED:
        values["workers_on_site"] = 0
    if stage == Stage.STALLED:
        reason = next((step.reason for step in spec.timeline if step.stage == Stage.STALLED), "")
        values.update(blockers=reason, confidence=Confidence.RED, confidence_narrative=data.STALLED_NARRATIVE)
    elif building and fate["blocker"]:
        values.update(
            blockers=fate["blocker_text"],
            confidence=Confidence.GREEN_AMBER,
            confidence_narrative=data.BLOCKER_NARRATIVE,
        )
    elif building and plan.pace < 0.6 and period >= 0 and week > 2:
        values.update(
            confidence=Confidence.AMBER if plan.pace >= 0.48 else Confidence.AMBER_RED,
            confidence_narrative=data.BEHIND_NARRATIVE.format(cause=fate["cause"]),
        )
    return values


def _progress(plan, week, stage, since_start, fate):
    spec, pick = plan.spec, fate["text"]
    if stage == Stage.UNDER_CONSTRUCTION:
        if spec.group == "groundbreaking" and week == data.FESTIVAL_WEEK + 1:
            return data.GROUNDBREAKING_PROGRESS
        if week == data.FESTIVAL_WEEK:
            return data.FESTIVAL_PROGRESS
        share = float(since_start / plan.project.total_investment) if plan.project.total_investment else 0
        texts = next(texts for limit, texts in data.CONSTRUCTION_PROGRESS if share < limit)
        text = texts[int(pick * len(texts))]
        return text.format(
            percent=min(95, int(share * 400) + 20 + week),
            building=1 + plan.project.pk % 3,
            floor=2 + week // 3,
        )
    texts = data.PROGRESS.get(str(stage), ("按计划推进。",))
    return texts[(int(pick * 10) + week) % len(texts)]
