"""Filling, checking, submitting and reviewing a progress report, and its site photos."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.history import history_context
from projects import services as project_services
from projects.models import Project

from ..choices import (
    EDITABLE_STATUSES,
    Confidence,
    ReportAction,
    ReportStatus,
    RuleImportance,
)
from ..expressions import holds
from ..models import ProgressReport, ReportReview, ValidationRule
from .rounds import _now, accepts_reports, grant_lock_exception

# Fields a reporting unit fills in; everything else on a report is set by the workflow.
REPORT_FIELDS = (
    "investment_period",
    "investment_year_to_date",
    "investment_since_start",
    "physical_progress",
    "workers_on_site",
    "stage",
    "next_steps",
    "blockers",
    "confidence",
    "confidence_narrative",
    "warning_comment",
)


# Filling and checking ---------------------------------------------------------------------------


def complete_investment(report):
    """Fill the one or two missing investment figures from those given: this period = year to date −
    last year to date = since start − last since start. Figures given are never changed; whether they
    agree is for the validation rules to say."""
    period = report.investment_period
    if period is None and report.investment_year_to_date is not None:
        period = report.investment_year_to_date - report.baseline_year_to_date
    if period is None and report.investment_since_start is not None:
        period = report.investment_since_start - report.baseline_since_start
    if period is None:
        return report
    report.investment_period = period
    if report.investment_year_to_date is None:
        report.investment_year_to_date = report.baseline_year_to_date + period
    if report.investment_since_start is None:
        report.investment_since_start = report.baseline_since_start + period
    return report


def report_values(report, *, annual_plan=None):
    """The figures validation rules read (names of `dispatch.expressions.VARIABLES`)."""
    if annual_plan is None:
        plan = report.project.annual_plans.filter(year=report.round.period_end.year).first()
        annual_plan = plan.amount if plan else None
    return {
        "investment_period": report.investment_period,
        "investment_year_to_date": report.investment_year_to_date,
        "investment_since_start": report.investment_since_start,
        "previous_year_to_date": report.baseline_year_to_date,
        "previous_since_start": report.baseline_since_start,
        "total_investment": report.project.total_investment,
        "annual_plan": annual_plan,
        "workers_on_site": report.workers_on_site,
        "physical_progress": report.physical_progress,
        "next_steps": report.next_steps,
        "blockers": report.blockers,
    }


@dataclass(frozen=True)
class Finding:
    """One failed check: the rule (None for the fixed checks), its importance, the message and the
    field it is about."""

    rule: object
    importance: str
    message: str
    field: str = ""

    @property
    def is_blocking(self):
        return self.importance == RuleImportance.BLOCKING


def active_rules(cadence):
    return list(
        ValidationRule.objects.filter(is_active=True).filter(Q(cadence__isnull=True) | Q(cadence=cadence))
    )


def check_report(report, *, rules=None, annual_plan=None):
    """Every failed check of `report`: the validation rules (data) and the fixed checks that are not
    arithmetic (the money is not negative, a narrative below green, a stage the project may move to)."""
    findings = []
    for field in ("investment_year_to_date", "investment_since_start"):
        value = getattr(report, field)
        if value is not None and value < 0:
            label = ProgressReport._meta.get_field(field).verbose_name
            findings.append(Finding(None, RuleImportance.BLOCKING, f"{label}不能为负数。", field))
    if report.investment_period is None:
        findings.append(
            Finding(
                None, RuleImportance.BLOCKING, "请填写本期、年度累计或开工累计完成投资。", "investment_period"
            )
        )
    if (
        report.confidence
        and report.confidence != Confidence.GREEN
        and not report.confidence_narrative.strip()
    ):
        findings.append(
            Finding(
                None, RuleImportance.BLOCKING, "交付信心不是“绿”时须填写信心说明。", "confidence_narrative"
            )
        )
    if not report.confidence:
        findings.append(Finding(None, RuleImportance.BLOCKING, "请选择交付信心。", "confidence"))
    project = report.project
    if report.stage and report.stage != project.stage:
        allowed = project_services.allowed_next_stages(project)
        if report.stage not in allowed:
            findings.append(
                Finding(
                    None,
                    RuleImportance.BLOCKING,
                    f"项目当前为“{project.get_stage_display()}”，不能报为“{report.get_stage_display()}”。",
                    "stage",
                )
            )
    values = report_values(report, annual_plan=annual_plan)
    for rule in active_rules(report.round.cadence) if rules is None else rules:
        if holds(rule.left_side, rule.operator, rule.right_side, values) is False:
            findings.append(Finding(rule, rule.importance, rule.message))
    return findings


def _timeline(report, action, *, actor, comment="", now):
    return ReportReview.objects.create(report=report, action=action, comment=comment, actor=actor, at=now)


def _require_editable(report, *, now):
    if report.status not in EDITABLE_STATUSES:
        raise ValidationError(f"报告{report.get_status_display()}，不能修改。")
    if not accepts_reports(report.round, report.unit, now=now):
        if now < report.round.opens_at:
            raise ValidationError(
                f"本轮调度 {timezone.localtime(report.round.opens_at):%Y-%m-%d %H:%M} 才开放填报。"
            )
        raise ValidationError("本轮调度已锁定，不能再报送；如需补报，请联系项目办开通补报许可。")


INVESTMENT_FIELDS = ("investment_period", "investment_year_to_date", "investment_since_start")


def _apply(report, values):
    """Set the filled-in `values` on `report`. The three investment figures go together: when any of
    them is given, those not given are derived afresh rather than kept from an earlier save."""
    unknown = set(values) - set(REPORT_FIELDS)
    if unknown:
        raise ValueError(f"not report fields: {sorted(unknown)}")
    if any(name in values for name in INVESTMENT_FIELDS):
        for name in INVESTMENT_FIELDS:
            setattr(report, name, None)
    for name, value in values.items():
        setattr(report, name, value)
    complete_investment(report)


def save_report(report, *, actor, now=None, **values):
    """Store what the unit filled in (a draft): the fields named in `REPORT_FIELDS`; missing investment
    figures are derived from the given ones."""
    now = _now(now)
    _require_editable(report, now=now)
    _apply(report, values)
    if report.status == ReportStatus.PENDING:
        report.status = ReportStatus.DRAFT
    report.full_clean(exclude=["round", "project", "unit"])
    with transaction.atomic(), history_context(actor=actor, reason="填报进度"):
        report.save()
    return report


def submit_report(report, *, actor, now=None, **values):
    """Submit the report (with any last `values`): blocking findings stop it; warnings need a
    comment; the first submission's time decides whether it was on time."""
    now = _now(now)
    _require_editable(report, now=now)
    _apply(report, values)
    findings = check_report(report)
    blocking = [finding for finding in findings if finding.is_blocking]
    warnings = [finding for finding in findings if not finding.is_blocking]
    if blocking:
        raise ValidationError([finding.message for finding in blocking])
    if warnings and not report.warning_comment.strip():
        raise ValidationError(
            [f"{finding.message}（警告：请在“预警说明”中说明后再报送）" for finding in warnings]
        )
    report.full_clean(exclude=["round", "project", "unit"])
    with transaction.atomic(), history_context(actor=actor, reason="报送进度"):
        report.status = ReportStatus.SUBMITTED
        report.submitted_at, report.submitted_by = now, actor
        report.first_submitted_at = report.first_submitted_at or now
        report.save()
        _timeline(report, ReportAction.SUBMIT, actor=actor, comment=report.warning_comment, now=now)
    return report


def return_report(report, *, comment, actor, now=None):
    """The office sends a submitted report back to the unit with a comment."""
    now = _now(now)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(f"只能退回已报送的报告（当前：{report.get_status_display()}）。")
    if not comment.strip():
        raise ValidationError({"comment": "退回须写明意见。"})
    with transaction.atomic(), history_context(actor=actor, reason="退回进度报告"):
        report.status = ReportStatus.RETURNED
        report.reviewed_at, report.reviewed_by, report.review_comment = now, actor, comment
        report.save()
        _timeline(report, ReportAction.RETURN, actor=actor, comment=comment, now=now)
    return report


def approve_report(report, *, actor, comment="", now=None):
    """The office approves a submitted report; it locks, and the project's invested-to-date figure
    and its stage (when reported as moved on) follow the report."""
    now = _now(now)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(f"只能审核已报送的报告（当前：{report.get_status_display()}）。")
    with transaction.atomic(), history_context(actor=actor, reason="审核进度报告"):
        report.status = ReportStatus.APPROVED
        report.reviewed_at, report.reviewed_by, report.review_comment = now, actor, comment
        report.save()
        _timeline(report, ReportAction.APPROVE, actor=actor, comment=comment, now=now)
        project = Project.objects.select_for_update().get(pk=report.project_id)
        if report.investment_since_start is not None:
            project_services.record_investment(
                project, invested_to_date=report.investment_since_start, actor=actor
            )
        if report.stage and report.stage != project.stage:
            if report.stage in project_services.allowed_next_stages(project):
                on = max(report.round.period_end, project.stage_since or report.round.period_end)
                project_services.change_stage(
                    project,
                    to_stage=report.stage,
                    on=on,
                    reason=f"调度报告：{report.round.label}",
                    actor=actor,
                )
        # An approved report's blockers become project issues (imported here: matters imports dispatch).
        from matters.services import raise_matters_from_report

        raise_matters_from_report(report, actor=actor, on=timezone.localdate(now))
    return report


REOPEN_DAYS = 3


def reopen_report(report, *, reason, actor, now=None):
    """The office reopens an approved (or submitted) report for correction; when the round is locked
    the unit gets a {REOPEN_DAYS}-day exception to resubmit."""
    now = _now(now)
    if report.status not in (ReportStatus.APPROVED, ReportStatus.SUBMITTED):
        raise ValidationError(f"只能重新打开已报送或已审核的报告（当前：{report.get_status_display()}）。")
    if not reason.strip():
        raise ValidationError({"reason": "重新打开须写明原因。"})
    with transaction.atomic(), history_context(actor=actor, reason="重新打开进度报告"):
        report.status = ReportStatus.RETURNED
        report.review_comment = reason
        report.reviewed_at, report.reviewed_by = now, actor
        report.save()
        _timeline(report, ReportAction.REOPEN, actor=actor, comment=reason, now=now)
        if not accepts_reports(report.round, report.unit, now=now):
            grant_lock_exception(
                report.round,
                unit=report.unit,
                until=now + datetime.timedelta(days=REOPEN_DAYS),
                reason=f"重新打开：{reason}"[:200],
                actor=actor,
            )
    return report


# Site photos ------------------------------------------------------------------------------------


def add_photo(report, *, upload, caption="", actor, now=None):
    """Attach a site photo to `report` while the unit may still edit it: the upload is checked and
    re-encoded by `dispatch.photos.prepare_photo` (its refusal is a ValidationError naming the file)."""
    from ..models import ReportPhoto
    from ..photos import prepare_photo

    now = _now(now)
    _require_editable(report, now=now)
    prepared = prepare_photo(upload)
    photo = ReportPhoto(
        report=report,
        caption=caption.strip()[:200],
        taken_at=prepared.taken_at,
        is_synthetic=report.is_synthetic,
    )
    try:
        with transaction.atomic(), history_context(actor=actor, reason="上传现场照片"):
            photo.image.save(prepared.image.name, prepared.image, save=False)
            photo.thumbnail.save(prepared.thumbnail.name, prepared.thumbnail, save=False)
            photo.save()
    except Exception:
        # Files are written before the row; a row that was never saved must not leave them behind.
        for field_file in (photo.image, photo.thumbnail):
            if field_file.name:
                field_file.storage.delete(field_file.name)
        raise
    return photo


def delete_photo(photo, *, actor, now=None):
    """Remove a site photo from its report while the unit may still edit the report. The files stay
    on disk: the photo's history record still names them, so the report can be read back as it was."""
    now = _now(now)
    _require_editable(photo.report, now=now)
    with transaction.atomic(), history_context(actor=actor, reason="删除现场照片"):
        photo.delete()
    return photo
