"""MV134 quick-setup-with-schema."""

from __future__ import annotations

import ast

from checks.collection.indexes import CREATE_COLLECTION
from checks.rules.base import Invalid, Rule
from checks.signatures import argument

# create_collection's quick-setup parameters: used only when no schema is given.
QUICK_SETUP_PARAMETERS = (
    "dimension", "primary_field_name", "id_type", "vector_field_name", "metric_type", "auto_id",
)  # fmt: skip
_WHERE_INSTEAD = {
    "dimension": "the vector field's dim",
    "primary_field_name": "the field with is_primary=True",
    "id_type": "the primary field's DataType",
    "vector_field_name": "the schema's vector field",
    "metric_type": "index_params.add_index(..., metric_type=...)",
    "auto_id": "create_schema(auto_id=...) or the primary field",
}


class QuickSetupWithSchema(Rule):
    """Quick-setup keywords (dimension=, metric_type=, ...) next to schema=: pymilvus ignores them."""

    code = "MV134"
    call_names = frozenset({"create_collection"})
    pymilvus_only = True
    name = "quick-setup-with-schema"
    severity = "warning"
    pymilvus = ">=2.4"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("quick", dimension=8, metric_type="IP", auto_id=True)
        client.create_collection("custom", schema=schema, index_params=index_params)
        client.create_collection("none", dimension=8, schema=None)
        """,
        # Another library's create_collection.
        """
        import pymilvus
        qdrant.create_collection("docs", schema=schema, dimension=8)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = client.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=768)
            client.create_collection("docs", schema=schema, dimension=768, metric_type="IP")
            """,
            line=6,
            count=2,
        ),
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def setup(schema):
                client = AsyncMilvusClient("http://localhost:19530")
                await client.create_collection("docs", schema=schema, auto_id=True)
            """,
            line=4,
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        create = self.ctx.method_call(node, "create_collection")
        if create is None or create.api != "client":
            return
        schema = argument(node, CREATE_COLLECTION, "schema")
        if schema is None or (isinstance(schema, ast.Constant) and schema.value is None):
            return
        for name in QUICK_SETUP_PARAMETERS:
            given = argument(node, CREATE_COLLECTION, name)
            if given is None:
                continue
            self.report(
                given,
                f"Remove `{name}=` or put it in the schema: with `schema=` pymilvus uses the "
                f"schema and ignores {name} silently.",
                hint=f"set it as {_WHERE_INSTEAD[name]}",
            )
