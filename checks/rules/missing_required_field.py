"""MV127 missing-required-field."""

from __future__ import annotations

import ast

from checks.collection.checking import CollectionRule, label
from checks.collection.facts import UNKNOWN
from checks.collection.rows import keys_may_change
from checks.rules.base import Invalid


class MissingRequiredField(CollectionRule):
    """Rows without a field that is neither nullable, defaulted, auto_id nor a function output."""

    code = "MV127"
    name = "missing-required-field"
    severity = "error"
    editions = frozenset({"2026.11"})
    methods = ("insert", "upsert")

    VALID = [
        # Nullable fields, defaults, auto_id keys and BM25 outputs may be left out.
        """
        from pymilvus import MilvusClient, DataType, Function, FunctionType
        client = MilvusClient("demo.db")
        schema = client.create_schema(auto_id=True)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("text", DataType.VARCHAR, max_length=1000, enable_analyzer=True)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=4)
        schema.add_field("lang", DataType.VARCHAR, max_length=8, default_value="en")
        schema.add_field("year", DataType.INT64, nullable=True)
        schema.add_function(Function("bm25", FunctionType.BM25, ["text"], ["sparse"]))
        client.create_collection("docs", schema=schema)
        client.insert("docs", [{"text": "hello", "dense": [0.1] * 4}])
        """,
        # Rows that gain their keys later, or carry them through **.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
        schema.add_field("title", DataType.VARCHAR, max_length=64)
        client.create_collection("docs", schema=schema)
        rows = [{"id": i, "vector": v} for i, v in enumerate(vectors)]
        for row in rows:
            row["title"] = "untitled"
        client.insert("docs", rows)
        client.insert("docs", [{**meta, "id": 1, "vector": [0.1] * 4}])
        """,
        # A nullable flag we cannot read, and a function we cannot read.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
        schema.add_field("title", DataType.VARCHAR, max_length=64, nullable=OPTIONAL)
        schema.add_function(make_function())
        client.create_collection("docs", schema=schema)
        client.insert("docs", {"id": 1, "vector": [0.1] * 4})
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = MilvusClient.create_schema(auto_id=True, enable_dynamic_field=True)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
            schema.add_field("title", DataType.VARCHAR, max_length=256)
            client.create_collection("docs", schema=schema)
            client.insert("docs", [{"vector": [0.1] * 4, "text": "a"}])
            """,
            line=8,
        ),
        # A schema without auto_id: the primary key is required too.
        Invalid(
            """
            from pymilvus import CollectionSchema, DataType, FieldSchema, MilvusClient
            fields = [
                FieldSchema("doc_id", DataType.VARCHAR, is_primary=True, max_length=64),
                FieldSchema("vec", DataType.FLOAT_VECTOR, dim=2),
            ]
            client = MilvusClient("demo.db")
            client.create_collection("docs", schema=CollectionSchema(fields))
            client.insert("docs", {"vec": [0.5, 0.5]})
            """,
            line=8,
        ),
    ]

    def judge(self, call, collection, schema, scope) -> None:
        generated = schema.function_outputs
        if generated is UNKNOWN:
            return
        rows = self.rows(call, scope)
        if not rows:
            return
        data = call.argument("data")
        primary = schema.primary
        for field in schema.fields:
            if field.name in generated or not self._required(field, schema, primary, call):
                continue
            lacking = [row for row in rows if field.name not in row.keys]
            if not lacking or (
                isinstance(data, ast.Name) and keys_may_change(self.ctx.model, field.name)
            ):
                continue
            self.report(
                lacking[0].node,
                f"Add `{field.name}` to this row: {label(collection, field.name)} is neither "
                f"nullable nor has a default, so pymilvus rejects a {call.method} without it.",
                hint=f'or define it with nullable=True or default_value=... ("Insert missed an '
                f'field `{field.name}`")',
            )

    @staticmethod
    def _required(field, schema, primary, call) -> bool:
        if field.nullable is not False or field.has_default is not False:
            return False
        if field is primary:
            # MV112 judges quick setup, MV128 upserts without the key.
            return call.method == "insert" and not schema.quick and schema.pk_auto_id is False
        return field.is_primary is False
