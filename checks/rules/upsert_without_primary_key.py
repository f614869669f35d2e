"""MV128 upsert-without-primary-key."""

from __future__ import annotations

import ast

from checks.collection.checking import CollectionRule, label
from checks.collection.rows import keys_may_change
from checks.rules.base import Invalid


class UpsertWithoutPrimaryKey(CollectionRule):
    """Upserted rows without the primary key: upsert matches rows by it, auto_id or not."""

    code = "MV128"
    name = "upsert-without-primary-key"
    severity = "error"
    editions = frozenset({"2026.11"})
    methods = ("upsert",)

    VALID = [
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema(auto_id=True)
        schema.add_field("pk", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
        client.create_collection("docs", schema=schema)
        client.insert("docs", [{"vector": [0.1] * 4}])
        client.upsert("docs", [{"pk": 7, "vector": [0.2] * 4}])
        client.upsert("docs", rows)
        """,
        # Keys added to the rows on the way.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema(auto_id=True)
        schema.add_field("pk", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
        client.create_collection("docs", schema=schema)
        rows = [{"vector": v} for v in vectors]
        for row, key in zip(rows, keys):
            row["pk"] = key
        client.upsert("docs", rows)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = MilvusClient.create_schema(auto_id=True)
            schema.add_field("pk", DataType.INT64, is_primary=True)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
            schema.add_field("text", DataType.VARCHAR, max_length=64)
            client.create_collection("docs", schema=schema)
            client.upsert("docs", [{"vector": [0.1] * 4, "text": "updated"}])
            """,
            line=8,
        ),
        # Quick setup with auto_id: upsert still needs "id".
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_collection("docs", dimension=4, auto_id=True)
            client.upsert("docs", {"vector": [0.1] * 4, "text": "x"})
            """,
            line=4,
        ),
    ]

    def judge(self, call, collection, schema, scope) -> None:
        primary = schema.primary
        if primary is None or (schema.quick and schema.pk_auto_id is False):
            return  # MV112 judges quick setup without auto_id
        rows = self.rows(call, scope)
        if not rows or any(primary.name in row.keys for row in rows):
            return
        data = call.argument("data")
        if not isinstance(data, ast.Name) or not keys_may_change(self.ctx.model, primary.name):
            self.report(
                call.call,
                f"Give every upserted row its `{primary.name}`: upsert replaces the row with "
                f"that primary key in {label(collection)}, and rejects rows without it "
                "(auto_id or not).",
                hint="to add new rows with generated keys, use insert",
            )
