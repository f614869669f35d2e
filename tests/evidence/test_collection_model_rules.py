"""MV125-MV137: schemas, indexes and rows checked against each other, and what really refuses them.

Milvus Lite 3 (in process) checks much of this itself: vector lengths, VARCHAR lengths, unknown
and missing row fields (pymilvus), anns_field / group_by_field / index fields, sparse metrics,
vector indexes on scalar fields. What only a server refuses is run on milvus-lite 2.4.12 (the
server's own code) through scripts/lite24_collection_model.py; the rest is cited in each rule's
guide page (internal/proxy of milvus-io/milvus).
"""

import pytest
from pymilvus import DataType, Function, FunctionType
from pymilvus.exceptions import DataNotMatchException, MilvusException

pytestmark = pytest.mark.evidence


def make(client, name, *fields, dynamic=False, auto_id=False, indexes=(("vec", "FLAT", "L2"),)):
    """A collection: INT64 primary key "pk", a 4-dim "vec", then `fields` (add_field kwargs)."""
    schema = client.create_schema(auto_id=auto_id, enable_dynamic_field=dynamic)
    schema.add_field("pk", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
    for field in fields:
        schema.add_field(**field)
    index_params = client.prepare_index_params()
    for field, index_type, metric in indexes:
        index_params.add_index(field, index_type=index_type, metric_type=metric)
    client.create_collection(name, schema=schema, index_params=index_params)


TITLE = {"field_name": "title", "datatype": DataType.VARCHAR, "max_length": 5}


# MV125 vector-dim-mismatch
def test_mv125_a_vector_of_another_length_is_refused(client):
    make(client, "docs", TITLE)
    with pytest.raises(MilvusException, match="vector field 'vec' expected dim 4, got 8"):
        client.insert("docs", [{"pk": 1, "vec": [0.1] * 8, "title": "a"}])
    client.insert("docs", [{"pk": 1, "vec": [0.1] * 4, "title": "a"}])
    with pytest.raises(MilvusException):
        client.search("docs", [[0.1] * 8], limit=1)


# MV126 unknown-row-field, MV127 missing-required-field, MV128 upsert-without-primary-key
def test_mv126_an_unknown_key_without_dynamic_field_is_refused_by_pymilvus(client):
    make(client, "docs", TITLE)
    with pytest.raises(DataNotMatchException, match="unexpected field `extra`"):
        client.insert("docs", [{"pk": 1, "vec": [0.1] * 4, "title": "a", "extra": 1}])


def test_mv126_the_dynamic_field_takes_unknown_keys(client):
    make(client, "docs", TITLE, dynamic=True)
    assert (
        client.insert("docs", [{"pk": 1, "vec": [0.1] * 4, "title": "a", "extra": 1}])[
            "insert_count"
        ]
        == 1
    )


def test_mv127_a_missing_required_field_is_refused_by_pymilvus(client):
    make(client, "docs", TITLE)
    with pytest.raises(DataNotMatchException, match="Insert missed an field `title`"):
        client.insert("docs", [{"pk": 1, "vec": [0.1] * 4}])


def test_mv127_nullable_and_defaulted_fields_may_be_left_out(client):
    year = {"field_name": "year", "datatype": DataType.INT64, "nullable": True}
    lang = {
        "field_name": "lang",
        "datatype": DataType.VARCHAR,
        "max_length": 8,
        "default_value": "en",
    }
    make(client, "docs", TITLE, year, lang)
    assert client.insert("docs", [{"pk": 1, "vec": [0.1] * 4, "title": "a"}])["insert_count"] == 1


def test_mv128_upsert_without_the_primary_key_is_refused_even_with_auto_id(client):
    make(client, "docs", auto_id=True)
    with pytest.raises(DataNotMatchException, match="Insert missed an field `pk`"):
        client.upsert("docs", [{"vec": [0.1] * 4}])
    assert client.upsert("docs", [{"pk": 7, "vec": [0.1] * 4}])["upsert_count"] == 1


# MV129 varchar-too-long
def test_mv129_a_string_over_max_length_is_refused(client):
    make(client, "docs", TITLE)
    with pytest.raises(MilvusException, match="value length 8 exceeds max_length=5"):
        client.insert("docs", [{"pk": 1, "vec": [0.1] * 4, "title": "abcdefgh"}])


# MV130 unknown-field-name
def test_mv130_anns_field_group_by_field_and_index_fields_must_exist(client):
    make(client, "docs", TITLE)
    client.insert("docs", [{"pk": 1, "vec": [0.1] * 4, "title": "a"}])
    with pytest.raises(MilvusException, match="anns_field 'nope' not found"):
        client.search("docs", [[0.1] * 4], limit=1, anns_field="nope")
    with pytest.raises(MilvusException, match="group_by_field 'nope' not found"):
        client.search("docs", [[0.1] * 4], limit=1, group_by_field="nope")
    index_params = client.prepare_index_params()
    index_params.add_index("nope", index_type="INVERTED")
    with pytest.raises(MilvusException, match="unknown field 'nope'"):
        client.create_index("docs", index_params)


def test_mv130_milvus_lite_3_ignores_unknown_output_fields(client):
    """Lite 3 answers without the field; the 2.4 server refuses (see the 2.4 tests below)."""
    make(client, "docs", TITLE)
    client.insert("docs", [{"pk": 1, "vec": [0.1] * 4, "title": "a"}])
    assert client.query("docs", filter="pk > 0", output_fields=["nope"]) == [{"pk": 1}]


# MV131 index-field-type-mismatch
def test_mv131_cosine_on_a_sparse_vector_is_refused(client):
    sparse = {"field_name": "sparse", "datatype": DataType.SPARSE_FLOAT_VECTOR}
    with pytest.raises(MilvusException, match="requires SPARSE_INVERTED_INDEX with metric IP"):
        make(client, "docs", sparse, indexes=[("sparse", "SPARSE_INVERTED_INDEX", "COSINE")])


def test_mv131_a_vector_index_on_varchar_is_refused(client):
    with pytest.raises(MilvusException, match="requires a vector field"):
        make(client, "docs", TITLE, indexes=[("vec", "FLAT", "L2"), ("title", "HNSW", "L2")])


def _bm25(client, metric):
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True, auto_id=True)
    schema.add_field("text", DataType.VARCHAR, max_length=1000, enable_analyzer=True)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function("bm25", FunctionType.BM25, ["text"], ["sparse"]))
    index_params = client.prepare_index_params()
    index_params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type=metric)
    client.create_collection("bm25", schema=schema, index_params=index_params)


def test_mv131_a_bm25_output_indexed_with_ip_is_refused(client):
    with pytest.raises(MilvusException, match="requires SPARSE_INVERTED_INDEX with metric BM25"):
        _bm25(client, "IP")


def test_mv131_a_bm25_output_searched_with_ip_is_refused(client):
    _bm25(client, "BM25")
    client.insert("bm25", [{"text": "hello world"}])
    with pytest.raises(MilvusException, match="requires metric BM25, got 'IP'"):
        client.search("bm25", ["hello"], anns_field="sparse", search_params={"metric_type": "IP"})


# MV133 incomplete-array-field
def test_mv133_an_array_without_element_type_is_refused(client):
    tags = {"field_name": "tags", "datatype": DataType.ARRAY, "max_capacity": 8}
    with pytest.raises(MilvusException, match="requires element_type"):
        make(client, "docs", tags)


# MV134 quick-setup-with-schema
def test_mv134_quick_setup_keywords_next_to_a_schema_are_ignored(client):
    schema = client.create_schema()
    schema.add_field("pk", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
    client.create_collection("docs", schema=schema, dimension=999, metric_type="IP")
    fields = {f["name"]: f for f in client.describe_collection("docs")["fields"]}
    assert fields["vec"]["params"]["dim"] == 4  # dimension=999 silently ignored


# MV136 search-without-anns-field: Lite 3 picks a field; the 2.4 server refuses (below).
# MV137 hit-key-not-primary
def test_mv137_hits_carry_the_primary_key_under_its_own_name(client):
    make(client, "docs")
    client.insert("docs", [{"pk": 5, "vec": [0.1] * 4}])
    [[hit]] = client.search("docs", [[0.1] * 4], limit=1)
    assert hit["pk"] == 5 and hit.id == 5
    assert hit.get("id") is None
    with pytest.raises(KeyError):
        hit["id"]


# --- the Milvus 2.4 server code ------------------------------------------------------------


@pytest.fixture(scope="module")
def server24(run_lite24):
    return run_lite24("lite24_collection_model.py")


def refused(outcome: dict, message: str) -> bool:
    return outcome["raised"] and message in outcome["message"]


def test_mv130_the_server_refuses_unknown_fields(server24):
    assert refused(server24["query_output_field_missing"], "Error output fields")
    assert server24["search_output_field_missing"]["raised"]
    assert refused(server24["search_anns_field_missing"], "fieldName(nope) not found")
    assert refused(server24["search_anns_field_scalar"], "fieldName(title) not found")
    assert server24["search_group_by_field_missing"]["raised"]
    assert refused(server24["index_on_missing_field"], "cannot create index on non-existed field")


def test_mv131_the_server_refuses_metrics_that_do_not_fit_the_vector_type(server24):
    assert refused(server24["binary_L2"], "metric type L2 not found or not supported")
    assert refused(server24["float_HAMMING"], "metric type HAMMING not found or not supported")
    assert refused(server24["sparse_COSINE"], "supported: IP")
    assert refused(server24["sparse_L2"], "supported: IP")
    assert server24["sparse_IP"] == {"raised": False, "value": "created"}
    assert server24["varchar_vector_index"]["raised"]


def test_mv132_the_server_refuses_a_binary_dim_not_a_multiple_of_8(server24):
    assert refused(server24["binary_dim_12"], "dim is not a multiple of 8")
    assert server24["binary_dim_16"] == {"raised": False, "value": "created"}


def test_mv136_the_server_refuses_a_search_without_anns_field_on_two_vector_fields(server24):
    assert refused(server24["two_vectors_without_anns_field"], "multiple anns_fields exist")
    assert server24["two_vectors_with_anns_field"] == {"raised": False, "value": 1}
