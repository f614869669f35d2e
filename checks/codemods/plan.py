"""The migration plan: edits grouped into units that are applied together or not at all.

A unit is everything that must change together for the result to stay correct: one ORM
collection (its creation and every use of it), one utility call, one disconnect. If any part of
a unit cannot be migrated, the unit is blocked and none of its statements change: a statement is
never half-migrated, and a collection never ends up half on the ORM API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from checks.codemods.render import Where


class Unmigratable(Exception):
    """Why a construct cannot be migrated; the message ends up in `remaining`."""


@dataclass
class Edit:
    """Replace one node of the original tree: an expression, or a whole statement line.

    `build(updated_node, where)` returns the replacement's source: an expression, or zero or
    more statements (an empty string removes the statement). It gets the updated node, so edits
    nested inside it (a migrated call in an argument) are kept.
    """

    node: cst.CSTNode
    build: Callable[[cst.CSTNode, Where], str]
    column: int = 0

    @property
    def is_statement(self) -> bool:
        return isinstance(self.node, cst.SimpleStatementLine)


@dataclass
class Unit:
    """Edits that stand or fall together, with what they do and, if blocked, why not."""

    label: str
    line: int
    edits: list[Edit] = field(default_factory=list)
    migrated: list[tuple[int, str]] = field(default_factory=list)
    blockers: list[tuple[int, str]] = field(default_factory=list)
    sites: list[tuple[int, str]] = field(default_factory=list)  # (line, code) of each use
    statements: set[int] = field(default_factory=set)  # ids of the statements of those uses

    @property
    def ok(self) -> bool:
        return not self.blockers

    def site(self, facts, node: cst.CSTNode) -> None:
        """Record a statement this unit is about: it stays as it is if the unit is blocked."""
        statement = facts.statement(node)
        self.sites.append((facts.line(node), snippet(facts.code(statement or node))))
        self.statements.add(id(statement))

    def add(self, edit: Edit, line: int, description: str) -> None:
        self.edits.append(edit)
        self.migrated.append((line, description))

    def block(self, line: int, reason: str) -> None:
        self.blockers.append((line, reason))

    def remaining(self) -> list[tuple[int, str]]:
        """What stays on the ORM API when the unit is blocked, each with the reason."""
        if self.ok:
            return []
        out = [(line, f"{self.label} not migrated: {reason}") for line, reason in self.blockers]
        blocked_lines = {line for line, _ in self.blockers}
        first = self.blockers[0][0] if self.blockers else self.line
        for line, code in self.sites:
            if line not in blocked_lines:
                out.append((line, f"`{code}` left on the ORM API with {self.label} (line {first})"))
                blocked_lines.add(line)
        return out


def snippet(code: str, width: int = 60) -> str:
    """The first line of some code, shortened for a one-line message."""
    first = code.strip().splitlines()[0] if code.strip() else ""
    if len(first) > width or "\n" in code.strip():
        return first[: width - 4].rstrip() + " ..."
    return first
