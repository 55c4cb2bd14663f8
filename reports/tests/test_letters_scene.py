"""The letters' test scene, shared by the test_letters_* modules (each wraps `build_scene` and
`temporary_media` in its own fixtures): on top of the
personas of the root conftest, a project of township A with a red light (two reasons, as the lights
engine stores them), a green project of township A, a red project of township B, an overdue matter led
by township A (with a cooperating bureau, escalated by rule) and one led by township B, and an office
user whose grant covers township A only. Files go to a temporary MEDIA_ROOT."""

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from core.history import history_context

D = datetime.date
# The day the letters of the exact-value tests are dated: a Wednesday, three working days after the
# overdue matter's deadline (Friday 8 March 2024).
LETTER_DAY = D(2024, 3, 13)

START_REASON = {
    "rule": "逾期 3 个月未开工",
    "dimension": "start",
    "measure": "months_late",
    "level": "red",
    "value": 5,
    "unit": "个月",
    "thresholds": {"at_least": 3},
    "threshold_text": "计划开工日后仍未开工的整月数 ≥ 3 个月",
    "figures": {"planned_start": "2024-01-10", "days_late": 172, "months_late": 5},
    "consequence": "由甲镇领导（镇长）约谈唐江镇人民政府主要负责人",
    "text": "计划开工日期 2024-01-10（节点计划），至 2024-06-30 仍未开工，已逾期 172 天（5 个月）"
    "（红灯：计划开工日后仍未开工的整月数 ≥ 3 个月）",
}
REPORTING_REASON = {
    "rule": "调度漏报",
    "dimension": "reporting",
    "measure": "missed_of_last",
    "level": "yellow",
    "value": 2,
    "unit": "轮",
    "thresholds": {"at_least": 2, "at_most": 2},
    "threshold_text": "最近若干轮调度中未报送的轮数 ≥ 2 且 ≤ 2 轮",
    "figures": {},
    "consequence": "通报唐江镇人民政府，限期补报",
    "text": "最近 4 轮调度中 2 轮未报送（2024年第25周、2024年第26周）"
    "（黄灯：最近若干轮调度中未报送的轮数 ≥ 2 且 ≤ 2 轮）",
}


@dataclass
class Scene:
    world: object
    project: object  # township A, red on 2024-06-30
    light: object
    green_project: object  # township A, green
    project_b: object  # township B, red
    matter: object  # led by township A, deadline 2024-03-08, escalated to the liaison leader
    matter_b: object  # led by township B, deadline 2024-03-08
    bureau: object
    office_a: object  # office_admin on township A only


def make_project(world, name, *, side="a", code):
    from projects.models import Project

    unit, region, leader = (
        (world.unit_a, world.region_a, world.leader_a)
        if side == "a"
        else (world.unit_b, world.region_b, world.leader_b)
    )
    with history_context(reason="测试数据"):
        return Project.objects.create(
            code=code,
            name=name,
            region=region,
            introducing_unit=unit,
            responsible_unit=unit,
            liaison_leader=leader,
            total_investment=Decimal("52000.50"),
        )


LIGHT_DAY = D(2024, 6, 30)


def make_light(project, level, reasons, *, as_of=LIGHT_DAY):
    from lights.models import ProjectLight, RuleSet

    with history_context(reason="测试数据"):
        return ProjectLight.objects.create(
            project=project,
            as_of=as_of,
            level=level,
            reasons=reasons,
            figures={},
            ruleset=RuleSet.objects.get(is_active=True),
            evaluated_at=timezone.now(),
        )


def make_matter(world, *, lead_unit, project, title, cooperating_units=()):
    from matters import services
    from matters.models import Matter, MatterKind

    matter = Matter(
        kind=MatterKind.objects.get(code="project_issue"),
        title=title,
        description="项目用地尚未完成交地，无法开工。",
        project=project,
        category="land",
        lead_unit=lead_unit,
        responsible_leader=project.liaison_leader,
        responsible_person=world.person_a if lead_unit == world.unit_a else world.person_b,
        solution="加快土地报批，3 月底前完成交地。",
        opened_on=D(2024, 3, 1),
        deadline=D(2024, 3, 8),
    )
    return services.assign_matter(matter, actor=world.office, cooperating_units=cooperating_units)


def temporary_media(settings, tmp_path):
    """Letters and templates are written under a MEDIA_ROOT of the test's own (returned)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def build_scene(world):
    """The scene described at the top of this module."""
    from matters import services as matter_services
    from org.choices import UnitKind
    from org.models import Role, Unit, User
    from org.services import grant_role

    project = make_project(world, "实木家具智能制造项目（测试）", code="NK-T-0001")
    light = make_light(project, "red", [START_REASON, REPORTING_REASON])
    green_project = make_project(world, "唐江农产品加工项目（测试）", code="NK-T-0002")
    make_light(green_project, "green", [])
    project_b = make_project(world, "凤岗物流园项目（测试）", side="b", code="NK-T-0003")
    make_light(project_b, "red", [START_REASON])
    with history_context(reason="测试数据"):
        bureau = Unit.objects.create(
            code="T-ZRZY",
            name="南康区自然资源局",
            kind=UnitKind.DEPARTMENT,
            region=world.county,
            parent=world.county_unit,
        )
    matter = make_matter(
        world, lead_unit=world.unit_a, project=project, title="项目用地未交地", cooperating_units=[bureau]
    )
    matter_b = make_matter(world, lead_unit=world.unit_b, project=project_b, title="物流园用地未交地")
    matter_services.escalate_overdue_matters(LETTER_DAY)
    office_a = User.objects.create(username="office_a")
    grant_role(office_a, role=Role.objects.get(code="office_admin"), region=world.region_a, actor=None)
    for row in (matter, matter_b):
        row.refresh_from_db()
    return Scene(world, project, light, green_project, project_b, matter, matter_b, bureau, office_a)


@pytest.fixture
def media(settings, tmp_path):
    return temporary_media(settings, tmp_path)


@pytest.fixture
def scene(world, media):
    return build_scene(world)


def docx_with(*paragraphs):
    """A .docx (bytes) whose body is `paragraphs`, as the office would save it from WPS or Word."""
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def document_text(data):
    """The text of a .docx (bytes): its paragraphs, one per line."""
    from docx import Document

    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(data)).paragraphs)


def stored_files(media):
    """Every file under MEDIA_ROOT (relative paths), to prove a refusal left nothing behind."""
    return (
        sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())
        if media.exists()
        else []
    )


def test_the_scene_is_what_the_letter_tests_assume(scene):
    from matters.choices import EscalationLevel
    from reports.letters.contexts import latest_light, overdue_state

    assert latest_light(scene.project) == scene.light and scene.light.level == "red"
    assert latest_light(scene.green_project).level == "green"
    state = overdue_state(scene.matter, LETTER_DAY)
    assert (state.deadline, state.working_days_overdue, state.level) == (
        D(2024, 3, 8),
        3,
        EscalationLevel.LIAISON_LEADER,
    )
