"""What the rules that judge calls against the collection model share."""

from __future__ import annotations

import ast

from checks.collection.facts import UNKNOWN, Collection, Field, Schema
from checks.collection.rows import Row, literal_row, literal_rows
from checks.expr.calls import Filters
from checks.rules.base import Rule
from checks.semantic import Scope, has_star_kwargs
from checks.signatures import MethodCall

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~3 ms per hook run
if TYPE_CHECKING:
    from typing import ClassVar


class CollectionRule(Rule):
    """Collects the calls of `methods` on known clients and ORM collections while the traversal
    runs, and judges each once the module is done (`judge`), when the module shows the schema of
    the collection it acts on."""

    methods: ClassVar[tuple[str, ...]] = ()
    pymilvus_only = True  # visit_Call reads method calls of known clients and collections

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.call_names = frozenset(cls.methods)  # visit_Call looks at nothing else

    def __init__(self, ctx):
        super().__init__(ctx)
        self.collections = ctx.collections
        self.calls: list[tuple[MethodCall, Scope]] = []

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in self.methods:
            return
        call = self.ctx.method_call(node, *self.methods)
        if call is None or has_star_kwargs(node):
            return
        if any(isinstance(a, ast.Starred) for a in node.args):
            return
        self.calls.append((call, self.ctx.scope))

    def visit_flow(self, flow) -> None:
        if not isinstance(flow.node, ast.Module):
            return
        for call, scope in self.calls:
            collection = self.collections.of_call(call, scope)
            if collection is not None and collection.schema is not None:
                self.judge(call, collection, collection.schema, scope)

    def judge(self, call: MethodCall, collection: Collection, schema: Schema, scope: Scope) -> None:
        raise NotImplementedError

    # --- helpers -----------------------------------------------------------------------------

    def rows(self, call: MethodCall, scope: Scope) -> list[Row] | None:
        """The literal rows an insert/upsert writes; None when any row is not a dict display
        with literal keys only."""
        data = call.argument("data")
        found = literal_rows(self.ctx.model, data, scope) if data is not None else None
        if not found:
            return None
        rows = [literal_row(row) for row in found]
        return None if any(r is None for r in rows) else rows


class FieldRule(Rule):
    """Judges each field definition (`FieldSchema(...)`, `schema.add_field(...)`) as written."""

    def __init__(self, ctx):
        super().__init__(ctx)
        # Asked for every call: the model's method, looked up once.
        self.field_definition = ctx.collections.field_definition

    def visit_Call(self, node: ast.Call) -> None:
        field = self.field_definition(node, self.ctx.scope)
        if field is not None and not has_star_kwargs(node):
            self.judge_field(node, field)

    def judge_field(self, call: ast.Call, field: Field) -> None:
        raise NotImplementedError


class FilterFieldRule(Rule):
    """Judges the module's filters against their collections' fields once the module is done:
    each filter's first finding of `kind` (Filters.field_problems), in `judge_filter`."""

    kind: ClassVar[str] = ""  # "unknown-field" | "type-mismatch" (checks.expr.semantics)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.collections = ctx.collections  # asked for here, so that the traversal feeds it
        self.filters = ctx.shared(Filters)  # likewise: it reads every call's filter

    def visit_flow(self, flow) -> None:
        if isinstance(flow.node, ast.Module):
            for use, finding in self.filters.field_problems(self.kind):
                self.judge_filter(use, finding)

    def judge_filter(self, use, finding) -> None:
        raise NotImplementedError


def string_list(model, expr: ast.expr | None, scope: Scope) -> list[tuple[str, ast.expr]] | None:
    """A list or tuple of literal strings (written there or bound once and never changed in
    place), as (value, node); None when any element is not a literal string (output_fields)."""
    if expr is None:
        return None
    if isinstance(expr, ast.Name) and not model.mutated(expr):
        bound = model.binding(expr, scope)
        if bound is not None:
            expr, scope = bound
    if not isinstance(expr, (ast.List, ast.Tuple)):
        return None
    found = []
    for element in expr.elts:
        value = model.string(element, scope)
        if value is None:
            return None
        found.append((value, element))
    return found


def label(collection: Collection, field: str | None = None) -> str:
    """`'docs'` or `vector` of 'docs' (`self.collection_name` for a name held in one), for
    messages."""
    name = f"'{collection.name}'" if collection.literal else f"`{collection.name}`"
    return f"`{field}` of {name}" if field else name


def certain(value) -> bool:
    return value is not UNKNOWN and value is not None


def search_params(call: MethodCall, model, scope: Scope) -> ast.Dict | None:
    """The params dict a search passes (`search_params=`, the ORM's `param=`) when it is a
    literal (written there or bound once); else None."""
    return model.dict_literal(
        call.argument("search_params" if call.api == "client" else "param"), scope
    )


def searched_field(call: MethodCall, schema: Schema, model, scope: Scope):
    """The field a search runs on: its literal `anns_field`, else the collection's only vector
    field. None when not certain."""
    given = call.argument("anns_field")
    if given is not None:
        name = model.string(given, scope)
        return schema.field(name) if name is not None else None
    vectors = schema.vector_fields
    if vectors is UNKNOWN or len(vectors) != 1:
        return None
    return vectors[0]
