"""Rewrites: turn findings into working code, faithfully, or leave the code alone.

Detection runs on the stdlib `ast` (checks.engine). Only a source with something to fix is
parsed with libcst (DESIGN.md §1b). Each fixable rule names a fixer, a libcst transformer that
finds its nodes by the exact span of the rule's diagnostics and rebuilds them in `leave_*`,
leaving every other byte as it was. `rewrite_source` applies the fixes in rounds, each checked
once whatever its number of fixes, and repeats until nothing changes (a bounded fixpoint; see
`_Rewrite`). A fix is kept only when the output parses (and compiles if the input did), its
finding is gone and no new error appeared; otherwise it is left out and its finding stays in
`remaining`.

Importing this module does not import libcst: rule modules import `Fixer` and `cst` from here
on the hook path, and a fixer class becomes a real `libcst.CSTTransformer` only when a rewrite
runs.
"""

from __future__ import annotations

import contextlib
import importlib
import re
from collections import Counter
from collections.abc import Callable, Sequence

from checks.diagnostic import Diagnostic
from checks.record import Record

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~3 ms per hook run

if TYPE_CHECKING:
    import ast
    from typing import Any, ClassVar

    import libcst

    from checks.engine import FileResult, Options

MAX_ROUNDS = 8  # rounds (local fixes, or one whole-module rule) before giving up
MAX_STEPS = 200  # module checks per rewrite, whatever happens


class _LazyModule:
    """A module imported on first attribute access: libcst costs ~170 ms to import."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        value = getattr(importlib.import_module(self._name), attr)
        setattr(self, attr, value)
        return value


cst: Any = _LazyModule("libcst")
_metadata: Any = _LazyModule("libcst.metadata")


class AppliedFix(Record):
    """One fix that made it into the code: the rule, the line it was found on, what changed."""

    __slots__ = ("code", "description", "line")

    code: str
    line: int
    description: str

    def __init__(self, code: str, line: int, description: str) -> None:
        self.code = code
        self.line = line
        self.description = description

    def _key(self) -> tuple:
        return (self.code, self.line, self.description)


class RewriteResult(Record):
    """New code (always parses), its unified diff, the fixes applied, the findings left.

    `error` is set when the input could not be checked at all (a syntax error, oversize input);
    the code then comes back unchanged.
    """

    __slots__ = ("applied", "code", "diff", "error", "remaining")

    code: str
    diff: str
    applied: list[AppliedFix]
    remaining: list[Diagnostic]
    error: str | None

    def __init__(
        self,
        code: str,
        diff: str,
        applied: list[AppliedFix] | None = None,
        remaining: list[Diagnostic] | None = None,
        error: str | None = None,
    ) -> None:
        self.code = code
        self.diff = diff
        self.applied = [] if applied is None else applied
        self.remaining = [] if remaining is None else remaining
        self.error = error

    def _key(self) -> tuple:
        return (self.code, self.diff, self.applied, self.remaining, self.error)


Span = tuple[int, int, int, int]  # start line, start column, end line, end column (libcst's)


def span_of(diagnostic: Diagnostic) -> Span:
    """A diagnostic's span in libcst terms: lines 1-based, columns 0-based, end exclusive."""
    return (diagnostic.line, diagnostic.column - 1, diagnostic.end_line, diagnostic.end_column - 1)


class Fixer:
    """Base of a rule's fixer, written as a libcst codemod over the diagnostics it must fix.

    A subclass defines `visit_*` / `leave_*(original_node, updated_node)` as on a
    `libcst.CSTTransformer` (it becomes one when a rewrite runs), finds the node of a
    diagnostic with `diagnostic_for(original_node)` and records each change with
    `fixed(diagnostic, description)`. A diagnostic it does not mark as fixed stays reported.
    """

    # A partial fixer (a migration) may resolve only some of the findings it claims: the step
    # is kept when it resolves at least one and brings no new error of another rule.
    partial: ClassVar[bool] = False
    # A local fixer changes only the top-level statements that hold its diagnostics and reads
    # nothing outside them (no imports, no other function): a rewrite then gives libcst just
    # those statements, each parsed alone, instead of the whole module (libcst costs about a
    # millisecond a line, per step).
    local: ClassVar[bool] = False
    # A fixer that adds statements to a block (`insert_before`) counts them from the block as
    # the parser saw it: no other rule's statements may be added to that block in the same pass.
    inserts: ClassVar[bool] = False
    # A fixer whose edits reach past its findings' spans (other calls of the statement) takes
    # the top-level statement for itself when it shares a pass with other rules.
    whole: ClassVar[bool] = False
    # A confined fixer acts only on nodes that hold one of its findings (the finding's node,
    # the statements and blocks around it) and learns nothing from visiting other nodes: the
    # pass skips the subtrees that hold no finding (most of a piece).
    confined: ClassVar[bool] = False
    # How many lines the code this fixer sees starts after the module's first (a local fixer
    # sees pieces of it): `fix_data` positions are the module's (see `module_span`).
    shift: int = 0

    @classmethod
    def rewrite_module(cls, code: str, diagnostics: list[Diagnostic]):
        """A whole-module fixer that reads the module's text itself (a codemod) may rewrite it
        here, without the libcst pass that finds nodes by span: (new code, [(diagnostic,
        description)], [(line, note)]); None takes that pass."""
        return None

    @classmethod
    def local_to(cls, statement: ast.stmt) -> bool:
        """Whether fixing a finding inside this top-level statement (an `ast` node) reads and
        changes nothing outside it; then libcst parses the statement alone. By default:
        `local`."""
        return cls.local

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        super().__init__()
        self.notes: list[tuple[int, str]] = []  # (line, what changed), reported instead
        self.pending: dict[Span, list[Diagnostic]] = {}
        for diagnostic in diagnostics:
            self.pending.setdefault(span_of(diagnostic), []).append(diagnostic)
        self.applied: list[tuple[Diagnostic, str]] = []

    # Finding nodes --------------------------------------------------------------------------
    def span(self, node: libcst.CSTNode) -> Span | None:
        """The node's span (without its parentheses, as in `ast`), or None for new nodes."""
        code_range = self.get_metadata(_metadata.PositionProvider, node, None)  # type: ignore[attr-defined]
        if code_range is None:
            return None
        start, end = code_range.start, code_range.end
        return (start.line, start.column, end.line, end.column)

    def module_span(self, node: libcst.CSTNode) -> Span | None:
        """The node's span in the module's lines, as a detector writes it into `fix_data`."""
        span = self.span(node)
        return span and (span[0] + self.shift, span[1], span[2] + self.shift, span[3])

    def diagnostic_for(self, node: libcst.CSTNode) -> Diagnostic | None:
        """The pending diagnostic reported exactly on this (original) node."""
        if not self.pending:
            return None
        span = self.span(node)
        found = self.pending.get(span) if span else None
        return found[0] if found else None

    def diagnostics_within(self, node: libcst.CSTNode) -> list[Diagnostic]:
        """Pending diagnostics whose span lies inside this (original) node."""
        span = self.span(node) if self.pending else None
        if span is None:
            return []
        return [d for s, found in self.pending.items() if _contains(span, s) for d in found]

    def fixed(self, diagnostic: Diagnostic, description: str) -> None:
        found = self.pending.get(span_of(diagnostic), [])
        if diagnostic in found:
            found.remove(diagnostic)
            if not found:
                del self.pending[span_of(diagnostic)]
        self.applied.append((diagnostic, description))

    def declined(self, diagnostic: Diagnostic) -> None:
        """Give up on a diagnostic: it stays reported."""
        found = self.pending.get(span_of(diagnostic), [])
        if diagnostic in found:
            found.remove(diagnostic)
            if not found:
                del self.pending[span_of(diagnostic)]

    # Edits several fixers share ---------------------------------------------------------------
    def insert_before(
        self,
        original: libcst.CSTNode,
        updated: libcst.CSTNode,
        statement_for: Callable[[Diagnostic], str | None],
        describe: Callable[[Diagnostic, str], str],
    ) -> libcst.CSTNode:
        """In a block (`Module`, `IndentedBlock`, `SimpleStatementSuite`), insert a statement
        before the innermost statement of this block that holds each pending diagnostic.

        Call it from `leave_Module` / `leave_IndentedBlock` / `leave_SimpleStatementSuite`:
        blocks are left innermost first, so a diagnostic is placed in the innermost block that
        holds it, as a new line of that block's indentation. In a line of several statements
        (`a = 1; client.search(...)`) or a one-line suite, it joins that line.
        """
        if not self.pending:
            return updated
        suite = isinstance(updated, cst.SimpleStatementSuite)  # `if x: a(); b()`
        inserts: list[tuple[int, int, str]] = []  # (statement index, small statement index, text)
        for index, statement in enumerate(original.body):
            for diagnostic in self.diagnostics_within(statement):
                text = statement_for(diagnostic)
                if text is None:
                    self.declined(diagnostic)
                    continue
                small = 0
                if isinstance(statement, cst.SimpleStatementLine):
                    small = _small_index(self, statement, diagnostic)
                inserts.append((index, small, text))
                self.fixed(diagnostic, describe(diagnostic, text))
        body = list(updated.body)
        for index, small, text in sorted(inserts, key=lambda i: (-i[0], -i[1])):
            if suite:
                body.insert(index, _small_statement(text))
            elif small:  # after `a = 1; ` on the same line
                smalls = list(body[index].body)
                smalls.insert(small, _small_statement(text))
                body[index] = body[index].with_changes(body=smalls)
            else:
                body.insert(index, cst.parse_statement(text + "\n"))
        return updated.with_changes(body=body) if inserts else updated


class InsertStatementBefore(Fixer):
    """Insert `fix_data[key]` as a statement of its own before the statement holding the finding.

    A subclass sets `key` and `description` (a format string over `statement`).
    """

    key = "statement"
    description = "insert `{statement}`"
    inserts = True
    confined = True

    def leave_Module(self, original_node, updated_node):
        return self.insert_before(
            original_node,
            updated_node,
            lambda d: d.fix_data.get(self.key),
            lambda d, statement: self.description.format(statement=statement),
        )

    leave_IndentedBlock = leave_SimpleStatementSuite = leave_Module


class ReplaceExpression(Fixer):
    """Replace the expression a diagnostic spans with `fix_data["replacement"]` (source text).

    The expression's own parentheses stay. A subclass may set `description` (a format string
    over `old` and `new`), and sets `confined = False` if its hooks learn from other nodes.
    """

    description = "replace `{old}` with `{new}`"
    local = True
    confined = True

    def on_leave(self, original_node, updated_node):
        updated_node = super().on_leave(original_node, updated_node)
        if not isinstance(original_node, cst.BaseExpression):
            return updated_node
        diagnostic = self.diagnostic_for(original_node)
        if diagnostic is None:
            return updated_node
        replacement = self.replacement(diagnostic, updated_node)
        if replacement is None:
            self.declined(diagnostic)
            return updated_node
        if original_node.lpar and not replacement.lpar:
            replacement = replacement.with_changes(lpar=original_node.lpar, rpar=original_node.rpar)
        old, new = (short(source_of(n)) for n in (original_node, replacement))
        self.fixed(diagnostic, self.description.format(old=old, new=new))
        return replacement

    def replacement(self, diagnostic: Diagnostic, node: libcst.BaseExpression):
        text = diagnostic.fix_data.get("replacement")
        return cst.parse_expression(text) if isinstance(text, str) else None


def source_of(node: libcst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def short(text: str, width: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _contains(outer: Span, inner: Span) -> bool:
    return (outer[0], outer[1]) <= (inner[0], inner[1]) and (inner[2], inner[3]) <= (
        outer[2],
        outer[3],
    )


def _small_index(fixer: Fixer, line: libcst.SimpleStatementLine, diagnostic: Diagnostic) -> int:
    for index, small in enumerate(line.body):
        span = fixer.span(small)
        if span is not None and _contains(span, span_of(diagnostic)):
            return index
    return 0


def _small_statement(text: str) -> libcst.BaseSmallStatement:
    statement = cst.parse_statement(text + "\n").body[0]
    return statement.with_changes(
        semicolon=cst.Semicolon(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(" ")
        )
    )


def string_like(original: libcst.CSTNode, value: str) -> libcst.SimpleString | None:
    """A string literal holding `value`, quoted like `original` (a SimpleString), or None."""
    if not isinstance(original, cst.SimpleString) or "b" in original.prefix.lower():
        return None
    quote = original.quote
    if quote in value or "\\" in value or "\n" in value:
        return None
    prefix = original.prefix.replace("f", "").replace("F", "")
    return cst.SimpleString(f"{prefix}{quote}{value}{quote}")


def append_element(elements: Sequence[Any], element: Any) -> list[Any]:
    """Append a dict element or call argument, laid out like its neighbours.

    The new element takes the last one's comma (a trailing comma and the closing line stay
    where they were); the old last element gets the separator used between elements.
    """
    elements = list(elements)
    if not elements:
        return [element]
    last = elements[-1]
    separator = (
        elements[-2].comma
        if len(elements) > 1 and isinstance(elements[-2].comma, cst.Comma)
        else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    )
    elements[-1] = last.with_changes(comma=separator)
    elements.append(element.with_changes(comma=last.comma))
    return elements


def remove_elements(elements: Sequence[Any], drop: Callable[[Any], bool]) -> list[Any]:
    """Remove dict elements or call arguments, keeping the layout of what stays.

    When the last element goes, the new last one ends the way it did (a trailing comma and the
    closing line), keeping a comment of its own.
    """
    kept = [e for e in elements if not drop(e)]
    if not kept or not elements or not drop(elements[-1]):
        return kept
    removed, own = elements[-1], kept[-1].comma
    # Where the closing bracket's line starts: after a trailing comma, or after the argument.
    ending = removed.comma.whitespace_after if isinstance(removed.comma, cst.Comma) else None
    if ending is None and isinstance(removed, cst.Arg):
        ending = removed.whitespace_after_arg
    commented = (
        isinstance(own, cst.Comma)
        and isinstance(own.whitespace_after, cst.ParenthesizedWhitespace)
        and own.whitespace_after.first_line.comment is not None
    )
    if commented and isinstance(ending, cst.ParenthesizedWhitespace):
        # Keep the comment on its line: a trailing comma, then the closing line as it was.
        layout = own.whitespace_after.with_changes(last_line=ending.last_line, indent=ending.indent)
        changes = {"comma": own.with_changes(whitespace_after=layout)}
        if isinstance(removed, cst.Arg):
            changes["whitespace_after_arg"] = cst.SimpleWhitespace("")
    else:
        changes = {"comma": removed.comma}
        if isinstance(removed, cst.Arg):
            changes["whitespace_after_arg"] = removed.whitespace_after_arg
    kept[-1] = kept[-1].with_changes(**changes)
    return kept


def literal_int(node: libcst.CSTNode | None) -> int | None:
    """The value of a plain integer literal, else None."""
    if isinstance(node, cst.Integer):
        return int(node.evaluated_value)
    return None


def string_value(node: libcst.CSTNode | None) -> str | None:
    """The value of a plain string literal (no f-string, no bytes), else None."""
    if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower():
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def argument(call: libcst.Call, index: int | None, name: str) -> libcst.Arg | None:
    """The argument passed at position `index` or as keyword `name`, if it can be seen."""
    positional = 0
    for arg in call.args:
        if arg.keyword is not None:
            if arg.keyword.value == name:
                return arg
        elif arg.star == "*":
            index = None  # positions after *args are unknown
        elif not arg.star:
            if positional == index:
                return arg
            positional += 1
    return None


def has_star_kwargs(call: libcst.Call) -> bool:
    return any(arg.star == "**" for arg in call.args)


def keyword_argument(name: str, value: libcst.BaseExpression) -> libcst.Arg:
    """`name=value`, spaced as keyword arguments are."""
    return cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )


def dict_entry(mapping: libcst.Dict, key: str) -> libcst.DictElement | None:
    """The element of a dict literal whose key is the string `key`."""
    for element in mapping.elements:
        if isinstance(element, cst.DictElement) and string_value(element.key) == key:
            return element
    return None


def walk(node: libcst.CSTNode):
    """The node and every node under it."""
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)


def names_in(node: libcst.CSTNode) -> set[str]:
    """Every name a node mentions, except attribute names and keyword-argument names."""
    found, stack = set(), [node]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            found.add(node.value)
        elif isinstance(node, cst.Attribute):
            stack.append(node.value)
        elif isinstance(node, cst.Arg):
            stack.append(node.value)
        else:
            stack.extend(node.children)
    return found


def bound_names(node: libcst.CSTNode) -> set[str]:
    """Names a node may (re)bind: assignment, loop, with/as, import, def, class, walrus, del."""
    targets = []
    for child in walk(node):
        if isinstance(
            child,
            (
                cst.AssignTarget,
                cst.AnnAssign,
                cst.AugAssign,
                cst.For,
                cst.CompFor,
                cst.NamedExpr,
                cst.Del,
            ),
        ):
            targets.append(child.target)
        elif isinstance(child, (cst.AsName, cst.FunctionDef, cst.ClassDef, cst.ImportAlias)):
            targets.append(child.name)
        elif isinstance(child, (cst.Global, cst.Nonlocal)):
            targets.extend(item.name for item in child.names)
    return {name for target in targets for name in names_in(target)}


def leaves_block(node: libcst.CSTNode) -> bool:
    """Whether running the node may jump out of its block: return, raise, break, continue, yield."""
    return any(
        isinstance(child, (cst.Return, cst.Raise, cst.Break, cst.Continue, cst.Yield))
        for child in walk(node)
    )


# The rewrite -------------------------------------------------------------------------------
_TRANSFORMERS: dict[type, type] = {}


def _transformer_class(fixer: type) -> type:
    """The fixer as a real libcst transformer with positions resolved."""
    cls = _TRANSFORMERS.get(fixer)
    if cls is None:
        cls = type(
            fixer.__name__,
            (fixer, cst.CSTTransformer),
            {
                "METADATA_DEPENDENCIES": (_metadata.PositionProvider,),
                "__module__": fixer.__module__,
            },
        )
        _TRANSFORMERS[fixer] = cls
    return cls


def _key(diagnostic: Diagnostic) -> tuple[str, str]:
    """How a finding is recognised across rewrites, where its position moves."""
    return (diagnostic.code, diagnostic.message)


class _Rewrite:
    """The bounded fixpoint: rounds of fixes, each round checked before it is kept.

    A round applies every fix of the local fixers at once (`fix_batch`): libcst parses only
    the top-level statements holding them, each once, and runs all their fixers in one pass;
    the module is then checked once. Where that check fails, the statements it blames (a
    finding not gone, a new error) are retried with fewer fixes, all blamed statements side by
    side in the same check, until each bad fix is alone and left out. Fixers that read or
    change beyond their statements run after, one rule to a step, on the whole module.
    """

    def __init__(self, source: str, options: Options, path: str, rules, unsafe: bool):
        self.options = options
        self.path = path
        self.rules = tuple(rules or ())
        self.unsafe = unsafe
        self.code = source
        self.diagnostics: list[Diagnostic] = []
        self.applied: list[AppliedFix] = []
        self.rejected: set[tuple[str, str]] = set()
        self.source = source
        self._compiles_before: bool | None = None  # compiled only if some output does not
        self.steps = 0  # whole-module checks, the cost that matters on a big file
        # The last checks, by code: a retry can come back to code already checked (the fixes
        # left after the others were kept are the ones first tried with them).
        self.checked: dict[str, object] = {}
        from checks.rules import RULES_BY_CODE

        self.rules_by_code = RULES_BY_CODE

    def fixable(self, diagnostic: Diagnostic) -> bool:
        rule = self.rules_by_code.get(diagnostic.code)
        return (
            rule is not None
            and rule.fixer is not None
            and (diagnostic.fix == "safe" or (self.unsafe and diagnostic.fix == "unsafe"))
            and (not self.rules or diagnostic.code.startswith(self.rules))
            and _key(diagnostic) not in self.rejected
        )

    def fixer_of(self, diagnostic: Diagnostic) -> type:
        return self.rules_by_code[diagnostic.code].fixer

    def run(self) -> None:
        """Local fixes to their fixpoint first (a round costs a check or two); then the first
        whole-module rule that changes the code, and local fixes again."""
        for _ in range(MAX_ROUNDS):
            fixable = [d for d in self.diagnostics if self.fixable(d)]
            if not fixable or self.steps >= MAX_STEPS:
                return
            batch = _Batch(self, [d for d in fixable if _batched(self.fixer_of(d))])
            if self.fix_batch(batch):
                continue
            local = {id(d) for fixes in batch.start.values() for d in fixes}
            whole = sorted({d.code for d in fixable if id(d) not in local and self.fixable(d)})
            if not any(self.fix_rule(self.rules_by_code[code]) for code in whole):
                return

    # Local fixers, all at once ----------------------------------------------------------------
    def fix_batch(self, batch: _Batch) -> bool:
        """Apply a batch of local fixes; True if the code changed.

        Fixes that could not go with the others (see `_Batch._choose`) wait for the next
        round, or, when all the others were refused, for the next batch of this one.
        """
        while batch.pieces and self.steps < MAX_STEPS:
            if batch.run():
                return True
            deferred = [d for d in batch.deferred if self.fixable(d)]
            if not deferred:
                return False
            batch = _Batch(self, deferred)
        return False

    # Other fixers, one rule at a time on the whole module -------------------------------------
    def fix_rule(self, rule) -> bool:
        """Fix every finding of one rule at once; if that fails, one finding at a time."""
        targets = [d for d in self.diagnostics if d.code == rule.code and self.fixable(d)]
        if not targets:
            return False
        if self.attempt(rule, targets):
            return True
        if len(targets) == 1:
            return False
        changed, tried = False, set()
        while self.steps < MAX_STEPS:
            single = next(
                (
                    d
                    for d in self.diagnostics
                    if d.code == rule.code and self.fixable(d) and _key(d) not in tried
                ),
                None,
            )
            if single is None:
                break
            tried.add(_key(single))
            changed |= self.attempt(rule, [single])
        return changed

    def attempt(self, rule, targets: list[Diagnostic]) -> bool:
        """Run the rule's fixer on `targets`; keep the result only if it passes every check."""
        try:
            new_code, applied, notes = self.run_fixer(rule.fixer, targets)
        except Exception:  # a fixer bug or a tree libcst cannot handle: never break the code
            self.rejected.update(_key(d) for d in targets)
            return False
        done = {id(d) for d, _ in applied}
        self.rejected.update(_key(d) for d in targets if id(d) not in done)
        if not applied or new_code == self.code:
            return False
        result = self.check(new_code)
        claimed = [d for d, _ in applied]
        if rule.fixer.partial:
            resolved = _resolved(self.diagnostics, result.diagnostics, claimed)
            ok = bool(resolved) and not _new_errors(
                self.diagnostics, result.diagnostics, exempt=rule.code
            )
        else:
            resolved = claimed
            ok = self.passes(new_code, result, claimed)
        if not ok or result.error is not None:
            self.rejected.update(_key(d) for d in claimed)
            return False
        kept = {id(d) for d in resolved}
        if notes:
            records = [AppliedFix(rule.code, line, text) for line, text in notes]
        else:
            records = [AppliedFix(d.code, d.line, text) for d, text in applied if id(d) in kept]
        self.keep(new_code, result, records, [d for d in claimed if id(d) not in kept])
        return True

    def run_fixer(self, fixer_class: type, targets: list[Diagnostic]):
        """(new code, [(diagnostic, description)], notes) of the fixer run on `targets`."""
        rewritten = fixer_class.rewrite_module(self.code, targets)
        if rewritten is not None:
            return rewritten
        lines = _LINE.findall(self.code)
        pieces = _pieces(self.code, targets) if fixer_class.local else None
        if pieces is None:
            pieces = [(1, len(lines), targets, ())]
        applied, notes = [], []
        for first, last, group, _ in reversed(pieces):  # from the end: earlier lines stay put
            text, done, said = _fix_piece(lines, first, last, {fixer_class: group})
            lines[first - 1 : last] = [text]
            applied += done
            notes += [(line, text) for _, line, text in said]
        return "".join(lines), applied, notes

    # Shared by both ---------------------------------------------------------------------------
    def check(self, code: str):
        from checks import engine

        found = self.checked.get(code)
        if found is None:
            self.steps += 1
            found = engine.check_source(code, self.options, self.path)
            if len(self.checked) >= 4:
                del self.checked[next(iter(self.checked))]
            self.checked[code] = found
        return found

    def compiles(self, code: str) -> bool:
        """Whether the output compiles, where the input did (compiling a big module costs a
        third of a check: the input is compiled only when an output does not)."""
        if _compiles(code, self.path):
            return True
        if self._compiles_before is None:
            self._compiles_before = _compiles(self.source, self.path)
        return not self._compiles_before

    def passes(self, code: str, result, claimed: list[Diagnostic], before=None) -> bool:
        """Whether a rewrite of the code that had the findings `before` (by default the
        current ones) is kept: it parses (and compiles if the input did), every claimed
        finding is gone and no new error appeared."""
        before = self.diagnostics if before is None else before
        return (
            result.error is None
            and len(_resolved(before, result.diagnostics, claimed)) == len(claimed)
            and not _new_errors(before, result.diagnostics)
            and self.compiles(code)
        )

    def keep(self, code: str, result, records: list[AppliedFix], unresolved) -> None:
        # The code changed: what failed before may work now (the next round retries it).
        self.rejected = {_key(d) for d in unresolved}
        self.applied += sorted(records, key=lambda fix: fix.line)
        self.code, self.diagnostics = code, result.diagnostics


def _batched(fixer: type) -> bool:
    """Whether a fixer's fixes may share a pass with other rules' (see `_Batch`): it may be
    local to the statements holding its findings."""
    return (fixer.local or fixer.local_to is not Fixer.local_to) and not fixer.partial


class _Batch:
    """One round of local fixes on one code, with what each top-level statement may hold.

    Every attempt starts from this round's code: a statement's text is its fixers' output for
    the fixes tried there so far, so fixes are added or withdrawn per statement without
    re-locating anything, and each attempt costs one check of the module.
    """

    def __init__(self, rewrite: _Rewrite, targets: list[Diagnostic]):
        self.rewrite = rewrite
        self.code = rewrite.code
        self.before = rewrite.diagnostics
        self.lines = _LINE.findall(self.code)
        self.deferred: list[Diagnostic] = []
        pieces = _pieces(self.code, targets)
        if pieces is None:
            whole = [d for d in targets if self.rewrite.fixer_of(d).local]
            pieces = [(1, len(self.lines), whole, ())] if whole else []
        self.pieces: list[tuple[int, int]] = []
        self.start: dict[int, list[Diagnostic]] = {}  # piece index -> fixes to try
        for first, last, group, statements in pieces:
            group = [d for d in group if self._local(d, statements)]
            chosen = self._choose(group)
            if chosen:
                self.start[len(self.pieces)] = chosen
                self.pieces.append((first, last))
        self.kept: dict[int, list[Diagnostic]] = {}  # piece index -> fixes that passed
        self.texts: dict[tuple[int, tuple[int, ...]], tuple] = {}
        self.parsed: dict[tuple[int, int], Any] = {}  # libcst's tree of each piece
        self.refused: set[tuple[str, str]] = set()  # keys of fixes left out
        self.applied_before = list(rewrite.applied)

    def _local(self, diagnostic: Diagnostic, statements) -> bool:
        fixer = self.rewrite.fixer_of(diagnostic)
        return fixer.local or all(map(fixer.local_to, statements))

    def _choose(self, group: list[Diagnostic]) -> list[Diagnostic]:
        """The fixes of a statement that can go together; the others are deferred.

        Two rules' fixes may not meet: the spans they rewrite must not overlap, at most one
        rule may insert statements (an inserted statement goes before the one holding the
        finding and leaves the finding's span to others), and a fixer whose edits reach past
        its findings (`whole`) takes the statement for itself.
        """
        chosen, spans, codes, inserting, alone = [], [], set(), None, None
        for diagnostic in sorted(group, key=lambda d: (d.code, d.line, d.column)):
            fixer = self.rewrite.fixer_of(diagnostic)
            span = span_of(diagnostic)
            others = codes - {diagnostic.code}
            if fixer.inserts:
                meets = inserting not in (None, diagnostic.code)
            else:
                meets = any(code != diagnostic.code and _overlap(span, s) for code, s in spans)
            if alone not in (None, diagnostic.code) or (fixer.whole and others):
                meets = True
            if meets:
                self.deferred.append(diagnostic)
                continue
            if fixer.inserts:
                inserting = diagnostic.code
            else:
                spans.append((diagnostic.code, span))
            if fixer.whole:
                alone = diagnostic.code
            codes.add(diagnostic.code)
            chosen.append(diagnostic)
        return chosen

    def run(self) -> bool:
        """Attempt, split what fails, attempt again; True if some fixes were kept."""
        rewrite, queue, committed = self.rewrite, [self.start], False
        while queue and rewrite.steps < MAX_STEPS:
            trying = queue.pop(0)
            texts, broken = {}, {}
            for index, fixes in trying.items():
                try:
                    texts[index] = self.text(index, self.kept.get(index, []) + fixes)
                except Exception:  # a fixer bug or a tree libcst cannot handle
                    broken[index] = fixes
            tried = {}
            for index, (_, applied, _) in texts.items():
                done = {id(d) for d, _ in applied}
                declined = [d for d in trying[index] if id(d) not in done]
                self.refused.update(map(_key, declined))  # the fixer gave up on them
                if len(declined) < len(trying[index]):
                    tried[index] = [d for d in trying[index] if id(d) in done]
            queue[:0] = self._split({}, broken, None)
            if not tried:
                continue
            everything = {**self.kept}
            everything.update({i: self.kept.get(i, []) + f for i, f in tried.items()})
            code, ranges = self.splice(everything)
            if code == self.code:  # the fixers changed nothing after all
                self.refused.update(_key(d) for fixes in tried.values() for d in fixes)
                continue
            result = rewrite.check(code)
            claimed = [d for i, f in everything.items() for d, _ in self.text(i, f)[1]]
            if rewrite.passes(code, result, claimed, self.before):
                self.commit(tried, code, result)
                committed = True
                continue
            blamed = self.blame(result, code, ranges, tried)
            if blamed is None:  # the check cannot say where: halve the statements tried
                order = sorted(tried)
                half = len(order) // 2
                if half:
                    queue[:0] = [{i: tried[i] for i in order[:half]}]
                    queue[1:1] = [{i: tried[i] for i in order[half:]}]
                    continue
                blamed = {order[0]: None}
            good = {i: f for i, f in tried.items() if i not in blamed}
            queue[:0] = self._split(good, {i: tried[i] for i in blamed}, blamed)
        if committed:  # what was refused before the code changed may work now
            rewrite.rejected = self.refused
        else:
            rewrite.rejected |= self.refused
        return committed

    def _split(self, good, bad, suspects) -> list[dict[int, list[Diagnostic]]]:
        """The next attempts after `bad` statements failed: without their suspect fixes (or
        the first half of them), then with those; a fix that failed alone is left out."""
        first, second = dict(good), {}
        for index, fixes in bad.items():
            if len(fixes) == 1:
                self.refused.add(_key(fixes[0]))
                continue
            blamed = (suspects or {}).get(index) or []
            blamed_ids = {id(d) for d in blamed}
            if 0 < len(blamed_ids) < len(fixes):
                rest = [d for d in fixes if id(d) not in blamed_ids]
                held = [d for d in fixes if id(d) in blamed_ids]
            else:
                half = (len(fixes) + 1) // 2
                rest, held = fixes[:half], fixes[half:]
            first[index], second[index] = rest, held
        return [attempt for attempt in (first, second) if attempt]

    def text(self, index: int, fixes: list[Diagnostic]):
        """(new text, applied, notes) of a statement with these fixes, computed once."""
        key = (index, tuple(sorted(id(d) for d in fixes)))
        if key not in self.texts:
            first, last = self.pieces[index]
            by_fixer: dict[type, list[Diagnostic]] = {}
            for diagnostic in fixes:
                by_fixer.setdefault(self.rewrite.fixer_of(diagnostic), []).append(diagnostic)
            self.texts[key] = _fix_piece(self.lines, first, last, by_fixer, self.parsed)
        return self.texts[key]

    def splice(self, fixes: dict[int, list[Diagnostic]]):
        """The round's code with these statements' texts, and where each one now lies."""
        lines, ranges, moved = list(self.lines), {}, 0
        for index in sorted(fixes):
            first, last = self.pieces[index]
            text = self.text(index, fixes[index])[0]
            count = len(_LINE.findall(text))
            ranges[index] = (first + moved, first + moved + count - 1)
            moved += count - (last - first + 1)
        for index in sorted(fixes, reverse=True):
            first, last = self.pieces[index]
            lines[first - 1 : last] = [self.text(index, fixes[index])[0]]
        return "".join(lines), ranges

    def blame(self, result, code, ranges, tried) -> dict[int, list[Diagnostic]] | None:
        """The statements tried whose own findings show the failure (a claimed finding still
        there, a new error), each with the fixes suspected; None if the failure lies elsewhere
        (outside them, a parse or compile error)."""
        if result.error is not None:
            return None
        before, after = self.before, result.diagnostics
        where_before = {i: self.pieces[i] for i in ranges}
        inside_before = _by_range(before, where_before)
        inside_after = _by_range(after, ranges)
        outside_before = [d for d in before if not _within(d, where_before)]
        outside_after = [d for d in after if not _within(d, ranges)]
        if _new_errors(outside_before, outside_after):
            return None
        blamed = {}
        for index, fixes in tried.items():
            kept_here = self.kept.get(index, [])
            olds, news = inside_before.get(index, []), inside_after.get(index, [])
            claimed = [d for d, _ in self.text(index, kept_here + fixes)[1]]
            gone = Counter(map(_key, olds)) - Counter(map(_key, news))
            unresolved = [d for d in claimed if not _take(gone, _key(d))]
            new = Counter(_key(d) for d in news if d.severity == "error") - Counter(
                _key(d) for d in olds if d.severity == "error"
            )
            if not unresolved and not new:
                continue
            suspects = [d for d in unresolved if d in fixes]
            if new:
                suspects += self.near(index, fixes, [d for d in news if new[_key(d)]], ranges)
            blamed[index] = suspects
        return blamed or None

    def near(self, index, fixes, errors, ranges) -> list[Diagnostic]:
        """The fixes whose lines became the lines of these new errors."""
        import difflib

        first, last = self.pieces[index]
        old = self.lines[first - 1 : last]
        new = _LINE.findall(self.text(index, self.kept.get(index, []) + fixes)[0])
        spans = []  # old line ranges (module lines) the errors' lines came from
        opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
        for error in errors:
            line = error.line - ranges[index][0]
            for tag, i1, i2, j1, j2 in opcodes:
                if j1 <= line < j2 and tag != "equal":
                    spans.append((first + i1, first + max(i2, i1 + 1) - 1))
        return [d for d in fixes if any(a <= d.end_line and d.line <= b for a, b in spans)]

    def commit(self, tried, code, result) -> None:
        for index, fixes in tried.items():
            self.kept[index] = self.kept.get(index, []) + fixes
        records = []
        for index, fixes in sorted(self.kept.items()):
            _, applied, notes = self.text(index, fixes)
            noted = {code for code, _, _ in notes}
            records += [AppliedFix(code, line, text) for code, line, text in notes]
            records += [AppliedFix(d.code, d.line, t) for d, t in applied if d.code not in noted]
        rewrite = self.rewrite
        rewrite.applied = self.applied_before + sorted(records, key=lambda fix: fix.line)
        rewrite.code, rewrite.diagnostics = code, result.diagnostics


def _take(counter: Counter, key) -> bool:
    if counter[key] > 0:
        counter[key] -= 1
        return True
    return False


def _within(diagnostic: Diagnostic, ranges: dict[int, tuple[int, int]]) -> bool:
    return any(first <= diagnostic.line <= last for first, last in ranges.values())


def _by_range(diagnostics, ranges: dict[int, tuple[int, int]]) -> dict[int, list[Diagnostic]]:
    import bisect

    order = sorted(ranges.items(), key=lambda item: item[1])
    starts = [first for _, (first, _) in order]
    found: dict[int, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        at = bisect.bisect_right(starts, diagnostic.line) - 1
        if at >= 0 and diagnostic.line <= order[at][1][1]:
            found.setdefault(order[at][0], []).append(diagnostic)
    return found


def _touches(a: Span, b: Span) -> bool:
    """Whether two spans share a position, ends included."""
    return (a[0], a[1]) <= (b[2], b[3]) and (b[0], b[1]) <= (a[2], a[3])


def _overlap(a: Span, b: Span) -> bool:
    return (a[0], a[1]) < (b[2], b[3]) and (b[0], b[1]) < (a[2], a[3])


def _fix_piece(
    lines: list[str],
    first: int,
    last: int,
    fixers: dict[type, list[Diagnostic]],
    parsed: dict[tuple[int, int], Any] | None = None,
):
    """Run fixers on the module's lines `first`..`last`, parsed alone (the whole module when
    they are all of it): (new text, [(diagnostic, description)], [(code, line, note)]).

    `parsed` keeps each piece's tree and positions for the next fixers of the same lines (a
    batch tries a statement again with fewer fixes): libcst's trees are never changed."""
    # A piece other than the first is given a line before it, so that the comments above its
    # statement stay that statement's (libcst makes a module's leading comments its header),
    # as in the whole module.
    # Its line end is the one before the piece (the piece's own last line may have none):
    # libcst gives new statements the first line end it sees.
    lead = "" if first == 1 else "pass" + _LINE_END.search(lines[first - 2]).group()
    shift = first - 1 - bool(lead)  # the module's line `first` is the piece's 1 or 2
    running, original = [], {}
    for fixer_class, group in fixers.items():
        copies = [d.replace(line=d.line - shift, end_line=d.end_line - shift) for d in group]
        original.update({id(copy): d for copy, d in zip(copies, group, strict=True)})
        fixer = _transformer_class(fixer_class)(copies)
        fixer.shift = shift
        running.append((fixer_class, fixer))
    wrapper = parsed.get((first, last)) if parsed is not None else None
    if wrapper is None:
        module = cst.parse_module(lead + "".join(lines[first - 1 : last]))
        wrapper = _metadata.MetadataWrapper(module, unsafe_skip_copy=True)
        if parsed is not None:
            parsed[(first, last)] = wrapper
    metadata = wrapper.resolve_many(
        {p for _, fixer in running for p in fixer.get_inherited_dependencies()}
    )
    for _, fixer in running:
        fixer.metadata = metadata
    code = wrapper.module.visit(_together()([f for _, f in running])).code
    if not code.startswith(lead):
        raise ValueError("a fixer changed the line before its piece")
    applied, notes = [], []
    for fixer_class, fixer in running:
        applied += [(original[id(copy)], text) for copy, text in fixer.applied]
        rule = fixers[fixer_class][0].code
        notes += [(rule, line + shift, text) for line, text in fixer.notes]
    return code[len(lead) :], applied, notes


_TOGETHER: list[type] = []
_ATTRIBUTE_HOOKS: dict[type, bool] = {}


def _together() -> type:
    """A transformer that runs fixers in one pass: each sees every node, in order, and each
    one's `leave_*` gets the node as the fixers before it left it.

    libcst looks a visitor's hooks up by name at every node and every attribute of it; this
    pass looks each fixer's up once per node type, skips the no-op hooks libcst's base class
    defines for every node, and calls the per-attribute hooks (`visit_Call_func`) only of a
    fixer that defines one: a third of the cost of a fix was that lookup. A node's children
    are skipped only when every fixer's `visit_*` says so (returns False), as libcst does for
    one visitor.
    """
    if _TOGETHER:
        return _TOGETHER[0]
    base = cst.CSTTransformer

    def hooks(fixers, kind: str, node_type: type) -> list:
        general = getattr(base, f"on_{kind}")
        name = f"{kind}_{node_type.__name__}"
        found = []
        for fixer in fixers:
            if getattr(type(fixer), f"on_{kind}") is not general:  # its own dispatch
                found.append(getattr(fixer, f"on_{kind}"))
            elif getattr(type(fixer), name, None) not in (None, getattr(base, name, None)):
                found.append(getattr(fixer, name))
        return found

    class Together(cst.CSTTransformer):
        def __init__(self, fixers):
            super().__init__()
            self.fixers = fixers
            self.visits: dict[type, list] = {}
            self.leaves: dict[type, list] = {}
            self.attribute_fixers = [f for f in fixers if _attribute_hooks(type(f))]
            self.confined = all(fixer.confined for fixer in fixers)

        def on_visit(self, node):
            found = self.visits.get(type(node))
            if found is None:
                found = self.visits[type(node)] = hooks(self.fixers, "visit", type(node))
            descend = len(found) < len(self.fixers)
            for hook in found:
                if hook(node) is not False:
                    descend = True
            return descend and (not self.confined or self.holds_finding(node))

        def holds_finding(self, node) -> bool:
            span = self.fixers[0].span(node)  # the fixers share the positions
            return span is None or any(
                _touches(span, pending) for fixer in self.fixers for pending in fixer.pending
            )

        def on_visit_attribute(self, node, attribute):
            for fixer in self.attribute_fixers:
                fixer.on_visit_attribute(node, attribute)

        def on_leave_attribute(self, original_node, attribute):
            for fixer in self.attribute_fixers:
                fixer.on_leave_attribute(original_node, attribute)

        def on_leave(self, original_node, updated_node):
            found = self.leaves.get(type(original_node))
            if found is None:
                found = hooks(self.fixers, "leave", type(original_node))
                self.leaves[type(original_node)] = found
            for hook in found:
                if not isinstance(updated_node, cst.CSTNode):  # removed or flattened
                    break
                updated_node = hook(original_node, updated_node)
            return updated_node

    _TOGETHER.append(Together)
    return Together


def _attribute_hooks(cls: type) -> bool:
    """Whether a fixer class has per-attribute hooks of its own (`visit_Call_func`)."""
    found = _ATTRIBUTE_HOOKS.get(cls)
    if found is None:
        base = cst.CSTTransformer
        found = (
            cls.on_visit_attribute is not base.on_visit_attribute
            or cls.on_leave_attribute is not base.on_leave_attribute
            or any(
                name.startswith(("visit_", "leave_"))
                and name.count("_") > 1
                and getattr(cls, name) is not getattr(base, name, None)
                for name in dir(cls)
            )
        )
        _ATTRIBUTE_HOOKS[cls] = found
    return found


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # lines with their ends, as ast counts
_LINE_END = re.compile(r"(?:\r\n|\r|\n)?\Z")


def _pieces(code: str, targets: list[Diagnostic]) -> list[tuple] | None:
    """(first line, last line, its targets, its `ast` statements) of each top-level statement
    holding targets, with the decorators, comments and blank lines above it (statements sharing
    a line count as one), or None if a target lies outside them all."""
    with _collector_paused():  # the module's tree is made and freed in there
        return _pieces_of(code, targets)


def _pieces_of(code: str, targets: list[Diagnostic]) -> list[tuple] | None:
    import ast
    import bisect

    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    units: list[list] = []  # [first, last, statements]: from the line after the previous one
    for node in tree.body:
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
        if units and first <= units[-1][1]:
            units[-1][1] = max(units[-1][1], node.end_lineno)
            units[-1][2].append(node)
        else:
            units.append([units[-1][1] + 1 if units else 1, node.end_lineno, [node]])
    starts = [unit[0] for unit in units]
    grouped: dict[int, list[Diagnostic]] = {}
    for diagnostic in targets:
        index = bisect.bisect_right(starts, diagnostic.line) - 1
        if index < 0 or diagnostic.end_line > units[index][1]:
            return None
        grouped.setdefault(index, []).append(diagnostic)
    return [
        (units[index][0], units[index][1], group, units[index][2])
        for index, group in sorted(grouped.items())
    ]


def _resolved(
    before: list[Diagnostic], after: list[Diagnostic], claimed: list[Diagnostic]
) -> list[Diagnostic]:
    """The claimed findings that re-checking no longer reports (matched by code and message)."""
    gone = Counter(map(_key, before)) - Counter(map(_key, after))
    resolved = []
    for diagnostic in claimed:
        if gone[_key(diagnostic)] > 0:
            gone[_key(diagnostic)] -= 1
            resolved.append(diagnostic)
    return resolved


def _new_errors(before: list[Diagnostic], after: list[Diagnostic], exempt: str = "") -> bool:
    """Whether an error finding appeared (a partial fixer's own rule is exempt)."""
    errors_before = Counter(_key(d) for d in before if d.severity == "error")
    errors_after = Counter(_key(d) for d in after if d.severity == "error" and d.code != exempt)
    return bool(errors_after - errors_before)


@contextlib.contextmanager
def _collector_paused():
    """Build a big tree without the cyclic collector, as `check_source` does: it has no
    cycles, and the collector would walk it again and again as it grows (on a 50,000-line
    module, three times the cost of parsing it)."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _compiles(source: str, path: str) -> bool:
    import ast
    import warnings

    try:
        with warnings.catch_warnings(), _collector_paused():
            warnings.simplefilter("ignore")  # the checker reports; compiling only tests
            compile(source, path, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def unified_diff(before: str, after: str, path: str = "<snippet>") -> str:
    """A unified diff as `git diff` prints it (with its note for a missing final newline)."""
    if before == after:
        return ""
    a, b = _diff_lines(before), _diff_lines(after)
    shown = _diff_path(path)
    out = [f"--- a/{shown}\n", f"+++ b/{shown}\n"]
    for group in _matcher(a, b).get_grouped_opcodes(3):
        (_, i1, _, j1, _), (_, _, i2, _, j2) = group[0], group[-1]
        out.append(f"@@ -{_range(i1, i2)} +{_range(j1, j2)} @@\n")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                out += [" " + line for line in a[a1:a2]]
                continue
            out += ["-" + line for line in a[a1:a2]]
            out += ["+" + line for line in b[b1:b2]]
    return "".join(out)


PATIENCE_LINES = 4000  # from this many lines on both sides, the diff is anchored on unique lines


def _range(start: int, stop: int) -> str:
    """A hunk's line range as unified diffs write it (difflib's _format_range_unified)."""
    length = stop - start
    first = start + 1 if length else start
    return str(first) if length == 1 else f"{first},{length}"


def _matcher(a: list[str], b: list[str]):
    """difflib's SequenceMatcher with its matching blocks found between lines that occur once
    on each side (patience diff): alone it costs the file's size times the number of changes,
    minutes for a 50,000-line file with a few hundred fixes."""
    import bisect
    import difflib

    if len(a) + len(b) < PATIENCE_LINES:  # small: difflib's own choices, as git users know them
        return difflib.SequenceMatcher(None, a, b)
    once_a, once_b = Counter(a), Counter(b)
    where_b = {line: j for j, line in enumerate(b) if once_b[line] == 1}
    pairs = [
        (i, where_b[line]) for i, line in enumerate(a) if once_a[line] == 1 and line in where_b
    ]
    # The longest chain of pairs increasing on both sides (patience sorting).
    tails: list[int] = []  # tails[k]: the least j ending a chain of length k + 1
    ends: list[int] = []  # the pair index of that tail
    back: list[int] = []
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        back.append(ends[k - 1] if k else -1)
        if k == len(tails):
            tails.append(j)
            ends.append(index)
        else:
            tails[k], ends[k] = j, index
    anchors, index = [], ends[-1] if ends else -1
    while index >= 0:
        anchors.append(pairs[index])
        index = back[index]
    blocks, i0, j0 = [], 0, 0
    for i, j in [*reversed(anchors), (len(a), len(b))]:
        gap = difflib.SequenceMatcher(None, a[i0:i], b[j0:j], autojunk=False)
        blocks += [(i0 + x, j0 + y, n) for x, y, n in gap.get_matching_blocks() if n]
        if i < len(a):
            blocks.append((i, j, 1))
        i0, j0 = i + 1, j + 1
    merged: list[tuple[int, int, int]] = []
    for i, j, n in blocks:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + n)
        else:
            merged.append((i, j, n))
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    matcher.matching_blocks = [*merged, (len(a), len(b), 0)]
    return matcher


def _diff_path(path: str) -> str:
    """The path as git shows it after a/ and b/: relative to the working directory when the
    file is under it, else without its leading slash (`a/abs/path`, never `a//abs/path`)."""
    import os

    if path.startswith("<") or not os.path.isabs(path):
        return path
    relative = os.path.relpath(path)
    return relative if not relative.startswith("..") else path.lstrip(os.sep)


def _diff_lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def rewrite_source(
    source: str,
    options: Options | None = None,
    *,
    rules: list[str] | None = None,
    unsafe: bool = False,
    path: str = "<snippet>",
    checked: FileResult | None = None,
) -> RewriteResult:
    """Apply every applicable fix to `source` and report what changed and what is left.

    `rules` limits the fixes to these codes (or code prefixes); `remaining` lists every
    finding of the returned code under `options`. Unsafe fixes run only with `unsafe=True`.
    Code with nothing to fix comes back byte-identical. `checked` is the check of this very
    `source` under these `options`, with its findings' fix data, when the caller has one (the
    command line checked the file already): the rewrite starts from it instead of checking.
    """
    from checks import engine

    options = options or engine.Options()
    first = checked if checked is not None else engine.check_source(source, options, path)
    if first.error is not None:
        return RewriteResult(source, "", [], [], error=first.error)
    # libcst drops the last line end of a file that ends lines with CR only: fix it as LF
    # (the same code to Python) and give the CRs back.
    lone_cr = "\r" in source and "\n" not in source
    rewrite = _Rewrite(
        source.replace("\r", "\n") if lone_cr else source, options, path, rules, unsafe
    )
    rewrite.diagnostics = first.diagnostics
    if any(map(rewrite.fixable, first.diagnostics)) and not _libcst_keeps(rewrite.code):
        return RewriteResult(source, "", [], first.diagnostics, error=NOT_KEPT)
    rewrite.run()
    if not rewrite.applied:
        return RewriteResult(source, "", [], first.diagnostics)
    code = rewrite.code.replace("\n", "\r") if lone_cr else rewrite.code
    return RewriteResult(
        code, unified_diff(source, code, path), rewrite.applied, rewrite.diagnostics
    )


NOT_KEPT = "a form feed before a statement, which the rewriter would drop; fix it by hand"


def _libcst_keeps(source: str) -> bool:
    """Whether libcst gives back every byte of `source` (it drops a form feed that begins a
    statement's line). Checked only for sources with the characters at risk."""
    if "\f" not in source:
        return True
    try:
        return cst.parse_module(source).code == source
    except Exception:  # libcst cannot parse it: each fix attempt gives up on its own
        return True


# The command line's --fix / --diff ---------------------------------------------------------
def fix_results(
    results: list,
    options: Options,
    *,
    write: bool,
    unsafe: bool = False,
    stdin: bytes | None = None,
    out=None,
    err=None,
) -> list:
    """Fix the checked files: write them in place (`write`), or print their diffs.

    Only files with a finding some fixer may fix are read again and rewritten; files that could
    not be checked (a syntax error, undecodable bytes) and notebooks are left alone. With
    `stdin` (its bytes), the fixed code (`write`) or its diff goes to `out` instead of a file.
    Returns the results to report: after `write`, the findings left in the new code; for a
    diff, the findings of the code as it is.
    """
    import sys

    from checks.cache import content_digest
    from checks.engine import FileResult
    from checks.rules import RULES_BY_CODE

    out = out or sys.stdout
    err = err or sys.stderr
    fixers = {code for code, rule in RULES_BY_CODE.items() if rule.fixer is not None}
    wanted = ("safe", "unsafe") if unsafe else ("safe",)
    reported, fixed_count, files = [], 0, 0
    for result in results:
        fixable = not result.error and any(
            d.code in fixers and d.fix in wanted for d in result.diagnostics
        )
        if stdin is None and (not fixable or result.path.endswith(".ipynb")):
            reported.append(result)
            continue
        try:
            data = stdin if stdin is not None else _read(result.path)
            text, encoding = _decode(data)
        except (OSError, ValueError) as exc:
            print(f"milvus-cto: {result.path}: not fixed: {exc}", file=err)
            reported.append(result)
            continue
        # The check to start from: the one just made, if it read these very bytes as Python
        # (a notebook's findings are placed in its cells, not in the JSON text).
        same = not result.path.endswith(".ipynb") and (
            stdin is not None or getattr(result, "digest", None) == content_digest(data)
        )  # `digest`: see checks.cli.CheckedForFix
        rewrite = (
            rewrite_source(
                text, options, unsafe=unsafe, path=result.path, checked=result if same else None
            )
            if fixable
            else RewriteResult(text, "")
        )
        if rewrite.error == NOT_KEPT:
            print(f"milvus-cto: {result.path}: not fixed: {NOT_KEPT}", file=err)
        if rewrite.error is not None or not rewrite.applied:
            if stdin is not None and write:
                out.write(text)
            reported.append(result)
            continue
        files += 1
        fixed_count += len(rewrite.applied)
        if not write:
            out.write(rewrite.diff)
            reported.append(result)
            continue
        if stdin is not None:
            out.write(rewrite.code)
        else:
            try:
                write_fixed(result.path, rewrite.code.encode(encoding), data)
            except NotWritten as exc:
                print(f"milvus-cto: {result.path}: not fixed: {exc}", file=err)
                reported.append(result)
                continue
            except OSError as exc:
                print(f"milvus-cto: {result.path}: not written: {exc}", file=err)
                reported.append(result)
                continue
        reported.append(FileResult(result.path, diagnostics=rewrite.remaining))
    if fixed_count:
        verb = "fixed" if write else "would fix"
        noun = "finding" if fixed_count == 1 else "findings"
        where = "" if stdin is not None else f" in {files} file{'s' * (files != 1)}"
        print(f"milvus-cto: {verb} {fixed_count} {noun}{where}", file=err)
    return reported


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _decode(data: bytes) -> tuple[str, str]:
    """Source text and the encoding to write it back in (a BOM stays a BOM)."""
    import io
    import tokenize

    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise ValueError(f"cannot decode: {exc}") from None


class NotWritten(OSError):
    """A fix that must not be written (read-only file, changed since read); says why."""


def write_fixed(path: str, data: bytes, original: bytes) -> None:
    """Replace the file's content with `data`, keeping everything else about the file.

    Refused (NotWritten) when the file is read-only or no longer holds `original` (someone
    wrote to it while the fixes ran). The file keeps its owner, group and mode, and a symbolic
    link keeps pointing at it. A file with other hard links, or one whose owner this user
    cannot give a new file, is rewritten in place (a rename would part it from its links or
    its owner); any other file is replaced in one step by a rename.
    """
    import os

    target = os.path.realpath(path)
    info = os.stat(target)
    if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise NotWritten("the file is read-only")
    if info.st_nlink > 1:
        _write_in_place(target, data, original)
        return
    try:
        write_atomically(target, data, original=original, info=info)
    except PermissionError:  # not allowed to give the new file the old one's owner
        _write_in_place(target, data, original)


def _unchanged(path: str, original: bytes) -> None:
    if _read(path) != original:
        raise NotWritten("the file changed while the fixes ran; run again")


def _write_in_place(path: str, data: bytes, original: bytes) -> None:
    with open(path, "r+b") as file:
        if file.read() != original:
            raise NotWritten("the file changed while the fixes ran; run again")
        file.seek(0)
        file.write(data)
        file.truncate()
        file.flush()


def write_atomically(path: str, data: bytes, *, original: bytes | None = None, info=None) -> None:
    """Replace the file's content in one step: a new file beside it, then a rename.

    The new file gets the old one's mode, owner and group (PermissionError when this user may
    not give it that owner); a symbolic link keeps pointing at the file it names. With
    `original`, nothing is written unless the file still holds exactly those bytes. On Linux
    the new file has no name until just before the rename (O_TMPFILE), so that a kill while it
    is written leaves nothing behind.
    """
    import os

    target = os.path.realpath(path)
    directory = os.path.dirname(target) or "."
    info = info or os.stat(target)
    fd, temporary = _new_file(directory, os.path.basename(target))
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
                os.fchown(file.fileno(), info.st_uid, info.st_gid)
            os.fchmod(file.fileno(), info.st_mode & 0o7777)  # after chown, which clears setuid
            os.fsync(file.fileno())
            if original is not None:
                _unchanged(target, original)
            if temporary is None:  # unnamed until now
                temporary = _temporary_name(directory, os.path.basename(target))
                _name(file.fileno(), temporary)
        os.replace(temporary, target)
    except BaseException:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise


def _new_file(directory: str, name: str) -> tuple[int, str | None]:
    """A new file to write in `directory`: unnamed (O_TMPFILE) where the system allows it."""
    import os

    if hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            return os.open(directory, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o600), None
    temporary = _temporary_name(directory, name)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    return os.open(temporary, flags, 0o600), temporary


def _name(fd: int, path: str) -> None:
    """Give the unnamed file `fd` the name `path` (linkat with AT_SYMLINK_FOLLOW: os.link
    uses it only when given a directory descriptor)."""
    import os

    directory = os.open(os.path.dirname(path), os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.link(f"/proc/self/fd/{fd}", os.path.basename(path), dst_dir_fd=directory)
    finally:
        os.close(directory)


def _temporary_name(directory: str, name: str) -> str:
    import os

    return os.path.join(directory, f".{name}.{os.urandom(6).hex()}.milvus-cto.tmp")
