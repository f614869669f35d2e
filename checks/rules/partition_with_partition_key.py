"""MV135 partition-with-partition-key."""

from __future__ import annotations

import ast

from checks.collection.checking import CollectionRule, label
from checks.rules.base import Invalid

# Where each method names partitions.
_PARTITION_ARGUMENTS = {
    "insert": "partition_name", "upsert": "partition_name", "delete": "partition_name",
    "search": "partition_names", "query": "partition_names", "get": "partition_names",
    "search_iterator": "partition_names", "query_iterator": "partition_names",
    "hybrid_search": "partition_names", "create_partition": "partition_name",
}  # fmt: skip


class PartitionWithPartitionKey(CollectionRule):
    """Partitions named by hand on a collection whose partitions a partition key manages."""

    code = "MV135"
    name = "partition-with-partition-key"
    severity = "error"
    pymilvus = ">=2.2"
    editions = frozenset({"2026.11"})
    methods = tuple(_PARTITION_ARGUMENTS)

    VALID = [
        # With a partition key, filter on the key instead.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
        schema.add_field("tenant", DataType.VARCHAR, max_length=64, is_partition_key=True)
        client.create_collection("docs", schema=schema, num_partitions=16)
        client.insert("docs", [{"id": 1, "vector": [0.1] * 4, "tenant": "acme"}])
        client.search("docs", [[0.1] * 4], filter='tenant == "acme"', limit=3)
        """,
        # Without one, partitions are yours to name.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", dimension=4)
        client.create_partition("docs", "2024")
        client.insert("docs", [{"id": 1, "vector": [0.1] * 4}], partition_name="2024")
        client.search("docs", [[0.1] * 4], partition_names=["2024"], limit=3)
        """,
        # A partition key flag we cannot read.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
        schema.add_field("tenant", DataType.VARCHAR, max_length=64, is_partition_key=USE_KEY)
        client.create_collection("docs", schema=schema)
        client.insert("docs", [{"id": 1, "vector": [0.1] * 4, "tenant": "a"}], partition_name="a")
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = client.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
            schema.add_field("tenant", DataType.VARCHAR, max_length=64, is_partition_key=True)
            client.create_collection("docs", schema=schema)
            client.insert("docs", [{"id": 1, "vector": [0.1] * 4, "tenant": "acme"}], partition_name="acme")
            client.search("docs", [[0.1] * 4], partition_names=["acme"], limit=3)
            """,
            count=2,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = client.create_schema(partition_key_field="tenant")
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
            schema.add_field("tenant", DataType.VARCHAR, max_length=64)
            client.create_collection("docs", schema=schema)
            client.create_partition("docs", "acme")
            """,
            line=8,
        ),
    ]

    def judge(self, call, collection, schema, scope) -> None:
        key = _partition_key(schema)
        given = call.argument(_PARTITION_ARGUMENTS[call.method])
        if key is None or given is None:
            return
        if isinstance(given, ast.Constant) and given.value is None:
            return
        self.report(
            given,
            f"Filter on the partition key `{key}` instead of naming partitions: "
            f"{label(collection)} uses a partition key, and the server refuses "
            f"{call.method} with partitions named by hand.",
            hint=f"e.g. filter='{key} == \"value\"'",
        )


def _partition_key(schema) -> str | None:
    """The partition key field's name, when the schema certainly has one."""
    keyed = [f.name for f in schema.fields if f.partition_key is True]
    named = schema.partition_key_field
    if isinstance(named, str) and schema.field(named) is not None:
        keyed.append(named)
    return keyed[0] if keyed else None
