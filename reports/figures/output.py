"""The figures object: a plain nested dict (`Figures.data`), its JSON form, its checksum and a short
Chinese summary for the command line."""

import datetime
import gc
import hashlib
import json
from decimal import Decimal

CENT = Decimal("0.01")
WAN_PER_YI = Decimal(10000)


class Deferred:
    """A part of the figures built only when read (the per-project table)."""

    def __init__(self, build):
        self.build = build


def _settled(value):
    return value.build() if isinstance(value, Deferred) else value


def plain(value):
    """`value` with every Decimal as a string with two decimals (万元, percent and points all carry
    two), every date and datetime in ISO 8601, tuples as lists: what JSON and the checksum read.

    Dispatched on the exact type (a figures object holds hundreds of thousands of values); subclasses
    (a defaultdict, a choices member) take the general path."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    convert = _CONVERT.get(kind)
    return convert(value) if convert is not None else _general(value)


def _dict(value):
    return {
        (key if type(key) is str else str(key)): (item if type(item) in _SCALARS else plain(item))
        for key, item in value.items()
    }


def _list(value):
    # The figures' lists are homogeneous: source ids (hundreds of thousands in all), or dicts, or labels.
    if value and type(value[0]) is int and type(value[-1]) is int:
        return list(value)
    return [item if type(item) in _SCALARS else plain(item) for item in value]


def _decimal(value):
    return str(value.quantize(CENT))


def _general(value):
    if isinstance(value, dict):
        return _dict(value)
    if isinstance(value, list | tuple):
        return _list(value)
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    return value


_SCALARS = frozenset((str, int, float, bool, type(None)))
_CONVERT = {
    dict: _dict,
    list: _list,
    tuple: _list,
    Decimal: _decimal,
    datetime.date: datetime.date.isoformat,
    datetime.datetime: datetime.datetime.isoformat,
}


class Figures:
    """The figures of one scope on one date (see docs/figures.md for every key).

    `data` holds Decimals and dates; `to_dict()` is its JSON-ready form (Decimals as strings with two
    decimals), `to_json()` the text, `checksum()` a SHA-256 over that canonical text — sorted keys, no
    spaces — leaving out `parameters.recorded_at`, so the same figures read at two moments (nothing
    changed between) have the same checksum, and any changed figure changes it."""

    def __init__(self, data):
        self._data = data
        self._parts = {}
        self._plain = None

    @property
    def data(self):
        """The whole nested dict, every deferred part built."""
        for key, value in self._data.items():
            self._data[key] = _settled(value)
        return self._data

    def __getitem__(self, key):
        value = self._data[key] = _settled(self._data[key])
        return value

    def to_dict(self):
        """The JSON-ready form, built once (the dashboard's cache hands the same Figures to every
        request): read it, do not change it."""
        if self._plain is None:
            self._plain = self.parts(*self._data)
        return self._plain

    def parts(self, *keys):
        """{key: the JSON-ready form of that top-level part} for the `keys` the figures have (unknown
        ones left out), each built once and shared like `to_dict()`: a page that shows a few parts
        does not build the others (the per-project table, the leaders' and task forces' summaries…)."""
        missing = [key for key in keys if key in self._data and key not in self._parts]
        if missing:
            # Hundreds of thousands of new, acyclic objects: the cyclic collector's passes would only
            # add time (as in compute_figures).
            collecting = gc.isenabled()
            gc.disable()
            try:
                for key in missing:
                    self._parts[key] = plain(self[key])
            finally:
                if collecting:
                    gc.enable()
        return {str(key): self._parts[key] for key in keys if key in self._parts}

    def to_json(self, indent=None):
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, sort_keys=True)

    def checksum(self):
        content = dict(self.to_dict())
        content["parameters"] = {k: v for k, v in content["parameters"].items() if k != "recorded_at"}
        text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def summary_lines(self):
        """The figures as Chinese sentences (the CLI without --json)."""
        data = self.data
        parameters, summary = data["parameters"], data["summary"]
        scope = parameters["scope"]
        where = "、".join(
            [
                scope[key]["name"]
                for key in ("region", "unit", "leader", "task_force", "industry_chain")
                if key in scope
            ]
            + [tier["label"] for tier in scope.get("tiers", [])]
        )
        lines = [
            f"统计日期：{parameters['as_of']}（数据截至 {_moment(parameters['recorded_at'])}）"
            + (f"；统计期：{parameters['period']['label']}" if parameters["period"] else ""),
            f"统计范围：{where or '全部项目'}",
            f"项目 {_v(summary['projects'])} 个，总投资 {_yi(_v(summary['total_investment']))} 亿元。",
            f"{parameters['year']} 年度计划投资 {_yi(_v(summary['annual_plan']))} 亿元，"
            f"已完成 {_yi(_v(summary['year_to_date']))} 亿元，"
            f"完成率 {_pct(_v(summary['completion_rate']))}，"
            f"序时进度 {_pct(summary['time_elapsed'])}，" + _gap(summary["gap_points"]),
            "分阶段："
            + "，".join(
                f"{entry['label']} {entry['projects']['value']} 个"
                for entry in data["by_stage"].values()
                if entry["projects"]["value"]
            )
            + "。",
        ]
        starts, completions = data["starts"], data["completions"]
        line = (
            f"年内新开工 {_v(starts['year']['projects'])} 个、竣工 {_v(completions['year']['projects'])} 个"
        )
        if "period" in starts:
            line += (
                f"；统计期内新开工 {_v(starts['period']['projects'])} 个、"
                f"竣工 {_v(completions['period']['projects'])} 个"
            )
        lines.append(line + "。")
        start_rate, on_time = data["start_rate"], data["on_time_completion"]
        lines.append(
            f"计划年内开工 {start_rate['planned']['value']} 个，已开工 {start_rate['started']['value']} 个，"
            f"开工率 {_pct(start_rate['rate'])}；计划年内竣工 {on_time['planned']['value']} 个，"
            f"按期竣工 {on_time['on_time']['value']} 个，按期竣工率 {_pct(on_time['rate'])}。"
        )
        schedule = summary["schedule"]
        lines.append(
            f"快于序时 {schedule['ahead']['value']} 个，与序时持平 {schedule['on']['value']} 个，"
            f"滞后序时 {schedule['behind']['value']} 个，无年度计划 {schedule['no_plan']['value']} 个。"
        )
        lights = data["lights"]
        lines.append(
            f"预警：红灯 {lights['red']['value']} 个，黄灯 {lights['yellow']['value']} 个，"
            f"绿灯 {lights['green']['value']} 个，未亮灯 {lights['none']['value']} 个。"
        )
        matters = data["matters"]
        lines.append(
            f"问题协调：年内交办 {_v(matters['year']['opened'])} 个，"
            f"办结 {_v(matters['year']['closed'])} 个，当前超期 {_v(matters['overdue'])} 个。"
        )
        for key, label in (("current", "本期"), ("year", "年内")):
            tally = data["reporting"][key]
            if tally and tally["expected"]:
                lines.append(
                    f"调度填报（{label}，{len(tally['rounds'])} 轮）：应报 {tally['expected']} 份，"
                    f"已报 {tally['submitted']} 份（完成率 {_pct(tally['completeness'])}），"
                    f"按时 {tally['on_time']} 份（及时率 {_pct(tally['timeliness'])}）。"
                )
        ranked = [entry for entry in data["unit_ranking"] if entry["rank"] is not None][:10]
        if ranked:
            lines.append("单位完成率排名（前 10）：")
            lines += [
                f"  {entry['rank']:>3}. {entry['name']} {_pct(_v(entry['completion_rate']))}"
                f"（完成 {_yi(_v(entry['year_to_date']))} / 计划 {_yi(_v(entry['annual_plan']))} 亿元）"
                for entry in ranked
            ]
        return lines


def _v(figure):
    return figure["value"]


def _yi(wan):
    return f"{(Decimal(wan) / WAN_PER_YI).quantize(CENT):,}"


def _pct(value):
    return "—" if value is None else f"{value}%"


def _gap(points):
    if points is None:
        return "无可比序时。"
    if points >= 0:
        return f"快于序时 {points} 个百分点。"
    return f"慢于序时 {-points} 个百分点。"


def _moment(value):
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
