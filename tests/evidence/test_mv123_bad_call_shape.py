"""MV123 bad-call-shape: arguments the signature cannot take, and positionals that land in
the wrong parameter."""

import pytest
from pymilvus import Collection, DataType, FieldSchema, connections, utility
from pymilvus.exceptions import DataTypeNotMatchException, ParamError

from checks import api

pytestmark = [
    pytest.mark.evidence,
    pytest.mark.filterwarnings("ignore::pymilvus.PyMilvusDeprecationWarning"),
]


def test_type_errors(client):
    with pytest.raises(TypeError, match="positional arguments but 4 were given"):
        utility.has_collection("docs", "default", 10, "extra")
    with pytest.raises(TypeError, match="multiple values for argument 'name'"):
        FieldSchema("id", DataType.INT64, "primary key", name="pk")
    with pytest.raises(TypeError, match="missing 1 required positional argument"):
        client.create_collection(dimension=8)


def test_orm_query_iterator_takes_batch_size_first(docs):
    """pymilvus#1672: query_iterator(expr, output_fields, limit) puts the filter in batch_size."""
    connections.connect(alias="mv123", uri=str(docs.db))
    try:
        collection = Collection(docs.name, using="mv123")
        with pytest.raises(DataTypeNotMatchException, match="type of expr must be string"):
            collection.query_iterator("id >= 0", ["id"], 5)
    finally:
        connections.disconnect("mv123")


def test_search_limit_in_the_filter_position(docs):
    with pytest.raises(Exception, match="bad argument type"):
        docs.client.search(docs.name, docs.query, 5)


def test_search_iterator_refuses_offset(docs):
    """Any offset but 0 is a ParamError before the first search, on both APIs; query_iterator
    and search honour it. The messages are the ones the API model took from the source."""
    rejects = api.release("3.0").rejects
    client_message = rejects("MilvusClient", "search_iterator")["offset"]
    orm_message = rejects("Collection", "search_iterator")["offset"]
    for offset in (5, None):
        with pytest.raises(ParamError, match=client_message):
            docs.client.search_iterator(docs.name, docs.query, batch_size=10, offset=offset)
    page = docs.client.search_iterator(docs.name, docs.query, batch_size=10, offset=0).next()
    assert len(page) == 10
    ids = sorted(row["id"] for row in docs.rows)
    every = "id >= 0"
    skipped = docs.client.query_iterator(docs.name, batch_size=10, filter=every, offset=5).next()
    assert [row["id"] for row in skipped] == ids[5:15]
    assert len(docs.client.search(docs.name, docs.query, limit=10, offset=25)[0]) == 5
    connections.connect(alias="mv123-offset", uri=str(docs.db))
    try:
        collection = Collection(docs.name, using="mv123-offset")
        with pytest.raises(ParamError, match=orm_message):
            collection.search_iterator(
                docs.query, "vector", {"metric_type": "COSINE"}, 10, offset=5
            )
    finally:
        connections.disconnect("mv123-offset")


@pytest.fixture(scope="module")
def server(run_lite24):
    return run_lite24("lite24_api_model.py")


def test_lite24_too_many_positionals(server):
    assert server["has_collection_4_positionals"]["error_type"] == "TypeError"


def test_lite24_search_iterator_refuses_offset(server):
    message = api.release("2.4").rejects("MilvusClient", "search_iterator")["offset"]
    refused = server["search_iterator_offset"]
    assert refused["error_type"] == "ParamError" and refused["message"] == message
    assert server["search_iterator_offset_0"] == {"raised": False, "value": 3}
    assert server["query_iterator_offset"] == {"raised": False, "value": [105, 106, 107]}
