"""MV101 orm-api-deprecated: every ORM call warns that it goes away in pymilvus 3.1.

pymilvus 2.6.13+ and 3.0.x wrap the ORM API (`connections`, `Collection`, `utility`, ...) in
`pymilvus/decorators.py: deprecated_class / warn_deprecated`, which emit
`PyMilvusDeprecationWarning`, a FutureWarning, so Python shows it by default. The schema classes
and MilvusClient are not deprecated. pymilvus 2.4.15 emits nothing.
"""

import random
import warnings

import pytest
from pymilvus import (
    Collection,
    CollectionSchema,
    DataType,
    FieldSchema,
    MilvusClient,
    PyMilvusDeprecationWarning,
    connections,
    utility,
)

pytestmark = pytest.mark.evidence

ALIAS = "mv101"
ORM_CALLS = [
    "connections.connect",
    "utility.has_collection",
    "Collection",
    "Collection.create_partition",
    "Collection.insert",
    "Collection.create_index",
    "Collection.load",
    "Collection.search",
    "Collection.query",
    "Collection.release",
    "utility.drop_collection",
    "connections.disconnect",
]


def record(calls: dict, api: str, fn):
    """Call fn and keep every warning it emits under calls[api]; return fn's result."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        result = fn()
    calls[api] = seen
    return result


@pytest.fixture(scope="module")
def orm_warnings(tmp_path_factory):
    """The seed guide's ORM flow, one call at a time: {api: [warnings it emitted]}."""
    db = tmp_path_factory.mktemp("orm") / "evidence.db"
    calls: dict = {}
    rnd = random.Random(101)
    schema = CollectionSchema(
        [
            FieldSchema("id", DataType.INT64, is_primary=True, auto_id=True),
            FieldSchema("text", DataType.VARCHAR, max_length=64),
            FieldSchema("embedding", DataType.FLOAT_VECTOR, dim=8),
        ]
    )
    vectors = [[rnd.random() for _ in range(8)] for _ in range(20)]
    record(calls, "connections.connect", lambda: connections.connect(alias=ALIAS, uri=str(db)))
    record(calls, "utility.has_collection", lambda: utility.has_collection("docs", using=ALIAS))
    docs = record(calls, "Collection", lambda: Collection("docs", schema, using=ALIAS))
    record(calls, "Collection.create_partition", lambda: docs.create_partition("2026_q1"))
    record(calls, "Collection.insert", lambda: docs.insert([[f"t{i}" for i in range(20)], vectors]))
    record(
        calls,
        "Collection.create_index",
        lambda: docs.create_index(
            "embedding", {"index_type": "HNSW", "metric_type": "COSINE", "params": {"M": 16}}
        ),
    )
    record(calls, "Collection.load", lambda: docs.load())
    hits = record(
        calls,
        "Collection.search",
        lambda: docs.search(vectors[:1], "embedding", {"metric_type": "COSINE"}, limit=5),
    )
    assert len(hits[0]) == 5  # the flow really ran
    record(calls, "Collection.query", lambda: docs.query(expr="text == 't3'"))
    record(calls, "Collection.release", lambda: docs.release())
    record(calls, "utility.drop_collection", lambda: utility.drop_collection("docs", using=ALIAS))
    record(calls, "connections.disconnect", lambda: connections.disconnect(ALIAS))
    return calls


@pytest.mark.parametrize("api", ORM_CALLS)
def test_orm_call_warns_of_removal_in_3_1(orm_warnings, api):
    """Each ORM call emits one PyMilvusDeprecationWarning naming it and pymilvus 3.1."""
    [warning] = orm_warnings[api]
    assert warning.category is PyMilvusDeprecationWarning
    assert str(warning.message) == (
        f"`{api}` is an ORM-style PyMilvus API and will be removed in PyMilvus 3.1. "
        "Use `MilvusClient` instead."
    )


def test_the_warning_is_a_future_warning():
    """PyMilvusDeprecationWarning subclasses FutureWarning, which Python shows by default."""
    assert issubclass(PyMilvusDeprecationWarning, FutureWarning)
    assert not issubclass(PyMilvusDeprecationWarning, DeprecationWarning)


def test_orm_call_raises_when_warnings_are_errors(tmp_path):
    """Under `-W error` (or filterwarnings=error in pytest) the first ORM call raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(PyMilvusDeprecationWarning, match=r"removed in PyMilvus 3\.1"):
            connections.connect(alias=ALIAS, uri=str(tmp_path / "evidence.db"))


def test_schema_classes_and_milvus_client_do_not_warn(tmp_path):
    """FieldSchema, CollectionSchema, DataType and MilvusClient emit no warning at all."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        schema = CollectionSchema(
            [
                FieldSchema("id", DataType.INT64, is_primary=True),
                FieldSchema("text", DataType.VARCHAR, max_length=64),
                FieldSchema("embedding", DataType.FLOAT_VECTOR, dim=8),
            ]
        )
        client = MilvusClient(str(tmp_path / "evidence.db"))
        index_params = client.prepare_index_params()
        index_params.add_index("embedding", index_type="HNSW", metric_type="COSINE")
        client.create_collection("docs", schema=schema, index_params=index_params)
        client.insert("docs", [{"id": 1, "text": "t", "embedding": [0.5] * 8}])
        hits = client.search("docs", [[0.5] * 8], limit=1, anns_field="embedding")
        client.release_collection("docs")
        client.close()
    assert hits[0][0]["id"] == 1
    assert [str(w.message) for w in seen] == []


def test_pymilvus_24_orm_does_not_warn(run_lite24):
    """pymilvus 2.4.15 runs the same ORM flow without any warning (nothing to flag there)."""
    outcome = run_lite24("lite24_mv101_orm_api_deprecated.py")["orm_flow"]
    assert outcome == {"raised": False, "value": {"hits": 5, "warnings": []}}
