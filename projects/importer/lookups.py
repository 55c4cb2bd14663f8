"""Names in a sheet → rows in the database, loaded once per import (never created).

Units are named by code, name or short name; leaders by their person's name (a title in brackets after
the name is ignored); regions by code or name; task forces, industry chains by name; national industries
and emerging industries by code, name, or "code name". A name that several rows share is narrowed to the
rows inside the importing office's region; if it is still ambiguous the cell must give the code.
"""

import re
from collections import defaultdict

from org.models import Leader, Region, TaskForce, Unit
from reference.models import EmergingIndustry, Industry

from ..models import IndustryChain
from .cells import CellError, loose, without_titles

# "C2110", "2110" or "2110 木质家具制造": a GB/T 4754 code (its section letter optional) first.
INDUSTRY_CODE = re.compile(r"^[a-t]?(\d{2,4})(?!\d)")


class Index:
    """loose(name) -> [(pk, region path)] for one kind of row, with a per-import cache of answers."""

    def __init__(self, label, advice):
        self.label, self.advice = label, advice
        self.keys = defaultdict(list)
        self.answers = {}

    def add(self, pk, names, path=""):
        for name in names:
            if name:
                entries = self.keys[loose(name)]
                if (pk, path) not in entries:
                    entries.append((pk, path))

    def find(self, name, *, within=""):
        """The pk of the one row called `name`; raises CellError when there is none or several."""
        key = loose(name)
        if key in self.answers:
            answer = self.answers[key]
            if isinstance(answer, CellError):
                raise answer
            return answer
        try:
            answer = self._find(name, key, within)
        except CellError as error:
            self.answers[key] = error
            raise
        self.answers[key] = answer
        return answer

    def _find(self, name, key, within):
        entries = self.keys.get(key, [])
        if len(entries) > 1 and within:
            inside = [entry for entry in entries if entry[1].startswith(within)]
            entries = inside or entries
        if not entries:
            raise CellError(f"找不到{self.label}“{name}”")
        if len({pk for pk, _ in entries}) > 1:
            raise CellError(f"“{name}”对应多个{self.label}，{self.advice}")
        return entries[0][0]


class Directory:
    """Every name a project sheet may use, loaded in a handful of queries."""

    def __init__(self, default_region=None):
        self.within = default_region.path if default_region is not None else ""
        self.regions = Index("区划", "请改填区划代码")
        self.region_paths = {}
        for pk, code, name, path in Region.objects.values_list("pk", "code", "name", "path"):
            self.regions.add(pk, (code, name), path)
            self.region_paths[pk] = path
        self.units = Index("单位", "请改填单位编码")
        for pk, code, name, short_name, region_path in Unit.objects.values_list(
            "pk", "code", "name", "short_name", "region__path"
        ):
            self.units.add(pk, (code, name, short_name), region_path)
        self.leaders = Index("领导", "请先在系统中区分同名领导")
        # A leader who has left (is_active=False) still answers to the name unless a serving one does.
        leaders = Leader.objects.order_by("-is_active").values_list(
            "pk", "person__name", "person__unit__region__path", "is_active"
        )
        serving = set()
        for pk, name, region_path, is_active in leaders:
            if is_active:
                serving.add(loose(name))
            if is_active or loose(name) not in serving:
                self.leaders.add(pk, (name,), region_path)
        self.task_forces = Index("项目推进专班", "请先在系统中区分同名专班")
        for pk, name, region_path in TaskForce.objects.values_list("pk", "name", "lead_unit__region__path"):
            self.task_forces.add(pk, (name,), region_path)
        self.chains = Index("产业链", "请改填产业链全称")
        for pk, name in IndustryChain.objects.values_list("pk", "name"):
            self.chains.add(pk, (name,))
        self.industries = self._classification(Industry, "国民经济行业", "请改填行业代码")
        self.emerging = self._classification(EmergingIndustry, "战略性新兴产业", "请改填分类代码")

    @staticmethod
    def _classification(model, label, advice):
        index = Index(label, advice)
        rows = list(model.objects.values_list("pk", "code", "name"))
        # A name shared by a class and its only sub-class ("其他农业") means the more specific one: the
        # longer code is listed last and the path (its code) starts with the shorter one.
        for pk, code, name in sorted(rows, key=lambda row: len(row[1])):
            index.add(pk, (code, f"{code}{name}"), code)
        by_name = defaultdict(list)
        for pk, code, name in rows:
            by_name[loose(name)].append((pk, code))
        for key, entries in by_name.items():
            entries.sort(key=lambda entry: len(entry[1]))
            deepest = entries[-1][1]
            if all(deepest.startswith(code) for _, code in entries):
                index.keys[key].append((entries[-1][0], deepest))
            else:
                index.keys[key].extend(entries)
        return index

    def region(self, name):
        return self.regions.find(name, within=self.within)

    def unit(self, name):
        return self.units.find(name, within=self.within)

    def leader(self, name):
        return self.leaders.find(without_titles(name), within=self.within)

    def task_force(self, name):
        return self.task_forces.find(name, within=self.within)

    def chain(self, name):
        return self.chains.find(name)

    def industry(self, name):
        match = INDUSTRY_CODE.match(loose(name))
        if match:
            return self.industries.find(match.group(1))
        return self.industries.find(name)

    def emerging_industry(self, name):
        return self.emerging.find(name)
