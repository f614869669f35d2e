"""MV002 index-before-insert (edition 2026.01; retired in 2026.11): any order works.

The seed guide said to create the index only after a bulk insert. In Milvus 2.x the order of
insert and create_index does not matter; what matters is an index before load, and load before
search. Rows inserted after create_index and load are found, both by Milvus Lite 3 and by the
Milvus 2.4 server code in milvus-lite 2.4.12.
"""

import random

import pytest
from pymilvus import DataType

pytestmark = pytest.mark.evidence

DIM = 8


@pytest.fixture
def rows():
    rnd = random.Random(2)
    return [{"id": i, "vec": [rnd.random() for _ in range(DIM)]} for i in range(50)]


def new_collection(client, name):
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    client.create_collection(name, schema=schema)


def create_index(client, name):
    index_params = client.prepare_index_params()
    index_params.add_index("vec", index_type="IVF_FLAT", metric_type="L2", params={"nlist": 8})
    client.create_index(name, index_params)


def search_all(client, name, rows):
    return client.search(name, [rows[7]["vec"]], limit=len(rows), consistency_level="Strong")[0]


def test_rows_inserted_after_index_and_load_are_found(client, rows):
    """Milvus Lite 3: create_index, load, then insert; a search finds every inserted row."""
    new_collection(client, "docs")
    create_index(client, "docs")
    client.load_collection("docs")
    client.insert("docs", rows)

    hits = search_all(client, "docs", rows)

    assert len(hits) == len(rows)
    assert hits[0]["id"] == 7


def test_rows_inserted_before_index_and_load_are_found(client, rows):
    """Milvus Lite 3: insert, then create_index and load; the same rows are found."""
    new_collection(client, "docs")
    client.insert("docs", rows)
    create_index(client, "docs")
    client.load_collection("docs")

    hits = search_all(client, "docs", rows)

    assert len(hits) == len(rows)
    assert hits[0]["id"] == 7


@pytest.fixture(scope="module")
def server(run_lite24):
    return run_lite24("lite24_mv002_index_before_insert.py")


def test_server_finds_rows_inserted_after_index_and_load(server):
    """Milvus 2.4 server code: rows inserted after create_index + load are all searchable."""
    outcome = server["index_load_then_insert"]
    assert not outcome["raised"], outcome
    assert outcome["value"] == {"hits": 50, "top_id": 7, "count": 50}


def test_server_finds_rows_inserted_before_index_and_load(server):
    """Milvus 2.4 server code: the usual order (insert, index, load) gives the same result."""
    outcome = server["insert_then_index_load"]
    assert not outcome["raised"], outcome
    assert outcome["value"] == {"hits": 50, "top_id": 7, "count": 50}
