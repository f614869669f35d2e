"""MV130 unknown-field-name."""

from __future__ import annotations

import re

from checks.collection.checking import CollectionRule, label, string_list
from checks.collection.facts import UNKNOWN
from checks.rules.base import Invalid
from checks.semantic import keyword

# A plain field name; anything else (`*`, `count(*)`, `meta["k"]`) is not judged.
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class UnknownFieldName(CollectionRule):
    """output_fields, anns_field, group_by_field or an index naming a field the collection lacks."""

    code = "MV130"
    name = "unknown-field-name"
    severity = "error"
    editions = frozenset({"2026.11"})
    methods = (
        "search", "query", "get", "search_iterator", "query_iterator", "hybrid_search",
        "create_index", "create_collection",
    )  # fmt: skip

    VALID = [
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)
        schema.add_field("title", DataType.VARCHAR, max_length=64)
        schema.add_field("meta", DataType.JSON)
        ip = client.prepare_index_params()
        ip.add_index("vector", index_type="HNSW", metric_type="COSINE")
        ip.add_index("title", index_type="INVERTED")
        client.create_collection("docs", schema=schema, index_params=ip)
        client.search("docs", [[0.1, 0.2]], anns_field="vector", output_fields=["title", "meta"], group_by_field="title")
        client.query("docs", filter="id > 0", output_fields=["*"])
        client.query("docs", filter="", output_fields=["count(*)"])
        client.query("docs", filter="id > 0", output_fields=['meta["author"]'])
        """,
        # The dynamic field holds any other key (quick setup has it on).
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", dimension=2)
        client.search("docs", [[0.1, 0.2]], output_fields=["text", "source"])
        client.query("docs", filter="id > 0", output_fields=["text"])
        """,
        # A schema we cannot see whole.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)
        if with_text:
            schema.add_field("text", DataType.VARCHAR, max_length=64)
        client.create_collection("docs", schema=schema)
        client.search("docs", [[0.1, 0.2]], output_fields=["text"])
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = client.create_schema(enable_dynamic_field=False)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=2)
            schema.add_field("content", DataType.VARCHAR, max_length=512)
            client.create_collection("docs", schema=schema)
            hits = client.search("docs", [[0.1, 0.2]], limit=3, output_fields=["text"])
            """,
            line=8,
        ),
        # anns_field naming the wrong field, or a scalar one.
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = client.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=2)
            schema.add_field("content", DataType.VARCHAR, max_length=512)
            client.create_collection("docs", schema=schema)
            client.search("docs", [[0.1, 0.2]], anns_field="vector")
            client.search("docs", [[0.1, 0.2]], anns_field="content")
            client.search("docs", [[0.1, 0.2]], anns_field="embedding", group_by_field="category")
            """,
            count=3,
        ),
        # An index on a field the schema does not have.
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = client.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=2)
            index_params = client.prepare_index_params()
            index_params.add_index(field_name="vector", index_type="AUTOINDEX", metric_type="COSINE")
            client.create_collection("docs", schema=schema, index_params=index_params)
            """,
            line=7,
        ),
        # ORM.
        Invalid(
            """
            from pymilvus import Collection, CollectionSchema, DataType, FieldSchema
            schema = CollectionSchema([
                FieldSchema("pk", DataType.INT64, is_primary=True),
                FieldSchema("vec", DataType.FLOAT_VECTOR, dim=2),
            ])
            col = Collection("docs", schema)
            col.create_index("embedding", {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 8}})
            col.query("pk > 0", output_fields=["pk", "title"])
            """,
            count=2,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.seen: set[int] = set()

    def judge(self, call, collection, schema, scope) -> None:
        if call.method in ("create_index", "create_collection"):
            self._indexes(collection, schema)
            return
        model, node = self.ctx.model, call.call
        closed = schema.complete and schema.dynamic is False
        for name, element in string_list(model, call.argument("output_fields"), scope) or []:
            if closed and _FIELD_NAME.fullmatch(name) and schema.field(name) is None:
                self._missing(element, name, "output_fields", collection, schema)
        anns = call.argument("anns_field") if call.method != "hybrid_search" else None
        anns_name = model.string(anns, scope) if anns is not None else None
        if anns_name is not None:
            field = schema.field(anns_name)
            if field is None and schema.complete:
                self._missing(anns, anns_name, "anns_field", collection, schema)
            elif field is not None and field.is_vector is False:
                self.report(
                    anns,
                    f"Search a vector field instead of `{anns_name}`: it is a {field.dtype} "
                    f"field of {label(collection)}, and anns_field must name a vector field.",
                    hint=_fields_hint(schema, vectors_only=True),
                )
        group = keyword(node, "group_by_field")
        group_name = model.string(group.value, scope) if group is not None else None
        if group_name is not None and closed and schema.field(group_name) is None:
            self._missing(group.value, group_name, "group_by_field", collection, schema)

    def _indexes(self, collection, schema) -> None:
        if collection.indexes is UNKNOWN or not schema.complete:
            return
        for index in collection.indexes:
            if index.field is None or id(index.node) in self.seen:
                continue
            self.seen.add(id(index.node))
            if schema.field(index.field) is None and schema.dynamic is False:
                self._missing(index.node, index.field, "the index", collection, schema)

    def _missing(self, node, name, where, collection, schema) -> None:
        self.report(
            node,
            f"Name a field of {label(collection)} in {where} instead of `{name}`: the "
            "collection has no such field, and the server rejects the call.",
            hint=_fields_hint(schema),
        )


def _fields_hint(schema, vectors_only: bool = False) -> str:
    names = [f.name for f in schema.fields if not vectors_only or f.is_vector is True]
    return "its fields: " + ", ".join(names) if names else "check the schema"
