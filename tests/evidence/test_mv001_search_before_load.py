"""MV001 search-before-load: what loads a collection, and what a read of an unloaded one does.

The Milvus server refuses reads of a collection that is not loaded (`ErrCollectionNotLoaded`,
code 101, pkg/util/merr/errors.go); neither Milvus Lite enforces it for a collection created
from a schema alone, so that part of the claim rests on the server's source and docs. What runs
here: pymilvus's MilvusClient loads by itself in quick setup and with `index_params`, and Milvus
Lite 3 does refuse reads after `release_collection` with the server's code 101.
"""

import pytest
from pymilvus import DataType, MilvusClient
from pymilvus.exceptions import MilvusException

pytestmark = pytest.mark.evidence


def _schema() -> object:
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
    return schema


def test_quick_setup_loads_by_itself(client):
    """create_collection(name, dimension=...) creates an AUTOINDEX and loads."""
    client.create_collection("quick", dimension=4)
    assert client.get_load_state("quick")["state"].name == "Loaded"


def test_index_params_load_by_themselves(client):
    """create_collection(schema=..., index_params=...) creates the index and loads."""
    index_params = client.prepare_index_params()
    index_params.add_index("vector", index_type="AUTOINDEX", metric_type="COSINE")
    client.create_collection("indexed", schema=_schema(), index_params=index_params)
    assert client.get_load_state("indexed")["state"].name == "Loaded"


def test_read_after_release_fails_with_code_101(client):
    """After release_collection, search fails with code 101 until the collection is loaded again."""
    client.create_collection("docs", dimension=4)
    client.insert("docs", [{"id": i, "vector": [0.1 * i, 0.2, 0.3, 0.4]} for i in range(5)])
    client.release_collection("docs")
    with pytest.raises(MilvusException) as raised:
        client.search("docs", data=[[0.1, 0.2, 0.3, 0.4]], limit=3)
    assert raised.value.code == 101
    assert "load" in str(raised.value)

    client.load_collection("docs")  # the fix
    assert len(client.search("docs", data=[[0.1, 0.2, 0.3, 0.4]], limit=3)[0]) == 3
