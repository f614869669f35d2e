"""MV125 vector-dim-mismatch."""

from __future__ import annotations

import ast

from checks.collection.checking import CollectionRule, label, searched_field
from checks.collection.facts import DENSE_VECTORS
from checks.collection.rows import vector_length
from checks.rules.base import Invalid


class VectorDimMismatch(CollectionRule):
    """A vector whose visible length differs from the dim of the field it is written to or searched on."""

    code = "MV125"
    name = "vector-dim-mismatch"
    severity = "error"
    editions = frozenset({"2026.11"})
    methods = ("insert", "upsert", "search", "search_iterator")

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", dimension=768)
        client.insert("docs", [{"id": i, "vector": [0.1] * 768} for i in range(3)])
        client.search("docs", data=[[0.2] * 768], limit=3)
        client.search("docs", [[0.0 for _ in range(768)]], limit=3)
        """,
        # Lengths that do not show, and fields whose dim is not a literal.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=DIM)
        client.create_collection("docs", schema=schema)
        client.insert("docs", [{"id": 1, "vector": [0.1] * 1536}])
        client.create_collection("quick", dimension=8)
        client.insert("quick", [{"id": 1, "vector": embed(text)}])
        client.search("quick", [model.encode(q)], limit=3)
        client.search("quick", [[0.1] * n], limit=3)
        """,
        # Several vector fields: each judged against its own dim; no anns_field, no judgement.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("text_vec", DataType.FLOAT_VECTOR, dim=8)
        schema.add_field("image_vec", DataType.FLOAT_VECTOR, dim=4)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        client.create_collection("docs", schema=schema)
        client.insert("docs", {"id": 1, "text_vec": [0.1] * 8, "image_vec": [0.1] * 4, "sparse": {1: 0.5, 7: 0.1}})
        client.search("docs", [[0.1] * 4], anns_field="image_vec", limit=3)
        client.search("docs", [[0.1] * 8], limit=3)
        """,
        # Another client, a collection created elsewhere, or a look-alike.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        other = MilvusClient("other.db")
        client.create_collection("docs", dimension=8)
        other.insert("docs", [{"id": 1, "vector": [0.1] * 768}])
        client.insert("elsewhere", [{"id": 1, "vector": [0.1] * 768}])
        qdrant.upsert("docs", [{"id": 1, "vector": [0.1] * 768}])
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_collection("docs", dimension=768)
            client.insert("docs", [{"id": 1, "vector": [0.1] * 1536, "text": "hello"}])
            """,
            line=4,
        ),
        # Schema with add_field; the vector bound to a name, built with numpy.
        Invalid(
            """
            import numpy as np
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = MilvusClient.create_schema()
            schema.add_field("pk", DataType.INT64, is_primary=True)
            schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=384)
            client.create_collection("docs", schema=schema)
            query = np.random.rand(768).tolist()
            hits = client.search("docs", data=[query], anns_field="embedding", limit=5)
            """,
            line=9,
        ),
        # ORM, rows from a comprehension over a literal range.
        Invalid(
            """
            from pymilvus import Collection, CollectionSchema, DataType, FieldSchema
            fields = [
                FieldSchema("id", DataType.INT64, is_primary=True, auto_id=True),
                FieldSchema("vec", DataType.FLOAT_VECTOR, dim=128),
            ]
            col = Collection("docs", CollectionSchema(fields))
            col.insert([{"vec": [float(i) for i in range(64)]}])
            """,
            line=7,
        ),
        # One more than the dim, computed from the constant.
        Invalid(
            """
            from pymilvus import MilvusClient
            DIM = 8
            client = MilvusClient("demo.db")
            client.create_collection("docs", dimension=DIM)
            client.insert("docs", [{"id": 1, "vector": [0.1] * (DIM + 1)}])
            """,
            line=5,
        ),
        # The only vector field, searched without anns_field.
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def main():
                client = AsyncMilvusClient("http://localhost:19530")
                await client.create_collection("docs", dimension=1024)
                return await client.search("docs", [[0.5, 0.5, 0.5, 0.5]], limit=3)
            """,
            line=5,
        ),
    ]

    def judge(self, call, collection, schema, scope) -> None:
        model = self.ctx.model
        if call.method in ("insert", "upsert"):
            for row in self.rows(call, scope) or []:
                for key, value in row.values.items():
                    self._check(collection, schema.field(key), value, scope)
            return
        data = call.argument("data")
        if isinstance(data, ast.Name) and not model.mutated(data):
            bound = model.binding(data, scope)
            data, scope = bound if bound is not None else (data, scope)
        if not isinstance(data, ast.List):
            return
        field = searched_field(call, schema, model, scope)
        for vector in data.elts:
            self._check(collection, field, vector, scope)

    def _check(self, collection, field, value: ast.expr, scope) -> None:
        if field is None or field.dtype not in DENSE_VECTORS or field.dtype == "BINARY_VECTOR":
            return
        dim = field.dim
        if not isinstance(dim, int):
            return
        length = vector_length(self.ctx.model, value, scope)
        if length is None or length == dim:
            return
        self.report(
            value,
            f"Give this vector {dim} values, not {length}: {label(collection, field.name)} "
            f"has dim={dim}, and Milvus rejects vectors of any other length.",
            hint="embed with a model of the field's dimension, or create the field with "
            f"dim={length}",
        )
