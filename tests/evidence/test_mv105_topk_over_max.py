"""MV105 topk-over-max: limit (and offset + limit) must be in [1, 16384].

pymilvus checks only that limit is a positive int (`client/check.py: is_legal_limit`); the
16384 ceiling (`quotaAndLimits.limits.topK`, `maxQueryResultWindow`) is the server's, and
Milvus Lite 3 does not enforce it.
"""

import pytest
from pymilvus.exceptions import ParamError

pytestmark = pytest.mark.evidence


@pytest.mark.parametrize(("limit", "shown"), [(0, "0"), (-1, "-1"), ("10", "10")], ids=repr)
def test_client_rejects_a_limit_that_is_not_a_positive_int(docs, limit, shown):
    """pymilvus raises ParamError for limit=0, a negative limit, or the string "10"."""
    with pytest.raises(ParamError, match=f"`limit` value {shown} is illegal"):
        docs.client.search(docs.name, docs.query, limit=limit)


def test_lite3_does_not_enforce_the_ceiling(docs):
    """Milvus Lite 3 accepts limit=16385 and returns every row (the server would not)."""
    hits = docs.client.search(docs.name, docs.query, limit=16385)
    assert len(hits[0]) == len(docs.rows)


@pytest.fixture(scope="module")
def server(run_lite24):
    return run_lite24("lite24_mv105_topk_over_max.py")


def test_server_rejects_search_limit_16385(server):
    """Milvus 2.4 server code: search limit=16385 is an invalid parameter (code 1100)."""
    outcome = server["search_limit_16385"]
    assert outcome["error_type"] == "MilvusException"
    assert outcome["code"] == 1100
    assert outcome["message"] == ": invalid parameter"
    # the client's message is empty; the reason is in the server's log
    assert "Topk should be in range [1, 16384], but got 16385" in server.stderr


def test_server_accepts_search_limit_16384(server):
    """Milvus 2.4 server code: limit=16384, the ceiling itself, is accepted."""
    assert server["search_limit_16384"] == {"raised": False, "value": 30}


def test_server_rejects_search_offset_plus_limit_over_16384(server):
    """Milvus 2.4 server code: offset=16000 with limit=1000 (17000 in all) is rejected."""
    outcome = server["search_offset_16000_limit_1000"]
    assert outcome["code"] == 1100
    assert "topk + offset should be in range [1, 16384], but got 17000" in server.stderr


def test_server_rejects_query_limit_20000(server):
    """Milvus 2.4 server code: query limit=20000 fails, 'limit should be in range [1, 16384]'."""
    outcome = server["query_limit_20000"]
    assert outcome["code"] == 1100
    assert "limit should be in range [1, 16384], but got 20000" in outcome["message"]


def test_server_rejects_query_offset_plus_limit_over_16384(server):
    """Milvus 2.4 server code: query offset=16000 with limit=1000 fails with the sum in the message."""
    outcome = server["query_offset_16000_limit_1000"]
    assert "topk + offset should be in range [1, 16384], but got 17000" in outcome["message"]


def test_pymilvus_24_rejects_limit_0(server):
    """pymilvus 2.4.15 has the same client-side check: limit=0 raises ParamError."""
    outcome = server["search_limit_0"]
    assert outcome["error_type"] == "ParamError"
    assert outcome["message"] == "`limit` value 0 is illegal"
