"""The one permission mechanism: grants of a role on a unit or region, covering everything below.

A role (data, see `org.Role`) carries Django permissions such as `org.change_unit`. A grant gives a
user a role on a unit or a region. `scope_filter` turns a user's grants into a filter for a model's
rows using the model's `Scope`; every view, export, API endpoint, dashboard and report gets rows
through `Model.objects.restrict(user, action)`, which calls it.
"""

from collections import defaultdict

from django.apps import apps
from django.db.models import Q

ACTIONS = ("view", "add", "change", "delete", "review")
GRANTS_CACHE_ATTRIBUTE = "_tiaodu_grants"


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
    if hasattr(user, GRANTS_CACHE_ATTRIBUTE):
        delattr(user, GRANTS_CACHE_ATTRIBUTE)


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


def scope_q(model, places):
    """The filter for rows of `model` covered by grants on `places` [(unit_path, region_path)].

    A lookup through a many-valued relation (a project's cooperating units) becomes its own
    uncorrelated `pk IN (…)` subquery, so the main query keeps one row per object without DISTINCT.
    """
    scope = model.scope
    terms = []
    for unit_path, region_path in places:
        if unit_path:
            terms += [(lookup, _join(lookup, "path__startswith"), unit_path) for lookup in scope.units]
        if region_path:
            terms += [(lookup, _join(lookup, "path__startswith"), region_path) for lookup in scope.regions]
            terms += [
                (lookup, _join(lookup, "region__path__startswith"), region_path) for lookup in scope.units
            ]
    condition = Q()
    for lookup, field_lookup, path in terms:
        term = Q(**{field_lookup: path})
        if _is_multivalued(model, lookup):
            term = Q(pk__in=model._default_manager.filter(term).values("pk"))
        condition |= term
    return condition


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
    condition = scope_q(model, places)
    if not condition:
        return queryset.none()
    return queryset.filter(condition)
