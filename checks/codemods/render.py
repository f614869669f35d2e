"""Writing the new calls: arguments with their comments, one line or one argument per line.

Replacements are written as source text and parsed back into nodes by the transformer. Each
argument keeps the source of the user's expression and the comments that sat on its line
(`consistency_level="Strong",  # Or "Eventually" for speed`), so nothing the user wrote inside
a migrated call is lost. A call that does not fit on its line, or carries comments, is written
one argument per line with a trailing comma, the way black and ruff format it.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field

import libcst as cst

LINE_WIDTH = 88


@dataclass(frozen=True)
class Where:
    """Where a replacement goes: the module (for source text), its indent, its column.

    libcst keeps continuation lines relative to the statement's own indentation (and so does
    `code_for_node`), so `indent` is relative: "" for a statement or expression being replaced,
    one unit for the body of a compound statement it writes. `column` is absolute: it only
    decides whether a call still fits on its line.
    """

    module: cst.Module
    indent: str = ""
    column: int = 0

    @property
    def unit(self) -> str:
        return self.module.default_indent

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)


@dataclass(frozen=True)
class Arg:
    """One argument of a call being written: `keyword=code  # comment`."""

    keyword: str | None
    code: str
    comment: str | None = None  # the comment at the end of the argument's line
    leading: tuple[str, ...] = field(default=())  # comments on their own lines before it


def comments_after(node: cst.CSTNode | None) -> tuple[str | None, tuple[str, ...]]:
    """The comment ending the line of a comma (or closing whitespace) and those on later lines."""
    if not isinstance(node, cst.ParenthesizedWhitespace):
        return None, ()
    first = node.first_line.comment.value if node.first_line.comment else None
    later = tuple(line.comment.value for line in node.empty_lines if line.comment)
    return first, later


def whitespace_after(node: cst.Arg | cst.DictElement) -> cst.CSTNode | None:
    """The whitespace after an argument or dict element and its comma, where comments live."""
    comma = node.comma
    if isinstance(comma, cst.Comma):
        return comma.whitespace_after
    return getattr(node, "whitespace_after_arg", None)


def with_comments(
    items: list[tuple[str | None, cst.CSTNode, cst.Arg | cst.DictElement]],
    where: Where,
    opening: cst.CSTNode | None = None,
) -> list[Arg]:
    """Arguments `(keyword, value node, the Arg or DictElement it came from)`, with comments.

    `opening` is the whitespace after the opening bracket: comments there lead the first one.
    """
    first, later = comments_after(opening)
    pending = (first, *later) if first else later
    args = []
    for keyword_name, value, source in items:
        comment, later = comments_after(whitespace_after(source))
        args.append(Arg(keyword_name, where.code(value), comment, pending))
        pending = later
    return args


def render_call(func: str, args: list[Arg], where: Where) -> str:
    """`func(a=1, b=2)` if it fits on the line, else one argument per line (trailing comma)."""
    parts = [f"{a.keyword}={a.code}" if a.keyword else a.code for a in args]
    one_line = f"{func}({', '.join(parts)})"
    fits = where.column + len(one_line) <= LINE_WIDTH
    if fits and "\n" not in one_line and not any(a.comment or a.leading for a in args):
        return one_line
    inner = where.indent + where.unit
    lines = [f"{func}("]
    for arg, part in zip(args, parts, strict=True):
        lines.extend(f"{inner}{comment}" for comment in arg.leading)
        lines.append(f"{inner}{part}," + (f"  {arg.comment}" if arg.comment else ""))
    lines.append(f"{where.indent})")
    return "\n".join(lines)


def is_identifier(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


class NameAllocator:
    """Fresh variable names: never one the module already spells, never one handed out."""

    def __init__(self, used: set[str]):
        self.used = set(used)

    def fresh(self, *candidates: str) -> str:
        for candidate in candidates:
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate
        base, n = candidates[-1], 2
        while f"{base}_{n}" in self.used:
            n += 1
        self.used.add(f"{base}_{n}")
        return f"{base}_{n}"
