"""What a sheet import reports back: counts, the total investment read, and errors by row and column
(shared by `projects.importer` and `dispatch.importer`)."""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class RowError:
    """One problem: Excel row number (1-based) and column letter when known, the reason in Chinese."""

    row: int | None
    column: str | None
    message: str

    def __str__(self):
        if self.row is not None and self.column:
            return f"第 {self.row} 行 第 {self.column} 列：{self.message}"
        if self.row is not None:
            return f"第 {self.row} 行：{self.message}"
        return self.message

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message, "text": str(self)}


@dataclass
class RowOutcome:
    """What happened (or, in a preview, would happen) to one data row."""

    row: int
    action: str  # created / updated / unchanged
    code: str
    name: str


ACTION_LABELS = {"created": "新增", "updated": "更新", "unchanged": "不变"}


@dataclass
class ImportSummary:
    """The result of an import (`import_projects`, `import_progress`); nothing was written unless
    `committed`."""

    file_name: str = ""
    sheet_name: str = ""
    header_row: int | None = None
    columns: list[dict] = field(default_factory=list)
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    total_investment_wan: Decimal = Decimal("0.00")
    errors: list[RowError] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self):
        return not self.errors

    def error(self, row, column, message):
        self.errors.append(RowError(row, column, message))

    def count(self, outcome):
        self.outcomes.append(outcome)
        setattr(self, outcome.action, getattr(self, outcome.action) + 1)

    def as_dict(self, *, outcomes=False):
        """JSON-ready; money as a string of 万元 to keep it exact."""
        data = {
            "file": self.file_name,
            "sheet": self.sheet_name,
            "header_row": self.header_row,
            "columns": self.columns,
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "total_investment_wan": str(self.total_investment_wan),
            "errors": [error.as_dict() for error in self.errors],
            "committed": self.committed,
        }
        if outcomes:
            data["rows"] = [
                {"row": item.row, "action": item.action, "code": item.code, "name": item.name}
                for item in self.outcomes
            ]
        return data
