"""MV133 incomplete-array-field."""

from __future__ import annotations

import ast

from checks.collection.checking import FieldRule
from checks.rules.base import Invalid

MAX_CAPACITY = 4096  # the server's defaultMaxArrayCapacity


class IncompleteArrayField(FieldRule):
    """An ARRAY field without element_type or max_capacity, or with max_capacity above 4096."""

    code = "MV133"
    name = "incomplete-array-field"
    severity = "error"
    pymilvus = ">=2.4"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import DataType, FieldSchema, MilvusClient
        schema = MilvusClient.create_schema()
        schema.add_field("tags", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=64, max_length=32)
        schema.add_field("scores", DataType.ARRAY, element_type=DataType.FLOAT, max_capacity=4096)
        fields = [FieldSchema("ids", DataType.ARRAY, element_type=DataType.INT64, max_capacity=CAP)]
        schema.add_field("other", DataType.ARRAY, **array_options)
        """,
        """
        import pymilvus
        table.add_field("tags", "array", max_capacity=10000)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import DataType, MilvusClient
            schema = MilvusClient.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("tags", DataType.ARRAY, max_capacity=10)
            """,
            line=4,
        ),
        Invalid(
            """
            from pymilvus import DataType, FieldSchema
            tags = FieldSchema("tags", DataType.ARRAY, element_type=DataType.INT64, max_capacity=10000)
            """,
            line=2,
        ),
        Invalid(
            """
            from pymilvus import DataType, MilvusClient
            schema = MilvusClient.create_schema()
            schema.add_field(field_name="tags", datatype=DataType.ARRAY, element_type=DataType.INT64)
            """,
            line=3,
        ),
    ]

    def judge_field(self, call: ast.Call, field) -> None:
        if field.dtype != "ARRAY":
            return
        name = f"`{field.name}`"
        if field.element_type is None:
            self.report(
                call,
                f"Give the ARRAY field {name} an element_type: the server has no default and "
                "rejects the schema.",
                hint="e.g. element_type=DataType.INT64 (or VARCHAR with max_length)",
            )
        elif field.max_capacity is None:
            self.report(
                call,
                f"Give the ARRAY field {name} a max_capacity (1 to {MAX_CAPACITY}): the server "
                "rejects an array field without one.",
                hint="max_capacity is the most elements one row's array may hold",
            )
        elif isinstance(field.max_capacity, int) and not 0 < field.max_capacity <= MAX_CAPACITY:
            self.report(
                call,
                f"Lower max_capacity of {name} to {MAX_CAPACITY} or less: the server rejects "
                f"max_capacity={field.max_capacity}.",
                hint="store longer lists in a JSON field, or split them over rows",
            )
