"""MV115 query-without-filter-or-limit: the server refuses a query with nothing to bound it.

A query with an empty filter, no ids and no limit fails on the server ("empty expression should
be used with limit"); `count(*)` is the exception. Milvus Lite 3 returns every row instead.
"""

import pytest

pytestmark = pytest.mark.evidence


@pytest.fixture(scope="module")
def server(run_lite24):
    return run_lite24("lite24_mv115_query_without_filter_or_limit.py")


def test_server_rejects_query_without_filter_or_limit(server):
    """Milvus 2.4 server code: query(name) fails, 'empty expression should be used with limit'."""
    outcome = server["query_no_filter_no_limit"]
    assert outcome["error_type"] == "MilvusException"
    assert outcome["code"] == 1100
    assert "empty expression should be used with limit" in outcome["message"]


def test_server_rejects_empty_filter_without_limit(server):
    """Milvus 2.4 server code: filter="" counts as no filter."""
    outcome = server["query_empty_filter_no_limit"]
    assert "empty expression should be used with limit" in outcome["message"]


@pytest.mark.parametrize(
    ("case", "rows"),
    [("query_no_filter_limit_5", 5), ("query_filter_no_limit", 30), ("query_ids_no_limit", 3)],
)
def test_server_accepts_a_limit_a_filter_or_ids(server, case, rows):
    """Milvus 2.4 server code: any one of limit, filter or ids makes the query valid."""
    assert server[case] == {"raised": False, "value": rows}


def test_server_accepts_count_with_empty_filter(server):
    """Milvus 2.4 server code: output_fields=["count(*)"] with filter="" is fine."""
    assert server["count_with_empty_filter"] == {"raised": False, "value": 30}


def test_lite3_returns_every_row(docs):
    """Milvus Lite 3 answers the unbounded query with every row (the server would refuse it)."""
    assert len(docs.client.query(docs.name)) == len(docs.rows)
