"""What an import reports back: see `core.sheets.summary` (re-exported here)."""

from core.sheets.summary import ACTION_LABELS, ImportSummary, RowError, RowOutcome

__all__ = ["ACTION_LABELS", "ImportSummary", "RowError", "RowOutcome"]
