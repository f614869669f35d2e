"""MV103 metric-mismatch: the server rejects a search whose metric differs from the index's.

The Milvus server checks the search's metric_type against the index's ("metric type not match").
Milvus Lite 3 does not: it silently scores with the metric the search asked for, so code that
passes its local tests fails against a server.
"""

import pytest

pytestmark = pytest.mark.evidence


@pytest.fixture(scope="module")
def server(run_lite24):
    return run_lite24("lite24_mv103_metric_mismatch.py")


def test_server_rejects_l2_search_on_cosine_index(server):
    """Milvus 2.4 server code: an L2 search on a COSINE index fails, 'metric type not match'."""
    outcome = server["search_L2_on_COSINE_index"]
    assert outcome["error_type"] == "MilvusException"
    assert outcome["code"] == 1100
    assert "metric type not match" in outcome["message"]
    assert "[expected=COSINE][actual=L2]" in outcome["message"]


def test_server_rejects_ip_search_on_cosine_index(server):
    """Milvus 2.4 server code: IP on a COSINE index fails the same way."""
    outcome = server["search_IP_on_COSINE_index"]
    assert "metric type not match" in outcome["message"]
    assert "[expected=COSINE][actual=IP]" in outcome["message"]


def test_server_accepts_the_index_metric(server):
    """Milvus 2.4 server code: the index's own metric (the fix) is accepted."""
    assert server["search_COSINE_on_COSINE_index"] == {"raised": False, "value": 3}


def test_server_uses_the_index_metric_when_search_names_none(server):
    """Milvus 2.4 server code: a search without metric_type uses the index's (the other fix)."""
    assert server["search_without_metric_type"] == {"raised": False, "value": 3}


def test_lite3_silently_scores_with_the_wrong_metric(client):
    """Milvus Lite 3 raises nothing: an L2 search on a COSINE index returns L2 distances."""
    client.create_collection("docs", dimension=2)  # quick setup: COSINE
    client.insert("docs", [{"id": 1, "vector": [1.0, 0.0]}, {"id": 2, "vector": [10.0, 1.0]}])

    hits = client.search("docs", [[2.0, 0.0]], limit=2, search_params={"metric_type": "L2"})

    assert {hit["id"]: hit["distance"] for hit in hits[0]} == {1: 1.0, 2: 65.0}
