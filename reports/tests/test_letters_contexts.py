"""The letters' contexts on their own (selectors): exact values from the records, the refusals, the
issuer and the letter number, and the contexts' shape against the documented variables."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from reports.choices import DocumentKind
from reports.letters import variables
from reports.letters.contexts import (
    Issuer,
    context_checksum,
    default_issuer,
    issuer_for,
    letter_number,
    overdue_matter_letter_context,
    red_project_letter_context,
    short_place_name,
)
from reports.models import DocumentTemplate
from reports.tests import test_letters_scene as letters_scene
from reports.tests.test_letters_scene import (
    LETTER_DAY,
    REPORTING_REASON,
    START_REASON,
    make_light,
)

pytestmark = pytest.mark.django_db
D = datetime.date
ISSUER = Issuer(name="南康区项目办", number_prefix="南康项办提")


@pytest.fixture
def media(settings, tmp_path):
    return letters_scene.temporary_media(settings, tmp_path)


@pytest.fixture
def scene(world, media):
    return letters_scene.build_scene(world)


def test_red_project_letter_context_has_the_addressee_light_reasons_consequences_and_reply_deadline(scene):
    # Tuesday 2 July 2024; five working days later is Tuesday 9 July.
    context = red_project_letter_context(
        scene.project, issuer=ISSUER, on=D(2024, 7, 2), number="南康项办提〔2024〕7号"
    )

    assert context == {
        "kind_label": "提醒函",
        "number": "南康项办提〔2024〕7号",
        "title": "关于实木家具智能制造项目（测试）亮红灯的提醒函",
        "issuer_name": "南康区项目办",
        "red_header": False,
        "date": "2024年7月2日",
        "addressee": {
            "unit": "唐江镇人民政府",
            "leader": "甲镇领导",
            "leader_position": "镇长",
            "leader_text": "甲镇领导（镇长）",
            "person": "",
        },
        "reply_working_days": 5,
        "reply_deadline": "2024年7月9日",
        "copy_to": "甲镇领导（镇长）",
        "project": {
            "code": "NK-T-0001",
            "name": "实木家具智能制造项目（测试）",
            "stage": "招商（已签约）",
            "region": "唐江镇",
            "responsible_unit": "唐江镇人民政府",
            "liaison_leader": "甲镇领导（镇长）",
            "task_force": "",
            "total_investment": "52000.5",
            "total_investment_yi": "5.2",
        },
        "light": {
            "level": "red",
            "level_label": "红灯",
            "as_of": "2024年6月30日",
            "period": "2024年6月30日评价",
            "ruleset_version": 1,
        },
        "reasons": [
            {
                "number": 1,
                "rule": "逾期 3 个月未开工",
                "level_label": "红灯",
                "value": "5",
                "unit": "个月",
                "threshold_text": "计划开工日后仍未开工的整月数 ≥ 3 个月",
                "text": START_REASON["text"],
                "consequence": "由甲镇领导（镇长）约谈唐江镇人民政府主要负责人",
            },
            {
                "number": 2,
                "rule": "调度漏报",
                "level_label": "黄灯",
                "value": "2",
                "unit": "轮",
                "threshold_text": "最近若干轮调度中未报送的轮数 ≥ 2 且 ≤ 2 轮",
                "text": REPORTING_REASON["text"],
                "consequence": "通报唐江镇人民政府，限期补报",
            },
        ],
        "consequences": ["由甲镇领导（镇长）约谈唐江镇人民政府主要负责人", "通报唐江镇人民政府，限期补报"],
        "consequence_text": "由甲镇领导（镇长）约谈唐江镇人民政府主要负责人；通报唐江镇人民政府，限期补报",
    }


def test_red_letter_names_the_round_of_a_light_recorded_for_a_dispatch_round(scene):
    from dispatch.models import Cadence, DispatchRound
    from lights.models import ProjectLight

    cadence = Cadence.objects.create(name="每周调度", region=scene.world.county)
    at = datetime.datetime(2024, 7, 5, 17, tzinfo=datetime.UTC)
    week = DispatchRound.objects.create(
        cadence=cadence,
        period_start=D(2024, 7, 1),
        period_end=D(2024, 7, 7),
        label="2024年第27周",
        opens_at=at,
        due_at=at,
        on_time_until=at,
    )
    light = make_light(scene.project, "red", [START_REASON], as_of=D(2024, 7, 7))
    ProjectLight.objects.filter(pk=light.pk).update(round=week)

    context = red_project_letter_context(scene.project, issuer=ISSUER, on=D(2024, 7, 8))

    assert context["light"]["period"] == "每周调度 · 2024年第27周"
    assert context["light"]["as_of"] == "2024年7月7日"
    assert context["number"] == ""  # not numbered until issued


@pytest.mark.parametrize(
    ("level", "message"),
    [
        ("green", "项目“实木家具智能制造项目（测试）”最近一次亮绿灯，只能对亮红灯的项目发提醒函。"),
        ("yellow", "项目“实木家具智能制造项目（测试）”最近一次亮黄灯，只能对亮红灯的项目发提醒函。"),
    ],
)
def test_red_letter_is_refused_when_the_latest_light_is_not_red(scene, level, message):
    # A later light replaces the red one as the latest.
    make_light(scene.project, level, [], as_of=D(2024, 7, 7))

    with pytest.raises(ValidationError) as refused:
        red_project_letter_context(scene.project, issuer=ISSUER, on=D(2024, 7, 8))

    assert refused.value.messages == [message]


def test_red_letter_is_refused_for_a_project_without_a_light(scene):
    from reports.tests.test_letters_scene import make_project

    dark = make_project(scene.world, "尚未亮灯项目（测试）", code="NK-T-0009")

    with pytest.raises(ValidationError) as refused:
        red_project_letter_context(dark, issuer=ISSUER, on=D(2024, 7, 8))

    assert refused.value.messages == ["项目“尚未亮灯项目（测试）”尚未亮灯，只能对亮红灯的项目发提醒函。"]


def test_overdue_matter_letter_context_has_the_matter_its_deadline_then_and_working_days_overdue(scene):
    issuer = Issuer(name="南康区项目办", number_prefix="南康项办督", reply_working_days=3)
    # Wednesday 13 March 2024: the deadline Friday 8 March passed three working days ago (11, 12, 13).
    context = overdue_matter_letter_context(
        scene.matter, issuer=issuer, on=LETTER_DAY, number="南康项办督〔2024〕1号"
    )

    assert context == {
        "kind_label": "督办函",
        "number": "南康项办督〔2024〕1号",
        "title": "关于督促办理“项目用地未交地”的督办函",
        "issuer_name": "南康区项目办",
        "red_header": False,
        "date": "2024年3月13日",
        "addressee": {
            "unit": "唐江镇人民政府",
            "leader": "甲镇领导",
            "leader_position": "镇长",
            "leader_text": "甲镇领导（镇长）",
            "person": "甲镇联络员",
        },
        "reply_working_days": 3,
        "reply_deadline": "2024年3月18日",
        "copy_to": "甲镇领导（镇长）",
        "matter": {
            "code": scene.matter.code,
            "title": "项目用地未交地",
            "kind": "项目问题",
            "category": "用地",
            "description": "项目用地尚未完成交地，无法开工。",
            "project": "实木家具智能制造项目（测试）",
            "project_code": "NK-T-0001",
            "lead_unit": "唐江镇人民政府",
            "cooperating_units": "南康区自然资源局",
            "responsible_leader": "甲镇领导（镇长）",
            "responsible_person": "甲镇联络员",
            "solution": "加快土地报批，3 月底前完成交地。",
            "opened_on": "2024年3月1日",
            "deadline": "2024年3月8日",
            "original_deadline": "2024年3月8日",
            "working_days_overdue": 3,
            "escalation_level": "挂点联系领导",
            "node": "交办",
        },
    }
    assert scene.matter.code.startswith("WT-2024-")


def test_overdue_letter_reads_the_deadline_as_it_stood_on_the_letters_date(scene):
    # On the deadline day itself the matter is not overdue yet.
    with pytest.raises(ValidationError) as refused:
        overdue_matter_letter_context(scene.matter, issuer=ISSUER, on=D(2024, 3, 8))

    assert refused.value.messages == [
        f"事项“{scene.matter.code} 项目用地未交地”在2024年3月8日未逾期（办结期限2024年3月8日），"
        "只能对逾期未办结的事项发督办函。"
    ]


def test_overdue_letter_is_refused_for_a_closed_matter(scene):
    from matters.choices import Node
    from matters.models import Matter

    Matter.objects.filter(pk=scene.matter.pk).update(node=Node.CLOSED, closed_on=D(2024, 3, 12))
    scene.matter.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        overdue_matter_letter_context(scene.matter, issuer=ISSUER, on=LETTER_DAY)

    assert refused.value.messages == [f"事项“{scene.matter.code} 项目用地未交地”已销号，不能发督办函。"]


def test_contexts_have_exactly_the_documented_variables(scene):
    red = red_project_letter_context(scene.project, issuer=ISSUER, on=D(2024, 7, 2))
    overdue = overdue_matter_letter_context(scene.matter, issuer=ISSUER, on=LETTER_DAY)

    assert variables.shape_of(red) == variables.documented_shape(variables.REMINDER_LETTER_VARIABLES)
    assert variables.shape_of(overdue) == variables.documented_shape(variables.SUPERVISION_LETTER_VARIABLES)
    # The examples shown to the office have the same shape as the real data.
    for documented in (variables.REMINDER_LETTER_VARIABLES, variables.SUPERVISION_LETTER_VARIABLES):
        specimen = variables.specimen_context(documented)
        assert variables.shape_of(specimen) == variables.documented_shape(documented)


def test_the_issuer_defaults_to_the_county_office_and_the_template_overrides_what_it_sets(scene):
    from org.models import Person, Unit, User

    assert default_issuer(scene.world.region_a, kind=DocumentKind.REMINDER_LETTER) == Issuer(
        name="南康区项目办", number_prefix="南康项办提"
    )
    # The office's own unit, when its account belongs to a person.
    office_unit = Unit.objects.create(
        code="T-XMB", name="南康区重点项目推进办公室", kind="public_institution", region=scene.world.county
    )
    clerk = User.objects.create(
        username="clerk", person=Person.objects.create(name="调度专员", unit=office_unit)
    )
    assert default_issuer(scene.world.region_b, kind=DocumentKind.SUPERVISION_LETTER, actor=clerk) == Issuer(
        name="南康区重点项目推进办公室", number_prefix="南康项办督"
    )
    template = DocumentTemplate(
        kind=DocumentKind.SUPERVISION_LETTER,
        issuer_name="南康区重点项目推进办公室",
        number_prefix="",
        red_header=True,
        reply_working_days=7,
    )
    assert issuer_for(
        scene.world.region_b, kind=DocumentKind.SUPERVISION_LETTER, template=template
    ) == Issuer(
        name="南康区重点项目推进办公室", number_prefix="南康项办督", red_header=True, reply_working_days=7
    )


@pytest.mark.parametrize(
    ("name", "short"),
    [("南康区", "南康"), ("赣州市", "赣州"), ("安远县", "安远"), ("和平区", "和平"), ("城区", "城区")],
)
def test_short_place_names(name, short):
    assert short_place_name(name) == short


def test_letter_number_and_checksum():
    assert letter_number("南康项办督", 2024, 3) == "南康项办督〔2024〕3号"
    assert context_checksum({"b": 1, "a": "南康"}) == context_checksum({"a": "南康", "b": 1})
    assert context_checksum({"a": "南康"}) != context_checksum({"a": "赣州"})
    assert len(context_checksum({})) == 64
