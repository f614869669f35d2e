"""MV129 varchar-too-long."""

from __future__ import annotations

from checks.collection.checking import CollectionRule, label
from checks.rules.base import Invalid


class VarcharTooLong(CollectionRule):
    """A string literal longer than the max_length of the VARCHAR field it is written to."""

    code = "MV129"
    name = "varchar-too-long"
    severity = "error"
    editions = frozenset({"2026.11"})
    methods = ("insert", "upsert")

    VALID = [
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)
        schema.add_field("code", DataType.VARCHAR, max_length=8)
        schema.add_field("body", DataType.VARCHAR, max_length=LIMIT)
        client.create_collection("docs", schema=schema)
        client.insert("docs", [{"id": 1, "vector": [0.1, 0.2], "code": "ABCDEFGH", "body": "x" * 9000}])
        client.insert("docs", [{"id": 2, "vector": [0.1, 0.2], "code": text[:8], "body": long_text}])
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = client.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)
            schema.add_field("lang", DataType.VARCHAR, max_length=2)
            client.create_collection("docs", schema=schema)
            client.insert("docs", [{"id": 1, "vector": [0.1, 0.2], "lang": "english"}])
            """,
            line=8,
        ),
    ]

    def judge(self, call, collection, schema, scope) -> None:
        for row in self.rows(call, scope) or []:
            for key, value in row.values.items():
                field = schema.field(key)
                if field is None or field.dtype != "VARCHAR":
                    continue
                limit = field.max_length
                text = self.ctx.model.string(value, scope)
                if not isinstance(limit, int) or text is None or len(text) <= limit:
                    continue
                self.report(
                    value,
                    f"Shorten this value to {limit} characters or raise max_length: "
                    f"{label(collection, key)} has max_length={limit} and the value has "
                    f"{len(text)}, so the {call.method} is rejected.",
                    hint="max_length may be raised up to 65535",
                )
