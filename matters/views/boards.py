"""The matters seen together: the board by node (看板), the user's own matters with the step each
awaits (我的事项), and the overdue list on a date (逾期清单). Rows come only through
`Matter.objects.restrict(user, "view")`; counts are grouped queries and each column of the board is
one capped query, so the board stays fast with tens of thousands of matters."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.forms import Select
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views import View
from django_tables2 import RequestConfig

from core.permissions import has_action, permission_name, user_grants
from core.tables import export_table_xlsx
from matters import access, selectors
from matters.choices import (
    LEVEL_ORDER,
    NODE_ORDER,
    EscalationLevel,
    ExtensionApprover,
    ExtensionStatus,
    Light,
    Node,
)
from matters.filtersets import LIGHT_LABELS, LightConditions, MatterFilterSet
from matters.forms import OverdueForm
from matters.models import ExtensionRequest, Matter, MatterKind
from matters.tables import OverdueLine, OverdueTable

BOARD_CARDS = 20  # cards per column; the column links to the full list
CARD_RELATED = ("kind", "project", "lead_unit")
# What a card shows and its light needs: reading whole rows (the kind's JSON, the project's figures)
# for 120 cards cost more than the queries.
CARD_FIELDS = (
    "code",
    "title",
    "node",
    "deadline",
    "closed_on",
    "paused_since",
    "escalation_level",
    "kind__yellow_window_days",
    "project__name",
    "lead_unit__name",
)
STEP_LABELS = {
    Node.SIGNED: "待签收",
    Node.HANDLING: "待办理",
    Node.FEEDBACK: "待反馈",
    Node.REVIEW: "待复核",
    Node.CLOSED: "待销号",
}
# The steps the office takes; the lead unit takes the others.
OFFICE_STEPS = (Node.REVIEW, Node.CLOSED)
BOARD_FILTERS = ("q", "kind", "category", "lead_unit", "light", "project_name")
OVERDUE_FILTERS = ("q", "kind", "category", "lead_unit", "project_name")


def require_matters(user):
    if not has_action(user, Matter, "view"):
        raise PermissionDenied("您没有查看事项的权限。")


def bound_filterset(request, queryset):
    """The matters FilterSet on the query string; an invalid filter shows nothing rather than all."""
    filterset = MatterFilterSet(request.GET or None, queryset=queryset, request=request)
    if not filterset.is_bound:
        return filterset, queryset
    if not filterset.is_valid():
        return filterset, queryset.none()
    return filterset, filterset.qs


def filter_controls(form, names):
    """[{"id", "label", "html"}] of the filter form's fields `names`, the selects written here: a
    select of a hundred units rendered through Django's per-option widget templates cost the board
    more than its queries."""
    controls = []
    for name in names:
        field = form[name]
        widget = field.field.widget
        if isinstance(widget, Select):
            value = field.value()
            chosen = "" if value in (None, "") else str(value)
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (str(key), mark_safe(" selected") if str(key) == chosen else "", label)
                    for key, label in field.field.choices
                ),
            )
            html = format_html(
                '<select name="{}" id="{}" class="{}">{}</select>',
                field.html_name,
                field.id_for_label,
                widget.attrs.get("class", "form-select form-select-sm"),
                options,
            )
        else:
            html = str(field)
        controls.append({"id": field.id_for_label, "label": field.label, "html": html})
    return controls


def light_tone(light):
    return {Light.RED: "danger", Light.YELLOW: "warning", Light.GREEN: "success"}.get(light, "secondary")


# 看板 --------------------------------------------------------------------------------------------


def board_tally(rows, *, today=None, calendar=None):
    """({node: matters at it}, {light label: open matters showing it}) over `rows`, every node and
    light present (0 where none) — counted in one pass: one aggregate with a filtered count each.
    (A GROUP BY node made SQLite walk the node index and fetch every row out of order: twice the time
    of one scan of the table, with 20,000 matters.)"""
    lights = LightConditions(rows, today=today, calendar=calendar)
    counts = rows.order_by().aggregate(
        **{f"node_{node.value}": Count("pk", filter=Q(node=node)) for node in Node},
        **{f"light_{light.value}": Count("pk", filter=lights.q(light)) for light in Light},
    )
    by_node = {node: counts[f"node_{node.value}"] for node in Node}
    by_light = {str(light.label): counts[f"light_{light.value}"] for light in Light}
    return by_node, by_light


def card_html(matter, detail_url):
    """A board card as HTML, built here: 20 cards in each of six columns rendered through a template
    include cost more than all the board's queries together."""
    project = format_html(" · {}", matter.project.name) if matter.project_id else ""
    light = (
        format_html(
            '<span class="badge text-bg-{} matter-light" data-light="{}">{}</span>',
            matter.light_tone,
            matter.light,
            matter.light_label,
        )
        if matter.light
        else ""
    )
    when = (
        format_html("{} 销号", matter.closed_on.isoformat())
        if matter.closed_on
        else format_html("期限 {}", matter.deadline.isoformat())
    )
    level = (
        format_html(' <span class="badge text-bg-danger">{}</span>', matter.get_escalation_level_display())
        if matter.escalation_level != EscalationLevel.UNIT
        else ""
    )
    return format_html(
        '<article class="card mb-2 matter-card border-{}" data-matter="{}"><div class="card-body p-2">'
        '<div class="d-flex align-items-start gap-1"><a class="fw-semibold me-auto text-decoration-none" '
        'href="{}">{}</a>{}</div><div class="small text-muted"><code>{}</code>{}</div>'
        '<div class="small">{} · {}{}</div></div></article>',
        matter.light_tone,
        matter.pk,
        detail_url.format(matter.pk),
        matter.title,
        light,
        matter.code,
        project,
        matter.lead_unit.name,
        when,
        level,
    )


class BoardView(LoginRequiredMixin, View):
    """看板: a column per node of the loop (the chosen kind's nodes), with the number of matters at
    it and the most urgent cards — code, title, project, lead unit, deadline and light."""

    template_name = "matters/board.html"

    def get(self, request):
        user = request.user
        require_matters(user)
        visible = Matter.objects.restrict(user, "view")
        filterset, rows = bound_filterset(request, visible)
        kind = (
            filterset.form.cleaned_data.get("kind") if filterset.is_bound and filterset.is_valid() else None
        )
        nodes = [Node(node) for node in kind.nodes] if kind else list(NODE_ORDER)
        today = timezone.localdate()
        calendar = selectors.working_calendar()
        counts, by_light = board_tally(rows, today=today, calendar=calendar)
        query = request.GET.copy()
        query.pop("node", None)
        list_url = reverse("matters:matter_list")
        # One reverse() for all the cards (the pattern is …/matters/<pk>/).
        detail_url = reverse("matters:matter_detail", kwargs={"pk": 0})[: -len("0/")] + "{}/"
        columns = []
        for node in nodes:
            # Open matters most urgent first; closed ones latest deadline first. Both walk the
            # (node, deadline) index and stop after a column's cards.
            order = ("-deadline", "-code") if node == Node.CLOSED else ("deadline", "code")
            cards = list(
                rows.filter(node=node)
                .select_related(*CARD_RELATED)
                .only(*CARD_FIELDS)
                .order_by(*order)[:BOARD_CARDS]
            )
            for card in cards:
                card.light = selectors.matter_light(card, today=today, calendar=calendar)
                card.light_label = LIGHT_LABELS.get(card.light, "")
                card.light_tone = light_tone(card.light)
                card.html = card_html(card, detail_url)
            column_query = query.copy()
            column_query["node"] = node.value
            columns.append(
                {
                    "node": node,
                    "label": node.label,
                    "count": counts.get(node, 0),
                    "cards": cards,
                    "more": max(counts.get(node, 0) - len(cards), 0),
                    "list_url": f"{list_url}?{column_query.urlencode()}",
                }
            )
        light_query = query.copy()
        light_links = []
        for light, label in Light.choices:
            light_query["light"] = light
            light_links.append(
                {
                    "light": light,
                    "label": label,
                    "count": by_light.get(str(label), 0),
                    "tone": light_tone(light),
                    "url": f"?{light_query.urlencode()}",
                }
            )
        context = {
            "filter_form": filterset.form,
            "filter_fields": filter_controls(filterset.form, BOARD_FILTERS),
            "columns": columns,
            "total": sum(counts.get(node, 0) for node in nodes),
            "open_total": sum(counts.get(node, 0) for node in nodes if node != Node.CLOSED),
            "light_links": light_links,
            "today": today,
            "kind": kind,
            "cards_per_column": BOARD_CARDS,
            "list_url": list_url,
            "add_url": reverse("matters:matter_add") if has_action(user, Matter, "add") else "",
            "project": filterset.form.cleaned_data.get("project")
            if filterset.is_bound and filterset.is_valid()
            else None,
        }
        return render(request, self.template_name, context)


# 我的事项 ----------------------------------------------------------------------------------------


def lead_unit_ids(user, matters):
    """The ids of `matters` the user acts on as the lead unit — the rule of
    `access.is_lead_unit_user`, for many matters in two queries instead of two per matter."""
    if not matters:
        return set()
    ids = [matter.pk for matter in matters]
    if user.is_superuser:
        return set(ids)
    places = user_grants(user).get(permission_name(Matter, "change"), [])
    candidates = [
        matter.pk
        for matter in matters
        if any(unit_path and matter.lead_unit.path.startswith(unit_path) for unit_path, _ in places)
    ]
    if not candidates:
        return set()
    return set(Matter.objects.restrict(user, "change").filter(pk__in=candidates).values_list("pk", flat=True))


def awaiting(user, matters):
    """{matter id: (what the matter awaits, by whom, whether it is the user's turn)} — the next step
    of the loop (签收 / 办理 / 反馈 by the lead unit, 复核 / 销号 by the office), a pending extension
    (by the office or the responsible leader, as the kind says) or a stopped clock."""
    ids = [matter.pk for matter in matters]
    office = set(Matter.objects.restrict(user, "review").filter(pk__in=ids).values_list("pk", flat=True))
    lead = lead_unit_ids(user, matters)
    pending = set(
        ExtensionRequest.objects.filter(matter__in=ids, status=ExtensionStatus.PENDING).values_list(
            "matter_id", flat=True
        )
    )
    result = {}
    for matter in matters:
        if matter.pk in pending:
            approver = ExtensionApprover(matter.kind.extension_approver)
            who = (
                "责任领导"
                if approver == ExtensionApprover.LEADER and matter.responsible_leader_id
                else "项目办"
            )
            if approver == ExtensionApprover.OFFICE_OR_LEADER:
                who = approver.label
            result[matter.pk] = ("延期待审批", who, access.may_decide_extension(user, matter))
        elif matter.paused_since is not None:
            result[matter.pk] = (
                "暂停计时中，待恢复",
                "牵头单位或项目办",
                matter.pk in lead or matter.pk in office,
            )
        else:
            step = matter.kind.next_node(matter.node)
            if step is None:
                result[matter.pk] = ("已销号", "", False)
            elif step in OFFICE_STEPS:
                result[matter.pk] = (STEP_LABELS[step], "项目办", matter.pk in office)
            else:
                result[matter.pk] = (STEP_LABELS[step], "牵头单位", matter.pk in lead)
    return result


def office_queue(user):
    """Open matters in the user's review scope whose next step is the office's (复核 or 销号), or
    whose extension request waits for the office — nearest deadline first."""
    if not has_action(user, Matter, "review"):
        return Matter.objects.none()
    condition = Q(pk__in=ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING).values("matter"))
    for kind in MatterKind.objects.all():
        waiting = [node for node in kind.nodes if kind.next_node(node) in OFFICE_STEPS]
        if waiting:
            condition |= Q(kind=kind, node__in=waiting, paused_since__isnull=True)
    return (
        Matter.objects.restrict(user, "review")
        .exclude(node=Node.CLOSED)
        .filter(condition)
        .order_by("deadline", "code")
    )


MY_LIMIT = 200


class MyMattersView(LoginRequiredMixin, View):
    """我的事项: the open matters led or cooperated on by the user's unit, or with the user as
    responsible person or leader, each with the step it awaits — those waiting on the user first;
    for the office, also the matters waiting for its 复核, 销号 or extension decision."""

    template_name = "matters/my_matters.html"

    def get(self, request):
        user = request.user
        require_matters(user)
        today = timezone.localdate()
        calendar = selectors.working_calendar()
        related = (*CARD_RELATED, "responsible_leader")
        mine = list(selectors.my_matters(user).select_related(*related)[:MY_LIMIT])
        queue = list(office_queue(user).select_related(*related)[:MY_LIMIT])
        seen = {matter.pk for matter in mine}
        everything = mine + [matter for matter in queue if matter.pk not in seen]
        waits = awaiting(user, everything)
        for matter in everything:
            matter.light = selectors.matter_light(matter, today=today, calendar=calendar)
            matter.light_label = LIGHT_LABELS.get(matter.light, "")
            matter.light_tone = light_tone(matter.light)
            matter.awaits, matter.awaited_by, matter.my_turn = waits[matter.pk]
        my_turn = [matter for matter in mine if matter.my_turn]
        context = {
            "my_turn": my_turn,
            "waiting_on_others": [matter for matter in mine if not matter.my_turn],
            "office_queue": [matter for matter in queue if matter.pk not in seen],
            "is_office": has_action(user, Matter, "review"),
            "has_person": bool(user.person_id),
            "unit": user.person.unit if user.person_id else None,
            "today": today,
            "limit": MY_LIMIT,
        }
        return render(request, self.template_name, context)


# 逾期清单 ----------------------------------------------------------------------------------------


class OverdueView(LoginRequiredMixin, View):
    """逾期清单: the matters open and past their deadline on a date (today by default), as the
    records stood that day, with the working days overdue and the escalation level; the table is
    also the Excel export."""

    template_name = "matters/overdue.html"

    def get(self, request):
        user = request.user
        require_matters(user)
        date_form = OverdueForm(request.GET or None)
        as_of = date_form.as_of_date()
        filterset, rows = bound_filterset(request, Matter.objects.restrict(user, "view"))
        node_labels = dict(Node.choices)
        lines = [
            OverdueLine(
                row.matter,
                row.deadline,
                row.working_days_overdue,
                str(node_labels.get(row.matter.node_then, "")),
                row.level_label,
                LEVEL_ORDER.index(row.level),
            )
            for row in selectors.overdue_rows(as_of, rows)
        ]
        table = OverdueTable(lines)
        if request.GET.get("export") == "xlsx":
            RequestConfig(request, paginate=False).configure(table)
            return export_table_xlsx(table, f"逾期清单-{as_of:%Y%m%d}.xlsx", f"逾期清单 {as_of:%Y-%m-%d}")
        RequestConfig(request, paginate={"per_page": 100}).configure(table)
        levels = {level: 0 for level in EscalationLevel}
        for line in lines:
            levels[LEVEL_ORDER[line.level_order]] += 1
        query = request.GET.copy()
        query.pop("page", None)
        query["export"] = "xlsx"
        context = {
            "date_form": date_form,
            "filter_fields": filter_controls(filterset.form, OVERDUE_FILTERS),
            "as_of": as_of,
            "table": table,
            "total": len(lines),
            "levels": [(level.label, count) for level, count in levels.items()],
            "export_url": f"?{query.urlencode()}",
        }
        return render(request, self.template_name, context)
