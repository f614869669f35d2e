"""MV132 binary-vector-dim."""

from __future__ import annotations

import ast

from checks.collection.checking import FieldRule
from checks.rules.base import Invalid


class BinaryVectorDim(FieldRule):
    """A BINARY_VECTOR field whose dim is not a multiple of 8."""

    code = "MV132"
    name = "binary-vector-dim"
    severity = "error"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import CollectionSchema, DataType, FieldSchema, MilvusClient
        schema = MilvusClient.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("bits", DataType.BINARY_VECTOR, dim=256)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=12)
        fields = [FieldSchema("fp", DataType.BINARY_VECTOR, dim=DIM)]
        """,
        # Another library's add_field.
        """
        import pymilvus
        table.add_field("bits", "binary", dim=12)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            schema = MilvusClient.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("hash", DataType.BINARY_VECTOR, dim=100)
            """,
            line=4,
        ),
        Invalid(
            """
            from pymilvus import DataType, FieldSchema
            HASH_BITS = 12
            field = FieldSchema(name="hash", dtype=DataType.BINARY_VECTOR, dim=HASH_BITS)
            """,
            line=3,
        ),
    ]

    def judge_field(self, call: ast.Call, field) -> None:
        dim = field.dim
        if field.dtype != "BINARY_VECTOR" or not isinstance(dim, int) or dim % 8 == 0:
            return
        self.report(
            call,
            f"Make the dim of `{field.name}` a multiple of 8 (e.g. {(dim // 8 + 1) * 8}): a "
            f"BINARY_VECTOR stores 8 dimensions per byte, and the server rejects dim={dim}.",
            hint="binary vectors are written as bytes of dim / 8",
        )
