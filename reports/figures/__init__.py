"""The figures engine (数据统计): every number the dashboard (驾驶舱) and the 半月一专报 show, computed
in one place from the records as they stood on a date, each number with the rows behind it.

    from reports.figures import FiguresScope, compute_figures

    figures = compute_figures(
        as_of=date(2024, 3, 16), scope=FiguresScope(region="360703"), period="2024-03-H1"
    )
    figures["summary"]["completion_rate"]["value"]    # Decimal("96.41")
    figures["summary"]["completion_rate"]["sources"]  # {"projects.project": [ids], …}
    figures.to_json(); figures.checksum()

See docs/figures.md for every figure, its definition, its source rows, the rounding and the as-of
semantics.
"""

from .engine import compute_figures, percent, rank
from .output import Figures
from .periods import Period, parse_period, year_to_date
from .scope import TIERS, FiguresScope, tier_key

__all__ = [
    "TIERS",
    "Figures",
    "FiguresScope",
    "Period",
    "compute_figures",
    "parse_period",
    "percent",
    "rank",
    "tier_key",
    "year_to_date",
]
