"""One case per business model: how to make a row in township A or B, and what a create posts.

The generic permission tests (tests/test_permissions.py) and the history coverage test run every
case; adding a business model means adding its case here (docs/adding-a-model.md).
"""

import datetime
from dataclasses import dataclass, field

from tests import dispatch_cases, lights_cases, matters_cases, org_cases, project_cases


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


CASES = [
    ModelCase(
        "org.Region",
        "/api/org/regions/",
        org_cases.make_region,
        org_cases.create_region,
        ("name", "改名功能区"),
    ),
    ModelCase(
        "org.Unit", "/api/org/units/", org_cases.make_unit, org_cases.create_unit, ("name", "改名单位")
    ),
    ModelCase(
        "org.Person", "/api/org/people/", org_cases.make_person, org_cases.create_person, ("title", "副科长")
    ),
    ModelCase(
        "org.Leader",
        "/api/org/leaders/",
        org_cases.make_leader,
        org_cases.create_leader,
        ("position", "镇党委书记"),
    ),
    ModelCase(
        "org.TaskForce",
        "/api/org/task-forces/",
        org_cases.make_task_force,
        org_cases.create_task_force,
        ("purpose", "新职责"),
    ),
    ModelCase(
        "org.TaskForceMember",
        "/api/org/task-force-members/",
        org_cases.make_task_force_member,
        org_cases.create_task_force_member,
        ("duty", "liaison"),
    ),
    ModelCase(
        "org.PeerGroup",
        "/api/org/peer-groups/",
        org_cases.make_peer_group,
        org_cases.create_peer_group,
        ("sort_order", 5),
    ),
    ModelCase(
        "org.Role",
        "/api/org/roles/",
        org_cases.make_role,
        org_cases.create_role,
        ("description", "新说明"),
        has_import=False,
        scoped=False,
    ),
    ModelCase(
        "org.User",
        "/api/org/users/",
        org_cases.make_user,
        org_cases.create_user,
        ("username", "renamed_user"),
        has_import=False,
    ),
    ModelCase(
        "org.Grant",
        "/api/org/grants/",
        org_cases.make_grant,
        org_cases.create_grant,
        ("role", org_cases.leader_role),
    ),
    ModelCase(
        "promotion.PromotionTeam",
        "/api/promotion/teams/",
        org_cases.make_promotion_team,
        org_cases.create_promotion_team,
        ("focus_industries", "新材料"),
    ),
    ModelCase(
        "promotion.PromotionTeamMember",
        "/api/promotion/team-members/",
        org_cases.make_promotion_team_member,
        org_cases.create_promotion_team_member,
        ("duty", "lead"),
    ),
    ModelCase(
        "reference.Industry",
        "/api/reference/industries/",
        org_cases.make_industry,
        org_cases.create_industry,
        ("description", "说明"),
        scoped=False,
    ),
    ModelCase(
        "reference.EmergingIndustry",
        "/api/reference/emerging-industries/",
        org_cases.make_emerging_industry,
        org_cases.create_emerging_industry,
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
