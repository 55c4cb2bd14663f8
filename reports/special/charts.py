"""The 专报's charts as PNG images (matplotlib, Agg, Chinese fonts as in MACHINE_NOTES "Chinese
documents"), drawn from the context's numbers so the chart and the table beside it agree."""

import io
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot
from matplotlib.ticker import MaxNLocator

FONTS = ["Noto Sans CJK SC", "WenQuanYi Micro Hei"]
LIGHT_COLOURS = {"red": "#d9362b", "yellow": "#f2b01e", "green": "#3a9d4a", "none": "#9e9e9e"}


def _number(text):
    try:
        return float(Decimal(str(text).rstrip("%")))
    except (ArithmeticError, ValueError):
        return 0.0


def _png(figure):
    output = io.BytesIO()
    # No timestamp in the PNG: the same figures give the same bytes.
    figure.savefig(output, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    pyplot.close(figure)
    return output.getvalue()


def _setup():
    matplotlib.rcParams["font.sans-serif"] = FONTS
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False


def tiers_chart(context):
    """Completion rate of each tier against 序时进度 (bars and a line)."""
    _setup()
    rows = context["overall"]["tiers"] + [context["overall"]["total"]]
    labels = [row["label"] for row in rows]
    rates = [_number(row["completion_rate"]) for row in rows]
    elapsed = _number(context["overall"]["total"]["time_elapsed"])
    figure, axes = pyplot.subplots(figsize=(6.4, 3.2))
    bars = axes.bar(labels, rates, color="#2f6db5", width=0.5, label="完成率")
    axes.axhline(elapsed, color="#d9362b", linestyle="--", label=f"序时进度 {elapsed:.2f}%")
    axes.bar_label(bars, labels=[f"{rate:.2f}%" for rate in rates], fontsize=9)
    axes.set_ylabel("完成率（%）")
    axes.set_title("各级重点项目投资完成率")
    axes.set_ylim(0, max([*rates, elapsed, 10]) * 1.2)
    axes.legend(loc="upper right", fontsize=8)
    return _png(figure)


def lights_chart(context):
    """Projects by light colour (bars)."""
    _setup()
    counts = {"red": 0, "yellow": 0, "green": 0, "none": 0}
    for row in context["projects"]:
        counts[row["light_key"]] += 1
    labels = ["红灯", "黄灯", "绿灯", "未亮灯"]
    figure, axes = pyplot.subplots(figsize=(6.4, 2.8))
    bars = axes.bar(labels, list(counts.values()), color=[LIGHT_COLOURS[key] for key in counts], width=0.5)
    axes.bar_label(bars, fontsize=9)
    axes.set_ylabel("项目数（个）")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of projects are whole numbers
    axes.set_title("项目亮灯情况")
    axes.set_ylim(0, max([*counts.values(), 1]) * 1.25)
    return _png(figure)


CHARTS = {"chart_tiers": tiers_chart, "chart_lights": lights_chart}
