"""MV144 filter-type-mismatch."""

from __future__ import annotations

from checks.collection.checking import FilterFieldRule
from checks.rules.base import Invalid

_SCHEMA = """
from pymilvus import DataType, MilvusClient
client = MilvusClient("milvus.db")
schema = client.create_schema(enable_dynamic_field=False)
schema.add_field("id", DataType.INT64, is_primary=True)
schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
schema.add_field("year", DataType.INT64)
schema.add_field("price", DataType.DOUBLE)
schema.add_field("title", DataType.VARCHAR, max_length=64)
schema.add_field("meta", DataType.JSON)
schema.add_field("tags", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=8, max_length=16)
client.create_collection("docs", schema=schema)
"""


class FilterTypeMismatch(FilterFieldRule):
    """Filter compares a field with a value of another type, or applies an operator the field's
    type does not have."""

    code = "MV144"
    name = "filter-type-mismatch"
    severity = "error"
    fix = "none"
    editions = frozenset({"2026.11"})
    kind = "type-mismatch"

    VALID = [
        _SCHEMA
        + """
client.query("docs", filter="year >= 2020 and price < 9 and title like 'A%'", limit=5)
client.query("docs", filter="meta['k'] == 'x' and array_contains(tags, 'ai') and tags[0] == 'x'", limit=5)
client.query("docs", filter="price in [1.5, 2.0] and year in [2020, 2021]", limit=5)
client.query("docs", filter=f"year == {year} and title == '{title}'", limit=5)
""",
        # Unknown collection: no types.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("milvus.db")
        client.query("elsewhere", filter="year == '2020'", limit=5)
        """,
    ]
    INVALID = [
        Invalid(_SCHEMA + 'client.query("docs", filter="year == \'2020\'", limit=5)\n', line=12),
        Invalid(_SCHEMA + 'client.query("docs", filter="title == 5", limit=5)\n', line=12),
        Invalid(_SCHEMA + 'client.query("docs", filter="year like \'20%\'", limit=5)\n', line=12),
        Invalid(
            _SCHEMA + 'client.query("docs", filter="array_contains(title, \'a\')", limit=5)\n',
            line=12,
        ),
        Invalid(_SCHEMA + 'client.query("docs", filter="year > 2020.5", limit=5)\n', line=12),
        # Milvus 2.4 only: a range on arithmetic.
        Invalid(
            _SCHEMA + 'client.query("docs", filter="year + 1 > 2020", limit=5)\n',
            line=12,
            pymilvus_version="2.4",
        ),
    ]

    def judge_filter(self, use, finding) -> None:
        self.report(use.place(finding.start, finding.end), f"{finding.message}.")
