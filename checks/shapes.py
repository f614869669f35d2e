"""What one module shows of the collections it creates: primary key, auto_id, fields.

Shared by the rules that need it (MV112, MV114) through `ctx.shared(CollectionShapes)`, so it is
fed once per node however many rules ask: a rule calls `see_call` / `see_store` while the
traversal runs, then asks `client_shape` / `orm_shape` once the module is done.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from checks.semantic import Scope, has_star_kwargs
from checks.signatures import MethodCall, argument

FIELD_SCHEMA = "pymilvus.FieldSchema"
COLLECTION_SCHEMA = "pymilvus.CollectionSchema"
_UNSURE = object()


@dataclass(frozen=True)
class Shape:
    """How a collection created in the module assigns primary keys, and which fields it has."""

    pk: str
    auto_id: bool
    quick: bool  # quick setup: create_collection(name, dimension=...)
    fields: tuple[str, ...] | None  # every field in schema order; None when not known for sure


@dataclass(frozen=True)
class _Field:
    name: str
    is_primary: bool
    auto_id: bool


class CollectionShapes:
    """The collections one module creates through a client, and the schemas it builds.

    A rule feeds it every call and attribute store while the traversal runs (`see_call`,
    `see_store`), then asks `client_shape` / `orm_shape` once the module is done. Anything it
    cannot follow (several creations, a schema handed to other code, `**kwargs`) gives None.
    """

    def __init__(self, ctx):
        self.ctx = ctx
        self.creates: dict[tuple[str, str], list[tuple[MethodCall, Scope]]] = {}
        self.unnamed_creates: set[str] = set()  # receivers that create collections of unknown name
        self.add_fields: dict[int, list[tuple[ast.Call, Scope, bool]]] = {}
        self.with_functions: set[int] = set()
        self.spoiled: set[int] = set()
        # Most modules build no schema: then only creations need recording.
        self.builds_schemas = "create_schema" in ctx.source or "CollectionSchema" in ctx.source
        self._last_seen: ast.AST | None = None

    # --- during the traversal ----------------------------------------------------------------

    def see_call(self, call: ast.Call) -> None:
        if call is self._last_seen:
            return  # several rules feed one instance: record each node once
        self._last_seen = call
        ctx, func = self.ctx, call.func
        method = func.attr if isinstance(func, ast.Attribute) else None
        create = ctx.method_call(call, "create_collection")
        if create is not None and create.api == "client":
            receiver = receiver_key(func.value)
            name = ctx.model.string(create.argument("collection_name"), ctx.scope)
            if name is None:
                self.unnamed_creates.add(receiver)
            else:
                self.creates.setdefault((receiver, name), []).append((create, ctx.scope))
        if not self.builds_schemas:
            return
        if method is not None and method != "create_collection":
            schema = self._schema_node(func.value, ctx.scope)
            if schema is not None:
                if method == "add_field":
                    entry = (call, ctx.scope, bool(ctx.blocks))
                    self.add_fields.setdefault(id(schema), []).append(entry)
                elif method == "add_function":
                    self.with_functions.add(id(schema))
                elif method not in ("verify", "to_dict"):
                    self.spoiled.add(id(schema))
        if method == "create_collection" or ctx.qualname(func) == "pymilvus.Collection":
            return
        # A schema handed to code we cannot see may be changed there.
        for arg in [*call.args, *(kw.value for kw in call.keywords)]:
            arg = arg.value if isinstance(arg, ast.Starred) else arg
            schema = self._schema_node(arg, ctx.scope)
            if schema is not None:
                self.spoiled.add(id(schema))

    def see_store(self, node: ast.Attribute) -> None:
        """`schema.auto_id = ...` and the like."""
        if node is self._last_seen:
            return
        self._last_seen = node
        if self.builds_schemas and isinstance(node.ctx, ast.Store):
            schema = self._schema_node(node.value, self.ctx.scope)
            if schema is not None:
                self.spoiled.add(id(schema))

    # --- once the module is done -------------------------------------------------------------

    def client_shape(self, receiver: ast.expr, name: str) -> Shape | None:
        key = receiver_key(receiver)
        creates = self.creates.get((key, name), [])
        if len(creates) != 1 or key in self.unnamed_creates:
            return None
        create, scope = creates[0]
        call = create.call
        if has_star_kwargs(call) or any(isinstance(a, ast.Starred) for a in call.args):
            return None
        schema = create.argument("schema")
        if schema is not None and not is_none(schema):
            return self.schema_shape(schema, scope)
        if create.argument("dimension") is None:
            return None
        pk = self._value(create.argument("primary_field_name"), "id", scope)
        vector = self._value(create.argument("vector_field_name"), "vector", scope)
        auto_id = self._value(create.argument("auto_id"), False, scope)
        if not (isinstance(pk, str) and isinstance(vector, str) and isinstance(auto_id, bool)):
            return None
        return Shape(pk, auto_id, quick=True, fields=(pk, vector))

    def orm_shape(self, receiver: ast.expr, scope: Scope) -> Shape | None:
        bound = self.ctx.model.binding(receiver, scope)
        if bound is None or not isinstance(bound[0], ast.Call):
            return None
        call, call_scope = bound
        if self.ctx.model.qualname(call.func, call_scope) != "pymilvus.Collection":
            return None
        schema = argument(call, "Collection", "schema")
        return None if schema is None else self.schema_shape(schema, call_scope)

    def schema_shape(self, expr: ast.expr, scope: Scope) -> Shape | None:
        model = self.ctx.model
        node = self._schema_node(expr, scope)
        if node is None or id(node) in self.spoiled or has_star_kwargs(node):
            return None
        # CollectionSchema(...) or create_schema(...): both take these as keywords.
        auto_id = self._value(argument(node, "CollectionSchema", "auto_id"), False, scope)
        primary = self._value(argument(node, "CollectionSchema", "primary_field"), None, scope)
        if not isinstance(auto_id, bool) or primary is _UNSURE:
            return None
        fields: list[_Field | None] = []
        certain = id(node) not in self.with_functions
        if model.qualname(node.func, scope) == COLLECTION_SCHEMA:
            initial = argument(node, "CollectionSchema", "fields")
            bound = model.binding(initial, scope) if initial is not None else None
            if bound is not None:
                initial, scope = bound
            if not isinstance(initial, ast.List):
                return None
            for element in initial.elts:
                bound = model.binding(element, scope)
                call, where = bound if bound is not None else (element, scope)
                if not (
                    isinstance(call, ast.Call) and model.qualname(call.func, where) == FIELD_SCHEMA
                ):
                    return None
                fields.append(self._field(call, "FieldSchema", "name", where))
            functions = argument(node, "CollectionSchema", "functions")
            certain &= functions is None or is_none(functions) or _empty_list(functions)
        for call, where, conditional in self.add_fields.get(id(node), []):
            fields.append(self._field(call, "CollectionSchema.add_field", "field_name", where))
            certain &= not conditional
        if any(f is None for f in fields):
            return None
        keys = {f.name for f in fields if f.is_primary or f.name == primary}
        if len(keys) != 1:
            return None
        pk = keys.pop()
        pk_auto_id = any(f.auto_id for f in fields if f.name == pk) or auto_id
        names = tuple(f.name for f in fields)
        return Shape(pk, pk_auto_id, quick=False, fields=names if certain else None)

    # --- helpers -----------------------------------------------------------------------------

    def _schema_node(self, expr: ast.expr, scope: Scope) -> ast.Call | None:
        """The CollectionSchema(...) / create_schema(...) call an expression certainly is."""
        model = self.ctx.model
        for _ in range(50):  # a.add_field(...).add_field(...) chains, names bound to them
            if isinstance(expr, ast.Name):
                bound = model.binding(expr, scope)
                if bound is None:
                    return None
                expr, scope = bound
            elif isinstance(expr, ast.Call) and model.value_of(expr, scope).kind == "schema":
                return expr
            elif (
                isinstance(expr, ast.Call)
                and isinstance(expr.func, ast.Attribute)
                and expr.func.attr == "add_field"
            ):
                expr = expr.func.value
            else:
                return None
        return None

    def _field(self, call: ast.Call, api: str, name_param: str, scope: Scope) -> _Field | None:
        if has_star_kwargs(call) or any(isinstance(a, ast.Starred) for a in call.args):
            return None
        name = self.ctx.model.string(argument(call, api, name_param), scope)
        is_primary = self._value(argument(call, api, "is_primary"), False, scope)
        auto_id = self._value(argument(call, api, "auto_id"), False, scope)
        if name is None or not isinstance(is_primary, bool) or not isinstance(auto_id, bool):
            return None
        return _Field(name, is_primary, auto_id)

    def _value(self, node: ast.expr | None, default, scope: Scope):
        """The literal an argument holds, `default` when it is not given, else _UNSURE."""
        if node is None:
            return default
        value = self.ctx.model.literal(node, scope)
        return _UNSURE if value is None else value


def receiver_key(receiver: ast.expr) -> str:
    """The same client written the same way (`client`, `self.client`) gives the same key."""
    return ast.unparse(receiver)


def is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _empty_list(node: ast.expr) -> bool:
    return isinstance(node, ast.List) and not node.elts
