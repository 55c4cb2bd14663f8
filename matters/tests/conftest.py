"""Matters fixtures on top of the personas of the root conftest: a furniture project of township A
with its liaison leader and task force, the natural-resources bureau as a lead unit with its own
reporter, and a user account for township A's leader."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from core.history import history_context

D = datetime.date


@dataclass
class Setup:
    world: object
    project: object
    other_project: object
    bureau: object  # 自然资源局, under the county government
    bureau_user: object
    leader_user: object  # the account of world.leader_a (甲镇领导)
    task_force: object
    kinds: dict


@pytest.fixture
def setup(world):
    from matters.models import MatterKind
    from org.choices import UnitKind
    from org.models import Person, Role, TaskForce, Unit, User
    from org.services import grant_role
    from projects import services as project_services
    from projects.models import Project

    roles = {role.code: role for role in Role.objects.all()}
    with history_context(reason="测试数据"):
        bureau = Unit.objects.create(
            code="T-ZRZY",
            name="南康区自然资源局",
            kind=UnitKind.DEPARTMENT,
            region=world.county,
            parent=world.county_unit,
        )
        bureau_user = User.objects.create(
            username="bureau", person=Person.objects.create(name="自然资源局联络员", unit=bureau)
        )
        grant_role(bureau_user, role=roles["unit_reporter"], unit=bureau, actor=None)
        leader_user = User.objects.create(username="leader_a", person=world.leader_a.person)
        grant_role(leader_user, role=roles["leader"], unit=world.unit_a, actor=None)
        task_force = TaskForce.objects.create(
            name="家具产业园推进专班", lead_leader=world.leader_a, lead_unit=world.county_unit
        )

        def project(name, unit):
            row = Project(
                name=name,
                region=world.county,
                introducing_unit=unit,
                responsible_unit=unit,
                liaison_leader=world.leader_a,
                task_force=task_force,
                total_investment=Decimal("50000"),
            )
            return project_services.register_project(
                row, stage="planned", on=D(2024, 1, 2), actor=world.office
            )

        furniture = project("实木家具智能制造项目（测试）", world.unit_a)
        other = project("凤岗物流园项目（测试）", world.unit_b)
    return Setup(
        world,
        furniture,
        other,
        bureau,
        bureau_user,
        leader_user,
        task_force,
        {kind.code: kind for kind in MatterKind.objects.all()},
    )


def new_matter(
    setup, *, kind="project_issue", actor=None, deadline_days=None, cooperating_units=(), **values
):
    """A matter assigned by the office: a land blocker of the furniture project led by township A
    (override any field)."""
    from matters import services
    from matters.models import Matter

    fields = {
        "kind": setup.kinds[kind],
        "title": "项目用地未交地",
        "description": "家具项目用地尚未完成交地，无法开工。",
        "project": setup.project,
        "lead_unit": setup.world.unit_a,
        "responsible_leader": setup.world.leader_a,
        "responsible_person": setup.world.person_a,
        "solution": "加快土地报批和交地。",
        "opened_on": D(2024, 3, 1),
    } | values
    return services.assign_matter(
        Matter(**fields),
        actor=setup.world.office if actor is None else actor,
        deadline_days=deadline_days,
        cooperating_units=cooperating_units,
    )


@dataclass
class Scene:
    """Six matters of March 2024 whose fates cross the dates the overdue tests look at."""

    extended: object  # A, furniture project: deadline 03-15, extension to 04-30 asked 03-20, approved 03-25
    closed_late: object  # B, furniture project: deadline 03-08, closed 03-22
    reopened: object  # C, furniture project: deadline 03-08, closed 03-12, reopened 03-21
    later: object  # F, logistics project: deadline 03-29
    unattached: object  # G, no project: deadline 03-08
    paused: object  # E, logistics project, enterprise request: deadline 03-25, paused since 03-06


@pytest.fixture
def scene(setup, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from matters import services

    settings.MEDIA_ROOT = tmp_path / "media"
    w = setup.world
    office, unit = w.office, w.reporter_a

    def evidence(matter, on):
        upload = SimpleUploadedFile("证明.pdf", b"%PDF-1.7\n%%EOF\n")
        services.add_attachment(matter, actor=unit, upload=upload, on=on)

    extended = new_matter(setup, title="用地未交付", deadline=D(2024, 3, 15))
    closed_late = new_matter(setup, title="用电未接入", deadline=D(2024, 3, 8))
    reopened = new_matter(setup, title="施工许可未办", deadline=D(2024, 3, 8))
    later = new_matter(
        setup,
        title="物流园用地报批",
        project=setup.other_project,
        lead_unit=w.unit_b,
        deadline=D(2024, 3, 29),
    )
    unattached = new_matter(setup, title="镇区道路破损", project=None, deadline=D(2024, 3, 8))
    paused = new_matter(
        setup,
        kind="enterprise_request",
        title="企业申请用工招聘支持",
        project=setup.other_project,
        lead_unit=w.unit_b,
        opened_on=D(2024, 3, 4),
    )
    services.sign_matter(reopened, actor=unit, on=D(2024, 3, 4))
    services.start_handling(reopened, actor=unit, on=D(2024, 3, 4))
    services.submit_feedback(reopened, actor=unit, text="已办结", on=D(2024, 3, 5))
    services.review_matter(reopened, actor=office, passed=True, on=D(2024, 3, 5))
    evidence(reopened, D(2024, 3, 5))
    services.close_matter(reopened, actor=office, on=D(2024, 3, 12))
    services.sign_matter(closed_late, actor=unit, on=D(2024, 3, 4))
    services.start_handling(closed_late, actor=unit, on=D(2024, 3, 4))
    services.pause_matter(paused, actor=w.reporter_b, reason="等待企业提供岗位清单", on=D(2024, 3, 6))
    services.escalate_overdue_matters(D(2024, 3, 20))
    extension = services.request_extension(
        extended, actor=unit, requested_deadline=D(2024, 4, 30), reason="等待用地批复", on=D(2024, 3, 20)
    )
    services.submit_feedback(closed_late, actor=unit, text="已接入临时用电", on=D(2024, 3, 20))
    services.review_matter(closed_late, actor=office, passed=True, on=D(2024, 3, 21))
    evidence(closed_late, D(2024, 3, 21))
    services.reopen_matter(reopened, actor=office, reason="施工许可被退回", on=D(2024, 3, 21))
    services.close_matter(closed_late, actor=office, on=D(2024, 3, 22))
    services.decide_extension(extension, actor=office, approve=True, on=D(2024, 3, 25))
    return Scene(extended, closed_late, reopened, later, unattached, paused)


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded evidence goes to a scratch folder; modules that store files use it for every test."""
    settings.MEDIA_ROOT = tmp_path / "media"
