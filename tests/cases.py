"""One case per business model: how to make a row in township A or B, and what a create posts.

The generic permission tests (tests/test_permissions.py) and the history coverage test run every
case; adding a business model means adding its case here (docs/adding-a-model.md).
"""

import datetime
import itertools
from dataclasses import dataclass, field

from tests import dispatch_cases, lights_cases, matters_cases, project_cases

_numbers = itertools.count(1)


def _n():
    return next(_numbers)


@dataclass
class ModelCase:
    label: str  # "app_label.ModelName"
    api_prefix: str  # "/api/org/units/"
    make: object  # (world, side "a"/"b") -> saved row in that township
    create: object  # (world, side) -> (form data, api data) for a new row in that township
    edit: tuple | None  # (field, value or callable(world)) the edit test changes; None if read_only
    has_import: bool = True
    scoped: bool = True  # False: global reference data (no township to be out of)
    read_only: bool = False  # True: rows only services write; no add/edit/delete/import, API writes 405
    api_fill: bool = False  # read_only, except an API PATCH that fills the row through its workflow service
    api_create: bool = False  # read_only, except an API POST that creates the row through its service
    extra: dict = field(default_factory=dict)

    @property
    def model(self):
        from django.apps import apps

        return apps.get_model(self.label)


def _side(world, side):
    return (
        (world.unit_a, world.region_a, world.person_a, world.leader_a)
        if side == "a"
        else (world.unit_b, world.region_b, world.person_b, world.leader_b)
    )


def make_region(world, side):
    from org.models import Region

    _, region, _, _ = _side(world, side)
    number = _n()
    return Region.objects.create(
        code=f"360703K{number % 90 + 10}",
        name=f"测试功能区{number}",
        level="functional_zone",
        kind="development_zone",
        parent=region,
        is_official=False,
    )


def create_region(world, side):
    _, region, _, _ = _side(world, side)
    number = _n() % 90 + 10
    data = {
        "code": f"360703K{number}",
        "name": f"新功能区{number}",
        "level": "functional_zone",
        "kind": "development_zone",
        "parent": region.pk,
        "is_official": "",
    }
    return data, {**data, "is_official": False}


def make_unit(world, side):
    from org.models import Unit

    unit, region, _, _ = _side(world, side)
    number = _n()
    return Unit.objects.create(
        code=f"U{number}", name=f"测试村委会{number}", kind="other", parent=unit, region=region
    )


def create_unit(world, side):
    unit, region, _, _ = _side(world, side)
    number = _n()
    data = {
        "code": f"NEW{number}",
        "name": f"新单位{number}",
        "kind": "other",
        "parent": unit.pk,
        "region": region.pk,
        "sort_order": "0",
        "is_active": "on",
    }
    return data, {**data, "is_active": True, "sort_order": 0}


def make_person(world, side):
    from org.models import Person

    unit, _, _, _ = _side(world, side)
    return Person.objects.create(name=f"测试人员{_n()}", unit=unit)


def create_person(world, side):
    unit, _, _, _ = _side(world, side)
    data = {
        "name": f"新人员{_n()}",
        "unit": unit.pk,
        "title": "科员",
        "phone": "0797-1234567",
        "is_active": "on",
    }
    return data, {**data, "is_active": True}


def make_leader(world, side):
    from org.models import Leader

    return Leader.objects.create(person=make_person(world, side), rank="section", position="副镇长")


def create_leader(world, side):
    person = make_person(world, side)
    data = {
        "person": person.pk,
        "rank": "section",
        "position": "副镇长",
        "sort_order": "1",
        "is_active": "on",
    }
    return data, {**data, "is_active": True, "sort_order": 1}


def make_task_force(world, side):
    from org.models import TaskForce

    unit, _, _, leader = _side(world, side)
    return TaskForce.objects.create(name=f"测试专班{_n()}", lead_leader=leader, lead_unit=unit)


def create_task_force(world, side):
    unit, _, _, leader = _side(world, side)
    data = {
        "name": f"新专班{_n()}",
        "lead_leader": leader.pk,
        "lead_unit": unit.pk,
        "purpose": "推进",
        "is_active": "on",
    }
    return data, {**data, "is_active": True}


def make_task_force_member(world, side):
    from org.models import TaskForceMember

    return TaskForceMember.objects.create(
        task_force=make_task_force(world, side), person=make_person(world, side)
    )


def create_task_force_member(world, side):
    data = {
        "task_force": make_task_force(world, side).pk,
        "person": make_person(world, side).pk,
        "duty": "member",
    }
    return data, data


def make_peer_group(world, side):
    from org.models import PeerGroup

    _, region, _, _ = _side(world, side)
    return PeerGroup.objects.create(name=f"测试考核分类{_n()}", region=region, level="township")


def create_peer_group(world, side):
    _, region, _, _ = _side(world, side)
    data = {
        "name": f"新考核分类{_n()}",
        "region": region.pk,
        "level": "township",
        "regions": [region.pk],
        "sort_order": "1",
    }
    return data, {**data, "sort_order": 1}


def make_role(world, side):
    from org.models import Role

    number = _n()
    return Role.objects.create(code=f"role-{number}", name=f"测试角色{number}")


def create_role(world, side):
    number = _n()
    data = {"code": f"new-role-{number}", "name": f"新角色{number}", "description": "测试"}
    return data, data


def make_user(world, side):
    from org.models import User

    return User.objects.create(username=f"user{_n()}", person=make_person(world, side))


def create_user(world, side):
    person = make_person(world, side)
    data = {
        "username": f"newuser{_n()}",
        "person": person.pk,
        "is_active": "on",
        "password": "Kx9-long-password",
    }
    return data, {"username": data["username"], "person": person.pk, "is_active": True}


def make_grant(world, side):
    from org.models import Grant, Role

    unit, _, _, _ = _side(world, side)
    return Grant.objects.create(user=make_user(world, side), role=Role.objects.get(code="viewer"), unit=unit)


def create_grant(world, side):
    from org.models import Role

    unit, _, _, _ = _side(world, side)
    data = {"user": make_user(world, side).pk, "role": Role.objects.get(code="viewer").pk, "unit": unit.pk}
    return data, data


def make_promotion_team(world, side):
    from promotion.models import PromotionTeam

    unit, _, _, leader = _side(world, side)
    return PromotionTeam.objects.create(name=f"测试招商队{_n()}", lead_leader=leader, lead_unit=unit)


def create_promotion_team(world, side):
    unit, _, _, leader = _side(world, side)
    data = {
        "name": f"新招商队{_n()}",
        "lead_leader": leader.pk,
        "lead_unit": unit.pk,
        "focus_industries": "新能源",
        "is_active": "on",
    }
    return data, {**data, "is_active": True}


def make_promotion_team_member(world, side):
    from promotion.models import PromotionTeamMember

    return PromotionTeamMember.objects.create(
        team=make_promotion_team(world, side), person=make_person(world, side)
    )


def create_promotion_team_member(world, side):
    data = {
        "team": make_promotion_team(world, side).pk,
        "person": make_person(world, side).pk,
        "duty": "member",
    }
    return data, data


def make_industry(world, side):
    from reference.models import Industry

    return Industry.objects.create(code=f"Z{_n() % 900 + 100}", name="测试行业", level="class", section="Z")


def create_industry(world, side):
    data = {
        "code": f"Y{_n() % 900 + 100}",
        "name": "新行业",
        "level": "class",
        "section": "Y",
        "description": "",
    }
    return data, data


def make_emerging_industry(world, side):
    from reference.models import EmergingIndustry

    return EmergingIndustry.objects.create(code=f"99.{_n()}", name="测试新兴产业", level=2)


def create_emerging_industry(world, side):
    data = {"code": f"98.{_n()}", "name": "新的新兴产业", "level": "2"}
    return data, {**data, "level": 2}


def _leader_role(world):
    from org.models import Role

    return Role.objects.get(code="leader").pk


CASES = [
    ModelCase("org.Region", "/api/org/regions/", make_region, create_region, ("name", "改名功能区")),
    ModelCase("org.Unit", "/api/org/units/", make_unit, create_unit, ("name", "改名单位")),
    ModelCase("org.Person", "/api/org/people/", make_person, create_person, ("title", "副科长")),
    ModelCase("org.Leader", "/api/org/leaders/", make_leader, create_leader, ("position", "镇党委书记")),
    ModelCase(
        "org.TaskForce", "/api/org/task-forces/", make_task_force, create_task_force, ("purpose", "新职责")
    ),
    ModelCase(
        "org.TaskForceMember",
        "/api/org/task-force-members/",
        make_task_force_member,
        create_task_force_member,
        ("duty", "liaison"),
    ),
    ModelCase(
        "org.PeerGroup", "/api/org/peer-groups/", make_peer_group, create_peer_group, ("sort_order", 5)
    ),
    ModelCase(
        "org.Role",
        "/api/org/roles/",
        make_role,
        create_role,
        ("description", "新说明"),
        has_import=False,
        scoped=False,
    ),
    ModelCase(
        "org.User", "/api/org/users/", make_user, create_user, ("username", "renamed_user"), has_import=False
    ),
    ModelCase("org.Grant", "/api/org/grants/", make_grant, create_grant, ("role", _leader_role)),
    ModelCase(
        "promotion.PromotionTeam",
        "/api/promotion/teams/",
        make_promotion_team,
        create_promotion_team,
        ("focus_industries", "新材料"),
    ),
    ModelCase(
        "promotion.PromotionTeamMember",
        "/api/promotion/team-members/",
        make_promotion_team_member,
        create_promotion_team_member,
        ("duty", "lead"),
    ),
    ModelCase(
        "reference.Industry",
        "/api/reference/industries/",
        make_industry,
        create_industry,
        ("description", "说明"),
        scoped=False,
    ),
    ModelCase(
        "reference.EmergingIndustry",
        "/api/reference/emerging-industries/",
        make_emerging_industry,
        create_emerging_industry,
        ("name", "改名产业"),
        scoped=False,
    ),
    ModelCase(
        "projects.IndustryChain",
        "/api/projects/industry-chains/",
        project_cases.make_industry_chain,
        project_cases.create_industry_chain,
        ("name", "改名产业链"),
        scoped=False,
    ),
    ModelCase(
        "projects.Project",
        "/api/projects/projects/",
        project_cases.make_project,
        project_cases.create_project,
        ("investor_name", "南康家具有限公司"),
    ),
    ModelCase(
        "projects.ProjectFunding",
        "/api/projects/fundings/",
        project_cases.make_project_funding,
        project_cases.create_project_funding,
        ("source", "bank_loan"),
    ),
    ModelCase(
        "projects.AnnualPlan",
        "/api/projects/annual-plans/",
        project_cases.make_annual_plan,
        project_cases.create_annual_plan,
        ("year", 2030),
    ),
    ModelCase(
        "projects.StageTransition",
        "/api/projects/stage-transitions/",
        project_cases.make_stage_transition,
        project_cases.create_stage_transition,
        None,
        has_import=False,
        read_only=True,
    ),
    ModelCase(
        "projects.Milestone",
        "/api/projects/milestones/",
        project_cases.make_milestone,
        project_cases.create_milestone,
        ("planned_on", datetime.date(2025, 7, 1)),
    ),
    ModelCase(
        "projects.PlanAdjustment",
        "/api/projects/plan-adjustments/",
        project_cases.make_plan_adjustment,
        project_cases.create_plan_adjustment,
        None,
        has_import=False,
        read_only=True,
    ),
    ModelCase(
        "projects.Event",
        "/api/projects/events/",
        project_cases.make_event,
        project_cases.create_event,
        ("place", "新地点"),
    ),
    ModelCase(
        "projects.FactorNeed",
        "/api/projects/factor-needs/",
        project_cases.make_factor_need,
        project_cases.create_factor_need,
        ("description", "改后的需求"),
        has_import=False,  # FactorNeed declares no import_keys, so a re-imported sheet could not match rows
    ),
    ModelCase(
        "dispatch.Cadence",
        "/api/dispatch/cadences/",
        dispatch_cases.make_cadence,
        dispatch_cases.create_cadence,
        ("grace_days", 1),
    ),
    ModelCase(
        "dispatch.DispatchRound",
        "/api/dispatch/rounds/",
        dispatch_cases.make_dispatch_round,
        dispatch_cases.create_dispatch_round,
        None,
        has_import=False,
        read_only=True,
    ),
    ModelCase(
        "dispatch.ProgressReport",
        "/api/dispatch/reports/",
        dispatch_cases.make_progress_report,
        dispatch_cases.create_progress_report,
        None,
        has_import=False,
        read_only=True,  # filled on its own page (dispatch:report_fill), reviewed by the office
        api_fill=True,  # PATCH → services.save_report
    ),
    ModelCase(
        "dispatch.ReportPhoto",
        "/api/dispatch/photos/",
        dispatch_cases.make_report_photo,
        dispatch_cases.create_report_photo,
        None,
        has_import=False,
        read_only=True,
    ),
    ModelCase(
        "dispatch.ReportReview",
        "/api/dispatch/report-reviews/",
        dispatch_cases.make_report_review,
        dispatch_cases.create_report_review,
        None,
        has_import=False,
        read_only=True,
    ),
    ModelCase(
        "dispatch.ValidationRule",
        "/api/dispatch/validation-rules/",
        dispatch_cases.make_validation_rule,
        dispatch_cases.create_validation_rule,
        ("message", "新的提示。"),
        scoped=False,
    ),
    ModelCase(
        "dispatch.LockException",
        "/api/dispatch/lock-exceptions/",
        dispatch_cases.make_lock_exception,
        dispatch_cases.create_lock_exception,
        ("reason", "延长补报"),
        has_import=False,  # a new exception is granted through services.grant_lock_exception
    ),
    ModelCase(
        "dispatch.Reminder",
        "/api/dispatch/reminders/",
        dispatch_cases.make_reminder,
        dispatch_cases.create_reminder,
        None,
        has_import=False,
        read_only=True,
    ),
    ModelCase(
        "matters.MatterKind",
        "/api/matters/kinds/",
        matters_cases.make_matter_kind,
        matters_cases.create_matter_kind,
        ("name", "改名事项类型"),
        has_import=False,  # a handful of rows with nested clocks and ladders, configured on the page
        scoped=False,
    ),
    ModelCase(
        "matters.Matter",
        "/api/matters/matters/",
        matters_cases.make_matter,
        matters_cases.create_matter,
        ("solution", "改后的解决措施"),
        has_import=False,  # 交办 only through services.assign_matter (the add page and the API)
    ),
    ModelCase(
        "matters.MatterEvent",
        "/api/matters/events/",
        matters_cases.make_matter_event,
        matters_cases.create_matter_event,
        None,
        has_import=False,
        read_only=True,
    ),
    ModelCase(
        "matters.ExtensionRequest",
        "/api/matters/extension-requests/",
        matters_cases.make_extension_request,
        matters_cases.create_extension_request,
        None,
        has_import=False,
        read_only=True,
    ),
    ModelCase(
        "matters.MatterPause",
        "/api/matters/pauses/",
        matters_cases.make_matter_pause,
        matters_cases.create_matter_pause,
        None,
        has_import=False,
        read_only=True,
    ),
    ModelCase(
        "matters.MatterAttachment",
        "/api/matters/attachments/",
        matters_cases.make_matter_attachment,
        matters_cases.create_matter_attachment,
        None,
        has_import=False,
        read_only=True,
    ),
    ModelCase(
        "matters.WorkdayOverride",
        "/api/matters/workday-overrides/",
        matters_cases.make_workday_override,
        matters_cases.create_workday_override,
        ("note", "2031年春节调休"),
        scoped=False,
    ),
    ModelCase(
        "lights.RuleSet",
        "/api/lights/rulesets/",
        lights_cases.make_ruleset,
        lights_cases.create_ruleset,
        None,
        has_import=False,
        scoped=False,
        read_only=True,  # a version is never edited or deleted; the editor publishes the next one
        api_create=True,  # POST → services.save_ruleset
    ),
    ModelCase(
        "lights.ProjectLight",
        "/api/lights/lights/",
        lights_cases.make_project_light,
        lights_cases.create_project_light,
        None,
        has_import=False,
        read_only=True,  # written only by services.record_round_lights
    ),
]
