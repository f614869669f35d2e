"""MV126 unknown-row-field."""

from __future__ import annotations

import ast

from checks.collection.checking import CollectionRule, label
from checks.collection.rows import keys_may_change
from checks.rules.base import Invalid


class UnknownRowField(CollectionRule):
    """A row key the schema does not have, written to a collection without the dynamic field."""

    code = "MV126"
    name = "unknown-row-field"
    severity = "error"
    editions = frozenset({"2026.11"})
    methods = ("insert", "upsert")

    VALID = [
        # The dynamic field takes any key: quick setup has it on.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", dimension=4)
        client.insert("docs", [{"id": 1, "vector": [0.1] * 4, "text": "a", "source": "web"}])
        """,
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema(enable_dynamic_field=True)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
        client.create_collection("docs", schema=schema)
        client.insert("docs", {"id": 1, "vector": [0.1] * 4, "color": "red"})
        """,
        # Fields added where we cannot see them all, or a dynamic flag we cannot read.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema(enable_dynamic_field=DYNAMIC)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
        client.create_collection("docs", schema=schema)
        client.insert("docs", {"id": 1, "vector": [0.1] * 4, "color": "red"})
        other = client.create_schema()
        other.add_field("id", DataType.INT64, is_primary=True)
        for name in extra_fields:
            other.add_field(name, DataType.VARCHAR, max_length=64)
        client.create_collection("other", schema=other)
        client.insert("other", {"id": 1, "title": "x"})
        """,
        # A name that is a parameter may be any collection.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
        def create(name):
            client.create_collection(name, schema=schema)
        def add(name, vector):
            client.insert(name, {"id": 1, "vector": vector, "text": "x"})
        """,
        # Nullable fields, defaults and function outputs are schema fields too.
        """
        from pymilvus import CollectionSchema, DataType, FieldSchema, Function, FunctionType, MilvusClient
        fields = [
            FieldSchema("id", DataType.INT64, is_primary=True, auto_id=True),
            FieldSchema("text", DataType.VARCHAR, max_length=1000, enable_analyzer=True),
            FieldSchema("sparse", DataType.SPARSE_FLOAT_VECTOR),
            FieldSchema("lang", DataType.VARCHAR, max_length=8, nullable=True),
        ]
        bm25 = Function("bm25", FunctionType.BM25, ["text"], ["sparse"])
        client = MilvusClient("demo.db")
        client.create_collection("docs", schema=CollectionSchema(fields, functions=[bm25]))
        client.insert("docs", [{"text": "hello", "lang": None}])
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = MilvusClient.create_schema(auto_id=True)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=4)
            schema.add_field("text", DataType.VARCHAR, max_length=512)
            client.create_collection("docs", schema=schema)
            client.insert("docs", [{"embedding": [0.1] * 4, "text": "a", "source": "web"}])
            """,
            line=8,
        ),
        # A wrapper class: the name is held in self.collection_name, set once.
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            class Store:
                def __init__(self, collection_name):
                    self.client = MilvusClient("demo.db")
                    self.collection_name = collection_name
                    schema = self.client.create_schema()
                    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
                    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
                    self.client.create_collection(self.collection_name, schema=schema)
                def add(self, doc_id, vector, text):
                    self.client.insert(self.collection_name, [{"id": doc_id, "vector": vector, "text": text}])
            """,
            line=11,
        ),
        # ORM schema from FieldSchema objects; rows built in a comprehension.
        Invalid(
            """
            from pymilvus import Collection, CollectionSchema, DataType, FieldSchema
            schema = CollectionSchema([
                FieldSchema("pk", DataType.VARCHAR, is_primary=True, max_length=64),
                FieldSchema("vec", DataType.FLOAT_VECTOR, dim=2),
            ])
            col = Collection("docs", schema)
            rows = [{"pk": str(i), "vec": v, "metadata": {"i": i}} for i, v in enumerate(vectors)]
            col.insert(rows)
            """,
            line=7,
        ),
    ]

    def judge(self, call, collection, schema, scope) -> None:
        if schema.dynamic is not False or not schema.complete:
            return
        reported = set()
        data = call.argument("data")
        model = self.ctx.model

        def changes(key: str) -> bool:
            return isinstance(data, ast.Name) and keys_may_change(model, key)

        for row in self.rows(call, scope) or []:
            for key, node in row.keys.items():
                if schema.field(key) is None and key not in reported and not changes(key):
                    reported.add(key)
                    self.report(
                        node,
                        f"Remove `{key}` from the row, or add it to the schema: "
                        f"{label(collection)} has no field `{key}` and no dynamic field, so "
                        f"pymilvus rejects the {call.method}.",
                        hint="or create the schema with enable_dynamic_field=True to keep "
                        "extra keys in $meta",
                    )
