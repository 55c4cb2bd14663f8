"""Reading the project-specific cells of an office's project sheet: stages, categories, tiers.

The generic readers (text, money, years, ticks …) live in `core.sheets.cells` and are re-exported
here, so the rest of the project importer reads every cell through this module.
"""

from core.sheets.cells import (  # noqa: F401 (re-exported)
    MONEY_FACTORS,
    UNIT_NAMES,
    CellError,
    decimal_number,
    is_empty,
    loose,
    memoised,
    money,
    names,
    one_line,
    text,
    tick,
    without_titles,
    year,
)

from ..choices import Category, Stage

# Words for a project's stage, tried in this order (the first word found in the cell wins).
STAGE_WORDS = (
    ("停缓建", Stage.STALLED),
    ("停建", Stage.STALLED),
    ("缓建", Stage.STALLED),
    ("未开工", Stage.PLANNED),
    ("拟开工", Stage.PLANNED),
    ("拟建", Stage.PLANNED),
    ("竣工", Stage.COMPLETED),
    ("投产", Stage.OPERATING),
    ("运营", Stage.OPERATING),
    ("续建", Stage.UNDER_CONSTRUCTION),
    ("在建", Stage.UNDER_CONSTRUCTION),
    ("开工", Stage.UNDER_CONSTRUCTION),
    ("新上", Stage.PREPARING),
    ("筹备", Stage.PREPARING),
    ("签约", Stage.SIGNED),
    ("招商", Stage.SIGNED),
)
STAGES_ACCEPTED = "招商/签约、新上、拟建、续建/在建/开工、竣工、投产、停缓建"

# Words for a project's category, tried in this order.
CATEGORY_WORDS = (
    ("技改", Category.TECH_UPGRADE),
    ("技术改造", Category.TECH_UPGRADE),
    ("基础设施", Category.INFRASTRUCTURE),
    ("基建", Category.INFRASTRUCTURE),
    ("民生", Category.LIVELIHOOD),
    ("社会事业", Category.LIVELIHOOD),
    ("城市", Category.URBAN),
    ("城建", Category.URBAN),
    ("农业", Category.AGRICULTURE),
    ("农村", Category.AGRICULTURE),
    ("产业", Category.INDUSTRY),
    ("工业", Category.INDUSTRY),
    ("其他", Category.OTHER),
)

# 项目级别: the words of a single "level" column and the flag each one sets.
TIER_WORDS = (
    ("省重点", "is_provincial_key"),
    ("市重点", "is_city_key"),
    ("区重点", "is_district_key"),
    ("县重点", "is_district_key"),
    ("省大中型", "is_provincial_large"),
    ("重大", "is_major"),
)
TIER_FIELDS = ("is_provincial_key", "is_city_key", "is_district_key", "is_provincial_large", "is_major")
TIER_NONE = {"否", "一般", "一般项目", "其他", "无"}


def tiers(value):
    """项目级别: the flags named in one cell ("省重点、市重点", "重大项目")."""
    word = loose(text(value))
    flags = dict.fromkeys(TIER_FIELDS, False)
    for key, flag in TIER_WORDS:
        if key in word:
            flags[flag] = True
    if word and not any(flags.values()) and word not in TIER_NONE:
        raise CellError(
            f"无法识别的项目级别“{text(value)}”（可填：省重点、市重点、区重点、省大中型、重大项目）"
        )
    return flags


def stage(value):
    """The stage (its value) a new project starts in."""
    word = loose(text(value))
    if not word:
        return None
    for choice in Stage:
        if word in (choice.value, loose(choice.label)):
            return choice.value
    for key, choice in STAGE_WORDS:
        if key in word:
            return choice.value
    raise CellError(f"无法识别的项目阶段“{text(value)}”（可填：{STAGES_ACCEPTED}）")


def category(value, *, strict=True):
    """The project category (its value); with strict=False an unknown word gives None."""
    word = loose(text(value))
    if not word:
        return None
    for choice in Category:
        if word in (choice.value, loose(choice.label)):
            return choice.value
    for key, choice in CATEGORY_WORDS:
        if key in word:
            return choice.value
    if not strict:
        return None
    labels = "、".join(str(choice.label) for choice in Category)
    raise CellError(f"无法识别的项目类别“{text(value)}”（可填：{labels}）")


def section_stage(value):
    """The stage a section heading names ("一、续建项目（45个）"), or None."""
    word = loose(text(value))
    for key, choice in STAGE_WORDS:
        if key in word:
            return choice.value
    return None
