"""What a rules file can say: the dimensions' measures, the keys, the words accepted for levels, tiers
and stages, and the parsed forms (`Bounds`, `Rule`, `Rules`) with the one error type, `RulesError`."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from projects.choices import Stage
from projects.models import Project

from ..choices import Dimension, Level, TimeElapsedMode

# dimension -> {measure: (label, unit of its numbers)}; the first measure is the dimension's default
# when it has only one.
MEASURES = {
    Dimension.START: {
        "days_late": ("计划开工日后仍未开工的天数", "天"),
        "months_late": ("计划开工日后仍未开工的整月数", "个月"),
    },
    Dimension.PROGRESS: {
        "gap_points": ("年度投资完成率落后序时进度", "个百分点"),
        "ratio_of_schedule": ("年度投资完成率相当于序时进度的", "%"),
    },
    Dimension.PERSISTENCE: {
        "consecutive_periods": ("连续预警期数", "期"),
    },
    Dimension.REPORTING: {
        "missed_of_last": ("最近若干轮调度中未报送的轮数", "轮"),
        "consecutive_missed": ("连续未报送的轮数", "轮"),
    },
    Dimension.MATTERS: {
        "overdue_count": ("逾期未办结的问题", "件"),
    },
    Dimension.STATISTICS: {
        "months_since_start": ("开工后仍未入库纳统的整月数", "个月"),
        "days_since_start": ("开工后仍未入库纳统的天数", "天"),
    },
}
BOUND_KEYS = ("at_least", "above", "at_most", "below")
BOUND_SYMBOLS = {"at_least": "≥", "above": ">", "at_most": "≤", "below": "<"}
RULE_KEYS = (
    "name",
    "dimension",
    "measure",
    *BOUND_KEYS,
    "level",
    "consequence",
    "tiers",
    "stages",
    "last",
    "of_level",
    "of_rule",
)
SETTINGS_KEYS = ("time_elapsed_ratio",)
LEVEL_WORDS = {
    "yellow": Level.YELLOW,
    "黄": Level.YELLOW,
    "黄灯": Level.YELLOW,
    "red": Level.RED,
    "红": Level.RED,
    "红灯": Level.RED,
}
TIME_ELAPSED_WORDS = {
    "months": TimeElapsedMode.MONTHS,
    "按月": TimeElapsedMode.MONTHS,
    "days": TimeElapsedMode.DAYS,
    "按日": TimeElapsedMode.DAYS,
    "plan": TimeElapsedMode.PLAN,
    "按计划": TimeElapsedMode.PLAN,
}
# {占位符} a consequence may hold, filled per project ("由{挂点领导}约谈{责任单位}主要负责人").
PLACEHOLDERS = ("责任单位", "挂点领导", "推进专班")


def _tier_words():
    words = {}
    for flag, label in Project.TIER_FLAGS:
        words[flag] = words[label] = flag
    return words


def _stage_words():
    """Each stage by its code, its full label and its short label ("在建" for "在建（开工/续建）")."""
    words = {}
    for stage in Stage:
        words[stage.value] = words[stage.label] = words[stage.label.split("（")[0]] = stage.value
    return words


TIER_WORDS = _tier_words()
STAGE_WORDS = _stage_words()


class RulesError(ValidationError):
    """A rules file refused: `errors` is every problem found, as (line, "第 N 行：……"), by line.

    A ValidationError, so a form can show it as the rules field's errors."""

    def __init__(self, errors):
        self.errors = sorted(errors)
        super().__init__([message for _, message in self.errors], code="invalid_rules")

    def __str__(self):
        return "\n".join(message for _, message in self.errors)


def number_text(value):
    """A threshold or figure as the office writes it: 30, 12.5, −3 (no trailing zeros)."""
    return format(Decimal(value).normalize(), "f")


@dataclass(frozen=True)
class Bounds:
    """The interval a rule fires in: a lower bound (at_least / above) and an upper bound (at_most /
    below), either open-ended. Values are Decimals."""

    at_least: Decimal | None = None
    above: Decimal | None = None
    at_most: Decimal | None = None
    below: Decimal | None = None

    @property
    def lower(self):
        """(value, inclusive) or None."""
        if self.at_least is not None:
            return self.at_least, True
        if self.above is not None:
            return self.above, False
        return None

    @property
    def upper(self):
        if self.at_most is not None:
            return self.at_most, True
        if self.below is not None:
            return self.below, False
        return None

    def __post_init__(self):
        # The bounds as (value, inclusive) pairs, for `contains`, which runs for every project and rule.
        object.__setattr__(self, "_limits", (self.lower, self.upper))

    def contains(self, value):
        lower, upper = self._limits
        if lower is not None and (value < lower[0] or (value == lower[0] and not lower[1])):
            return False
        return not (upper is not None and (value > upper[0] or (value == upper[0] and not upper[1])))

    def is_empty(self):
        lower, upper = self.lower, self.upper
        if lower is None or upper is None:
            return False
        return lower[0] > upper[0] or (lower[0] == upper[0] and not (lower[1] and upper[1]))

    def overlaps(self, other):
        """Whether some value lies in both intervals."""
        lowers = [bound for bound in (self.lower, other.lower) if bound is not None]
        uppers = [bound for bound in (self.upper, other.upper) if bound is not None]
        # The intersection's lower bound is the larger one (exclusive wins a tie), its upper the smaller.
        lower = max(lowers, key=lambda bound: (bound[0], not bound[1])) if lowers else None
        upper = min(uppers, key=lambda bound: (bound[0], bound[1])) if uppers else None
        return not Bounds(
            at_least=lower[0] if lower and lower[1] else None,
            above=lower[0] if lower and not lower[1] else None,
            at_most=upper[0] if upper and upper[1] else None,
            below=upper[0] if upper and not upper[1] else None,
        ).is_empty()

    def largest_finite(self):
        """The largest value written in the bounds (to know how far back a count must look)."""
        values = [
            value for value in (self.at_least, self.above, self.at_most, self.below) if value is not None
        ]
        return max(values) if values else None

    def as_dict(self):
        return {key: float(getattr(self, key)) for key in BOUND_KEYS if getattr(self, key) is not None}

    def text(self):
        """ "≥ 10 且 ≤ 30"."""
        return " 且 ".join(
            f"{BOUND_SYMBOLS[key]} {number_text(getattr(self, key))}"
            for key in BOUND_KEYS
            if getattr(self, key) is not None
        )


@dataclass(frozen=True)
class Rule:
    """One [[rule]]: when `measure` of `dimension` lies within `bounds`, the project gets `level`, with
    `consequence`. `tiers` / `stages` narrow the projects it applies to (empty: all)."""

    line: int
    name: str
    dimension: str
    measure: str
    bounds: Bounds
    level: str
    consequence: str = ""
    tiers: tuple = ()
    stages: tuple = ()
    last: int | None = None  # reporting / missed_of_last: how many recent rounds are looked at
    of_level: str | None = None  # persistence: the level held …
    of_rule: str | None = None  # … or the rule that fired, period after period
    key_lines: dict = field(default_factory=dict, compare=False, hash=False, repr=False)  # key -> line

    @property
    def dimension_label(self):
        return Dimension(self.dimension).label

    @property
    def measure_label(self):
        return MEASURES[self.dimension][self.measure][0]

    @property
    def unit(self):
        return MEASURES[self.dimension][self.measure][1]

    @property
    def group(self):
        """Rules of one group must not overlap: same dimension, measure, parameters and filters."""
        return (
            self.dimension,
            self.measure,
            self.last,
            self.of_level,
            self.of_rule,
            frozenset(self.tiers),
            frozenset(self.stages),
        )

    def applies_to(self, stage, flags):
        """Whether the rule covers a project at `stage` carrying the tier `flags` (a set)."""
        if self.stages and stage not in self.stages:
            return False
        return not (self.tiers and not flags.intersection(self.tiers))


@dataclass(frozen=True)
class Rules:
    """A parsed rules file: the 序时进度 mode and the rules in file order."""

    time_elapsed_ratio: str
    rules: tuple
    text: str = field(default="", repr=False)

    def of_dimension(self, dimension):
        return [rule for rule in self.rules if rule.dimension == dimension]

    @property
    def dimensions(self):
        return {rule.dimension for rule in self.rules}
