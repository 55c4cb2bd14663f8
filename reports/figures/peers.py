"""Rankings within peer groups (考核分类): the city sorts its counties into classes (一类县, 二类县 …) and
ranks each county only against the others of its class.

A peer group's regions are read as recorded at the figures' moment (the group's history and that of
its membership), so a later reclassification does not change a past ranking. Each region's figures
are those of the projects in scope located in it or in the regions below it.
"""

from django.apps import apps

from core.timetravel import rows_as_of


def peer_group_rankings(builder, records, names):
    """[{group, regions: [summary with rank]}] for every peer group with a region holding projects in
    scope; [] when there are none (or org has no peer groups)."""
    try:
        PeerGroup = apps.get_model("org", "PeerGroup")
    except LookupError:
        return []
    from org.models import Region

    groups = list(rows_as_of(PeerGroup, builder.moment, ("id", "name", "level", "sort_order"), tuples=True))
    if not groups:
        return []
    members = _members(PeerGroup, builder.moment, [group[0] for group in groups])
    region_ids = {region for regions in members.values() for region in regions}
    regions = {
        pk: (code, name, path)
        for pk, code, name, path in Region.objects.filter(pk__in=region_ids).values_list(
            "pk", "code", "name", "path"
        )
    }
    project_paths = {r.id: names.region(r.region_id).get("path", "") for r in records}
    from .engine import rank

    result = []
    for pk, name, level, _ in sorted(groups, key=lambda group: (group[3], group[1])):
        entries = []
        for region_id in sorted(members.get(pk, ()), key=lambda region: regions.get(region, ("",))[0]):
            if region_id not in regions:
                continue
            code, region_name, path = regions[region_id]
            inside = [r for r in records if project_paths[r.id].startswith(path)]
            entries.append({"id": region_id, "code": code, "name": region_name, **builder.summarise(inside)})
        if any(entry["projects"]["value"] for entry in entries):
            result.append({"id": pk, "name": name, "level": level, "regions": rank(entries)})
    return result


def _members(PeerGroup, moment, group_ids):
    """{group id: {region ids}} as recorded at `moment`: the membership rows of each group's latest
    history record at that moment (simple-history keeps the M2M with each record)."""
    from core.timetravel import history_as_of

    historical = PeerGroup.history.model
    through = historical.regions.model if hasattr(historical, "regions") else None
    members = {}
    if through is None:
        for group in PeerGroup.objects.filter(pk__in=group_ids).prefetch_related("regions"):
            members[group.pk] = {region.pk for region in group.regions.all()}
        return members
    records = dict(history_as_of(PeerGroup, moment).filter(id__in=group_ids).values_list("history_id", "id"))
    for history_id, region_id in through.objects.filter(history_id__in=list(records)).values_list(
        "history_id", "region_id"
    ):
        members.setdefault(records[history_id], set()).add(region_id)
    return members
