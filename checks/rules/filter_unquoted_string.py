"""MV142 filter-unquoted-string."""

from __future__ import annotations

import ast

from checks.expr.calls import Filters, FilterUse
from checks.rules.base import Invalid, Rule

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~3 ms per hook run

if TYPE_CHECKING:
    from checks.expr.parser import Node

_STRING_METHODS = frozenset(
    {"strip", "lower", "upper", "title", "capitalize", "replace", "lstrip", "rstrip", "casefold"}
)


class FilterUnquotedString(Rule):
    """String value put into a filter without quotes: the server reads it as a field name."""

    code = "MV142"
    name = "filter-unquoted-string"
    severity = "error"
    pymilvus_only = True
    fix = "none"
    editions = frozenset({"2026.11"})

    VALID = [
        # Quoted where the value goes, or a number, or a list.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("milvus.db")
        name = "bot"
        client.query("docs", filter=f"bot_name == '{name}'", limit=5)
        client.query("docs", filter='bot_name == "{}"'.format(name), limit=5)
        client.query("docs", filter=f"year > {2020}", limit=5)
        client.query("docs", filter=f"id in {[1, 2]}", limit=5)
        client.query("docs", filter=f"source == {name!r}", limit=5)
        client.query("docs", filter="source == %r" % name, limit=5)
        """,
        # A value we cannot see, a whole condition, or a field name in a hole.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("milvus.db")
        def find(client: MilvusClient, value, field: str, condition: str):
            client.query("docs", filter=f"bot_name == {value}", limit=5)
            client.query("docs", filter=f"{field} == 'x'", limit=5)
            client.query("docs", filter=f"{condition} and year > 1", limit=5)
            client.query("docs", filter="bot_name == {name}", filter_params={"name": "x"}, limit=5)
        """,
        # A string that holds a quoted value or a number is fine.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("milvus.db")
        QUOTED = '"bot"'
        YEAR = "2020"
        client.query("docs", filter=f"bot_name == {QUOTED} and year > {YEAR}", limit=5)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            name = "support-bot"
            client.query("docs", filter="bot_name == {}".format(name), limit=5)
            """,
            line=4,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            def history(client: MilvusClient, session_id: str):
                return client.query("chat", filter=f"session_id == {session_id}", limit=50)
            """,
            line=3,
        ),
        Invalid(
            """
            from pymilvus import Collection
            col = Collection("docs")
            col.delete("source in [%s]" % "a.pdf")
            """,
            line=3,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            def by_user(user: str):
                return client.query("docs", filter=f"user == {user.lower()}", limit=5)
            """,
            line=4,
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        filters = self.ctx.shared(Filters)
        use = filters.first_use(node)
        if use is None or use.parsed is None or not use.filter.holes:
            return
        for hole, value in self._compared_holes(use):
            if not self._visibly_string(value):
                continue
            source = self.ctx.text(value) if hasattr(value, "lineno") else "value"
            self.report(
                use.place(hole.start, hole.end),
                f"Quote this value: `{source}` is a string, and without quotes the server reads "
                "it as a field name.",
                hint="write `field == '{value}'`, or pass it as a template variable: "
                '`filter="field == {v}", filter_params={"v": value}` (Milvus 2.5+)',
            )
            return

    def _compared_holes(self, use: FilterUse):
        """Holes outside quotes that are compared with a field (or listed after `in`)."""
        values = {hole.offset: hole.value for hole in use.filter.holes if not hole.in_quotes}
        for node in use.parsed.tree.walk():
            if node.kind == "compare" and node.op in ("==", "!="):
                operands = node.children
                if any(_is_field(o) for o in operands):
                    yield from _holes(operands, values)
            elif node.kind == "in" and _is_field(node.children[0]):
                listed = node.children[1]
                yield from _holes(listed.children if listed.kind == "array" else [], values)

    def _visibly_string(self, value: ast.expr | None) -> bool:
        if value is None:
            return False
        literal = self.ctx.literal(value)
        if isinstance(literal, str):
            return _bare_word(literal)
        if literal is not None:
            return False
        if isinstance(value, ast.JoinedStr):
            return False  # its text is not visible either
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr in _STRING_METHODS
        ):
            return self._visibly_string(value.func.value) or self._annotated_str(value.func.value)
        return self._annotated_str(value)

    def _annotated_str(self, value: ast.expr) -> bool:
        """A parameter of the enclosing function annotated `str`, never rebound."""
        if not isinstance(value, ast.Name):
            return False
        function = self.ctx.scope.node
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        definitions = self.ctx.scope.defs.get(value.id, [])
        if len(definitions) != 1:
            return False
        arguments = function.args
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            if arg.arg == value.id:
                return isinstance(arg.annotation, ast.Name) and arg.annotation.id == "str"
        return False


def _is_field(node: Node) -> bool:
    return node.kind in ("field", "json")


def _holes(operands: list[Node], values: dict[int, ast.expr | None]):
    for operand in operands:
        if operand.kind == "hole" and operand.start in values:
            yield operand, values[operand.start]


def _bare_word(text: str) -> bool:
    """A value that, put in unquoted, is a name or garbage: not a number, list or quoted text."""
    stripped = text.strip()
    if not stripped or stripped[0] in "\"'[({":
        return False
    if stripped.lower() in ("true", "false"):
        return False
    try:
        float(stripped)
    except ValueError:
        return True
    return False
