"""MV106 incomplete-field: VARCHAR needs max_length (at most 65535), vectors need dim,
and a schema needs exactly one primary key.

The primary-key rules are checked by pymilvus itself. max_length is checked only by the server
(`internal/proxy/util.go: validateMaxLengthPerRow`): pymilvus and Milvus Lite 3 accept a VARCHAR
without it. dim is checked by the server and by Milvus Lite 3, with different messages.
"""

import pytest
from pymilvus import CollectionSchema, DataType, FieldSchema
from pymilvus.exceptions import MilvusException, PrimaryKeyException

pytestmark = pytest.mark.evidence


def test_schema_without_primary_key_is_rejected_client_side():
    """CollectionSchema raises PrimaryKeyException when no field is the primary key."""
    with pytest.raises(PrimaryKeyException, match="Schema must have a primary key field"):
        CollectionSchema(
            [FieldSchema("id", DataType.INT64), FieldSchema("vec", DataType.FLOAT_VECTOR, dim=8)]
        )


def test_schema_with_two_primary_keys_is_rejected_client_side():
    """CollectionSchema raises PrimaryKeyException when two fields are primary keys."""
    with pytest.raises(PrimaryKeyException, match="Expected only one primary key field"):
        CollectionSchema(
            [
                FieldSchema("id", DataType.INT64, is_primary=True),
                FieldSchema("id2", DataType.INT64, is_primary=True),
                FieldSchema("vec", DataType.FLOAT_VECTOR, dim=8),
            ]
        )


def test_client_schema_without_primary_key_is_rejected(client):
    """MilvusClient.create_collection with a create_schema() lacking a primary key raises too."""
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=8)
    with pytest.raises(PrimaryKeyException, match="Schema must have a primary key field"):
        client.create_collection("docs", schema=schema)


def test_vector_field_without_dim_is_rejected(client):
    """Milvus Lite 3 rejects a FLOAT_VECTOR field without dim when the collection is created."""
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR)
    with pytest.raises(MilvusException, match="FLOAT_VECTOR field 'vec' is missing required 'dim'"):
        client.create_collection("docs", schema=schema)


def test_varchar_without_max_length_passes_the_client():
    """pymilvus builds a schema with a VARCHAR field that has no max_length, without a word."""
    schema = CollectionSchema(
        [
            FieldSchema("id", DataType.INT64, is_primary=True),
            FieldSchema("title", DataType.VARCHAR),
            FieldSchema("vec", DataType.FLOAT_VECTOR, dim=8),
        ]
    )
    assert "max_length" not in schema.fields[1].params


def test_lite3_accepts_varchar_without_max_length(client):
    """Milvus Lite 3 creates the collection anyway (the server would refuse it)."""
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("title", DataType.VARCHAR)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=8)
    client.create_collection("docs", schema=schema)
    assert client.has_collection("docs")


@pytest.fixture(scope="module")
def server(run_lite24):
    return run_lite24("lite24_mv106_incomplete_field.py")


def test_server_rejects_varchar_without_max_length(server):
    """Milvus 2.4 server code: 'type param(max_length) should be specified for varChar field'."""
    outcome = server["varchar_without_max_length"]
    assert outcome["error_type"] == "MilvusException"
    assert outcome["code"] == 1100
    assert "type param(max_length) should be specified for varChar field" in outcome["message"]


def test_server_rejects_varchar_max_length_over_65535(server):
    """Milvus 2.4 server code: max_length=65536 is out of range (0, 65535]."""
    outcome = server["varchar_max_length_65536"]
    assert outcome["code"] == 1100
    assert (
        "the maximum length specified for a VarChar should be in (0, 65535]" in outcome["message"]
    )


def test_server_accepts_varchar_max_length_65535(server):
    """Milvus 2.4 server code: max_length=65535, the maximum, is accepted."""
    assert server["varchar_max_length_65535"] == {"raised": False, "value": "v1"}


def test_server_rejects_vector_without_dim(server):
    """Milvus 2.4 server code: a vector field without dim fails in segcore ('dim not found')."""
    outcome = server["vector_without_dim"]
    assert outcome["code"] == 2000
    assert "dim not found" in outcome["message"]


def test_pymilvus_24_has_no_max_length_check(server):
    """pymilvus 2.4.15 also builds the VARCHAR-without-max_length schema; only the server objects."""
    assert server["field_schema_varchar_without_max_length"] == {"raised": False, "value": 3}


def test_pymilvus_24_rejects_schema_without_primary_key(server):
    """pymilvus 2.4.15 raises the same PrimaryKeyException as 3.x."""
    outcome = server["schema_without_primary_key"]
    assert outcome["error_type"] == "PrimaryKeyException"
    assert outcome["message"] == "Schema must have a primary key field."
