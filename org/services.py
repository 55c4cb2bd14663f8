"""Workflows on the organisation: loading the division codes, the default roles, granting roles."""

import csv
from pathlib import Path

from django.contrib.auth.models import Permission
from django.db import transaction

from core.history import history_context
from core.permissions import forget_grants

from .choices import RegionKind, RegionLevel

DATA_DIR = Path(__file__).resolve().parent / "data"

# Functional zones have no GB/T 2260 code; they get extension codes "<parent code>K<nn>" so they can
# never collide with official codes (which are all digits).
FUNCTIONAL_ZONES = (
    ("360700K01", "赣州经济技术开发区", "360700", RegionKind.DEVELOPMENT_ZONE),
    ("360700K02", "赣州蓉江新区", "360700", RegionKind.NEW_AREA),
    ("360700K03", "赣州高新技术产业开发区", "360700", RegionKind.HIGH_TECH_ZONE),
    ("360703K01", "南康经济开发区", "360703", RegionKind.DEVELOPMENT_ZONE),
)
EXTENSION_SOURCE = "tiaodu 扩展代码（功能区无 GB/T 2260 官方代码）"

TOWNSHIP_SUFFIXES = (
    ("民族乡", RegionKind.ETHNIC_TOWNSHIP),
    ("街道", RegionKind.SUBDISTRICT),
    ("镇", RegionKind.TOWN),
    ("乡", RegionKind.TOWNSHIP),
)


def _read_csv(name):
    """Rows of a shipped CSV file; its first line names the source and is kept as `source`."""
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        source = handle.readline().lstrip("# ").strip()
        return source, list(csv.DictReader(handle))


def _township_kind(name):
    for suffix, kind in TOWNSHIP_SUFFIXES:
        if name.endswith(suffix):
            return kind
    return RegionKind.INDUSTRIAL_PARK


def region_rows():
    """(code, name, level, kind, parent code, is_official, source) of every region we ship."""
    divisions_source, divisions = _read_csv("jiangxi_divisions.csv")
    townships_source, townships = _read_csv("ganzhou_townships.csv")
    rows = [
        (
            row["code"],
            row["name"],
            row["level"] if row["level"] != "prefecture" else RegionLevel.PREFECTURE,
            row["type"],
            row["parent_code"],
            True,
            divisions_source[:255],
        )
        for row in divisions
    ]
    rows += [
        (
            row["code"],
            row["name"],
            RegionLevel.TOWNSHIP,
            _township_kind(row["name"]),
            row["county_code"],
            True,
            townships_source[:255],
        )
        for row in townships
    ]
    rows += [
        (code, name, RegionLevel.FUNCTIONAL_ZONE, kind, parent, False, EXTENSION_SOURCE)
        for code, name, parent, kind in FUNCTIONAL_ZONES
    ]
    return rows


def load_regions(region_model=None):
    """Create or update the shipped regions (idempotent); works with a migration's historical model."""
    if region_model is None:
        from .models import Region as region_model
    existing = {region.code: region for region in region_model.objects.all()}
    by_code = {}
    with transaction.atomic():
        for code, name, level, kind, parent_code, official, source in region_rows():
            region = existing.get(code) or region_model(code=code)
            region.name, region.level, region.kind = name, level, kind
            region.is_official, region.source = official, source
            region.parent = by_code.get(parent_code)
            if region.pk is None:
                region.path = ""
            region.save()
            by_code[code] = region
        for region in by_code.values():
            expected = f"{region.parent.path if region.parent else '/'}{region.pk}/"
            if region.path != expected:
                region.path = expected
                region_model.objects.filter(pk=region.pk).update(path=expected)
    return len(by_code)


# Roles are data: these are the defaults created once; offices may then edit them.
ORG_MODELS = ("org.unit", "org.person", "org.leader", "org.taskforce", "org.taskforcemember", "org.peergroup")
PROMOTION_MODELS = ("promotion.promotionteam", "promotion.promotionteammember")
ADMIN_MODELS = ("org.user", "org.grant", "org.region")
PROJECT_MODELS = (
    "projects.industrychain",
    "projects.project",
    "projects.projectfunding",
    "projects.annualplan",
    "projects.stagetransition",
    "projects.milestone",
    "projects.planadjustment",
    "projects.event",
    "projects.factorneed",
)
DISPATCH_MODELS = (
    "dispatch.cadence",
    "dispatch.dispatchround",
    "dispatch.progressreport",
    "dispatch.reportphoto",
    "dispatch.reportreview",
    "dispatch.validationrule",
    "dispatch.lockexception",
    "dispatch.reminder",
)
MATTERS_MODELS = (
    "matters.matterkind",
    "matters.matter",
    "matters.matterevent",
    "matters.extensionrequest",
    "matters.matterpause",
    "matters.matterattachment",
    "matters.workdayoverride",
)
# 预警亮灯: the office publishes the rules and records lights; whoever else reads projects reads them.
LIGHTS_MODELS = ("lights.ruleset", "lights.projectlight")
# 报告与函件: the office keeps the Word templates and issues letters ("review"); the others read them.
REPORTS_MODELS = ("reports.documenttemplate", "reports.letterissue", "reports.specialreport")
READ_MODELS = (*DISPATCH_MODELS, *MATTERS_MODELS, *LIGHTS_MODELS, *REPORTS_MODELS)
DEFAULT_ROLES = {
    "office_admin": (
        "项目办",
        "县（区）项目办：管理授权范围内的全部数据、用户和授权。",
        {
            model: ("view", "add", "change", "delete")
            for model in (*ORG_MODELS, *PROMOTION_MODELS, *ADMIN_MODELS)
        }
        | {model: ("view", "add", "change", "delete") for model in PROJECT_MODELS}
        | {model: ("view", "add", "change", "delete") for model in DISPATCH_MODELS}
        | {"dispatch.progressreport": ("view", "add", "change", "delete", "review")}
        | {model: ("view", "add", "change", "delete") for model in MATTERS_MODELS}
        | {"matters.matter": ("view", "add", "change", "delete", "review")}
        | {model: ("view", "add", "change", "delete") for model in (*LIGHTS_MODELS, *REPORTS_MODELS)}
        | {"reports.letterissue": ("view", "add", "change", "delete", "review")}
        | {"dashboard.mapboundary": ("view", "add", "change", "delete")}
        | {"org.role": ("view",)},
    ),
    "unit_reporter": (
        "责任单位填报员",
        "责任单位（部门、乡镇、园区）填报员：维护本单位人员，填报本单位项目进度。",
        {model: ("view",) for model in (*ORG_MODELS, *PROMOTION_MODELS)}
        | {"org.person": ("view", "add", "change")}
        | {model: ("view",) for model in PROJECT_MODELS}
        | {"projects.project": ("view", "change")}
        | {model: ("view", "add", "change") for model in ("projects.factorneed", "projects.milestone")}
        | {model: ("view",) for model in DISPATCH_MODELS}
        | {"dispatch.progressreport": ("view", "change")}
        | {"dispatch.reportphoto": ("view", "add", "delete")}
        | {model: ("view",) for model in (*MATTERS_MODELS, *LIGHTS_MODELS, *REPORTS_MODELS)}
        | {"matters.matter": ("view", "change")}
        | {model: ("view", "add") for model in ("matters.extensionrequest", "matters.matterattachment")},
    ),
    "leader": (
        "领导",
        "区领导、挂点领导：查看授权范围内的全部数据。",
        {model: ("view",) for model in (*ORG_MODELS, *PROMOTION_MODELS, "org.user", "org.grant")}
        | {model: ("view",) for model in PROJECT_MODELS}
        | {model: ("view",) for model in READ_MODELS},
    ),
    "discipline": (
        "纪委",
        "纪委监委：查看组织机构与人员；家访等保密数据另行授权。",
        {model: ("view",) for model in ("org.unit", "org.person", "org.leader")},
    ),
    "viewer": (
        "只读",
        "只读用户：查看授权范围内的数据，不能修改。",
        {model: ("view",) for model in (*ORG_MODELS, *PROMOTION_MODELS)}
        | {model: ("view",) for model in PROJECT_MODELS}
        | {model: ("view",) for model in READ_MODELS},
    ),
}


def _permissions(spec):
    wanted = set()
    for label, actions in spec.items():
        app_label, model_name = label.split(".")
        wanted |= {(app_label, f"{action}_{model_name}") for action in actions}
    found = Permission.objects.filter(content_type__app_label__in={a for a, _ in wanted}).select_related(
        "content_type"
    )
    return [
        permission
        for permission in found
        if (permission.content_type.app_label, permission.codename) in wanted
    ]


def _spec_apps(spec):
    return sorted({label.split(".")[0] for label in spec})


def ensure_default_roles(*, actor=None):
    """Create the default roles that do not exist yet. Existing roles are left as offices edited them,
    except that an app added by an upgrade (e.g. dispatch) brings its default permissions once to the
    default roles that name it; `Role.default_apps` records which apps were applied."""
    from .models import Role

    created = []
    with transaction.atomic(), history_context(actor=actor, reason="创建默认角色"):
        for code, (name, description, spec) in DEFAULT_ROLES.items():
            role = Role.objects.filter(code=code).first()
            if role is None:
                role = Role.objects.create(
                    code=code, name=name, description=description, default_apps=_spec_apps(spec)
                )
                role.permissions.set(_permissions(spec))
                created.append(role)
                continue
            new_apps = [app for app in _spec_apps(spec) if app not in role.default_apps]
            if new_apps:
                with history_context(reason=f"升级：授予新模块默认权限（{'、'.join(new_apps)}）"):
                    role.permissions.add(
                        *_permissions(
                            {
                                label: actions
                                for label, actions in spec.items()
                                if label.split(".")[0] in new_apps
                            }
                        )
                    )
                    role.default_apps = sorted([*role.default_apps, *new_apps])
                    role.save()
    return created


def grant_role(user, *, role, unit=None, region=None, actor):
    """Give `user` the role on a unit or a region (idempotent); returns the grant."""
    from .models import Grant

    if (unit is None) == (region is None):
        raise ValueError("授权须指定单位或区划之一")
    with transaction.atomic(), history_context(actor=actor, reason="授权"):
        grant, _ = Grant.objects.get_or_create(user=user, role=role, unit=unit, region=region)
    forget_grants(user)
    return grant
