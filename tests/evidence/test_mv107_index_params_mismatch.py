"""MV107 index-params-mismatch: the server refuses unknown index types and metric names, and
keeps build params that belong to another index type without using them.

Evidence from the Milvus 2.4 server code in milvus-lite 2.4.12. Caveat: Milvus Lite 2.4 builds
only FLAT, IVF_FLAT and AUTOINDEX vector indexes and refuses every other type, HNSW included,
with the same "invalid index type" message, so the unknown-type test shows the message format
rather than the server's list of types (that list is in pkg/util/indexparamcheck). Milvus Lite 3
accepts any index type name.
"""

import pytest
from pymilvus import DataType

pytestmark = pytest.mark.evidence


@pytest.fixture(scope="module")
def server(run_lite24):
    return run_lite24("lite24_mv107_index_params_mismatch.py")


def test_server_rejects_unknown_index_type(server):
    """Milvus 2.4 server code: index_type "HNSWX" fails with 'invalid index type: HNSWX'."""
    outcome = server["unknown_index_type_HNSWX"]
    assert outcome["error_type"] == "MilvusException"
    assert "invalid index type: HNSWX" in outcome["message"]


def test_lite24_refuses_index_types_beyond_its_three(server):
    """Limit of the stand-in: Milvus Lite 2.4 refuses HNSW too, which a real server builds."""
    outcome = server["valid_server_index_type_HNSW"]
    assert (
        "invalid index type: HNSW, local mode only support FLAT IVF_FLAT AUTOINDEX"
        in outcome["message"]
    )


def test_server_rejects_unknown_metric(server):
    """Milvus 2.4 server code: metric_type "DOT" is 'not found or not supported'."""
    outcome = server["unknown_metric_DOT"]
    assert outcome["error_type"] == "MilvusException"
    assert (
        "metric type DOT not found or not supported, supported: L2 IP COSINE" in outcome["message"]
    )


def test_server_metric_names_are_case_sensitive(server):
    """Milvus 2.4 server code: "cosine" in lower case is refused like an unknown metric."""
    outcome = server["lowercase_metric_cosine"]
    assert "metric type cosine not found or not supported" in outcome["message"]


def test_server_keeps_a_misplaced_build_param_silently(server):
    """Milvus 2.4 server code: M (an HNSW param) on IVF_FLAT is accepted and stored, unused."""
    outcome = server["IVF_FLAT_with_HNSW_param_M"]
    assert not outcome["raised"], outcome
    assert outcome["value"]["index_type"] == "IVF_FLAT"
    assert outcome["value"]["M"] == "16"


def test_server_accepts_a_scalar_index_type(server):
    """Milvus 2.4 server code: INVERTED on an INT64 field is a valid (scalar) index."""
    outcome = server["scalar_INVERTED_on_int64"]
    assert not outcome["raised"], outcome
    assert outcome["value"]["index_type"] == "INVERTED"


def test_lite3_accepts_any_index_type_name(client):
    """Milvus Lite 3 creates an index of type "HNSWX" without complaint (a server would not)."""
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=8)
    index_params = client.prepare_index_params()
    index_params.add_index("vec", index_type="HNSWX", metric_type="COSINE")
    client.create_collection("docs", schema=schema, index_params=index_params)
    assert client.describe_index("docs", "vec")["index_type"] == "HNSWX"
