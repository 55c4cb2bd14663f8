"""The one permission mechanism: grants of a role on a unit or region, covering everything below.

A role (data, see `org.Role`) carries Django permissions such as `org.change_unit`. A grant gives a
user a role on a unit or a region. `scope_filter` turns a user's grants into a filter for a model's
rows using the model's `Scope`; every view, export, API endpoint, dashboard and report gets rows
through `Model.objects.restrict(user, action)`, which calls it.
"""

from collections import defaultdict

from django.apps import apps
from django.db import connections
from django.db.models import Q, Value
from django.db.models.signals import post_delete, post_migrate, post_save

ACTIONS = ("view", "add", "change", "delete", "review")
GRANTS_CACHE_ATTRIBUTE = "_tiaodu_grants"
COVERED_CACHE_ATTRIBUTE = "_tiaodu_covered"


def permission_name(model, action):
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; expected one of {ACTIONS}")
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def user_grants(user):
    """{permission: [(unit_path, region_path), ...]} for the user's grants, cached on the user object."""
    cached = getattr(user, GRANTS_CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    grant_model = apps.get_model("org", "Grant")
    grants = defaultdict(set)
    # No ordering and no joins to the permission tables: planning that query cost more than running it.
    rows = (
        grant_model.objects.filter(user_id=user.pk, role__permissions__isnull=False)
        .order_by()
        .values_list("unit__path", "region__path", "role__permissions")
    )
    names = permission_names()
    for unit_path, region_path, permission_id in rows:
        name = names.get(permission_id) or permission_names(refresh=True).get(permission_id)
        if name:
            grants[name].add((unit_path, region_path))
    result = {perm: sorted(places, key=str) for perm, places in grants.items()}
    setattr(user, GRANTS_CACHE_ATTRIBUTE, result)
    return result


_permission_names = {}


def permission_names(refresh=False):
    """{permission id: "app_label.codename"}, read once per process (permissions change only when
    migrations add models)."""
    if refresh or not _permission_names:
        from django.contrib.auth.models import Permission

        _permission_names.clear()
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        ):
            _permission_names[pk] = f"{app_label}.{codename}"
    return _permission_names


def forget_permission_names(**kwargs):
    _permission_names.clear()


def forget_grants(user):
    """Drop the cached grants (after grants change within the same request or test)."""
    for attribute in (GRANTS_CACHE_ATTRIBUTE, COVERED_CACHE_ATTRIBUTE):
        if hasattr(user, attribute):
            delattr(user, attribute)


def _signed_in(user):
    return user is not None and user.is_authenticated and user.is_active


def has_action(user, model, action):
    """Whether the user may `action` rows of `model` anywhere at all (list pages and create forms)."""
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    if action == "view" and model.scope.public_view:
        return True
    return bool(user_grants(user).get(permission_name(model, action)))


def _join(prefix, suffix):
    return f"{prefix}__{suffix}" if prefix else suffix


def _is_multivalued(model, lookup):
    current = model
    for part in lookup.split("__") if lookup else ():
        field = current._meta.get_field(part)
        if field.many_to_many or field.one_to_many:
            return True
        current = field.related_model
    return False


def _terms_q(model, terms):
    """OR of `lookup → Q` terms; a lookup through a many-valued relation (a project's cooperating units)
    becomes its own uncorrelated `pk IN (…)` subquery, so the main query keeps one row per object
    without DISTINCT."""
    condition = Q()
    for lookup, term in terms:
        if _is_multivalued(model, lookup):
            term = Q(pk__in=model._default_manager.filter(term).values("pk"))
        condition |= term
    return condition


def scope_q_by_paths(model, places):
    """The filter for rows of `model` covered by grants on `places` [(unit_path, region_path)], as
    prefix tests on the paths of the joined units and regions."""
    scope = model.scope
    terms = []
    for unit_path, region_path in places:
        if unit_path:
            terms += [(lookup, Q(**{_join(lookup, "path__startswith"): unit_path})) for lookup in scope.units]
        if region_path:
            terms += [
                (lookup, Q(**{_join(lookup, "path__startswith"): region_path})) for lookup in scope.regions
            ]
            terms += [
                (lookup, Q(**{_join(lookup, "region__path__startswith"): region_path}))
                for lookup in scope.units
            ]
    return _terms_q(model, terms)


# Above this many ids, a covered set goes to the database as a subquery instead of a list of ids.
MAX_LISTED_IDS = 1000


class Covered:
    """What grants on `places` cover, resolved to ids in one query: `unit_ids`, the units at or below a
    granted unit or in a region at or below a granted region, and `region_ids`, the regions at or below
    a granted region. Each is a sorted list of ids, a subquery when longer than MAX_LISTED_IDS, or None
    when empty."""

    def __init__(self, places):
        units, regions = Q(), Q()
        for unit_path, region_path in places:
            if unit_path:
                units |= Q(path__startswith=unit_path)
            if region_path:
                units |= Q(region__path__startswith=region_path)
                regions |= Q(path__startswith=region_path)
        trees = [
            (kind, apps.get_model("org", name)._base_manager.filter(condition).order_by())
            for kind, name, condition in ((0, "Unit", units), (1, "Region", regions))
            if condition
        ]
        found = ([], [])
        if trees:
            queries = [rows.values_list(Value(kind), "pk") for kind, rows in trees]
            for kind, pk in queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]:
                found[kind].append(pk)
        rows = dict(trees)
        self.unit_ids = self._listed(found[0], rows.get(0))
        self.region_ids = self._listed(found[1], rows.get(1))

    @staticmethod
    def _listed(ids, rows):
        if not ids:
            return None
        if len(ids) > MAX_LISTED_IDS:
            return rows.values("pk")
        return sorted(set(ids))


def scope_q_by_ids(model, covered):
    """The filter of `scope_q_by_paths` (same rows) as `fk IN (ids)` on the model's own foreign keys,
    with no joins to the trees, for `covered` (a `Covered`)."""
    scope = model.scope
    terms = []
    for lookups, ids in ((scope.units, covered.unit_ids), (scope.regions, covered.region_ids)):
        if ids is not None:
            terms += [(lookup, Q(**{_join(lookup, "in") if lookup else "pk__in": ids})) for lookup in lookups]
    return _terms_q(model, terms)


_tree_version = [0]


def forget_covered(**kwargs):
    """A unit or region was saved or deleted (or the database migrated): resolved ids are stale."""
    _tree_version[0] += 1


for _signal, _name in ((post_save, "save"), (post_delete, "delete")):
    for _sender in ("org.Unit", "org.Region"):
        _signal.connect(forget_covered, sender=_sender, dispatch_uid=f"tiaodu_covered_{_name}_{_sender}")
post_migrate.connect(forget_covered, dispatch_uid="tiaodu_covered_migrate")


def covered(user, places):
    """`Covered(places)`, resolved once per user object (that is, per request) while no unit or region
    is saved or deleted in this process."""
    version = _tree_version[0]
    cache = getattr(user, COVERED_CACHE_ATTRIBUTE, None)
    if cache is None or cache[0] != version:
        cache = (version, {})
        setattr(user, COVERED_CACHE_ATTRIBUTE, cache)
    key = tuple(places)
    if key not in cache[1]:
        cache[1][key] = Covered(places)
    return cache[1][key]


def scope_q(model, places, vendor, user=None):
    """The filter for rows of `model` covered by grants on `places` [(unit_path, region_path)].

    The rows are the same on every database, the SQL is not. SQLite gets joins to the trees and prefix
    tests on their paths: it walks the list's order index and looks each joined row up by primary key
    (`fk IN (ids)` made it OR together three foreign-key indexes and sort: 0.8 → 40 ms for a page of
    10,000 projects). Elsewhere (PostgreSQL) the units and regions are resolved to ids first (cached on
    `user`): with the joins, PostgreSQL misjudged the list's text search and visited ~490,000 rows for
    that page (280 ms, 20 ms with ids).
    """
    if vendor == "sqlite":
        return scope_q_by_paths(model, places)
    return scope_q_by_ids(model, covered(user, places) if user is not None else Covered(places))


def scope_filter(queryset, user, action):
    """`queryset` narrowed to the rows `user` may `action`; nothing for anonymous users."""
    model = queryset.model
    if not _signed_in(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    if action == "view" and model.scope.public_view:
        return queryset
    places = user_grants(user).get(permission_name(model, action))
    if not places:
        return queryset.none()
    if model.scope.is_global:
        return queryset
    condition = scope_q(model, places, connections[queryset.db].vendor, user)
    if not condition:
        return queryset.none()
    return queryset.filter(condition)
