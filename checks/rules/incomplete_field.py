"""MV106 incomplete-field."""

from __future__ import annotations

import ast

from checks.rules.base import Invalid, Rule
from checks.semantic import has_star_kwargs, keyword
from checks.signatures import argument

MAX_VARCHAR = 65535  # the server's default proxy.maxVarCharLength
DENSE_VECTORS = frozenset(
    {"FLOAT_VECTOR", "FLOAT16_VECTOR", "BFLOAT16_VECTOR", "BINARY_VECTOR", "INT8_VECTOR"}
)
# Schema keywords that decide the primary key another way, or waive it.
_PRIMARY_ELSEWHERE = ("primary_field", "external_source", "check_fields")
_SCHEMA_METHODS = frozenset({"add_field", "add_function"})
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


class IncompleteField(Rule):
    """A VARCHAR without max_length, a vector without dim, or not exactly one primary key."""

    code = "MV106"
    name = "incomplete-field"
    severity = "error"
    pymilvus_only = True
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema(auto_id=True)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=768)
        schema.add_field("title", DataType.VARCHAR, max_length=65535)
        schema.add_field("tags", DataType.ARRAY, element_type=DataType.INT64, max_capacity=16)
        client.create_collection("docs", schema=schema)
        """,
        # Sparse vectors take no dim; BM25 output is one.
        """
        from pymilvus import MilvusClient, DataType, Function, FunctionType
        schema = MilvusClient.create_schema()
        schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=64)
        schema.add_field("text", DataType.VARCHAR, max_length=4096, enable_analyzer=True)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                     input_field_names=["text"], output_field_names=["sparse"]))
        """,
        """
        from pymilvus import FieldSchema, CollectionSchema, DataType
        pk = FieldSchema("id", DataType.INT64, is_primary=True, auto_id=True)
        vec = FieldSchema(name="vec", dtype=DataType.FLOAT_VECTOR, dim=DIM)
        schema = CollectionSchema([pk, vec], "docs")
        named = CollectionSchema([FieldSchema("key", DataType.INT64)], primary_field="key")
        """,
        # Look-alikes: other libraries' schemas, a FieldSchema class of our own.
        """
        import pyarrow as pa
        from pymilvus import MilvusClient
        from myapp.schema import FieldSchema
        table_schema.add_field("title", "VARCHAR")
        FieldSchema("v", "FLOAT_VECTOR")
        pa.field("title", pa.string())
        """,
        # Types and parameters we cannot see.
        """
        from pymilvus import MilvusClient, DataType
        schema = MilvusClient.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=IS_PK)
        schema.add_field("title", TEXT_TYPE)
        schema.add_field("body", DataType.VARCHAR, **text_options)
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=dim)
        """,
        # The schema is completed by code we cannot see, in a branch, or from a list that grows.
        """
        from pymilvus import MilvusClient, DataType, FieldSchema, CollectionSchema
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        add_common_fields(schema)
        client.create_collection("a", schema=schema)
        other = client.create_schema()
        if with_id:
            other.add_field("id", DataType.INT64, is_primary=True)
        client.create_collection("b", schema=other)
        fields = [FieldSchema("v", DataType.FLOAT_VECTOR, dim=8)]
        fields.append(FieldSchema("id", DataType.INT64, is_primary=True))
        CollectionSchema(fields)
        """,
        # The schema names its primary key.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema(primary_field="id")
        schema.add_field("id", DataType.INT64)
        client.create_collection("docs", schema=schema)
        """,
        # A FieldSchema class of our own, and re / json / es look-alikes.
        """
        import re, json
        from pymilvus import MilvusClient, DataType
        class FieldSchema:
            def __init__(self, name, dtype): ...
        FieldSchema("title", DataType.VARCHAR)
        es.indices.create(index="docs", mappings={"title": {"type": "keyword"}})
        re.search("VARCHAR", json.dumps({}))
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            schema = MilvusClient.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("title", DataType.VARCHAR)
            """,
            line=4,
        ),
        Invalid(
            """
            from pymilvus import FieldSchema, DataType
            embedding = FieldSchema(name="embedding", dtype=DataType.FLOAT_VECTOR)
            """,
            line=2,
        ),
        Invalid(
            """
            import pymilvus as pm
            body = pm.FieldSchema("body", pm.DataType.VARCHAR, max_length=100000)
            """,
            line=2,
        ),
        Invalid(
            """
            from pymilvus import AsyncMilvusClient, DataType
            async def build():
                client = AsyncMilvusClient("http://localhost:19530")
                schema = client.create_schema()
                schema.add_field("id", DataType.INT64, is_primary=True)
                schema.add_field(field_name="tags", datatype=DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=8)
            """,
            line=6,
        ),
        # No primary key in a literal field list.
        Invalid(
            """
            from pymilvus import CollectionSchema, FieldSchema, DataType
            fields = [
                FieldSchema("id", DataType.INT64),
                FieldSchema("vec", DataType.FLOAT_VECTOR, dim=8),
            ]
            schema = CollectionSchema(fields, description="docs")
            """,
            line=6,
        ),
        # Two primary keys.
        Invalid(
            """
            from pymilvus import CollectionSchema, FieldSchema, DataType
            a = FieldSchema("a", DataType.INT64, is_primary=True)
            b = FieldSchema("b", DataType.VARCHAR, is_primary=True, max_length=32)
            schema = CollectionSchema(fields=[a, b])
            """,
            line=4,
        ),
        # create_schema() whose fields are all visible before create_collection.
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            def setup(client: MilvusClient):
                schema = client.create_schema(enable_dynamic_field=True)
                schema.add_field("doc_id", DataType.INT64)
                schema.add_field("vector", DataType.FLOAT_VECTOR, dim=8)
                client.create_collection("docs", schema=schema)
            """,
            line=3,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            schema = MilvusClient.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("uuid", DataType.VARCHAR, is_primary=True, max_length=36)
            """,
            line=4,
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        qualname = self.ctx.qualname(func)
        if qualname == "pymilvus.FieldSchema":
            self._check_field(node, "FieldSchema", "name", "dtype")
        elif qualname == "pymilvus.CollectionSchema":
            self._check_field_list(node)
        elif isinstance(func, ast.Attribute) and self.ctx.value_of(node).kind == "schema":
            if func.attr == "create_schema":
                self._check_built_schema(node)
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == "add_field"
            and self.ctx.value_of(func.value).kind == "schema"
        ):
            self._check_field(node, "CollectionSchema.add_field", "field_name", "datatype")

    # One field -------------------------------------------------------------------------------
    def _check_field(self, call: ast.Call, api: str, name_param: str, dtype_param: str) -> None:
        if has_star_kwargs(call) or any(isinstance(a, ast.Starred) for a in call.args):
            return
        dtype = self._data_type(argument(call, api, dtype_param))
        name_arg = argument(call, api, name_param)
        name = self.ctx.model.string(name_arg, self.ctx.scope) if name_arg is not None else None
        label = f"`{name}`" if name else "this field"
        if dtype == "VARCHAR":
            self._check_max_length(call, f"VARCHAR field {label}", "a VARCHAR field")
        elif dtype == "ARRAY" and self._data_type(_kw(call, "element_type")) == "VARCHAR":
            self._check_max_length(call, f"ARRAY of VARCHAR field {label}", "VARCHAR elements")
        elif dtype in DENSE_VECTORS and keyword(call, "dim") is None:
            self.report(
                call,
                f"Add `dim=` to {dtype} field {label}: the server rejects a vector field "
                "without a dimension.",
                hint="dim = the length of the embeddings stored in it",
            )

    def _check_max_length(self, call: ast.Call, what: str, rejected: str) -> None:
        given = keyword(call, "max_length")
        if given is None:
            self.report(
                call,
                f"Add `max_length=` to {what}: the server rejects {rejected} without it.",
                hint=f"max_length is in bytes, at most {MAX_VARCHAR}",
            )
            return
        value = self.ctx.literal(given.value)
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_VARCHAR:
            self.report(
                given.value,
                f"Lower `max_length={value}` of {what} to {MAX_VARCHAR} or less: "
                "the server rejects longer VARCHAR fields.",
                hint="store longer text elsewhere, or split it",
            )

    def _data_type(self, expr: ast.AST | None) -> str | None:
        qualname = self.ctx.qualname(expr) if expr is not None else None
        if qualname and qualname.startswith("pymilvus.DataType."):
            return qualname.rsplit(".", 1)[1]
        return None

    # Primary keys ----------------------------------------------------------------------------
    def _check_field_list(self, call: ast.Call) -> None:
        """`CollectionSchema([FieldSchema(...), ...])` with every field visible."""
        if self._primary_elsewhere(call):
            return
        fields = argument(call, "CollectionSchema", "fields")
        model, scope = self.ctx.model, self.ctx.scope
        binding = model.binding(fields, scope) if isinstance(fields, ast.Name) else None
        if binding is not None and not model.mutated(fields):
            fields, scope = binding
        if not isinstance(fields, ast.List):
            return
        primary: list[str] = []
        for element in fields.elts:
            field_call, field_scope = element, scope
            if isinstance(element, ast.Name):
                found = model.binding(element, scope)
                if found is None:
                    return
                field_call, field_scope = found
            if not (
                isinstance(field_call, ast.Call)
                and model.qualname(field_call.func, field_scope) == "pymilvus.FieldSchema"
            ):
                return
            flag = self._is_primary(field_call, field_scope)
            if flag is None:
                return
            if flag:
                name = model.string(argument(field_call, "FieldSchema", "name"), field_scope)
                primary.append(name or "?")
        self._report_primary(call, call, primary)

    def _check_built_schema(self, call: ast.Call) -> None:
        """`schema = create_schema()` followed, in the same block, by add_field calls and a use."""
        statement = self.ctx.statement
        if (
            self._primary_elsewhere(call)
            or not isinstance(statement, ast.Assign)
            or statement.value is not call
            or len(statement.targets) != 1
            or not isinstance(statement.targets[0], ast.Name)
        ):
            return
        var = statement.targets[0].id
        body = _block_of(self.ctx.scope.node, statement)
        if body is None or self.ctx.model.binding(statement.targets[0], self.ctx.scope) is None:
            return
        primary: list[str] = []
        for later in body[body.index(statement) + 1 :]:
            added = _schema_call(later, var)
            if added is None:
                if _reads(later, var):
                    if self._creates_with(later, var):
                        self._report_primary(call, None, primary)
                    return
                continue
            if added.func.attr != "add_field":
                continue
            flag = self._is_primary(added, self.ctx.scope)
            if flag is None:
                return
            if flag:
                name_arg = argument(added, "CollectionSchema.add_field", "field_name")
                primary.append(self.ctx.model.string(name_arg, self.ctx.scope) or "?")
                if len(primary) == 2:
                    self._report_primary(call, added, primary)  # add_field raises right here
                    return

    def _creates_with(self, statement: ast.stmt, var: str) -> bool:
        """The statement creates a collection from the schema (or verifies it)."""
        for node in ast.walk(statement):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            args = [*node.args, *(k.value for k in node.keywords)]
            passes = any(isinstance(a, ast.Name) and a.id == var for a in args)
            if isinstance(func, ast.Attribute):
                owner = func.value
                if func.attr == "verify" and isinstance(owner, ast.Name) and owner.id == var:
                    return True
                if (
                    passes
                    and func.attr == "create_collection"
                    and self.ctx.value_of(owner).kind == "client"
                ):
                    return True
            elif passes and self.ctx.qualname(func) == "pymilvus.Collection":
                return True
        return False

    def _is_primary(self, call: ast.Call, scope) -> bool | None:
        """True / False as written, None when hidden (**kwargs, a variable)."""
        if has_star_kwargs(call):
            return None
        given = keyword(call, "is_primary")
        if given is None:
            return False
        value = self.ctx.model.literal(given.value, scope)
        return value if isinstance(value, bool) else None

    def _primary_elsewhere(self, call: ast.Call) -> bool:
        return has_star_kwargs(call) or any(keyword(call, k) for k in _PRIMARY_ELSEWHERE)

    def _report_primary(self, schema: ast.Call, node: ast.AST | None, primary: list[str]) -> None:
        if not primary:
            self.report(
                schema,
                "Mark one field `is_primary=True`: pymilvus rejects a schema without a primary key.",
                hint='e.g. add_field("id", DataType.INT64, is_primary=True)',
            )
        elif len(primary) > 1 and node is not None:
            names = ", ".join(f"`{n}`" for n in primary)
            self.report(
                node,
                f"Keep one primary key: {names} are all `is_primary=True`, and pymilvus rejects "
                "a second one.",
                hint="make the others ordinary fields",
            )


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    found = keyword(call, name)
    return found.value if found is not None else None


def _schema_call(statement: ast.stmt, var: str) -> ast.Call | None:
    """`var.add_field(...)` / `var.add_function(...)` as a statement of its own."""
    if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
        return None
    func = statement.value.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in _SCHEMA_METHODS
        and isinstance(func.value, ast.Name)
        and func.value.id == var
    ):
        return statement.value
    return None


def _reads(statement: ast.stmt, var: str) -> bool:
    return any(
        isinstance(n, ast.Name) and n.id == var and isinstance(n.ctx, ast.Load)
        for n in ast.walk(statement)
    )


def _block_of(scope_node: ast.AST, statement: ast.stmt) -> list[ast.stmt] | None:
    """The statement list (of this scope, not a nested one) that holds `statement`."""
    stack: list[ast.AST] = [scope_node]
    while stack:
        node = stack.pop()
        for name in _BODIES:
            block = getattr(node, name, None)
            if not isinstance(block, list):
                continue
            if any(s is statement for s in block):
                return block
            stack.extend(
                s
                for s in block
                if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            )
    return None
