"""MV102 wrong-api-kwargs: keyword arguments of the other API are ignored or crash.

MilvusClient.search/query take `filter`, `limit` and `search_params`, and forward unknown
keywords through **kwargs; the ORM's Collection.search/query take `expr`, `limit` and `param`,
and also have **kwargs. So `top_k`, `params` (client) and `filter` (ORM) are dropped without a
word, while `expr`, `param` (client) and `search_params` (ORM) collide with real parameters.
"""

import pytest
from pymilvus import Collection, connections
from pymilvus.exceptions import DataTypeNotMatchException, MilvusException

pytestmark = [
    pytest.mark.evidence,
    pytest.mark.filterwarnings("ignore::pymilvus.PyMilvusDeprecationWarning"),
]

NOTHING = 'cat == "none"'  # matches no row of the `docs` fixture


# --- MilvusClient given ORM keywords -----------------------------------------------------


def test_client_search_ignores_top_k(docs):
    """MilvusClient.search ignores top_k: the default limit of 10 applies."""
    hits = docs.client.search(docs.name, docs.query, top_k=3)
    assert len(hits[0]) == 10


def test_client_search_rejects_expr(docs):
    """MilvusClient.search(expr=...) raises: expr collides with the filter it passes on."""
    with pytest.raises(MilvusException, match="got multiple values for keyword argument 'expr'"):
        docs.client.search(docs.name, docs.query, limit=3, expr=NOTHING)


def test_client_query_rejects_expr(docs):
    """MilvusClient.query(expr=...) raises TypeError for the same reason."""
    with pytest.raises(TypeError, match="got multiple values for keyword argument 'expr'"):
        docs.client.query(docs.name, expr="id < 3")


def test_client_delete_rejects_expr(docs):
    """MilvusClient.delete(expr=...) ignores expr and then fails on the missing filter."""
    with pytest.raises(DataTypeNotMatchException, match="The type of expr must be string"):
        docs.client.delete(docs.name, expr="id < 0")


def test_client_search_rejects_param(docs):
    """MilvusClient.search(param=...) raises TypeError: param collides with search_params."""
    with pytest.raises(TypeError, match="got multiple values for keyword argument 'param'"):
        docs.client.search(docs.name, docs.query, limit=3, param={"metric_type": "COSINE"})


def test_client_search_ignores_params(client):
    """MilvusClient.search(params=...) is dropped: its metric is not used, search_params' is."""
    client.create_collection("docs", dimension=2)  # COSINE
    client.insert("docs", [{"id": 1, "vector": [1.0, 0.0]}, {"id": 2, "vector": [10.0, 1.0]}])
    query = [[2.0, 0.0]]

    def distance_of_2(**kwargs):
        hits = client.search("docs", query, limit=2, **kwargs)[0]
        return next(hit["distance"] for hit in hits if hit["id"] == 2)

    cosine = distance_of_2()
    assert distance_of_2(search_params={"metric_type": "L2"}) == pytest.approx(65.0)
    assert distance_of_2(params={"metric_type": "L2"}) == pytest.approx(cosine)
    assert cosine == pytest.approx(0.995, abs=1e-3)


# --- ORM Collection given MilvusClient keywords ------------------------------------------


@pytest.fixture(scope="module")
def orm_docs(docs):
    """The `docs` collection opened through the ORM, on the same Milvus Lite server."""
    connections.connect(alias="mv102", uri=str(docs.db))
    yield Collection(docs.name, using="mv102")
    connections.disconnect("mv102")


def orm_search(collection, query, **kwargs):
    return collection.search(query, "vector", {"metric_type": "COSINE"}, 5, **kwargs)


def test_orm_search_ignores_filter(orm_docs, docs):
    """Collection.search(filter=...) is dropped: a filter matching nothing still returns hits."""
    hits = orm_search(orm_docs, docs.query, filter=NOTHING)
    assert len(hits[0]) == 5


def test_orm_search_applies_expr(orm_docs, docs):
    """Control: the same condition as expr= is applied and returns no hit."""
    hits = orm_search(orm_docs, docs.query, expr=NOTHING)
    assert len(hits[0]) == 0


def test_orm_search_rejects_search_params(orm_docs, docs):
    """Collection.search(search_params=...) raises TypeError: the positional param is missing."""
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'param'"):
        orm_docs.search(docs.query, "vector", search_params={"metric_type": "COSINE"}, limit=5)


def test_orm_search_rejects_top_k(orm_docs, docs):
    """Collection.search(top_k=...) raises TypeError: the positional limit is missing."""
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'limit'"):
        orm_docs.search(docs.query, "vector", {"metric_type": "COSINE"}, top_k=3)


def test_orm_query_rejects_filter(orm_docs):
    """Collection.query(filter=...) raises TypeError: the positional expr is missing."""
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'expr'"):
        orm_docs.query(filter="id < 3")


# --- the same on pymilvus 2.4.15 + the Milvus 2.4 server code ----------------------------


@pytest.fixture(scope="module")
def server(run_lite24):
    return run_lite24("lite24_mv102_wrong_api_kwargs.py")


def test_pymilvus_24_client_search_ignores_top_k(server):
    """pymilvus 2.4.15: search(top_k=3) returns the default 10 hits too."""
    assert server["client_search_top_k_3"] == {"raised": False, "value": 10}


def test_pymilvus_24_client_search_rejects_expr(server):
    """pymilvus 2.4.15: search(expr=...) raises, wrapped as MilvusException."""
    outcome = server["client_search_expr"]
    assert outcome["error_type"] == "MilvusException"
    assert "got multiple values for argument 'expr'" in outcome["message"]


def test_pymilvus_24_client_search_rejects_param(server):
    """pymilvus 2.4.15: search(param=...) raises, wrapped as MilvusException."""
    outcome = server["client_search_param"]
    assert outcome["error_type"] == "MilvusException"
    assert "got multiple values for argument 'param'" in outcome["message"]


def test_server_never_sees_params(server):
    """The server rejects an L2 search on a COSINE index, but params={L2} never reaches it."""
    assert server["client_search_params_L2"] == {"raised": False, "value": 3}
    assert "metric type not match" in server["client_search_search_params_L2"]["message"]


def test_pymilvus_24_orm_search_ignores_filter(server):
    """pymilvus 2.4.15 ORM: filter= is dropped (5 hits) while expr= applies (0 hits)."""
    assert server["orm_search_filter_nothing"] == {"raised": False, "value": 5}
    assert server["orm_search_expr_nothing"] == {"raised": False, "value": 0}
