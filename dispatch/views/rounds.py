"""The round page (state, times, completeness per unit, the reports, the office's reminder and
lock-exception actions), the cadence page with its "开启调度" form, and the completeness board of a
cadence across rounds. Every write goes through `dispatch.services` with the signed-in user as actor."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views import View

from core import views as generic
from core.permissions import has_action
from core.views.base import object_url
from core.views.objects import field_rows
from dispatch import selectors, services
from dispatch.choices import ReminderKind
from dispatch.forms import GrantExceptionForm, OpenRoundForm
from dispatch.models import Cadence, DispatchRound, LockException, ProgressReport, Reminder
from dispatch.tables import STAGE_LABELS, TIER_LABELS, choice_labels

BOARD_ROUNDS = 12
BOARD_MAX_ROUNDS = 52


def completeness_tone(tally):
    """The Bootstrap colour of a completeness figure: all in, most in, too few."""
    if not tally.expected:
        return "text-muted"
    if tally.submitted == tally.expected:
        return "table-success"
    if tally.submitted * 10 >= tally.expected * 8:
        return "table-warning"
    return "table-danger"


# 调度频次 -----------------------------------------------------------------------------------------


class CadenceDetailView(generic.ObjectDetailView):
    queryset = Cadence.objects.select_related("region").prefetch_related("units")
    template_name = "dispatch/cadence_detail.html"

    def extra_context(self, cadence):
        user = self.request.user
        rounds = list(
            cadence.rounds.all().restrict(user, "view").order_by("-period_start")[:BOARD_MAX_ROUNDS]
        )
        board = selectors.completeness_board(rounds, reports=ProgressReport.objects.restrict(user, "view"))
        now = timezone.now()
        # The JSON lists read as labels, and an empty choice says what it means (see the help texts).
        meta = Cadence._meta
        labels = {
            meta.get_field("stages").verbose_name: choice_labels(cadence.stages, STAGE_LABELS) or "全部阶段",
            meta.get_field("tier_flags").verbose_name: choice_labels(cadence.tier_flags, TIER_LABELS)
            or "全部项目",
            meta.get_field("units").verbose_name: "、".join(unit.name for unit in cadence.units.all())
            or "所属区划内全部单位",
        }
        context = {
            "fields": [(label, labels.get(label, value)) for label, value in field_rows(cadence)],
            "rounds": [
                {
                    "round": dispatch_round,
                    "state": selectors.round_state(dispatch_round, now=now),
                    "tally": board.round_totals[dispatch_round.pk],
                }
                for dispatch_round in rounds
            ],
            "board_url": f"{reverse('dispatch:board')}?cadence={cadence.pk}",
        }
        if has_action(user, DispatchRound, "add"):
            context["open_form_url"] = reverse("dispatch:cadence_open_round", kwargs={"pk": cadence.pk})
            # A form that failed comes back bound (render_page's extra) in place of this blank one.
            context["open_form"] = OpenRoundForm(cadence=cadence, user=user)
        return context


class CadenceOpenRoundView(CadenceDetailView):
    """POST only: the cadence must be one the user may view (else 404) and the user must be allowed
    to add rounds (else 403)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        cadence = get_object_or_404(self.restricted_queryset("view"), pk=pk)
        if not has_action(request.user, DispatchRound, "add"):
            raise PermissionDenied("您没有开启调度的权限。")
        form = OpenRoundForm(request.POST, cadence=cadence, user=request.user)
        if form.is_valid():
            dispatch_round = form.open_round(actor=request.user)
            if dispatch_round is not None:
                count = dispatch_round.reports.count()
                messages.success(request, f"已开启“{dispatch_round}”，应报 {count} 个项目。")
                return redirect(dispatch_round.get_absolute_url())
        return self.render_page(cadence, status=400, open_form=form, open_form_open=True)


# 调度轮次 -----------------------------------------------------------------------------------------


def report_rows(reports, dispatch_round):
    """The round's reports as plain rows (the round is known, so no per-row query for it)."""
    rows = []
    for report in reports:
        submitted = report.first_submitted_at
        rows.append(
            {
                "report": report,
                "on_time": None if submitted is None else submitted <= dispatch_round.on_time_until,
            }
        )
    return rows


def sheet_links(dispatch_round):
    """[(label, url)] of the round's Excel round-trip pages (dispatch/views/sheets.py) that exist."""
    links = []
    for label, name in (("下载填报表", "dispatch:round_sheet"), ("导入填报表", "dispatch:round_import")):
        try:
            links.append((label, reverse(name, kwargs={"pk": dispatch_round.pk})))
        except NoReverseMatch:
            continue
    return links


class DispatchRoundDetailView(generic.ObjectDetailView):
    queryset = DispatchRound.objects.select_related("cadence__region")
    template_name = "dispatch/round_detail.html"

    def extra_context(self, dispatch_round):
        user = self.request.user
        now = timezone.now()
        visible_reports = ProgressReport.objects.restrict(user, "view")
        lines, total = selectors.round_completeness(dispatch_round, reports=visible_reports)
        reports = (
            visible_reports.filter(round=dispatch_round)
            .select_related("project", "unit")
            .order_by("unit__code", "project__code")
        )
        context = {
            "state": selectors.round_state(dispatch_round, now=now),
            "lines": lines,
            "total": total,
            "missing_units": [line.unit_name for line in lines if line.tally.missing],
            "reports": report_rows(reports, dispatch_round),
            "lock_exceptions": dispatch_round.lock_exceptions.all()
            .restrict(user, "view")
            .select_related("unit"),
            "reminders": dispatch_round.reminders.all().restrict(user, "view").select_related("unit"),
            "board_url": f"{reverse('dispatch:board')}?cadence={dispatch_round.cadence_id}",
            "sheet_links": sheet_links(dispatch_round),
        }
        if has_action(user, Reminder, "add"):
            kind = ReminderKind.BEFORE_DUE if now < dispatch_round.due_at else ReminderKind.OVERDUE
            context["remind_url"] = reverse("dispatch:round_send_reminders", kwargs={"pk": dispatch_round.pk})
            context["remind_kind"] = kind
        if has_action(user, LockException, "add"):
            context["exception_url"] = reverse(
                "dispatch:round_grant_exception", kwargs={"pk": dispatch_round.pk}
            )
            context["exception_form"] = GrantExceptionForm(dispatch_round=dispatch_round, user=user)
        return context


class RoundSendRemindersView(DispatchRoundDetailView):
    """POST only: remind every unit still missing reports — before the due time a 截止前提醒, after
    it a 逾期催报. The round must be one the user may view (else 404)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        dispatch_round = get_object_or_404(self.restricted_queryset("view"), pk=pk)
        if not has_action(request.user, Reminder, "add"):
            raise PermissionDenied("您没有发送催报的权限。")
        now = timezone.now()
        kind = ReminderKind.BEFORE_DUE if now < dispatch_round.due_at else ReminderKind.OVERDUE
        written = services.send_reminders(dispatch_round, kind=kind, actor=request.user, now=now)
        units = sorted({reminder.unit.name for reminder in written})
        if units:
            messages.success(request, f"已向 {len(units)} 个单位发送{kind.label}：{'、'.join(units)}。")
        else:
            messages.info(request, f"没有需要发送{kind.label}的单位（均已报送或已提醒过）。")
        return redirect(dispatch_round.get_absolute_url())


class RoundGrantExceptionView(DispatchRoundDetailView):
    """POST only: grant one unit of the round a lock exception through the service."""

    http_method_names = ["post"]

    def post(self, request, pk):
        dispatch_round = get_object_or_404(self.restricted_queryset("view"), pk=pk)
        if not has_action(request.user, LockException, "add"):
            raise PermissionDenied("您没有开通补报许可的权限。")
        form = GrantExceptionForm(request.POST, dispatch_round=dispatch_round, user=request.user)
        if form.is_valid():
            exception = form.grant(actor=request.user)
            if exception is not None:
                until = timezone.localtime(exception.until)
                messages.success(request, f"已允许{exception.unit}在 {until:%Y-%m-%d %H:%M} 前补报。")
                return redirect(dispatch_round.get_absolute_url())
        return self.render_page(dispatch_round, status=400, exception_form=form, exception_form_open=True)


# 完成情况 -----------------------------------------------------------------------------------------


def board_cadences(user):
    """The cadences a user may put on the board: those visible to them, and those of rounds visible
    to them (a township sees its rounds although the county's cadence is not its row)."""
    visible = Cadence.objects.restrict(user, "view").values("pk")
    of_rounds = DispatchRound.objects.restrict(user, "view").values("cadence")
    return (
        Cadence.objects.filter(Q(pk__in=visible) | Q(pk__in=of_rounds))
        .select_related("region")
        .order_by("-is_active", "region__code", "name")
    )


def board_count(value):
    try:
        count = int(value)
    except (TypeError, ValueError):
        return BOARD_ROUNDS
    return max(1, min(count, BOARD_MAX_ROUNDS))


EMPTY_CELL = '<td class="text-muted">—</td>'


def board_rows(board):
    """Plain rows for the template: each cell already its `<td>`, and a row's cells joined, so the
    5,200 cells of a year's board for 100 units cost the template one variable per row (a template
    tag per cell alone took a third of the 100 ms budget). Every part of a cell is a number, a fixed
    class or a reversed URL, so nothing needs escaping."""
    columns = [
        (dispatch_round.pk, reverse("dispatch:dispatchround_detail", kwargs={"pk": dispatch_round.pk}))
        for dispatch_round in board.rounds
    ]
    rows = []
    for line in board.lines:
        cells = []
        for round_pk, href in columns:
            tally = line.cells.get(round_pk)
            if tally is None:
                cells.append(EMPTY_CELL)
            else:
                cells.append(
                    f'<td class="{completeness_tone(tally)}"><a href="{href}">'
                    f"{tally.submitted}/{tally.expected}</a></td>"
                )
        tone = completeness_tone(line.tally)
        totals = "".join(
            f'<td class="{tone}">{figure}</td>' if index == 3 else f"<td>{figure}</td>"
            for index, figure in enumerate(figures(line.tally))
        )
        rows.append(
            {
                "unit": line.unit_name,
                "cells": cells,
                "tally": line.tally,
                "tone": tone,
                # The whole row as one string: the unit's name escaped, the rest numbers and fixed text.
                "html": mark_safe(
                    f'<tr><th class="text-start text-nowrap" scope="row">{escape(line.unit_name)}</th>'
                    f"{''.join(cells)}{totals}</tr>"
                ),
            }
        )
    return rows


def percent(value):
    return "—" if value is None else f"{value}%"


def figures(tally):
    """应报, 已报, 按时, 完成率, 及时率 of a tally as text."""
    return (
        str(tally.expected),
        str(tally.submitted),
        str(tally.on_time),
        percent(tally.completeness),
        percent(tally.timeliness),
    )


class BoardView(LoginRequiredMixin, View):
    """完成情况: units × rounds of one cadence, each cell the unit's submitted/expected reports."""

    template_name = "dispatch/board.html"

    def get(self, request):
        user = request.user
        if not has_action(user, ProgressReport, "view"):
            raise PermissionDenied("您没有查看进度报告的权限。")
        cadences = list(board_cadences(user))
        count = board_count(request.GET.get("count"))
        cadence = None
        chosen = request.GET.get("cadence")
        if chosen:
            cadence = next((c for c in cadences if str(c.pk) == chosen), None)
        if cadence is None and not chosen:
            cadence = next((c for c in cadences if c.is_active), cadences[0] if cadences else None)
        context = {
            "cadences": cadences,
            "cadence": cadence,
            "count": count,
            "counts": (4, 8, 12, 26, 52),
            "list_url": object_url(DispatchRound, "list"),
        }
        if cadence is not None:
            rounds = selectors.recent_rounds(
                cadence=cadence, count=count, rounds=DispatchRound.objects.restrict(user, "view")
            )
            board = selectors.completeness_board(
                rounds, reports=ProgressReport.objects.restrict(user, "view")
            )
            latest = rounds[-1] if rounds else None
            context.update(
                {
                    "rounds": rounds,
                    "columns": [(r.get_absolute_url(), r.label, f"{r.period_start:%m-%d}") for r in rounds],
                    "rows": board_rows(board),
                    "total": board.total,
                    "total_figures": figures(board.total),
                    "round_totals": [
                        (
                            completeness_tone(board.round_totals[r.pk]),
                            f"{board.round_totals[r.pk].submitted}/{board.round_totals[r.pk].expected}",
                        )
                        for r in rounds
                    ],
                    "latest": latest,
                    "latest_missing": [
                        line.unit_name
                        for line in board.lines
                        if latest is not None and line.cells.get(latest.pk) and line.cells[latest.pk].missing
                    ],
                }
            )
        elif chosen:
            raise Http404("没有这个调度频次，或不在您的授权范围内。")
        return render(request, self.template_name, context)
