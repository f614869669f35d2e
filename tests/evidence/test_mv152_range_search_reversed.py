"""MV152 range-search-reversed: radius and range_filter the wrong way round for the metric.

For IP and COSINE (larger is closer) a range search keeps scores in (radius, range_filter]: the
server requires range_filter > radius. For L2 (smaller is closer) it keeps [range_filter, radius)
and requires range_filter < radius. The Milvus 2.4 server code (milvus-lite 2.4.12) refuses the
reverse order, and equal bounds, with an assertion from RangeSearchHelper.cpp; Milvus Lite 3
accepts both and silently returns no hits.
"""

import pytest

pytestmark = pytest.mark.evidence
QUERY = [[0.5, 0.2, 0.3, 0.4]]
BOUNDS = {
    "IP": ((0.3, 0.6), (0.6, 0.3)),
    "COSINE": ((0.9, 1.0), (1.0, 0.9)),
    "L2": ((0.5, 0.0), (0.0, 0.5)),
}


def search(client, name, metric, radius, range_filter):
    params = {"metric_type": metric, "params": {"radius": radius, "range_filter": range_filter}}
    return client.search(name, QUERY, limit=5, search_params=params)[0]


@pytest.mark.parametrize("metric", sorted(BOUNDS))
def test_milvus_lite_3_returns_nothing_for_reversed_bounds(client, metric):
    name = f"docs_{metric.lower()}"
    client.create_collection(name, dimension=4, metric_type=metric)
    client.insert(name, [{"id": i, "vector": [0.1 * (i + 1), 0.2, 0.3, 0.4]} for i in range(10)])
    right, reversed_ = BOUNDS[metric]
    assert len(search(client, name, metric, *right)) == 5
    assert len(search(client, name, metric, *reversed_)) == 0


@pytest.fixture(scope="module")
def milvus24(run_lite24):
    return run_lite24("lite24_mv152_range_search_reversed.py")


@pytest.mark.parametrize("metric", sorted(BOUNDS))
def test_milvus_24_server_refuses_reversed_and_equal_bounds(milvus24, metric):
    assert milvus24[f"{metric}_right"] == {"raised": False, "value": 5}
    order = "less" if metric == "L2" else "greater"
    for label in ("reversed", "equal"):
        outcome = milvus24[f"{metric}_{label}"]
        assert outcome["raised"] and outcome["error_type"] == "MilvusException"
        assert f"metric type ({metric}), range_filter" in outcome["message"]
        assert f"must be {order} than radius" in outcome["message"]
