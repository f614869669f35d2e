"""MV143 filter-unknown-field."""

from __future__ import annotations

from checks.collection.checking import FilterFieldRule
from checks.rules.base import Invalid


class FilterUnknownField(FilterFieldRule):
    """Filter names a field the collection does not have, and its dynamic field is off."""

    code = "MV143"
    name = "filter-unknown-field"
    severity = "error"
    fix = "none"
    editions = frozenset({"2026.11"})
    kind = "unknown-field"

    VALID = [
        # Every name is a field; with the dynamic field on, any name is a key of it.
        """
        from pymilvus import DataType, MilvusClient
        client = MilvusClient("milvus.db")
        schema = client.create_schema(enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
        schema.add_field("lang", DataType.VARCHAR, max_length=8)
        client.create_collection("docs", schema=schema)
        client.query("docs", filter="lang == 'en' and id > 3", limit=5)
        client.create_collection("notes", dimension=4)
        client.query("notes", filter="author == 'kim'", limit=5)
        """,
        # A field added after creation (Milvus 2.6 add_collection_field).
        """
        from pymilvus import DataType, MilvusClient
        client = MilvusClient("milvus.db")
        schema = client.create_schema(enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
        client.create_collection("docs", schema=schema)
        client.add_collection_field("docs", field_name="lang", data_type=DataType.VARCHAR,
                                    max_length=8, nullable=True)
        client.query("docs", filter="lang == 'en'", limit=5)
        """,
        # A collection the module does not create: its fields are not known.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("milvus.db")
        client.query("elsewhere", filter="anything > 1", limit=5)
        """,
        # A schema the module cannot see whole.
        """
        from pymilvus import DataType, MilvusClient
        client = MilvusClient("milvus.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        add_more_fields(schema)
        client.create_collection("docs", schema=schema)
        client.query("docs", filter="lang == 'en'", limit=5)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import DataType, MilvusClient
            client = MilvusClient("milvus.db")
            schema = client.create_schema(enable_dynamic_field=False)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
            schema.add_field("category", DataType.VARCHAR, max_length=32)
            client.create_collection("docs", schema=schema)
            client.query("docs", filter="catgory == 'api'", limit=5)
            """,
            line=8,
        ),
        # An unquoted string value is a name.
        Invalid(
            """
            from pymilvus import CollectionSchema, DataType, FieldSchema, Collection
            fields = [
                FieldSchema("id", DataType.INT64, is_primary=True),
                FieldSchema("vec", DataType.FLOAT_VECTOR, dim=4),
                FieldSchema("bot_name", DataType.VARCHAR, max_length=32),
            ]
            col = Collection("bots", CollectionSchema(fields))
            col.query(expr="bot_name == helper", output_fields=["id"])
            """,
            line=8,
        ),
    ]

    def judge_filter(self, use, finding) -> None:
        import difflib

        name = use.filter.text[finding.start : finding.end]
        fields = list(self.filters.field_names(use))
        close = difflib.get_close_matches(name, fields, n=1)
        hint = f"did you mean `{close[0]}`?" if close else None
        if hint is None and name not in ("$meta",):
            hint = f"if `{name}` is a value, quote it: `'{name}'`; the fields are " + ", ".join(
                f"`{f}`" for f in fields[:12]
            )
        self.report(use.place(finding.start, finding.end), f"{finding.message}.", hint=hint)
