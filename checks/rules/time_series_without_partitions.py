"""MV005 time-series-without-partitions."""

from __future__ import annotations

import ast
import re

from checks.rules.base import Invalid, Rule
from checks.semantic import keyword

TIME_LIKE_NAME = re.compile(
    r"^(ts|time|timestamp|date|datetime|created|updated|event_time)$|_(at|time|ts|date|timestamp)$",
    re.I,
)
TIME_TYPES = {"INT64", "TIMESTAMPTZ"}


class TimeSeriesWithoutPartitions(Rule):
    """Time-series schema with no partition key, partitions or TTL."""

    code = "MV005"
    name = "time-series-without-partitions"
    severity = "info"

    VALID = [
        """
        from pymilvus import FieldSchema, DataType
        fields = [
            FieldSchema(name="id", dtype=DataType.INT64, is_primary=True),
            FieldSchema(name="created_at", dtype=DataType.INT64, is_partition_key=True),
        ]
        """,
        """
        from pymilvus import MilvusClient, DataType
        schema = MilvusClient.create_schema()
        schema.add_field("timestamp", DataType.INT64)
        client = MilvusClient("demo.db")
        client.create_collection("events", schema=schema, properties={"collection.ttl.seconds": 86400})
        """,
        """
        from pymilvus import Collection, FieldSchema, DataType
        ts = FieldSchema(name="ts", dtype=DataType.INT64)
        col = Collection("events", schema)
        col.create_partition("2026_q1")
        """,
        # A string date, a float, and a name that only looks similar.
        """
        from pymilvus import FieldSchema, DataType
        a = FieldSchema(name="date", dtype=DataType.VARCHAR, max_length=10)
        b = FieldSchema(name="timeline", dtype=DataType.INT64)
        """,
        # Not pymilvus.
        """
        from pymilvus import MilvusClient
        from sqlalchemy import Column, Integer
        created_at = Column("created_at", Integer)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import FieldSchema, CollectionSchema, DataType
            fields = [
                FieldSchema(name="id", dtype=DataType.INT64, is_primary=True),
                FieldSchema(name="event_time", dtype=DataType.INT64),
            ]
            """,
            line=4,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            schema = MilvusClient.create_schema()
            schema.add_field(field_name="created_at", datatype=DataType.INT64)
            """,
            line=3,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.field_definition = ctx.collections.field_definition  # asked for every call
        if "ttl" not in ctx.source:
            self.visit_Constant = None  # no TTL property can be set: no constant to look at
        self.time_field: tuple[ast.Call, str] | None = None  # the first one, and its name
        self.partitioned = False

    def visit_Call(self, node: ast.Call) -> None:
        if self.partitioned:
            return
        if self._partitions_or_ttl(node):
            self.partitioned = True
            return
        if self.time_field is None:
            self.time_field = self._time_field(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if node.value in ("collection.ttl.seconds", "ttl_field"):
            self.partitioned = True

    def visit_flow(self, flow) -> None:
        # The module's flow is the last one to end: decide once the whole file was seen.
        if (
            isinstance(flow.node, ast.Module)
            and self.time_field is not None
            and not self.partitioned
        ):
            node, name = self.time_field
            self.report(
                node,
                f"Plan how time-series field '{name}' is partitioned: use a partition key, "
                "a collection TTL, or filter on it.",
                hint="add_field(..., is_partition_key=True) or properties={'collection.ttl.seconds': N}",
            )

    def _partitions_or_ttl(self, node: ast.Call) -> bool:
        partition_key = keyword(node, "is_partition_key")
        if partition_key is not None and self.ctx.literal(partition_key.value) is True:
            return True
        return isinstance(node.func, ast.Attribute) and node.func.attr == "create_partition"

    def _time_field(self, node: ast.Call) -> tuple[ast.Call, str] | None:
        """A field definition (the collection model reads it) with a time-like name and type."""
        field = self.field_definition(node, self.ctx.scope)
        if (
            field is None
            or not isinstance(field.dtype, str)
            or field.dtype not in TIME_TYPES
            or TIME_LIKE_NAME.search(field.name) is None
        ):
            return None
        return node, field.name
