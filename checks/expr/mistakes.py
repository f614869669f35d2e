"""The usual filter mistakes, named, with the rewrite that fixes each where it is certain.

`diagnose` turns a syntax error into a Problem: a specific message at the exact offsets, and,
for the mistakes coding agents make again and again, the whole expression rewritten. A rewrite
is offered only when it parses in the target's dialect: it is certain to be what the writer
meant (`=` for `==`, `nin` for `not in`, `a.b` for `a["b"]`, `AND` for `and` on 2.4).
`lint` finds the mistakes that parse but cannot mean what they say (`x == null`).
"""

from __future__ import annotations

import re

from checks.expr.dialects import Dialect, describe, since
from checks.expr.lexer import Token
from checks.expr.parser import ExprSyntaxError, Node, Parsed, parse
from checks.record import FrozenRecord

_WORD_BEFORE = re.compile(r"(?:\$meta|[A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])*$")
_DOT_PATH = re.compile(r"(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_NULL_WORDS = frozenset({"null", "NULL", "Null", "None", "nil"})
_RELATIONAL = frozenset({"<", "<=", ">", ">="})
_LOWER_KEYWORDS = {"AND": "and", "OR": "or", "NOT": "not", "IN": "in"}


class Problem(FrozenRecord):
    __slots__ = ("end", "fixed", "hint", "message", "start", "syntax")
    start: int
    end: int
    message: str
    fixed: str | None  # the whole expression, rewritten, when the fix is certain
    hint: str | None
    syntax: bool  # found by `too_new`, but wrong in every release (MV140, not MV141)

    def __init__(
        self,
        start: int,
        end: int,
        message: str,
        fixed: str | None = None,
        hint: str | None = None,
        syntax: bool = False,
    ) -> None:
        self.start = start
        self.end = end
        self.message = message
        self.fixed = fixed
        self.hint = hint
        self.syntax = syntax

    def _key(self) -> tuple:
        return (self.start, self.end, self.message, self.fixed, self.hint, self.syntax)


def diagnose(text: str, error: ExprSyntaxError, dialect: Dialect, quote: str = '"') -> Problem:
    """A syntax error as the writer should read it. `quote` is the quote a rewrite may use
    for a JSON key (the one the enclosing Python literal does not use)."""
    token = error.token
    found = text[error.start : error.end]
    if found == "=" and not text.startswith(("==", "=~"), error.start):
        return _rewrite(
            text, error, dialect, "==",
            "Write `==`: a single `=` is not a comparison in a Milvus filter",
        )  # fmt: skip
    if found == "." and _WORD_BEFORE.search(text[: error.start]):
        path = _DOT_PATH.match(text, error.start)
        if path:
            keys = "".join(f"[{quote}{key}{quote}]" for key in path.group()[1:].split("."))
            base = _WORD_BEFORE.search(text[: error.start]).group()
            problem = _rewrite(
                text,
                ExprSyntaxError(error.start, path.end(), ""),
                dialect,
                keys,
                f"Write `{base}{keys}`: a JSON key is read with brackets, not a dot",
            )
            return problem
    if token is not None and token.kind == "IDENT":
        word = token.text
        if word.lower() == "nin":
            return _rewrite(
                text, error, dialect, "not in", "Write `not in`: `nin` is not a Milvus operator"
            )
        if word in _LOWER_KEYWORDS:
            lower = _LOWER_KEYWORDS[word]
            return _rewrite(
                text,
                error,
                dialect,
                lower,
                f"Write `{lower}`: `{word}` is no keyword in Milvus {dialect.name} (upper case "
                "arrives in 2.5); the server refuses the filter, Milvus Lite drops the rest",
            )
        if word.lower() == "between":
            return Problem(
                error.start,
                error.end,
                "Write a range `low <= field <= high`: Milvus filters have no `between`",
            )
    if found == "<" and text.startswith("<>", error.start):
        return _rewrite(
            text,
            ExprSyntaxError(error.start, error.start + 2, ""),
            dialect,
            "!=",
            "Write `!=`: `<>` is not a Milvus operator",
        )
    message = error.message
    hint = None
    if "after a complete expression" in message:
        hint = "join conditions with `and` / `or`; a Milvus server refuses this filter, and "
        "Milvus Lite 2.4 silently runs only the part before"
    if "takes 2 arguments" in message and token is not None:
        hint = 'the JSON key goes in the path: `json_contains_any(meta["key"], [...])`'
    return Problem(error.start, error.end, _sentence(message), hint=hint)


def lint(parsed: Parsed, text: str, dialect: Dialect) -> Problem | None:
    """A filter that parses but cannot mean what it says."""
    for node in parsed.tree.walk():
        if node.kind == "function" and node.op.endswith(("_all", "_any")):
            values = node.children[1] if len(node.children) > 1 else None
            if values is not None and values.kind in ("int", "float", "string", "bool"):
                return Problem(
                    values.start,
                    values.end,
                    f"Give `{node.op}` a list: `[{text[values.start : values.end]}]`, or use "
                    f"`{node.op.rsplit('_', 1)[0]}` for one value",
                )
        if node.kind != "compare":
            continue
        if node.op in _RELATIONAL and any(
            child.kind == "compare" and child.op in _RELATIONAL for child in node.children
        ):
            return Problem(
                node.start,
                node.end,
                "Write a range with both comparisons the same way (`1 < x < 5`, `5 > x > 1`): "
                "this compares the result of a comparison",
            )
        if node.op not in ("==", "!="):
            continue
        if dialect.line < (2, 5) and any(child.kind == "array" for child in node.children):
            return Problem(
                node.start,
                node.end,
                f"Milvus {dialect.name} cannot compare with a list",
                hint="test membership with `json_contains` / `array_contains` "
                "(`json_contains_all` / `array_contains_all` for several values)",
            )
        left, right = node.children
        if right.kind == "field" and right.value in _NULL_WORDS and left.kind in ("field", "json"):
            return _null_compare(text, node, left, right, dialect)
    return None


def too_new(
    parsed: Parsed, text: str, dialect: Dialect, holes: set[int], quote: str = '"'
) -> Problem | None:
    """The first construct the target's release does not have."""
    for feature, start, end in parsed.features:
        if feature in dialect.features or any(start <= h < end for h in holes):
            continue
        if feature == "struct_field":  # `meta[key]`: a JSON key without quotes
            bracket = text.index("[", start)
            key = text[bracket + 1 : end - 1]
            fixed = f"{text[:bracket]}[{quote}{key}{quote}]{text[end:]}"
            return _checked(
                fixed,
                dialect,
                Problem(
                    start,
                    end,
                    f"Quote the JSON key: write `{text[start:bracket]}[{quote}{key}{quote}]`",
                    fixed,
                    syntax=True,
                ),
            )
        token = _token_at(parsed.tokens, start)
        if feature == "upper_keywords" and token is not None and token.text in _LOWER_KEYWORDS:
            lower = _LOWER_KEYWORDS[token.text]
            return _rewrite(
                text,
                ExprSyntaxError(token.start, token.end, ""),
                dialect,
                lower,
                f"Write `{lower}`: upper-case `{token.text}` arrives in Milvus 2.5",
            )
        return Problem(
            start,
            end,
            f"Milvus {dialect.name} does not have {describe(feature)} "
            f"(Milvus {since(feature)} has)",
        )
    return None


def _null_compare(text: str, node: Node, left: Node, right: Node, dialect: Dialect) -> Problem:
    negated = node.op == "!="
    if not dialect.has("is_null") or (left.kind == "json" and not dialect.has("json_is_null")):
        return Problem(
            node.start,
            node.end,
            f"Milvus {dialect.name} has no null test: `{right.value}` is read as a field name "
            f"(`is null` arrives in Milvus {since('is_null' if left.kind == 'field' else 'json_is_null')})",
        )
    test = "is not null" if negated else "is null"
    fixed = f"{text[: left.end]} {test}{text[node.end :]}"
    return _checked(
        fixed,
        dialect,
        Problem(
            node.start,
            node.end,
            f"Write `{text[left.start : left.end]} {test}`: `{right.value}` is not a value "
            "in a Milvus filter",
            fixed,
        ),
    )


def _rewrite(
    text: str, error: ExprSyntaxError, dialect: Dialect, replacement: str, message: str
) -> Problem:
    fixed = text[: error.start] + replacement + text[error.end :]
    return _checked(fixed, dialect, Problem(error.start, error.end, message, fixed))


def _checked(fixed: str, dialect: Dialect, problem: Problem) -> Problem:
    """Keep the rewrite only if it parses in the target's dialect, with nothing too new."""
    try:
        parsed = parse(fixed, dialect)
    except ExprSyntaxError:
        return Problem(
            problem.start, problem.end, problem.message, None, problem.hint, problem.syntax
        )
    if any(f not in dialect.features for f, _, _ in parsed.features) or lint(
        parsed, fixed, dialect
    ):
        return Problem(
            problem.start, problem.end, problem.message, None, problem.hint, problem.syntax
        )
    return problem


def _token_at(tokens: list[Token], start: int) -> Token | None:
    return next((t for t in tokens if t.start == start), None)


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] if message else message
