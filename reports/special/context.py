"""The 专报's content as a plain dict, built from ONE figures object: the sections 一 to 七, each with its
sentences (written from the figures, never typed by hand), its tables and the rows behind them.

`special_context(figures, *, boilerplate=...)` reads only the figures object (and the current names of
units, regions and leaders, and the projects.Event rows of the period), so the numbers in the document are
exactly the numbers in the stored figures and their checksum.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from org.models import Region, Unit
from projects.models import Event

TIER_ORDER = ("provincial", "city", "district")
LIGHT_LABELS = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "none": "未亮灯"}
SCHEDULE_LABELS = {
    "ahead": "快于序时进度",
    "on": "与序时进度持平",
    "behind": "滞后于序时进度",
    "no_plan": "未下达年度计划",
}
# The office's own words for 七、下一步工作 when its template in force says nothing else.
DEFAULT_NEXT_STEPS = (
    "紧盯年度目标任务，对照序时进度压实责任单位主体责任，确保重点项目投资按计划完成。",
    "对亮红灯、黄灯的项目逐一分析原因，挂点领导和推进专班现场办公，限期整改销号。",
    "加快问题协调办理，逾期事项按程序提级督办，确保企业诉求件件有回音、事事有着落。",
    "严格调度填报纪律，按时、完整、准确报送项目进展，对填报不及时的单位予以通报。",
)
TWO = Decimal("0.01")


def dec(value):
    """A figure's value (Decimal or the JSON string) as a Decimal; None stays None."""
    if value is None or value == "":
        return None
    return Decimal(str(value))


def yi(wan):
    """万元 → 亿元 with two decimals, the way published reports print money ("116.94")."""
    amount = dec(wan)
    if amount is None:
        return "—"
    return str((amount / Decimal(10000)).quantize(TWO, rounding=ROUND_HALF_UP))


def wan(value):
    amount = dec(value)
    return "—" if amount is None else str(amount.quantize(TWO, rounding=ROUND_HALF_UP))


def pct(value):
    """A rate (percent) with two decimals and the sign, or "—" when there is none."""
    rate = dec(value)
    return "—" if rate is None else f"{rate.quantize(TWO, rounding=ROUND_HALF_UP)}%"


def day_text(day):
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return f"{day.month}月{day.day}日"


def full_day_text(day):
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return f"{day.year}年{day.month}月{day.day}日"


def gap_phrase(gap):
    """“高于序时进度6.79个百分点” / “低于…” / “与序时进度持平”."""
    gap = dec(gap)
    if gap is None:
        return "尚无序时进度对比"
    if gap > 0:
        return f"高于序时进度{gap.quantize(TWO)}个百分点"
    if gap < 0:
        return f"低于序时进度{(-gap).quantize(TWO)}个百分点"
    return "与序时进度持平"


def value(figure):
    return figure["value"] if isinstance(figure, dict) else figure


def summary_row(label, summary):
    """One row of a summary table: label, count, money in 亿元 and 万元, rates."""
    return {
        "label": label,
        "projects": value(summary["projects"]),
        "total_investment_yi": yi(value(summary["total_investment"])),
        "annual_plan_yi": yi(value(summary["annual_plan"])),
        "year_to_date_yi": yi(value(summary["year_to_date"])),
        "annual_plan": wan(value(summary["annual_plan"])),
        "year_to_date": wan(value(summary["year_to_date"])),
        "completion_rate": pct(value(summary["completion_rate"])),
        "time_elapsed": pct(summary["time_elapsed"]),
        "gap_points": wan(summary["gap_points"]),
    }


def summary_sentence(subject, summary, as_of):
    """“截至3月15日，全区158个重点项目完成投资116.94亿元，占年度计划的96.41%，高于序时进度…个百分点。”"""
    rate = value(summary["completion_rate"])
    text = (
        f"截至{day_text(as_of)}，{subject}{value(summary['projects'])}个重点项目完成投资"
        f"{yi(value(summary['year_to_date']))}亿元"
    )
    if rate is None:
        return text + "，尚未下达年度计划。"
    plan = yi(value(summary["annual_plan"]))
    return f"{text}，占年度计划{plan}亿元的{pct(rate)}，{gap_phrase(summary['gap_points'])}。"


def _names(model, ids, field="pk"):
    return {getattr(obj, field): obj.name for obj in model.objects.filter(**{f"{field}__in": ids})}


def _project_rows(figures, units, regions):
    rows = []
    for row in figures["projects"]:
        rows.append(
            {
                "id": row["id"],
                "code": row["code"],
                "name": row["name"],
                "unit": units.get(row["unit_id"], ""),
                "region": regions.get(row["region"], row["region"] or ""),
                "stage": row["stage_label"],
                "tiers": row["tiers"],
                "total_investment": wan(row["total_investment"]),
                "total_investment_yi": yi(row["total_investment"]),
                "annual_plan": wan(row["annual_plan"]),
                "year_to_date": wan(row["year_to_date"]),
                "completion_rate": pct(row["completion_rate"]),
                "time_elapsed": pct(row["time_elapsed"]),
                "gap_points": wan(row["gap_points"]),
                "schedule": SCHEDULE_LABELS.get(row["schedule_status"], ""),
                "light": LIGHT_LABELS.get(row["light"] or "none", ""),
                "light_key": row["light"] or "none",
                "light_id": row["light_id"],
                "started_on": row["started_on"] or "",
                "completed_on": row["completed_on"] or "",
            }
        )
    return rows


def _overall(figures, as_of, area):
    summary = figures["summary"]
    tiers = []
    for key in TIER_ORDER:
        if key in figures["by_tier"]:
            tier = figures["by_tier"][key]
            tiers.append(
                summary_row(tier["label"], tier) | {"text": summary_sentence(tier["label"], tier, as_of)}
            )
    stages = [
        {
            "label": stage["label"],
            "projects": value(stage["projects"]),
            "total_investment_yi": yi(value(stage["total_investment"])),
        }
        for stage in figures["by_stage"].values()
        if value(stage["projects"])
    ]
    start_rate = figures["start_rate"]
    on_time = figures["on_time_completion"]
    rates = (
        f"年度计划开工项目{value(start_rate['planned'])}个，已开工{value(start_rate['started'])}个，"
        f"开工率{pct(start_rate['rate'])}；计划竣工项目{value(on_time['planned'])}个，已竣工"
        f"{value(on_time['completed'])}个，其中按期竣工{value(on_time['on_time'])}个，按期竣工率{pct(on_time['rate'])}。"
    )
    return {
        "text": summary_sentence(f"全{area}", summary, as_of),
        "total": summary_row("合计", summary),
        "rates_text": rates,
        "tiers": tiers,
        "stages": stages,
    }


def _events(figures, period):
    """集中开工 / 集中签约 batches held in the period with projects in scope."""
    in_scope = {row["id"]: row for row in figures["projects"]}
    start = datetime.date.fromisoformat(period["start"])
    end = datetime.date.fromisoformat(period["end"])
    events = []
    for event in (
        Event.objects.filter(held_on__range=(start, end))
        .prefetch_related("projects")
        .order_by("held_on", "pk")
    ):
        projects = [in_scope[project.pk] for project in event.projects.all() if project.pk in in_scope]
        if not projects:
            continue
        total = sum((dec(row["total_investment"]) or Decimal(0) for row in projects), Decimal(0))
        events.append(
            {
                "name": event.name,
                "kind": event.get_kind_display(),
                "held_on": full_day_text(event.held_on),
                "place": event.place,
                "projects": len(projects),
                "total_investment_yi": yi(total),
                "project_ids": sorted(row["id"] for row in projects),
                "project_names": "、".join(row["name"] for row in projects),
                "text": (
                    f"{full_day_text(event.held_on)}，{event.name}（{event.get_kind_display()}）"
                    f"{len(projects)}个项目，总投资{yi(total)}亿元："
                    + "、".join(row["name"] for row in projects)
                    + "。"
                ),
            }
        )
    starts = figures["starts"].get("period") or figures["starts"]["year"]
    completions = figures["completions"].get("period") or figures["completions"]["year"]
    text = (
        f"本期新开工项目{value(starts['projects'])}个，总投资{yi(value(starts['total_investment']))}亿元；"
        f"新竣工项目{value(completions['projects'])}个，总投资{yi(value(completions['total_investment']))}亿元。"
    )
    if not events:
        text += "本期未举办集中开工、集中签约活动。"
    return {"text": text, "events": events}


def _major(rows, as_of):
    paragraphs = []
    for row in rows:
        if "major" not in row["tiers"]:
            continue
        done = "0.00" if row["year_to_date"] == "—" else row["year_to_date"]
        if row["annual_plan"] == "—":
            progress = "尚未下达年度计划"
        else:
            progress = (
                f"年度计划投资{row['annual_plan']}万元，截至{day_text(as_of)}完成{done}万元，"
                f"完成率{row['completion_rate']}，{row['schedule']}"
            )
        paragraphs.append(
            row
            | {
                "text": (
                    f"{row['name']}（{row['unit']}）：总投资{row['total_investment_yi']}亿元，目前处于{row['stage']}阶段，"
                    f"{progress}，{row['light']}。"
                )
            }
        )
    return {
        "projects": paragraphs,
        "text": f"纳入重大项目调度的{len(paragraphs)}个项目进展如下。" if paragraphs else "本期无重大项目。",
    }


def _warnings(figures, rows):
    from lights.models import ProjectLight

    lights = figures["lights"]
    light_ids = [row["light_id"] for row in rows if row["light_key"] in ("red", "yellow")]
    reasons = {light.pk: light.reasons for light in ProjectLight.objects.filter(pk__in=light_ids)}
    lists = {}
    for level in ("red", "yellow"):
        items = []
        for row in rows:
            if row["light_key"] != level:
                continue
            texts = [reason.get("text", "") for reason in reasons.get(row["light_id"]) or []]
            items.append(row | {"reasons": "；".join(texts) if texts else "（亮灯记录未写明原因）"})
        lists[level] = items
    text = (
        f"全部项目中亮红灯{value(lights['red'])}个、黄灯{value(lights['yellow'])}个、绿灯{value(lights['green'])}个，"
        f"未亮灯{value(lights['none'])}个。"
    )
    return {"text": text, "red": lists["red"], "yellow": lists["yellow"]}


def _matters(figures, units):
    matters = figures["matters"]
    block = matters["period"] or matters["year"]
    opened, closed, overdue = block["opened"], block["closed"], matters["overdue"]

    def lines(figure):
        return {
            "by_category": [
                {"label": item["label"], "count": item["value"]} for item in figure["by_category"]
            ],
            "by_unit": [
                {"label": item["unit"]["name"], "count": item["value"]} for item in figure["by_lead_unit"]
            ],
        }

    table = {}
    for name, figure in (("opened", opened), ("closed", closed), ("overdue", overdue)):
        for item in figure["by_category"]:
            table.setdefault(item["label"], {"label": item["label"], "opened": 0, "closed": 0, "overdue": 0})[
                name
            ] = item["value"]
    text = (
        f"本期新交办问题{value(opened)}件，办结销号{value(closed)}件；截至统计日，逾期未办结{value(overdue)}件。"
        f"年内累计交办{value(matters['year']['opened'])}件，办结{value(matters['year']['closed'])}件。"
    )
    overdue_units = "、".join(f"{item['unit']['name']}{item['value']}件" for item in overdue["by_lead_unit"])
    if overdue_units:
        text += f"逾期事项牵头单位：{overdue_units}。"
    return {
        "text": text,
        "opened": value(opened),
        "closed": value(closed),
        "overdue": value(overdue),
        "by_category": sorted(table.values(), key=lambda row: (-row["opened"], row["label"])),
        "overdue_detail": lines(overdue),
    }


def _reporting(figures):
    reporting = figures["reporting"]["current"]
    rows = []
    for position, unit in enumerate(reversed(reporting["by_unit"]), start=1):
        rows.append(
            {
                "rank": position,
                "unit": unit["unit"]["name"],
                "expected": unit["expected"],
                "submitted": unit["submitted"],
                "missing": unit["missing"],
                "late": unit["late"],
                "completeness": pct(unit["completeness"]),
                "timeliness": pct(unit["timeliness"]),
            }
        )
    rounds = "、".join(item["label"] for item in reporting["rounds"]) or "无"
    text = (
        f"本期调度轮次：{rounds}。应报{reporting['expected']}份，已报{reporting['submitted']}份，"
        f"缺报{reporting['missing']}份，迟报{reporting['late']}份，填报完整率{pct(reporting['completeness'])}，"
        f"及时率{pct(reporting['timeliness'])}。"
    )
    lagging = [row["unit"] for row in rows if row["missing"] or row["late"]]
    if lagging:
        text += "存在缺报或迟报的单位：" + "、".join(reversed(lagging)) + "。"
    return {"text": text, "units": rows}


TITLE = "重点项目建设情况专报"


def special_context(figures, *, title="", boilerplate=DEFAULT_NEXT_STEPS, issuer_name="", red_header=False):
    """The 专报's content from `figures` (a reports.figures.Figures or its `to_dict()`): a plain dict of
    strings, numbers and lists — the variables of the special_report template (reports.letters.variables).
    Money is printed in 亿元 (two decimals) where the figures are 万元, rates in percent with two decimals."""
    figures = figures.to_dict() if hasattr(figures, "to_dict") else figures
    parameters = figures["parameters"]
    as_of = parameters["as_of"]
    period = parameters["period"] or parameters["year_to_date"]
    scope = parameters["scope"] or {}
    region = scope.get("region") or {}
    area = "区"
    unit_ids = {row["unit_id"] for row in figures["projects"] if row["unit_id"]}
    region_codes = {row["region"] for row in figures["projects"] if row["region"]}
    units = _names(Unit, unit_ids)
    regions = _names(Region, region_codes, "code")
    rows = _project_rows(figures, units, regions)
    overall = _overall(figures, as_of, area)
    return {
        "title": f"{title or TITLE}（{period['label']}）",
        "title_main": title or TITLE,
        "period": period["label"],
        "period_code": period["code"],
        "as_of": full_day_text(as_of),
        "issuer_name": issuer_name,
        "red_header": bool(red_header),
        "scope_text": region.get("name", "") if isinstance(region, dict) else str(region),
        "overall": overall,
        "events": _events(figures, period),
        "major": _major(rows, as_of),
        "warnings": _warnings(figures, rows),
        "matters": _matters(figures, units),
        "reporting": _reporting(figures),
        "next_steps": list(boilerplate),
        "projects": rows,
    }
