"""MV112 auto-id-with-ids."""

from __future__ import annotations

import ast

from checks.collection import UNKNOWN
from checks.collection.checking import label as collection_label
from checks.collection.rows import keys_may_change, literal_rows
from checks.flow import Flow
from checks.rules.base import Invalid, Rule
from checks.semantic import Scope
from checks.signatures import MethodCall


class AutoIdWithIds(Rule):
    """Inserted rows contradict auto_id: keys for an auto_id field, or none for quick setup."""

    code = "MV112"
    call_names = frozenset({"insert", "upsert"})
    pymilvus_only = True
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
        self.collections = ctx.collections
        self.inserts: list[tuple[MethodCall, ast.expr, Scope]] = []

    def visit_Call(self, node: ast.Call) -> None:
        write = self.ctx.method_call(node, "insert", "upsert")
        data = write.argument("data") if write is not None else None
        if data is not None:
            self.inserts.append((write, data, self.ctx.scope))

    def visit_flow(self, flow: Flow) -> None:
        if not isinstance(flow.node, ast.Module) or "allow_insert_auto_id" in self.ctx.source:
            return
        for write, data, scope in self.inserts:
            self._check(write, data, scope)

    def _check(self, write: MethodCall, data: ast.expr, scope: Scope) -> None:
        collection = self.collections.of_call(write, scope)
        schema = collection.schema if collection is not None else None
        primary = schema.primary if schema is not None else None
        if primary is None or schema.pk_auto_id is UNKNOWN:
            return
        rows = literal_rows(self.ctx.model, data, scope)
        if not rows:
            return
        pk, method, call = primary.name, write.method, write.call
        label = collection_label(collection)
        if schema.pk_auto_id and method == "insert" and all(_gives(row, pk) for row in rows):
            self.report(
                call,
                f"Remove `{pk}` from these rows, or create {label} with auto_id=False: the "
                "server rejects primary keys it is meant to generate.",
                hint="Milvus Lite 3 accepts this; a Milvus server does not "
                "(unless allow_insert_auto_id is set)",
            )
        elif (
            schema.quick
            and not schema.pk_auto_id
            and all(_lacks(row, pk) for row in rows)
            and not (isinstance(data, ast.Name) and keys_may_change(self.ctx.model, pk))
        ):
            self.report(
                call,
                f"Add `{pk}` to every row, or create {label} with auto_id=True: quick setup "
                f"makes `{pk}` a required primary key.",
                hint="pymilvus raises DataNotMatchException: Insert missed an field",
            )


def _gives(row: ast.Dict, key: str) -> bool:
    """The row literally carries `key` with a value other than None."""
    return any(
        isinstance(k, ast.Constant)
        and k.value == key
        and not (isinstance(v, ast.Constant) and v.value is None)
        for k, v in zip(row.keys, row.values, strict=True)
    )


def _lacks(row: ast.Dict, key: str) -> bool:
    """Every key of the row is a literal string, and `key` is not one of them."""
    return all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in row.keys) and all(
        k.value != key for k in row.keys
    )
