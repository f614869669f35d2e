"""MV136 search-without-anns-field."""

from __future__ import annotations

from checks.collection.checking import CollectionRule, label
from checks.collection.facts import UNKNOWN
from checks.rules.base import Invalid


class SearchWithoutAnnsField(CollectionRule):
    """A search without anns_field on a collection with several vector fields."""

    code = "MV136"
    name = "search-without-anns-field"
    severity = "error"
    pymilvus = ">=2.4"
    editions = frozenset({"2026.11"})
    methods = ("search", "search_iterator")

    VALID = [
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("text_vec", DataType.FLOAT_VECTOR, dim=4)
        schema.add_field("image_vec", DataType.FLOAT_VECTOR, dim=4)
        client.create_collection("docs", schema=schema)
        client.search("docs", [[0.1] * 4], anns_field="image_vec", limit=3)
        client.search("docs", [[0.1] * 4], anns_field=field, limit=3)
        """,
        # One vector field: no choice to make.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", dimension=4)
        client.search("docs", [[0.1] * 4], limit=3)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient, DataType, Function, FunctionType
            client = MilvusClient("demo.db")
            schema = client.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True, auto_id=True)
            schema.add_field("text", DataType.VARCHAR, max_length=1000, enable_analyzer=True)
            schema.add_field("dense", DataType.FLOAT_VECTOR, dim=4)
            schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(Function("bm25", FunctionType.BM25, ["text"], ["sparse"]))
            client.create_collection("docs", schema=schema)
            hits = client.search("docs", [[0.1] * 4], limit=3, output_fields=["text"])
            """,
            line=10,
        ),
    ]

    def judge(self, call, collection, schema, scope) -> None:
        if call.argument("anns_field") is not None:
            return
        vectors = schema.vector_fields
        if vectors is UNKNOWN or len(vectors) < 2:
            return
        names = ", ".join(f"`{f.name}`" for f in vectors)
        self.report(
            call.call,
            f"Pass anns_field to say which vector field to search: {label(collection)} has "
            f"{len(vectors)} ({names}), and the server refuses to guess.",
            hint="or use hybrid_search with one AnnSearchRequest per field",
        )
