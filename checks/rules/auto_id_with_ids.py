"""MV112 auto-id-with-ids, and what it knows of the collections a module creates."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from checks.flow import Flow
from checks.model import Scope, has_star_kwargs
from checks.rules.base import Invalid, Rule
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

    # --- during the traversal ----------------------------------------------------------------

    def see_call(self, call: ast.Call) -> None:
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
        if schema is not None and not _is_none(schema):
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
            certain &= functions is None or _is_none(functions) or _empty_list(functions)
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


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _empty_list(node: ast.expr) -> bool:
    return isinstance(node, ast.List) and not node.elts


class AutoIdWithIds(Rule):
    """Inserted rows contradict auto_id: keys for an auto_id field, or none for quick setup."""

    code = "MV112"
    name = "auto-id-with-ids"
    severity = "error"
    fix = "none"
    pymilvus = ">=2.4"
    editions = frozenset({"2026.11"})

    VALID = [
        # Rows and auto_id agree.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.create_collection("generated", dimension=8, auto_id=True)
        client.insert("generated", [{"vector": [0.1] * 8} for _ in range(3)])
        client.create_collection("explicit", dimension=8)
        client.insert("explicit", [{"id": i, "vector": [0.1] * 8} for i in range(3)])
        client.insert("explicit", {"id": 7, "vector": [0.2] * 8, "text": "dynamic field"})
        """,
        # Rows of unknown shape.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.create_collection("docs", dimension=8)
        client.insert("docs", rows)
        client.insert("docs", [make_row(t) for t in texts])
        client.insert("docs", [{**base, "vector": v} for v in vectors])
        """,
        # Keys added to the rows later.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.create_collection("docs", dimension=8)
        rows = [{"vector": v} for v in vectors]
        for i, row in enumerate(rows):
            row["id"] = i
        client.insert("docs", rows)
        """,
        # The collection allows explicit keys with auto_id.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.create_collection(
            "docs", dimension=8, auto_id=True, properties={"allow_insert_auto_id": "true"}
        )
        client.insert("docs", [{"id": 1, "vector": [0.1] * 8}])
        """,
        # Created twice, or with a name we cannot read: unsure which shape holds.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        if fresh:
            client.create_collection("docs", dimension=8, auto_id=True)
        else:
            client.create_collection("docs", dimension=8)
        client.insert("docs", [{"id": 1, "vector": [0.1] * 8}])
        """,
        # Upsert needs the primary key even with auto_id.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("./milvus.db")
        schema = MilvusClient.create_schema(auto_id=True)
        schema.add_field("pk", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=8)
        client.create_collection("docs", schema=schema)
        client.upsert("docs", [{"pk": 1, "vector": [0.1] * 8}])
        """,
        # Another client, another collection, or a schema handed to unseen code.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("./milvus.db")
        other = MilvusClient("./other.db")
        client.create_collection("docs", dimension=8, auto_id=True)
        other.insert("docs", [{"id": 1, "vector": [0.1] * 8}])
        schema = MilvusClient.create_schema()
        add_primary_key(schema)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=8)
        client.create_collection("items", schema=schema)
        client.insert("items", [{"vector": [0.1] * 8}])
        """,
        # Look-alikes: not Milvus.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.create_collection("docs", dimension=8)
        mongo.insert("docs", [{"text": "no id"}])
        table.insert({"vector": [0.1] * 8})
        """,
        """
        import pymilvus
        from mylib import Collection, CollectionSchema, FieldSchema
        schema = CollectionSchema([FieldSchema("id", 5, is_primary=True, auto_id=True)])
        col = Collection("docs", schema)
        col.insert([{"id": 1}])
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            client.create_collection("docs", dimension=8, auto_id=True)
            client.insert("docs", [{"id": 1, "vector": [0.1] * 8}])
            """,
            line=4,
        ),
        # Quick setup: auto_id is False and "id" is required.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            client.create_collection(collection_name="docs", dimension=384)
            data = [{"vector": embed(t), "text": t} for t in texts]
            client.insert(collection_name="docs", data=data)
            """,
            line=5,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            NAME = "docs"
            class Store:
                def __init__(self):
                    self.client = MilvusClient("./milvus.db")
                    self.client.create_collection(NAME, dimension=8, primary_field_name="doc_id")
                def add(self, vector):
                    self.client.insert(NAME, {"id": 1, "vector": vector})
            """,
            line=8,
        ),
        # create_schema(auto_id=True) + add_field.
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("./milvus.db")
            schema = MilvusClient.create_schema(auto_id=True, enable_dynamic_field=True)
            schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)
            schema.add_field(field_name="vector", datatype=DataType.FLOAT_VECTOR, dim=8)
            index_params = client.prepare_index_params()
            client.create_collection("docs", schema=schema, index_params=index_params)
            client.insert("docs", [{"id": i, "vector": [0.1] * 8} for i in range(10)])
            """,
            line=8,
        ),
        # FieldSchema(auto_id=True) in a CollectionSchema, ORM collection.
        Invalid(
            """
            from pymilvus import Collection, CollectionSchema, DataType, FieldSchema
            pk = FieldSchema("pk", DataType.INT64, is_primary=True, auto_id=True)
            vec = FieldSchema("embedding", DataType.FLOAT_VECTOR, dim=8)
            schema = CollectionSchema([pk, vec], description="docs")
            col = Collection("docs", schema)
            col.insert([{"pk": 1, "embedding": [0.1] * 8}, {"pk": 2, "embedding": [0.2] * 8}])
            """,
            line=6,
        ),
        # Async client.
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def main():
                client = AsyncMilvusClient("http://localhost:19530")
                await client.create_collection("docs", dimension=8)
                await client.insert("docs", [{"vector": [0.1] * 8}])
            """,
            line=5,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.shapes = CollectionShapes(ctx)
        self.inserts: list[tuple[MethodCall, ast.expr, Scope]] = []

    def visit_Call(self, node: ast.Call) -> None:
        self.shapes.see_call(node)
        write = self.ctx.method_call(node, "insert", "upsert")
        data = write.argument("data") if write is not None else None
        if data is not None:
            self.inserts.append((write, data, self.ctx.scope))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.shapes.see_store(node)

    def visit_flow(self, flow: Flow) -> None:
        if not isinstance(flow.node, ast.Module) or "allow_insert_auto_id" in self.ctx.source:
            return
        for write, data, scope in self.inserts:
            self._check(write, data, scope)

    def _check(self, write: MethodCall, data: ast.expr, scope: Scope) -> None:
        call, receiver = write.call, write.call.func.value
        if write.api == "client":
            name = self.ctx.model.string(write.argument("collection_name"), scope)
            shape = self.shapes.client_shape(receiver, name) if name is not None else None
        else:
            name = self.ctx.model.value_of(receiver, scope).name
            shape = self.shapes.orm_shape(receiver, scope)
        rows = self._rows(data, scope) if shape is not None else None
        if not rows:
            return
        pk, method = shape.pk, write.method
        label = f"'{name}'" if name else "this collection"
        if shape.auto_id and method == "insert" and all(_gives(row, pk) for row in rows):
            self.report(
                call,
                f"Remove `{pk}` from these rows, or create {label} with auto_id=False: the "
                "server rejects primary keys it is meant to generate.",
                hint="Milvus Lite 3 accepts this; a Milvus server does not "
                "(unless allow_insert_auto_id is set)",
            )
        elif (
            shape.quick
            and not shape.auto_id
            and all(_lacks(row, pk) for row in rows)
            and not (isinstance(data, ast.Name) and self._keys_added(pk))
        ):
            self.report(
                call,
                f"Add `{pk}` to every row, or create {label} with auto_id=True: quick setup "
                f"makes `{pk}` a required primary key.",
                hint="pymilvus raises DataNotMatchException: Insert missed an field",
            )

    def _rows(self, data: ast.expr, scope: Scope) -> list[ast.Dict] | None:
        """The literal row dicts being written, when they are literal."""
        bound = self.ctx.model.binding(data, scope)
        if bound is not None:
            data = bound[0]
        if isinstance(data, ast.Dict):
            return [data]
        if isinstance(data, ast.ListComp) and isinstance(data.elt, ast.Dict):
            return [data.elt]
        if isinstance(data, ast.List) and all(isinstance(e, ast.Dict) for e in data.elts):
            return list(data.elts)
        return None

    def _keys_added(self, key: str) -> bool:
        """Somewhere the module sets `x[key] = ...` or calls update/setdefault: rows may change."""
        for node in ast.walk(self.ctx.model.tree):
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.slice, ast.Constant)
                and node.slice.value == key
            ):
                return True
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("update", "setdefault")
            ):
                return True
        return False


def _gives(row: ast.Dict, key: str) -> bool:
    """The row literally carries `key` with a value other than None."""
    return any(
        isinstance(k, ast.Constant) and k.value == key and not _is_none(v)
        for k, v in zip(row.keys, row.values, strict=True)
    )


def _lacks(row: ast.Dict, key: str) -> bool:
    """Every key of the row is a literal string, and `key` is not one of them."""
    return all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in row.keys) and all(
        k.value != key for k in row.keys
    )
