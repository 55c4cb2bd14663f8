"""The names that label the figures: units, regions, leaders, task forces and industry chains, read
once per computation.
"""


class _Names:
    """Names of the units, regions, leaders, task forces and chains the projects refer to, read once
    (as they are now: names label the figures, they do not change them)."""

    def __init__(self, records):
        from org.models import Leader, Region, TaskForce, Unit
        from projects.models import IndustryChain

        def ids(attribute):
            return {getattr(r, attribute) for r in records} - {None}

        self.units = {
            pk: {"id": pk, "code": code, "name": name, "sort": (order, code)}
            for pk, code, name, order in Unit.objects.filter(pk__in=ids("unit_id")).values_list(
                "pk", "code", "name", "sort_order"
            )
        }
        self.regions = {
            pk: {"id": pk, "code": code, "name": name, "path": path, "sort": (code,)}
            for pk, code, name, path in Region.objects.filter(pk__in=ids("region_id")).values_list(
                "pk", "code", "name", "path"
            )
        }
        self.leaders = {
            pk: {"id": pk, "name": name, "position": position, "sort": (order, name)}
            for pk, name, position, order in Leader.objects.filter(pk__in=ids("leader_id")).values_list(
                "pk", "person__name", "position", "sort_order"
            )
        }
        self.task_forces = {
            pk: {"id": pk, "name": name, "sort": (name,)}
            for pk, name in TaskForce.objects.filter(pk__in=ids("task_force_id")).values_list("pk", "name")
        }
        self.chains = {
            pk: {"id": pk, "name": name, "sort": (order, name)}
            for pk, name, order in IndustryChain.objects.filter(pk__in=ids("chain_id")).values_list(
                "pk", "name", "sort_order"
            )
        }

    def need_units(self, ids):
        """Read the units among `ids` not read yet (reporting and lead units of matters)."""
        from org.models import Unit

        wanted = set(ids) - set(self.units) - {None}
        for pk, code, name, order in Unit.objects.filter(pk__in=wanted).values_list(
            "pk", "code", "name", "sort_order"
        ):
            self.units[pk] = {"id": pk, "code": code, "name": name, "sort": (order, code)}

    @staticmethod
    def _get(table, pk):
        return table.get(pk) or {"id": pk, "name": f"#{pk}", "code": "", "sort": (10**9, str(pk))}

    def unit(self, pk):
        return self._get(self.units, pk)

    def region(self, pk):
        return self._get(self.regions, pk)

    def leader(self, pk):
        return self._get(self.leaders, pk)

    def task_force(self, pk):
        return self._get(self.task_forces, pk)

    def chain(self, pk):
        return self._get(self.chains, pk)
