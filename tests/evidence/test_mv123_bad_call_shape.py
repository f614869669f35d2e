"""MV123 bad-call-shape: arguments the signature cannot take, and positionals that land in
the wrong parameter."""

import pytest
from pymilvus import Collection, DataType, FieldSchema, connections, utility
from pymilvus.exceptions import DataTypeNotMatchException

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


@pytest.fixture(scope="module")
def server(run_lite24):
    return run_lite24("lite24_api_model.py")


def test_lite24_too_many_positionals(server):
    assert server["has_collection_4_positionals"]["error_type"] == "TypeError"
