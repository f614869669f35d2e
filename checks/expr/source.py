"""A filter as Python spells it: the expression text, its holes, and where each character sits.

A filter argument is a string literal, an implicit concatenation of literals, an f-string, or a
template filled by `str.format` / `%`. `read_filter` decodes it the way Python would (string
prefixes, escapes, line continuations, triple quotes) and keeps, for every character of the
expression, the line and column of the source character it came from, so that an offset inside
the expression becomes an exact place in the file. A hole (`{x}` of an f-string, `{}` of a
format template, `%s`) is an opaque value: it becomes one HOLE character in the text, which the
filter lexer reads as a value it cannot see.
"""

from __future__ import annotations

import ast
import re

from checks.expr.lexer import HOLE
from checks.record import Record

_PREFIX = re.compile(r"[rRbBuUfF]{0,2}(?='|\")")
_FORMAT_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_PERCENT_FIELD = re.compile(
    r"%(?:\(([^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])"
)


class Hole(Record):
    """A value the code fills in: where it stands in the text, and the Python expression, if
    known (None for a format argument that cannot be matched)."""

    __slots__ = ("in_quotes", "offset", "value")

    offset: int
    value: ast.expr | None
    in_quotes: bool  # inside a quoted string of the filter

    def __init__(self, offset: int, value: ast.expr | None, in_quotes: bool = False) -> None:
        self.offset = offset
        self.value = value
        self.in_quotes = in_quotes

    def _key(self) -> tuple:
        return (self.offset, self.value, self.in_quotes)


class FilterText(Record):
    __slots__ = ("holes", "node", "positions", "template", "text")
    text: str
    node: ast.expr  # the Python expression the filter was read from
    positions: list[tuple[int, int]]  # per character (and one past the end): (line, column)
    holes: list[Hole]
    template: ast.Constant | None  # a `.format`/`%` template or plain literal

    def __init__(
        self,
        text: str,
        node: ast.expr,
        positions: list[tuple[int, int]],
        holes: list[Hole] | None = None,
        template: ast.Constant | None = None,
    ) -> None:
        self.text = text
        self.node = node
        self.positions = positions
        self.holes = [] if holes is None else holes
        self.template = template

    def _key(self) -> tuple:
        return (self.text, self.node, self.positions, self.holes, self.template)

    def place(self, offset: int) -> tuple[int, int]:
        """1-based line, 0-based character column of an offset in the text."""
        offset = max(0, min(offset, len(self.positions) - 1))
        return self.positions[offset]

    @property
    def plain(self) -> bool:
        """One plain string literal (no f-string, no template, no concatenation of parts)."""
        return not self.holes and isinstance(self.node, ast.Constant)


def read_filter(node: ast.expr, lines: list[str]) -> FilterText | None:
    """The filter an expression spells, or None for anything but the literal forms above."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _read_literals(node, lines)
    if isinstance(node, ast.JoinedStr):
        return _read_literals(node, lines)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
    ):
        template = _read_literals(node.func.value, lines)
        if template is None or any(isinstance(a, ast.Starred) for a in node.args):
            return None
        if any(k.arg is None for k in node.keywords):
            return None
        return _fill(template, node, _FORMAT_FIELD, _format_argument(node))
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mod)
        and isinstance(node.left, ast.Constant)
        and isinstance(node.left.value, str)
    ):
        template = _read_literals(node.left, lines)
        if template is None:
            return None
        return _fill(template, node, _PERCENT_FIELD, _percent_argument(node.right))
    return None


# Literals -----------------------------------------------------------------------------------
def _read_literals(node: ast.expr, lines: list[str]) -> FilterText | None:
    """Decode the string tokens that make up `node`, recording each character's place."""
    if node.end_lineno is None:
        return None
    line_index = node.lineno - 1
    column = _char_column(lines[line_index], node.col_offset)
    end = (node.end_lineno - 1, _char_column(lines[node.end_lineno - 1], node.end_col_offset))
    text: list[str] = []
    positions: list[tuple[int, int]] = []
    holes: list[Hole] = []
    values = (
        [v for v in node.values if isinstance(v, ast.FormattedValue)]
        if isinstance(node, ast.JoinedStr)
        else []
    )
    close = (end[0] + 1, end[1])  # one past the text: the last literal's closing quote
    while (line_index, column) < end:
        line = lines[line_index]
        if column >= len(line):
            line_index, column = line_index + 1, 0
            continue
        char = line[column]
        if char in " \t\f()":
            column += 1
            continue
        if char == "\\":  # a line continuation between the parts
            line_index, column = line_index + 1, 0
            continue
        if char == "#":
            line_index, column = line_index + 1, 0
            continue
        prefix = _PREFIX.match(line, column)
        if prefix is None:
            return None  # something else inside the span: not a plain literal sequence
        flags = prefix.group().lower()
        if "b" in flags:
            return None
        position = prefix.end()
        quote = line[position : position + 3]
        if quote not in ('"""', "'''"):
            quote = line[position]
        at = _decode(
            lines, line_index, position + len(quote), quote, flags, text, positions, holes, values
        )
        if at is None:
            return None
        line_index, column = at
        close = (line_index + 1, column - len(quote))
    positions.append(close)
    return FilterText("".join(text), node, positions, holes)


def _decode(lines, line_index, column, quote, flags, text, positions, holes, values):
    """Decode one literal's content from (line_index, column) up to its closing quote; return
    where the literal ends, or None where the literal cannot be followed."""
    raw, formatted = "r" in flags, "f" in flags
    triple = len(quote) == 3
    while True:
        if line_index >= len(lines):
            return None
        line = lines[line_index]
        if column >= len(line):
            if not triple:
                return None
            text.append("\n")
            positions.append((line_index + 1, column))
            line_index, column = line_index + 1, 0
            continue
        if line.startswith(quote, column):
            return line_index, column + len(quote)
        char = line[column]
        place = (line_index + 1, column)
        if char == "\\" and not raw:
            if column + 1 >= len(line):  # backslash-newline: nothing
                line_index, column = line_index + 1, 0
                continue
            value, width = _escape(line, column)
            if value is None:
                return None
            text.append(value)
            positions.extend([place] * len(value))
            column += width
            continue
        if char == "\\" and raw:
            if column + 1 >= len(line):  # a raw backslash-newline keeps both
                text.append("\\\n")
                positions.extend([place, (line_index + 1, column + 1)])
                line_index, column = line_index + 1, 0
                continue
            text.append(line[column : column + 2])
            positions.extend([place, (line_index + 1, column + 1)])
            column += 2
            continue
        if formatted and char in "{}":
            if line.startswith(char * 2, column):
                text.append(char)
                positions.append(place)
                column += 2
                continue
            if char == "}":
                return None
            close = _replacement_end(line, column)
            if close is None or not values:
                return None  # a replacement field over several lines: not followed
            formatted_value = values.pop(0)
            # `{x!r}` writes a repr: quoted for a string, so its value no longer matters.
            value = None if formatted_value.conversion == ord("r") else formatted_value.value
            holes.append(Hole(len(text), value, _in_quotes("".join(text))))
            text.append(HOLE)
            positions.append(place)
            column = close
            continue
        text.append(char)
        positions.append(place)
        column += 1


_SIMPLE_ESCAPES = {
    "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
    "t": "\t", "v": "\v",
}  # fmt: skip


def _escape(line: str, column: int) -> tuple[str | None, int]:
    """The value and source width of the escape sequence at `column`."""
    char = line[column + 1]
    if char in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[char], 2
    if char in "01234567":
        digits = re.match(r"[0-7]{1,3}", line[column + 1 :]).group()
        return chr(int(digits, 8)), 1 + len(digits)
    sizes = {"x": 2, "u": 4, "U": 8}
    if char in sizes:
        digits = line[column + 2 : column + 2 + sizes[char]]
        if len(digits) != sizes[char]:
            return None, 0
        try:
            return chr(int(digits, 16)), 2 + sizes[char]
        except ValueError:
            return None, 0
    if char == "N":
        close = line.find("}", column)
        if close < 0:
            return None, 0
        import unicodedata

        try:
            return unicodedata.lookup(line[column + 3 : close]), close + 1 - column
        except KeyError:
            return None, 0
    return "\\" + char, 2  # an unknown escape keeps its backslash


def _replacement_end(line: str, column: int) -> int | None:
    """The column after the `}` closing the f-string replacement field at `column`."""
    depth, position, quote = 0, column, None
    while position < len(line):
        char = line[position]
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return None


def _char_column(line: str, byte_offset: int) -> int:
    if line.isascii():
        return byte_offset
    return len(line.encode()[:byte_offset].decode(errors="replace"))


def _in_quotes(text: str) -> bool:
    """Whether the end of a filter's text is inside one of its quoted strings."""
    quote = None
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
    return quote is not None


# Templates ----------------------------------------------------------------------------------
def _fill(template: FilterText, node: ast.expr, pattern: re.Pattern, argument) -> FilterText:
    """The template with each replacement field as a hole (the escapes `{{`, `%%` as text)."""
    text, positions, holes = [], [], []
    last, automatic = 0, 0
    source = template.text
    for match in pattern.finditer(source):
        text.append(source[last : match.start()])
        positions.extend(template.positions[last : match.start()])
        whole = match.group()
        if whole in ("{{", "}}", "%%"):
            text.append(whole[0])
            positions.append(template.positions[match.start()])
        else:
            key = match.group(1)
            if key is None or key == "" or key.split(".")[0].split("[")[0].split(":")[0] == "":
                key, automatic = automatic, automatic + 1
            # A repr (`%r`, `{!r}`) is quoted for a string: its value no longer matters.
            repr_ = (whole.endswith("r") and whole.startswith("%")) or "!r" in whole
            value = None if repr_ else argument(key)
            holes.append(Hole(sum(map(len, text)), value, _in_quotes("".join(text))))
            text.append(HOLE)
            positions.append(template.positions[match.start()])
        last = match.end()
    text.append(source[last:])
    positions.extend(template.positions[last:])
    result = FilterText("".join(text), node, positions, holes, template=template.node)
    return result


def _format_argument(call: ast.Call):
    def argument(key):
        if isinstance(key, int):
            return call.args[key] if key < len(call.args) else None
        name = re.split(r"[.\[:!]", key, maxsplit=1)[0]
        if name.isdigit():
            index = int(name)
            return call.args[index] if index < len(call.args) else None
        for keyword in call.keywords:
            if keyword.arg == name:
                return keyword.value
        return None

    return argument


def _percent_argument(right: ast.expr):
    def argument(key):
        if isinstance(key, int):
            if isinstance(right, ast.Tuple):
                return right.elts[key] if key < len(right.elts) else None
            return right if key == 0 else None
        if isinstance(right, ast.Dict):
            for k, v in zip(right.keys, right.values, strict=True):
                if isinstance(k, ast.Constant) and k.value == key:
                    return v
        return None

    return argument
