"""The warning rules file: TOML the office edits, read into `Rules`, refused line by line when wrong.

A file has one `[settings]` table (how 序时进度 is reckoned) and one `[[rule]]` table per rule. Keys are
ASCII so they can be typed anywhere; values (names, consequences, levels, tiers, stages) may be Chinese.
Every key is documented, with the two published examples, in docs/lights.md.
"""

from .definitions import (
    BOUND_KEYS,
    MEASURES,
    PLACEHOLDERS,
    RULE_KEYS,
    SETTINGS_KEYS,
    Bounds,
    Rule,
    Rules,
    RulesError,
    number_text,
)
from .reading import parse_rules, read_rules_file

__all__ = [
    "BOUND_KEYS",
    "MEASURES",
    "PLACEHOLDERS",
    "RULE_KEYS",
    "SETTINGS_KEYS",
    "Bounds",
    "Rule",
    "Rules",
    "RulesError",
    "number_text",
    "parse_rules",
    "read_rules_file",
]
