"""Issue 10's examples, written the way an agent writes a whole script: each is reported by
its rule at its line on the releases where it is wrong, and not where it is right."""

from __future__ import annotations

import pytest

from checks.engine import Options, check_source

SCRIPT = """\
import random

from pymilvus import Collection, DataType, FieldSchema, Function, MilvusClient, connections, utility

DIM = 8
client = MilvusClient("./milvus_demo.db")
schema = client.create_schema(auto_id=False, enable_dynamic_fields=True)
schema.add_field("id", DataType.INT64, is_primary=True)
schema.add_field("vec", "FLOAT_VECTOR", dim=DIM)
title = FieldSchema("title", DataType.VARCHAR, max_length=64, is_nullable=True)
index_params = client.create_index_params()
client.create_collection("docs", schema=schema)
rows = [{"id": i, "vec": [random.random() for _ in range(DIM)]} for i in range(100)]
client.insert("docs", rows, progress_bar=True)
client.update("docs", rows[:1])
client.insert_data("docs", rows)
query = [rows[0]["vec"]]
hits = client.search("docs", query, limit=5, search_field="vec")
hits = client.search("docs", query, limit=5, group_by_field="id", group_strict_size=True)
found = client.query("docs", filter="id >= 0", partitionNames=["2024"], limit=10)
found = client.query("docs", filter="id >= 0", limits=2000)
found = client.query("docs", data=query, anns_field="vec", search_params={}, limit=3)
MilvusClient.insert("docs", rows)

connections.connect(uri="./milvus_demo.db")
collection = Collection("docs")
result = collection.search(query, "vec", {"metric_type": "COSINE"}, limit=3, kwargs={"_async": True})
entities = collection.get_entity_by_id([1, 2])
iterator = collection.query_iterator("id >= 0", ["id"], 100)
utility.wait_for_bulk_insert_tasks_completed([1])
"""

# (line, code) -> the releases (major.minor) where it is a mistake.
EVERYWHERE = ("2.4", "3.0")
EXPECTED = {
    (3, "MV120"): ("2.4",),  # Function: added in 2.5
    (7, "MV118"): EVERYWHERE,
    (9, "MV122"): EVERYWHERE,
    (10, "MV118"): EVERYWHERE,
    (11, "MV119"): EVERYWHERE,
    (14, "MV118"): EVERYWHERE,
    (15, "MV119"): EVERYWHERE,
    (16, "MV119"): EVERYWHERE,
    (18, "MV118"): EVERYWHERE,
    (19, "MV118"): EVERYWHERE,
    (20, "MV118"): EVERYWHERE,
    (21, "MV118"): EVERYWHERE,
    (22, "MV118"): EVERYWHERE,  # data=, anns_field=, search_params=: three findings
    (23, "MV121"): EVERYWHERE,
    (27, "MV118"): EVERYWHERE,
    (28, "MV119"): EVERYWHERE,
    (29, "MV123"): EVERYWHERE,
    (30, "MV119"): EVERYWHERE,
}
CODES = ("MV118", "MV119", "MV120", "MV121", "MV122", "MV123")


@pytest.mark.parametrize("version", ["2.4", "3.0"])
def test_each_example_is_reported_where_it_is_wrong(version):
    result = check_source(SCRIPT, Options(pymilvus_version=version, select=CODES))
    found = {(d.line, d.code) for d in result.diagnostics}
    expected = {key for key, versions in EXPECTED.items() if version in versions}
    assert found == expected
    assert sum(1 for d in result.diagnostics if d.line == 22) == 3


def test_each_finding_is_reported_once():
    result = check_source(SCRIPT, Options(pymilvus_version="3.0"))
    keys = [(d.line, d.column) for d in result.diagnostics if d.code in CODES]
    assert len(keys) == len(set(keys))
