"""The matters boards and lists: the board by node, 我的事项, the overdue list on a date, and the matter
list with its light filter and export."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from matters import services
from matters.choices import Light, Node
from matters.views.boards import BOARD_CARDS

from .conftest import new_matter
from .views_helpers import _extension, fresh_matter, moved, pdf

# The board fixture, re-exported so pytest finds it here by its name.
from .views_helpers import lit as lit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
D = datetime.date


# 看板 --------------------------------------------------------------------------------------------


def board(client, **params):
    response = client.get(reverse("matters:board"), params)
    assert response.status_code == 200
    return response


def columns(response):
    return {
        column["node"]: (column["count"], [card.code for card in column["cards"]])
        for column in response.context["columns"]
    }


def test_the_board_counts_and_shows_each_node_with_lights(setup, lit, client):
    client.force_login(setup.world.office)
    response = board(client)
    assert columns(response) == {
        Node.ASSIGNED: (4, [lit["red"].code, lit["other"].code, lit["yellow"].code, lit["request"].code]),
        Node.SIGNED: (0, []),
        Node.HANDLING: (0, []),
        Node.FEEDBACK: (1, [lit["green"].code]),
        Node.REVIEW: (0, []),
        Node.CLOSED: (1, [lit["closed"].code]),
    }
    cards = {card.title: card.light for column in response.context["columns"] for card in column["cards"]}
    assert cards == {
        "红": Light.RED,
        "黄": Light.YELLOW,
        "绿": Light.GREEN,
        "已销号": None,
        "乙镇": Light.YELLOW,
        "企业诉求": Light.GREEN,
    }
    assert [(item["light"], item["count"]) for item in response.context["light_links"]] == [
        ("green", 2),
        ("yellow", 2),
        ("red", 1),
    ]
    assert (response.context["total"], response.context["open_total"]) == (6, 5)


def test_the_board_filters_by_kind_category_unit_light_and_project(setup, lit, client):
    client.force_login(setup.world.office)
    by_kind = board(client, kind=setup.kinds["enterprise_request"].pk)
    assert columns(by_kind)[Node.ASSIGNED] == (1, [lit["request"].code])
    assert by_kind.context["total"] == 1
    assert columns(board(client, category="approval"))[Node.ASSIGNED] == (1, [lit["request"].code])
    assert columns(board(client, lead_unit=setup.world.unit_b.pk))[Node.ASSIGNED] == (1, [lit["other"].code])
    yellow = board(client, light="yellow")
    assert columns(yellow)[Node.ASSIGNED] == (2, [lit["other"].code, lit["yellow"].code])
    assert columns(yellow)[Node.CLOSED] == (0, [])
    assert columns(board(client, light="red"))[Node.ASSIGNED] == (1, [lit["red"].code])
    by_project = board(client, project_name=setup.other_project.name)
    assert by_project.context["total"] == 1
    assert columns(board(client, project=setup.project.pk))[Node.FEEDBACK] == (1, [lit["green"].code])


def test_a_township_sees_only_its_own_matters_on_the_board(setup, lit, client):
    client.force_login(setup.world.reporter_b)
    response = board(client)
    assert response.context["total"] == 1
    assert columns(response)[Node.ASSIGNED] == (1, [lit["other"].code])
    client.force_login(setup.world.no_role)
    assert client.get(reverse("matters:board")).status_code == 403


def test_the_board_caps_each_column_and_reads_no_row_per_card(setup, client):
    client.force_login(setup.world.office)
    today = timezone.localdate()
    for number in range(3):
        new_matter(setup, title=f"事项{number}", opened_on=today)
    board(client)  # caches filled (grants, permission names, the working calendar)
    with CaptureQueriesContext(connection) as few:
        board(client)
    for number in range(3, BOARD_CARDS + 5):
        new_matter(setup, title=f"事项{number}", opened_on=today)
    with CaptureQueriesContext(connection) as many:
        response = board(client)
    assert len(many.captured_queries) == len(few.captured_queries)
    column = response.context["columns"][0]
    assert (column["count"], len(column["cards"]), column["more"]) == (BOARD_CARDS + 5, BOARD_CARDS, 5)
    assert "还有 5 项" in response.content.decode()


# 我的事项 ----------------------------------------------------------------------------------------


def test_my_matters_shows_what_each_awaits_and_whose_turn_it_is(setup, client):
    w = setup.world
    to_sign = fresh_matter(setup, title="待签收")
    to_review = moved(setup, fresh_matter(setup, title="待复核"), Node.FEEDBACK)
    fresh_matter(setup, title="配合", lead_unit=setup.bureau, cooperating_units=[w.unit_a])
    extension = fresh_matter(setup, title="延期")
    _extension(setup, extension)
    fresh_matter(setup, title="乙镇", project=setup.other_project, lead_unit=w.unit_b)

    client.force_login(w.reporter_a)
    context = client.get(reverse("matters:my_matters")).context

    def rows(matters):
        return [(m.title, m.awaits, m.awaited_by, m.my_turn) for m in matters]

    assert rows(context["my_turn"]) == [("待签收", "待签收", "牵头单位", True)]
    assert sorted(rows(context["waiting_on_others"])) == sorted(
        [
            ("待复核", "待复核", "项目办", False),
            ("配合", "待签收", "牵头单位", False),
            ("延期", "延期待审批", "项目办", False),
        ]
    )
    assert context["office_queue"] == []

    client.force_login(w.office)
    context = client.get(reverse("matters:my_matters")).context
    assert context["my_turn"] == [] and context["waiting_on_others"] == []
    assert sorted(rows(context["office_queue"])) == [
        ("延期", "延期待审批", "项目办", True),
        ("待复核", "待复核", "项目办", True),
    ]
    assert to_sign.code not in client.get(reverse("matters:my_matters")).content.decode()
    assert to_review.code in client.get(reverse("matters:my_matters")).content.decode()


# 逾期清单 ----------------------------------------------------------------------------------------


def test_the_overdue_list_on_a_date_counts_working_days_and_shows_the_level_then(setup, client):
    w = setup.world
    late = new_matter(setup, title="逾期未办")  # deadline Friday 2024-03-22
    services.escalate_overdue_matters(D(2024, 3, 25))
    on_time = new_matter(setup, title="按期销号", opened_on=D(2024, 3, 1))
    services.add_attachment(on_time, actor=w.office, upload=pdf(), on=D(2024, 3, 5))
    for step in (
        lambda m: services.sign_matter(m, actor=w.reporter_a, on=D(2024, 3, 5)),
        lambda m: services.start_handling(m, actor=w.reporter_a, on=D(2024, 3, 5)),
        lambda m: services.submit_feedback(m, actor=w.reporter_a, text="完成", on=D(2024, 3, 6)),
        lambda m: services.review_matter(m, actor=w.office, passed=True, on=D(2024, 3, 7)),
        lambda m: services.close_matter(m, actor=w.office, on=D(2024, 3, 8)),
    ):
        step(on_time)
    new_matter(setup, title="乙镇逾期", project=setup.other_project, lead_unit=w.unit_b)

    client.force_login(w.reporter_a)
    response = client.get(reverse("matters:overdue"), {"as_of": "2024-03-29"})
    lines = list(response.context["table"].data)
    assert [
        (line.matter.title, line.deadline, line.working_days_overdue, line.level_label) for line in lines
    ] == [("逾期未办", D(2024, 3, 22), 5, "挂点联系领导")]
    shown = response.content.decode()
    assert "共 <strong>1</strong> 项" in shown and late.code in shown

    # The matter of township B came after the escalation ran: still the unit's; on the deadline day
    # nothing was overdue yet.
    client.force_login(w.office)
    lines = list(client.get(reverse("matters:overdue"), {"as_of": "2024-03-25"}).context["table"].data)
    assert [(line.matter.title, line.working_days_overdue, line.level_label) for line in lines] == [
        ("逾期未办", 1, "挂点联系领导"),
        ("乙镇逾期", 1, "责任单位"),
    ]
    assert list(client.get(reverse("matters:overdue"), {"as_of": "2024-03-22"}).context["table"].data) == []

    export = client.get(reverse("matters:overdue"), {"as_of": "2024-03-29", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("事项编号", "事项名称", "事项类型")
    assert sorted(row[1] for row in rows[1:]) == ["乙镇逾期", "逾期未办"]
    assert {row[1]: row[7] for row in rows[1:]} == {"乙镇逾期": 5, "逾期未办": 5}


# The matter list --------------------------------------------------------------------------------


def test_the_matter_list_shows_and_exports_each_light_and_filters_by_it(setup, lit, client):
    client.force_login(setup.world.office)
    response = client.get(reverse("matters:matter_list"), {"light": "red"})
    assert [row.record.code for row in response.context["table"].rows] == [lit["red"].code]
    export = client.get(reverse("matters:matter_list"), {"export": "xlsx", "q": "红"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    light_column = rows[0].index("亮灯")
    assert [row[light_column] for row in rows[1:]] == ["红灯"]
