"""A parsed filter held against a collection's fields: names the server cannot resolve and
operands it refuses to compare.

The checks take a `FieldTypes` (name -> the field's kind, and whether the dynamic field is on),
so that they read whatever knows the collection: the collection model for a rule, a literal
schema in the differential test. A field whose kind is not known, a hole, or an expression
they do not model is never reported (unknown means silent).

What the server refuses, as milvus-lite 2.4.12 (the 2.4 grammar and planner) shows
it in tests/evidence/test_mv140_filter_syntax.py:
- a name that is not a field while the dynamic field is off (`$meta` too);
- a number or boolean compared with a VARCHAR field, a string or boolean with a numeric one, a
  float with an integer field, a number or string with a BOOL field, also inside `in [...]` and
  ranges; a whole JSON, ARRAY or vector field compared with a value;
- `like` on anything but a VARCHAR field or a JSON path; `array_*` / `json_contains*` on
  anything but an ARRAY or JSON field;
- on 2.4 only (`planner_limits`): arithmetic or `array_length` compared with anything but
  `==` / `!=`, arithmetic or ranges on a JSON path, integers in the `in` list of a FLOAT or
  DOUBLE field, and strings mixed with numbers in one `in` list.
"""

from __future__ import annotations

from checks.expr.parser import Node
from checks.record import FrozenRecord, Record

NUMERIC = frozenset({"int", "float"})
_SCALARS = frozenset({"int", "float", "string", "bool"})
_WHOLE = frozenset({"json", "array", "vector"})
_RELATIONAL = frozenset({"<", "<=", ">", ">="})
_CONTAINER_FUNCTIONS = frozenset(
    {
        "array_contains", "array_contains_all", "array_contains_any", "array_length",
        "json_contains", "json_contains_all", "json_contains_any",
    }
)  # fmt: skip


class FieldType(FrozenRecord):
    """A field's kind: int, float, string, bool, json, array, vector or other."""

    __slots__ = ("element", "kind")

    kind: str
    element: str | None  # an ARRAY field's element kind

    def __init__(self, kind: str, element: str | None = None) -> None:
        self.kind = kind
        self.element = element

    def _key(self) -> tuple:
        return (self.kind, self.element)


class FieldTypes(Record):
    __slots__ = ("complete", "dynamic", "fields")
    fields: dict[str, FieldType]
    dynamic: bool | None  # None: not known
    complete: bool  # every field of the collection is listed

    def __init__(
        self,
        fields: dict[str, FieldType],
        dynamic: bool | None,
        complete: bool = True,
    ) -> None:
        self.fields = fields
        self.dynamic = dynamic
        self.complete = complete

    def _key(self) -> tuple:
        return (self.fields, self.dynamic, self.complete)


class Finding(FrozenRecord):
    __slots__ = ("end", "kind", "message", "start")
    start: int
    end: int
    kind: str  # "unknown-field" | "type-mismatch"
    message: str

    def __init__(self, start: int, end: int, kind: str, message: str) -> None:
        self.start = start
        self.end = end
        self.kind = kind
        self.message = message

    def _key(self) -> tuple:
        return (self.start, self.end, self.kind, self.message)


def check(tree: Node, types: FieldTypes, line: tuple[int, int] = (99, 0)) -> list[Finding]:
    """Every unknown name and type mismatch in the filter, in order, for Milvus `line`."""
    checker = _Checker(types, line < (2, 5))
    checker.condition(tree)
    for node in tree.walk():
        checker.visit(node)
    return sorted(checker.findings, key=lambda f: f.start)


class _Checker:
    def __init__(self, types: FieldTypes, planner_limits: bool):
        self.types = types
        self.planner_limits = planner_limits  # the 2.4 planner's
        self.findings: list[Finding] = []

    def add(self, node: Node, message: str, kind: str = "type-mismatch", end: int | None = None):
        self.findings.append(Finding(node.start, node.end if end is None else end, kind, message))

    def visit(self, node: Node) -> None:
        kind = node.kind
        if kind in ("field", "json"):
            self.unknown(node)
        elif kind in ("compare", "range", "in"):
            self.comparison(node)
        elif kind == "like":
            self.like(node)
        elif kind == "function":
            self.function(node)

    def condition(self, tree: Node) -> None:
        """The whole filter must be a condition, not a value."""
        while tree.kind == "group":
            tree = tree.children[0]
        kind = self.type_of(tree) if tree.kind not in ("arith",) else "arith"
        if kind in ("int", "float", "string") or (kind == "arith"):
            self.add(tree, "This filter is a value, not a condition: compare it with something")
        elif tree.kind == "compare" and all(c.kind in _SCALARS for c in tree.children):
            self.add(tree, "This filter compares two constants: compare a field")

    # Names ------------------------------------------------------------------------------------
    def unknown(self, node: Node) -> None:
        name = _name(node)
        types = self.types
        if name is None or name in types.fields or not types.complete or types.dynamic is not False:
            return
        if name == "$meta":
            self.add(
                node, "This collection has no dynamic field for `$meta` to name", "unknown-field"
            )
            return
        self.add(
            node,
            f"No field `{name}` in this collection, and its dynamic field is off",
            "unknown-field",
            end=node.start + len(name),
        )

    # Types ------------------------------------------------------------------------------------
    def type_of(self, node: Node) -> str | None:
        """The kind of value an operand is: a field's kind, a literal's, or None (unknown)."""
        if node.kind in _SCALARS:
            return node.kind
        if node.kind == "unary" and node.op in ("-", "+") and node.children[0].kind in NUMERIC:
            return node.children[0].kind
        if node.kind == "group":
            return self.type_of(node.children[0])
        name = _name(node)
        known = self.types.fields.get(name) if name is not None else None
        if known is None:
            return None
        if node.kind == "json":
            keys = node.value[1]
            if known.kind == "array" and len(keys) == 1 and isinstance(keys[0], int):
                return known.element
            return "path" if known.kind == "json" else None
        return known.kind

    def field_kind(self, node: Node) -> str | None:
        return self.type_of(node) if node.kind in ("field", "json") else None

    def comparison(self, node: Node) -> None:
        if node.kind == "in":
            subject, values = node.children
            literals = values.children if values.kind == "array" else []
            self.in_list(subject, literals)
        elif node.kind == "range":
            subject, literals = node.children[1], [node.children[0], node.children[2]]
            if self.planner_limits and self.field_kind(subject) == "path":
                self.add(node, "Milvus 2.4 has no range on a JSON key: write two comparisons")
        else:
            left, right = node.children
            if self.field_kind(left) is None and self.field_kind(right) is not None:
                left, right = right, left
            subject, literals = left, [right]
            if self.planner_limits and self.arithmetic(node, left, right):
                return
        kind = self.field_kind(subject)
        if kind in _WHOLE and any(literal.kind in _SCALARS for literal in literals):
            what = {"json": "JSON", "array": "ARRAY", "vector": "vector"}[kind]
            self.add(
                node,
                f"Compare one of the {'keys' if kind == 'json' else 'elements'} of "
                f"`{_name(subject)}` (`{_name(subject)}[...]`): it is a whole {what} field"
                if kind != "vector"
                else f"Filter on scalar fields: `{_name(subject)}` is a vector field",
            )
            return
        if kind not in _SCALARS:
            return
        for literal in literals:
            value = self.type_of(literal) if literal.kind not in ("field", "json") else None
            if value in _SCALARS and not _compatible(kind, value):
                self.add(
                    literal,
                    f"Compare `{_label(subject)}` with {_FIELD_VALUES[kind]}: it is "
                    f"{_FIELD_WORDS[kind]} field, and this is {_VALUE_WORDS[value]}",
                )

    def in_list(self, subject: Node, literals: list[Node]) -> None:
        if not self.planner_limits:
            return
        kind = self.field_kind(subject)
        kinds = {self.type_of(literal) for literal in literals} - {None}
        if kind == "float" and "int" in kinds:
            self.add(
                subject,
                "Milvus 2.4 needs floating-point values in the `in` list of a FLOAT/DOUBLE "
                "field: write `1.0`, not `1`",
                end=literals[-1].end + 1,
            )
        elif kind == "path" and "string" in kinds and kinds & {"int", "float", "bool"}:
            self.add(
                subject,
                "Milvus 2.4 cannot mix strings and numbers in one `in` list",
                end=literals[-1].end + 1,
            )

    def arithmetic(self, node: Node, left: Node, right: Node) -> bool:
        computed = next(
            (side for side in (left, right) if side.kind == "arith" or _is_length(side)), None
        )
        if computed is None:
            return False
        if node.op in _RELATIONAL:
            self.add(
                node,
                "Milvus 2.4 compares arithmetic and `array_length` only with `==` and `!=`",
            )
            return True
        if computed.kind == "arith" and any(
            self.field_kind(child) == "path" for child in computed.children
        ):
            self.add(node, "Milvus 2.4 has no arithmetic on a JSON key")
            return True
        return False

    def like(self, node: Node) -> None:
        subject = node.children[0]
        kind = self.field_kind(subject)
        if node.op.lower() != "like" or kind not in _SCALARS | {"array"} or kind == "string":
            return
        self.add(node, f"Use `like` on strings: `{_label(subject)}` is {_FIELD_WORDS[kind]} field")

    def function(self, node: Node) -> None:
        if node.op not in _CONTAINER_FUNCTIONS or not node.children:
            return
        subject = node.children[0]
        kind = self.field_kind(subject)
        if kind not in _SCALARS:
            return
        self.add(
            subject,
            f"Use `{node.op}` on an ARRAY or JSON field: `{_label(subject)}` is "
            f"{_FIELD_WORDS[kind]} field",
        )


def _name(node: Node) -> str | None:
    if node.kind == "field":
        return node.value if isinstance(node.value, str) else None
    if node.kind == "json":
        return node.value[0]
    return None


def _is_length(node: Node) -> bool:
    return node.kind == "function" and node.op == "array_length"


def _compatible(field_kind: str, value_kind: str) -> bool:
    """A FLOAT/DOUBLE field takes any number; an integer field only an integer."""
    if field_kind == "float":
        return value_kind in NUMERIC
    return field_kind == value_kind


_FIELD_WORDS = {
    "int": "an integer",
    "float": "a floating-point",
    "string": "a VARCHAR",
    "bool": "a BOOL",
    "array": "an ARRAY",
}
_FIELD_VALUES = {
    "int": "an integer",
    "float": "a number",
    "string": "a quoted string",
    "bool": "`true` or `false`",
}
_VALUE_WORDS = {
    "int": "an integer",
    "float": "a floating-point number",
    "string": "a string",
    "bool": "a boolean",
}


def _label(node: Node) -> str:
    name = _name(node)
    return name if name is not None else "?"
