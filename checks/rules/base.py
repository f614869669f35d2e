"""What every rule module builds on: metadata, examples, and how a rule reports.

A rule is a class named after the problem it finds. Its docstring is the one-line summary; its
class attributes are its metadata; `VALID` and `INVALID` are its examples, which a generic test
runs for every rule. It reports from `visit_<AstNode>(node)` methods, called during the engine's
single traversal, and/or from `visit_flow(flow)`, called once per function body or module
level. A fixable rule names its libcst fixer in `fixer` (see checks.fixes).
"""

from __future__ import annotations

import ast
from functools import cache

from checks.record import FrozenRecord

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~3 ms per hook run

if TYPE_CHECKING:
    from typing import Any, ClassVar

    from checks.diagnostic import FixSafety, Severity
    from checks.engine import Context

ALL_EDITIONS = frozenset({"2026.01", "2026.11"})


class Invalid(FrozenRecord):
    """An example the rule must report: at `line` (1-based) if given, and fixed to `fixed`."""

    __slots__ = ("code", "count", "edition", "fixed", "line", "pymilvus_version")

    code: str
    line: int | None
    fixed: str | None
    pymilvus_version: str | None
    edition: str | None
    count: int

    def __init__(
        self,
        code: str,
        line: int | None = None,
        fixed: str | None = None,
        pymilvus_version: str | None = None,
        edition: str | None = None,
        count: int = 1,
    ) -> None:
        self.code = code
        self.line = line
        self.fixed = fixed
        self.pymilvus_version = pymilvus_version
        self.edition = edition
        self.count = count

    def _key(self) -> tuple:
        return (self.code, self.line, self.fixed, self.pymilvus_version, self.edition, self.count)


class Valid(FrozenRecord):
    """An example the rule must stay silent on, optionally for a given version or edition."""

    __slots__ = ("code", "edition", "pymilvus_version")

    code: str
    pymilvus_version: str | None
    edition: str | None

    def __init__(
        self,
        code: str,
        pymilvus_version: str | None = None,
        edition: str | None = None,
    ) -> None:
        self.code = code
        self.pymilvus_version = pymilvus_version
        self.edition = edition

    def _key(self) -> tuple:
        return (self.code, self.pymilvus_version, self.edition)


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    fix: ClassVar[FixSafety] = "none"
    # PEP 440 specifier of the pymilvus versions the rule applies to.
    pymilvus: ClassVar[str] = ">=2.0"
    editions: ClassVar[frozenset[str]] = ALL_EDITIONS
    # Severity where it differs from `severity`: per edition, then per pymilvus specifier.
    severity_by_edition: ClassVar[dict[str, Severity]] = {}
    severity_by_version: ClassVar[dict[str, Severity]] = {}
    VALID: ClassVar[list[str | Valid]] = []
    INVALID: ClassVar[list[str | Invalid]] = []
    fixer: ClassVar[Any] = None  # a checks.fixes.Fixer subclass, for fixable rules
    # The names a `visit_Call` is about, as called (`search` of `client.search(...)`, `connect`
    # of `connect(...)`): the traversal calls it for those calls only. None: for every call
    # (a rule that resolves functions by qualified name must see aliases too).
    call_names: ClassVar[frozenset[str] | None] = None
    # True: `visit_Call` and `visit_Attribute` run only for calls and attributes the semantic
    # model may resolve to pymilvus (SemanticModel.may_be_pymilvus: the chain starts at a
    # pymilvus import or object, or at `self`). For a rule that first resolves the node
    # (qualname, value_of, method_call, ApiCalls) and does nothing when that fails: three
    # calls in four are someone else's, and the rule need not see them.
    pymilvus_only: ClassVar[bool] = False

    def __init__(self, ctx: Context):
        self.ctx = ctx

    @classmethod
    def applies_to(cls, edition: str, version: str) -> bool:
        return edition in cls.editions and _in_range(cls.pymilvus, version)

    @classmethod
    def severity_for(cls, edition: str, version: str) -> Severity:
        for spec, severity in cls.severity_by_version.items():
            if _in_range(spec, version):
                return severity
        return cls.severity_by_edition.get(edition, cls.severity)

    @classmethod
    def summary(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0]

    def report(
        self,
        node: ast.AST,
        message: str,
        *,
        hint: str | None = None,
        fix: FixSafety | None = None,
        fix_data: dict[str, Any] | None = None,
        severity: Severity | None = None,
    ) -> None:
        """Report a finding spanning `node`. `fix` narrows the rule's fix safety for this one;
        `severity` sets this finding's own (a configured severity for the code still wins)."""
        self.ctx.add(
            self,
            node,
            message,
            hint=hint,
            fix=self.fix if fix is None else fix,
            fix_data=fix_data or {},
            severity=severity,
        )


@cache
def _in_range(spec: str, version: str) -> bool:
    from checks.versions import spec_contains

    try:
        return spec_contains(spec, version)
    except ValueError:  # packaging's InvalidVersion (imported only when a version needs it)
        return True


def example_source(code: str) -> str:
    """An example as the engine sees it: dedented, starting at line 1."""
    import textwrap

    return textwrap.dedent(code).lstrip("\n")
