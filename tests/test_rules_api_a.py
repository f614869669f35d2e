"""MV101-MV108: what the rules' own VALID/INVALID examples cannot say (severity by version,
spans, fix safety per finding, fix_data)."""

from __future__ import annotations

import pytest

from checks.engine import Options, check_source
from checks.rules.base import example_source


def findings(code: str, rule: str, version: str = "3.0"):
    source = example_source(code)
    result = check_source(source, Options(pymilvus_version=version, select=(rule,)))
    assert result.error is None, result.error
    return [d for d in result.diagnostics if d.code == rule]


ORM = """
from pymilvus import connections, Collection
connections.connect(uri="http://localhost:19530")
"""


@pytest.mark.parametrize(
    ("version", "severity"),
    [("2.4", None), ("2.5.9", None), ("2.6", "warning"), ("3.0", "warning"), ("3.1", "error")],
)
def test_mv101_severity_follows_the_target_version(version, severity):
    found = findings(ORM, "MV101", version)
    assert [d.severity for d in found] == ([severity] if severity else [])


def test_mv101_lists_every_deprecated_name_of_an_import_once():
    (found,) = findings(ORM, "MV101")
    assert "`connections`, `Collection` are ORM APIs" in found.message
    assert found.fix == "unsafe" and found.line == 1


def test_mv101_module_attributes_are_reported_once_per_name():
    code = """
    import pymilvus
    a = pymilvus.Collection("a")
    b = pymilvus.Collection("b")
    pymilvus.utility.drop_collection("a")
    pymilvus.utility.drop_collection("b")
    """
    assert [(d.line, d.fix_data["names"]) for d in findings(code, "MV101")] == [
        (2, ["Collection"]),
        (4, ["utility"]),
    ]


def test_mv102_span_is_the_keyword_and_fix_data_names_the_new_keyword():
    code = """
    from pymilvus import MilvusClient
    client = MilvusClient("demo.db")
    client.search("docs", [[0.1]], top_k=3)
    """
    (found,) = findings(code, "MV102")
    assert (found.line, found.column, found.end_column) == (3, 32, 39)
    assert found.fix == "safe" and found.fix_data == {"rename_to": "limit"}


@pytest.mark.parametrize(
    "call",
    [
        'client.search("docs", [[0.1]], limit=5, top_k=3)',  # already given: remove, not rename
        'client.search("docs", [[0.1]], top_k=3, k=3)',  # the second would duplicate `limit`
        'client.search("docs", [[0.1]], top_k=3, **extra)',  # `limit` may be in **extra
    ],
)
def test_mv102_renames_that_could_collide_are_not_offered(call):
    code = f"""
    from pymilvus import MilvusClient
    client = MilvusClient("demo.db")
    {call}
    """
    found = findings(code, "MV102")
    assert found and found[-1].fix == "none"


def test_mv102_remove_message_says_what_happens():
    code = """
    from pymilvus import MilvusClient
    client = MilvusClient("demo.db")
    client.query("docs", filter="a > 1", expr="a > 1")
    """
    (found,) = findings(code, "MV102")
    assert found.message.startswith("Remove `expr=`: `filter=` is already given")
    assert "crashes" in found.message


def test_mv103_fix_data_is_the_index_metric_and_only_literals_are_fixed():
    code = """
    from pymilvus import MilvusClient
    client = MilvusClient("demo.db")
    client.create_collection("docs", dimension=8, metric_type="IP")
    client.search("docs", [[0.1] * 8], search_params={"metric_type": "L2"})
    client.search("docs", [[0.1] * 8], search_params={"metric_type": SEARCH_METRIC})
    SEARCH_METRIC = "COSINE"
    """
    found = findings(code, "MV103")
    assert [(d.line, d.fix, d.fix_data) for d in found] == [
        (4, "safe", {"metric_type": "IP"}),
        (5, "none", {"metric_type": "IP"}),
    ]


def test_mv103_metric_case_is_left_to_mv107():
    code = """
    from pymilvus import MilvusClient
    client = MilvusClient("demo.db")
    client.create_collection("docs", dimension=8, metric_type="L2")
    client.search("docs", [[0.1] * 8], search_params={"metric_type": "l2"})
    """
    assert findings(code, "MV103") == []


def test_mv103_an_index_params_object_that_escapes_is_unknown():
    code = """
    from pymilvus import MilvusClient
    client = MilvusClient("demo.db")
    def make():
        ip = client.prepare_index_params()
        ip.add_index("vector", index_type="HNSW", metric_type="L2")
        return ip
    client.create_collection("docs", schema=schema, index_params=make())
    client.search("docs", [[0.1] * 8], search_params={"metric_type": "COSINE"})
    """
    assert findings(code, "MV103") == []


def test_mv104_fix_data_is_limit_plus_offset():
    code = """
    from pymilvus import Collection
    col = Collection("docs")
    col.create_index("v", {"index_type": "HNSW_PQ", "metric_type": "L2", "params": {"M": 8}})
    col.search([[0.1]], "v", {"params": {"ef": 16}, "offset": 10}, limit=20)
    """
    (found,) = findings(code, "MV104")
    assert found.fix == "safe" and found.fix_data == {"ef": 30}


def test_mv105_counts_offset_only_when_literal():
    code = """
    from pymilvus import MilvusClient
    client = MilvusClient("demo.db")
    client.query("docs", filter="a > 1", limit=16000, offset=page)
    client.query("docs", filter="a > 1", limit=16000, offset=1000)
    """
    assert [d.line for d in findings(code, "MV105")] == [4]


def test_mv106_reports_each_missing_part_once():
    code = """
    from pymilvus import MilvusClient, DataType
    client = MilvusClient("demo.db")
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64)
    schema.add_field("title", DataType.VARCHAR)
    schema.add_field("vec", DataType.FLOAT16_VECTOR)
    client.create_collection("docs", schema=schema)
    """
    assert sorted(d.line for d in findings(code, "MV106")) == [3, 5, 6]


def test_mv107_a_shared_dict_is_reported_once():
    code = """
    from pymilvus import Collection
    PARAMS = {"index_type": "HNSW", "metric_type": "L2", "params": {"nlist": 64}}
    Collection("a").create_index("v", PARAMS)
    Collection("b").create_index("v", PARAMS)
    """
    assert [d.line for d in findings(code, "MV107")] == [2]


def test_mv108_applies_from_pymilvus_2_4():
    code = "from pymilvus import Milvus\n"
    assert findings(code, "MV108", "2.3") == []
    assert len(findings(code, "MV108", "2.4")) == 1


@pytest.mark.parametrize("rule", [f"MV10{n}" for n in range(1, 9)])
def test_rules_are_silent_without_pymilvus(rule):
    code = """
    from langchain_milvus import Milvus
    from somewhere import Collection, MilvusClient, FieldSchema, DataType
    client = MilvusClient("demo.db")
    client.search("docs", [[0.1]], top_k=3, limit=20000, search_params={"metric_type": "L2"})
    Collection("docs").search([[0.1]], "v", {}, 5, filter="a")
    FieldSchema("t", DataType.VARCHAR)
    """
    assert findings(code, rule) == []
