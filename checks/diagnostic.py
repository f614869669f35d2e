"""A finding, as the engine produces it: plain data, cheap to build on the hook path.

The pydantic models that carry diagnostics across boundaries (CLI JSON, MCP) live in
`checks.report_models` and are built from these only when something must be rendered.
"""

from __future__ import annotations

import re

from checks.record import Record

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~3 ms per hook run
if TYPE_CHECKING:
    from typing import Any, Literal

    Severity = Literal["error", "warning", "info"]
    FixSafety = Literal["safe", "unsafe", "none"]


SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


class Diagnostic(Record):
    """One finding. Lines and columns are 1-based; columns count characters, not bytes."""

    __slots__ = (
        "cell",
        "code",
        "column",
        "edition",
        "end_column",
        "end_line",
        "fix",
        "fix_data",
        "hint",
        "line",
        "message",
        "name",
        "severity",
    )

    code: str
    name: str
    severity: Severity
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    fix: FixSafety
    hint: str | None
    edition: str
    cell: int | None
    # What the rule's fixer needs to rewrite this finding (never serialised).
    fix_data: dict[str, Any]

    def __init__(
        self,
        code: str,
        name: str,
        severity: Severity,
        message: str,
        line: int,
        column: int,
        end_line: int,
        end_column: int,
        fix: FixSafety = "none",
        hint: str | None = None,
        edition: str = "",
        cell: int | None = None,
        fix_data: dict[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.name = name
        self.severity = severity
        self.message = message
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.fix = fix
        self.hint = hint
        self.edition = edition
        self.cell = cell
        self.fix_data = {} if fix_data is None else fix_data

    def _key(self) -> tuple:
        return (
            self.code,
            self.name,
            self.severity,
            self.message,
            self.line,
            self.column,
            self.end_line,
            self.end_column,
            self.fix,
            self.hint,
            self.edition,
            self.cell,
        )

    @property
    def shown_hint(self) -> str | None:
        """The hint, unless the message already says it (see `repeats`): text reports and the
        hooks print this; JSON and MCP keep `hint` as the rule wrote it."""
        return None if self.hint is None or repeats(self.message, self.hint) else self.hint

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


# Code in a hint: `spans`, keyword=values and dotted names.
_HINT_CODE = re.compile(r"`[^`]+`|[\w.]+=(?:\"[^\"]*\"|'[^']*'|[\w.]+)?|\w+(?:\.\w+)+")
_FILLER = {
    "a",
    "an",
    "the",
    "on",
    "this",
    "that",
    "it",
    "to",
    "of",
    "in",
    "and",
    "with",
    "use",
    "takes",
}


def repeats(message: str, hint: str) -> bool:
    """Whether a hint only repeats its message: it names code, all of it is in the message, and
    at most one of its other words is not ("MilvusClient.search takes `limit=`" under
    "Rename `top_k=` to `limit=`: MilvusClient.search ignores `top_k`...")."""
    code = [c.strip("`") for c in _HINT_CODE.findall(hint)]
    if not code or not all(c in message for c in code):
        return False
    rest = _HINT_CODE.sub(" ", hint).lower().split()
    said = message.lower()
    return sum(1 for word in rest if word not in _FILLER and word not in said) <= 1
