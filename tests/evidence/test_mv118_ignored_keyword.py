"""MV118 ignored-keyword: a keyword that lands in **kwargs and is never read changes nothing.

pymilvus passes almost every method's unknown keywords through **kwargs; the API model
(checks/api) lists the keys each method reads along its call chain. These tests run the
keywords the model says are unread and show that the call behaves exactly as without them.
"""

import pytest
from pymilvus import Collection, DataType, FieldSchema, connections

pytestmark = [
    pytest.mark.evidence,
    pytest.mark.filterwarnings("ignore::pymilvus.PyMilvusDeprecationWarning"),
]


@pytest.fixture
def partitioned(client):
    """Collection `docs` with ids 100-109 in partition p1 and 200-209 in p2."""
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=4)
    index_params = client.prepare_index_params()
    index_params.add_index("v", index_type="FLAT", metric_type="L2")
    client.create_collection("docs", schema=schema, index_params=index_params)
    for start, partition in ((100, "p1"), (200, "p2")):
        rows = [{"id": start + i, "v": [0.1 * i, 0.2, 0.3, 0.4]} for i in range(10)]
        client.create_partition("docs", partition)
        client.insert("docs", rows, partition_name=partition)
    return client


def test_enable_dynamic_fields_leaves_the_dynamic_field_off(client):
    schema = client.create_schema(auto_id=False, enable_dynamic_fields=True)
    assert schema.enable_dynamic_field is False
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=4)
    client.create_collection("docs", schema=schema)
    assert client.describe_collection("docs")["enable_dynamic_field"] is False
    with pytest.raises(Exception, match="without enabling dynamic field"):
        client.insert("docs", [{"id": 1, "v": [0.1] * 4, "extra": 1}])


def test_partitionNames_reads_every_partition(partitioned):
    every = "id >= 100"
    assert len(partitioned.query("docs", filter=every, partition_names=["p1"], limit=100)) == 10
    assert len(partitioned.query("docs", filter=every, partitionNames=["p1"], limit=100)) == 20


def test_limits_is_no_limit(partitioned):
    """pymilvus#1630: the whole range comes back."""
    assert len(partitioned.query("docs", filter="id >= 100", limit=3)) == 3
    assert len(partitioned.query("docs", filter="id >= 100", limits=3)) == 20


def test_query_ignores_the_arguments_of_search(partitioned):
    rows = partitioned.query(
        "docs", filter="id >= 100", data=[[0.9] * 4], anns_field="v", search_params={}, limit=5
    )
    assert sorted(r["id"] for r in rows) == [100, 101, 102, 103, 104]  # no vector ranking


def test_search_field_and_progress_bar_change_nothing(partitioned):
    hits = partitioned.search("docs", [[0.1] * 4], limit=3, search_field="no_such_field")
    assert len(hits[0]) == 3
    result = partitioned.insert("docs", [{"id": 999, "v": [0.5] * 4}], progress_bar=True)
    assert result["insert_count"] == 1


def test_is_nullable_leaves_the_field_not_nullable():
    field = FieldSchema("title", DataType.VARCHAR, max_length=16, is_nullable=True)
    assert field.nullable is False
    assert FieldSchema("title", DataType.VARCHAR, max_length=16, nullable=True).nullable is True


def test_kwargs_keyword_does_not_make_the_search_async(docs):
    """pymilvus#2264: `kwargs={"_async": True}` is one keyword named kwargs, never read."""
    connections.connect(alias="mv118", uri=str(docs.db))
    try:
        collection = Collection(docs.name, using="mv118")
        result = collection.search(
            docs.query, "vector", {"metric_type": "COSINE"}, limit=3, kwargs={"_async": True}
        )
        assert type(result).__name__ == "SearchResult"  # not a SearchFuture
    finally:
        connections.disconnect("mv118")


# --- pymilvus 2.4.15 + the Milvus 2.4 server code ------------------------------------------


@pytest.fixture(scope="module")
def server(run_lite24):
    return run_lite24("lite24_api_model.py")


def test_lite24_enable_dynamic_fields_leaves_it_off(server):
    assert server["dynamic_field_enabled"]["value"] is False
    assert server["insert_extra_field"]["raised"]


def test_lite24_limits_is_ignored(server):
    assert server["query_limit_3"]["value"] == 3
    assert server["query_limits_3"]["value"] == 20


def test_lite24_search_has_no_ranker(server):
    assert server["search_ranker_ignored"] == {"raised": False, "value": 3}
