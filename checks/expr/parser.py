"""A recursive-descent parser for Milvus filters, rule by rule after Plan.g4's `expr`.

Plan.g4 writes `expr` as one left-recursive ANTLR rule: its alternatives, from the top, bind
from tightest to loosest. Here the prefix and primary alternatives are `_primary`, and the
binary ones are levels of a precedence climber (`_BINARY`), in the grammar's order:

    LIKE/=~/!~ > ** > unary (+ - ~ not) > * / % > + - > << >> > [not] in > range/relational
    > == != > & > ^ > | > and > or

ANTLR's binary operators are left-associative (`**` too), and a prefix operator's operand binds
only what binds tighter than the prefix itself: `not a == b` is `(not a) == b`, and `-a ** 2`
is `-(a ** 2)`, exactly as on the server. The tree is what the semantic checks read; it is not
an evaluator.
"""

from __future__ import annotations

from checks.expr.dialects import Dialect
from checks.expr.lexer import Token, tokenize
from checks.record import Record


class Node(Record):
    """One construct of a filter. `start`/`end` are offsets in the expression."""

    __slots__ = ("children", "end", "kind", "op", "start", "value")

    kind: str  # see the `_primary` and `_binary` docstrings for the kinds
    start: int
    end: int
    op: str  # the operator, function or keyword as written
    children: list[Node]
    value: object  # a literal's value; a field's name; a JSON path's (name, keys)

    def __init__(
        self,
        kind: str,
        start: int,
        end: int,
        op: str = "",
        children: list[Node] | None = None,
        value: object = None,
    ) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.op = op
        self.children = [] if children is None else children
        self.value = value

    def _key(self) -> tuple:
        return (self.kind, self.start, self.end, self.op, self.children, self.value)

    def walk(self):
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


class ExprSyntaxError(Exception):
    """Where and why the server's parser would refuse the filter."""

    def __init__(self, start: int, end: int, message: str, token: Token | None = None):
        super().__init__(message)
        self.start = start
        self.end = end
        self.message = message
        self.token = token


class Parsed(Record):
    __slots__ = ("features", "tokens", "tree")
    tree: Node
    tokens: list[Token]
    # (feature, start, end) for every construct the newest grammar has and an older may not.
    features: list[tuple[str, int, int]]

    def __init__(
        self,
        tree: Node,
        tokens: list[Token],
        features: list[tuple[str, int, int]],
    ) -> None:
        self.tree = tree
        self.tokens = tokens
        self.features = features

    def _key(self) -> tuple:
        return (self.tree, self.tokens, self.features)


# Binary levels, loosest first: token kinds -> node kind. Precedence = index.
_BINARY: list[tuple[frozenset[str], str]] = [
    (frozenset({"OR"}), "logical"),
    (frozenset({"AND"}), "logical"),
    (frozenset({"|"}), "bitwise"),
    (frozenset({"^"}), "bitwise"),
    (frozenset({"&"}), "bitwise"),
    (frozenset({"==", "!="}), "compare"),
    (frozenset({"<", "<=", ">", ">="}), "compare"),
    (frozenset({"IN", "NOT"}), "in"),
    (frozenset({"<<", ">>"}), "arith"),
    (frozenset({"+", "-"}), "arith"),
    (frozenset({"*", "/", "%"}), "arith"),
    (frozenset(), "unary"),  # the prefix operators' level
    (frozenset({"**"}), "arith"),
    (frozenset({"LIKE", "=~", "!~"}), "like"),
]
_LEVEL = {kind: level for level, (kinds, _) in enumerate(_BINARY) for kind in kinds}
_UNARY_LEVEL = 11
_TOP = 0
_FIELD_TOKENS = frozenset({"IDENT", "JSON", "STRUCT", "SUBFIELD", "SELF", "META"})
_RANGE_MIDDLE = frozenset({"IDENT", "JSON", "STRUCT", "SUBFIELD", "SELF", "HOLE"})
_COMPARE = frozenset({"<", "<=", ">", ">=", "==", "!="})
_FUNCTIONS = frozenset(
    {
        "JSON_CONTAINS", "JSON_CONTAINS_ALL", "JSON_CONTAINS_ANY", "ARRAY_LENGTH", "TEXT_MATCH",
        "PHRASE_MATCH", "RANDOM_SAMPLE", "ELEMENT_FILTER", "MATCH_SIMPLE", "MATCH_THRESHOLD",
        "ST_BINARY", "ST_DWITHIN", "ST_ISVALID",
    }
)  # fmt: skip


def parse(text: str, dialect: Dialect) -> Parsed:
    """Parse a filter; ExprSyntaxError where the newest grammar already refuses it.

    Constructs newer than `dialect` parse, and are listed in `Parsed.features`.
    """
    from checks.expr.lexer import LexError

    try:
        tokens = tokenize(text, dialect)
    except LexError as exc:
        raise ExprSyntaxError(
            exc.offset, exc.offset + 1, f"Unexpected `{exc.text}`: no filter token starts with it"
        ) from None
    parser = _Parser(text, tokens, dialect)
    tree = parser.expression(_TOP)
    last = parser.peek()
    if last.kind != "EOF":
        raise ExprSyntaxError(
            last.start, last.end, f"Unexpected {_shown(last)} after a complete expression", last
        )
    features = [(t.feature, t.start, t.end) for t in tokens if t.feature] + parser.features
    features.sort(key=lambda f: f[1])
    return Parsed(tree, tokens, features)


def _shown(token: Token) -> str:
    return "end of the filter" if token.kind == "EOF" else f"`{token.text}`"


class _Parser:
    def __init__(self, text: str, tokens: list[Token], dialect: Dialect):
        self.text = text
        self.tokens = tokens
        self.index = 0
        self.dialect = dialect
        self.features: list[tuple[str, int, int]] = []
        # `exists` binds everything after it up to 2.5 (its alternative was the grammar's
        # last), only the next operand from 2.6 (listed first).
        self.exists_level = 0 if dialect.line < (2, 6) else len(_BINARY)

    # Tokens -----------------------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token:
        index = min(self.index + ahead, len(self.tokens) - 1)
        return self.tokens[index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "EOF":
            self.index += 1
        return token

    def expect(self, kind: str, what: str | None = None) -> Token:
        token = self.peek()
        if token.kind != kind:
            raise ExprSyntaxError(
                token.start,
                token.end,
                f"Expected {what or f'`{kind}`'}, found {_shown(token)}",
                token,
            )
        return self.take()

    # Binary levels ----------------------------------------------------------------------------
    def expression(self, level: int) -> Node:
        left = self._primary()
        while True:
            token = self.peek()
            op_level = _LEVEL.get(token.kind)
            if op_level is None or op_level < level:
                return left
            if token.kind == "NOT" and self.peek(1).kind != "IN":
                return left
            left = self._binary(left, op_level)

    def _binary(self, left: Node, level: int) -> Node:
        """kinds: logical, bitwise, compare, range, in, arith, like."""
        token = self.take()
        kind = _BINARY[level][1]
        if token.kind in ("<", "<=", ">", ">=") and self._is_range(token):
            middle = self._primary()
            second = self.take()
            right = self.expression(level + 1)
            return Node(
                "range", left.start, right.end, f"{token.text} {second.text}", [left, middle, right]
            )
        if token.kind == "NOT":
            in_ = self.take()  # checked by expression()
            op = "not in"
            if in_.start != token.end + 1 or self.text[token.end] != " ":
                # Up to 2.4 `not in` was one token, with exactly one space.
                self.features.append(("spaced_not_in", token.start, in_.end))
        else:
            op = token.text
        right = self.expression(level + 1)
        if kind == "in" and right.kind not in ("array", "empty_array"):
            self.features.append(("in_expression", right.start, right.end))
        if kind == "like" and token.kind == "LIKE" and right.kind != "string":
            self.features.append(("like_expression", right.start, right.end))
        return Node(kind, left.start, right.end, op, [left, right])

    def _is_range(self, operator: Token) -> bool:
        middle, second = self.peek(), self.peek(1)
        lower = operator.kind in ("<", "<=")
        return middle.kind in _RANGE_MIDDLE and second.kind in (
            ("<", "<=") if lower else (">", ">=")
        )

    # Primaries and prefixes ---------------------------------------------------------------
    def _primary(self) -> Node:
        """kinds: int, float, bool, string, field, json, template, array, empty_array, group,
        unary, exists, function, call, is_null, timestamptz, hole (a value the code fills in)."""
        token = self.peek()
        kind = token.kind
        if kind == "HOLE":
            self.take()
            return Node("hole", token.start, token.end)
        if kind in ("INT", "FLOAT", "BOOL", "STRING"):
            self.take()
            return Node(kind.lower(), token.start, token.end, value=_literal(token))
        if kind in _FIELD_TOKENS:
            return self._field()
        if kind == "{":
            self.take()
            name = self.expect("IDENT", "a template variable name")
            close = self.expect("}", "`}` closing the template variable")
            self.features.append(("template", token.start, close.end))
            return Node("template", token.start, close.end, value=name.text)
        if kind == "(":
            self.take()
            inner = self.expression(_TOP)
            close = self.expect(")", "`)`")
            return Node("group", token.start, close.end, children=[inner])
        if kind == "[":
            return self._array()
        if kind == "EMPTY":
            self.take()
            return Node("empty_array", token.start, token.end)
        if kind in ("+", "-", "~", "NOT"):
            self.take()
            operand = self.expression(_UNARY_LEVEL)
            return Node("unary", token.start, operand.end, token.text, [operand])
        if kind == "EXISTS":
            self.take()
            operand = self.expression(self.exists_level)
            return Node("exists", token.start, operand.end, token.text, [operand])
        if kind in _FUNCTIONS:
            return self._function()
        if kind == "ISO":
            return self._timestamptz_reverse()
        if kind in ("ISNULL", "ISNOTNULL"):
            raise ExprSyntaxError(
                token.start, token.end, f"Put a field name before `{token.text}`", token
            )
        if kind == "EOF":
            raise ExprSyntaxError(
                token.start, token.end, "The filter ends where a value was expected", token
            )
        raise ExprSyntaxError(
            token.start, token.end, f"Expected a field or a value, found {_shown(token)}", token
        )

    def _field(self) -> Node:
        token = self.take()
        following = self.peek()
        if token.kind == "IDENT" and following.kind == "(":
            return self._call(token)
        if following.kind in ("ISNULL", "ISNOTNULL") and token.kind in ("IDENT", "JSON"):
            self.take()
            self.features.append(("is_null", following.start, following.end))
            if token.kind == "JSON":
                self.features.append(("json_is_null", token.start, following.end))
            return Node(
                "is_null",
                token.start,
                following.end,
                following.text,
                [_field_node(token)],
            )
        if token.kind == "IDENT" and (
            (following.kind in ("+", "-") and self.peek(1).kind == "INTERVAL")
            or (following.kind in _COMPARE and self.peek(1).kind == "ISO")
        ):
            return self._timestamptz_forward(token)
        return _field_node(token)

    def _call(self, name: Token) -> Node:
        self.take()  # (
        arguments = self._arguments(")")
        close = self.expect(")", "`)`")
        self.features.append(("call", name.start, close.end))
        return Node("call", name.start, close.end, name.text, arguments)

    def _arguments(self, closing: str) -> list[Node]:
        """`expr (',' expr)* ','?`, possibly empty, up to `closing`."""
        items: list[Node] = []
        while self.peek().kind != closing:
            items.append(self.expression(_TOP))
            if self.peek().kind != ",":
                break
            self.take()
        return items

    def _array(self) -> Node:
        open_ = self.take()
        if self.peek().kind == "]":  # `[]` is the EMPTY token; this is `[` then `]` apart?
            close = self.take()
            return Node("empty_array", open_.start, close.end)
        items = [self.expression(_TOP)]
        while self.peek().kind == ",":
            self.take()
            if self.peek().kind == "]":
                break
            items.append(self.expression(_TOP))
        close = self.expect("]", "`,` or `]` in the list")
        return Node("array", open_.start, close.end, children=items)

    def _function(self) -> Node:
        """The grammar's keyword functions, each with its own argument shape."""
        name = self.take()
        kind = name.kind
        self.expect("(", f"`(` after `{name.text}`")
        arguments: list[Node] = []
        if kind in ("JSON_CONTAINS", "JSON_CONTAINS_ALL", "JSON_CONTAINS_ANY"):
            arguments = [self.expression(_TOP)]
            self._comma(name, 2)
            arguments.append(self.expression(_TOP))
        elif kind == "ARRAY_LENGTH":
            token = self.peek()
            if token.kind not in ("IDENT", "JSON", "STRUCT", "HOLE"):
                raise ExprSyntaxError(
                    token.start,
                    token.end,
                    f"Give `{name.text}` a field name, not {_shown(token)}",
                    token,
                )
            arguments = [_field_node(self.take())]
        elif kind == "RANDOM_SAMPLE":
            arguments = [self.expression(_TOP)]
        elif kind == "ST_ISVALID":
            arguments = [self._field_argument(name)]
        else:
            arguments = [self._field_argument(name)]
            self._comma(name)
            arguments.append(self.expression(_TOP))
            if kind == "TEXT_MATCH" and self.peek().kind == ",":
                self.take()
                option = self.expect("MINIMUM_SHOULD_MATCH", "`minimum_should_match=`")
                self.expect("=", "`=`")
                value = self.expect("INT", "an integer")
                arguments.append(Node("option", option.start, value.end, option.text))
            elif kind == "PHRASE_MATCH" and self.peek().kind == ",":
                self.take()
                arguments.append(self.expression(_TOP))
            elif kind == "ST_DWITHIN":
                self._comma(name, 3)
                arguments.append(self.expression(_TOP))
            elif kind == "MATCH_THRESHOLD":
                self._comma(name, 3)
                option = self.expect("THRESHOLD", "`threshold=`")
                self.expect("=", "`=`")
                value = self.expect("INT", "an integer")
                arguments.append(Node("option", option.start, value.end, option.text))
        token = self.peek()
        if token.kind == ",":
            raise ExprSyntaxError(
                token.start,
                token.end,
                f"Too many arguments: `{name.text}` takes {len(arguments)}",
                token,
            )
        close = self.expect(")", f"`)` closing `{name.text}(`")
        return Node("function", name.start, close.end, name.text.lower(), arguments)

    def _field_argument(self, function: Token) -> Node:
        token = self.peek()
        if token.kind not in ("IDENT", "HOLE"):
            raise ExprSyntaxError(
                token.start,
                token.end,
                f"Give `{function.text}` a field name first, not {_shown(token)}",
                token,
            )
        return _field_node(self.take())

    def _comma(self, function: Token, count: int = 2) -> None:
        token = self.peek()
        if token.kind != ",":
            raise ExprSyntaxError(
                token.start,
                token.end,
                f"Expected `,` (`{function.text}` takes {count} arguments), found {_shown(token)}",
                token,
            )
        self.take()

    def _timestamptz_forward(self, name: Token) -> Node:
        """`field [(+|-) interval "..."] op iso "..."`."""
        children = [_field_node(name)]
        if self.peek().kind in ("+", "-"):
            self.take()
            self.take()  # INTERVAL
            children.append(_string(self.expect("STRING", "an interval string")))
        op = self.take()
        self.take()  # ISO
        value = self.expect("STRING", "an ISO time string")
        children.append(_string(value))
        return Node("timestamptz", name.start, value.end, op.text, children)

    def _timestamptz_reverse(self) -> Node:
        """`iso "..." op field [(+|-) interval "..."]`."""
        iso = self.take()
        value = _string(self.expect("STRING", "an ISO time string"))
        op = self.peek()
        if op.kind not in _COMPARE:
            raise ExprSyntaxError(
                op.start, op.end, f"Expected a comparison, found {_shown(op)}", op
            )
        self.take()
        name = self.expect("IDENT", "a field name")
        children = [value, _field_node(name)]
        end = name.end
        if self.peek().kind in ("+", "-") and self.peek(1).kind == "INTERVAL":
            self.take()
            self.take()
            interval = self.expect("STRING", "an interval string")
            children.append(_string(interval))
            end = interval.end
        return Node("timestamptz", iso.start, end, op.text, children)


def _field_node(token: Token) -> Node:
    if token.kind == "HOLE":
        return Node("hole", token.start, token.end)
    if token.kind == "JSON":
        name, keys = _json_path(token.text)
        return Node("json", token.start, token.end, value=(name, keys))
    return Node("field", token.start, token.end, value=token.text)


def _string(token: Token) -> Node:
    return Node("string", token.start, token.end, value=_literal(token))


def _json_path(text: str) -> tuple[str, list[object]]:
    """`meta["a"][0]` -> ("meta", ["a", 0])."""
    bracket = text.index("[")
    name, rest, keys = text[:bracket], text[bracket:], []
    position = 0
    while position < len(rest):
        close = _closing(rest, position)
        inner = rest[position + 1 : close]
        keys.append(int(inner) if inner.isdigit() else _unquote(inner))
        position = close + 1
    return name, keys


def _closing(text: str, open_: int) -> int:
    """The `]` that closes the bracket at `open_`, skipping a quoted key."""
    position = open_ + 1
    if text[position] in "rR" and text[position + 1 : position + 2] in ("'", '"'):
        position += 1
    if text[position] in ("'", '"'):
        quote = text[position]
        position += 1
        while text[position] != quote:
            position += 2 if text[position] == "\\" else 1
        position += 1
    while text[position] != "]":
        position += 1
    return position


def _literal(token: Token) -> object:
    text = token.text
    if token.kind == "BOOL":
        return text.lower() == "true"
    if token.kind == "INT":
        if len(text) > 1 and text[0] == "0" and text[1] in "0123456789":
            return int(text, 8)
        return int(text, 0)
    if token.kind == "FLOAT":
        try:
            return float.fromhex(text) if text[:2] in ("0x", "0X") else float(text)
        except ValueError:
            return None
    return _unquote(text)


def _unquote(text: str) -> str:
    """A string literal's value, near enough for the checks (escapes kept as written)."""
    for prefix in ("u8", "u", "U", "L", "r", "R"):
        if text.startswith(prefix) and text[len(prefix) : len(prefix) + 1] in ("'", '"'):
            text = text[len(prefix) :]
            break
    return text[1:-1]
