"""A finding, as the engine produces it: plain data, cheap to build on the hook path.

The pydantic models that carry diagnostics across boundaries (CLI JSON, MCP) live in
`checks.report_models` and are built from these only when something must be rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
FixSafety = Literal["safe", "unsafe", "none"]

SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass(slots=True)
class Diagnostic:
    """One finding. Lines and columns are 1-based; columns count characters, not bytes."""

    code: str
    name: str
    severity: Severity
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    fix: FixSafety = "none"
    hint: str | None = None
    edition: str = ""
    cell: int | None = None
    # What the rule's fixer needs to rewrite this finding (never serialised).
    fix_data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def guide_uri(self) -> str:
        return f"milvus-guide://{self.edition}/rules/{self.code}"

    def sort_key(self) -> tuple[int, int, int, str]:
        return (self.cell or 0, self.line, self.column, self.code)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of DESIGN.md §4 (plus `cell` for notebooks)."""
        out: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "fix": self.fix,
        }
        if self.cell is not None:
            out["cell"] = self.cell
        return out
