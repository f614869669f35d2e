"""MV001, MV008, MV009, MV010: what Milvus Lite does where a server differs, and the defaults.

A server refuses to load a collection without an index, answers a Bounded read from writes it has
applied, and counts only sealed segments; those halves rest on cited server source. What runs
here is the other half: Milvus Lite 3 (pymilvus 3.0.2) and milvus-lite 2.4.12 (the 2.4 server
code, pymilvus 2.4.15) load without an index, see a write at once at the default level and count
rows before a flush. That is why these rules are silent on `MilvusClient("<file>.db")`, and why
the mistakes pass every local run. The default level itself is Bounded in both releases.
"""

import inspect
import random

import pytest
from pymilvus import DataType, MilvusClient
from pymilvus.client.constants import DEFAULT_CONSISTENCY_LEVEL
from pymilvus.client.types import ConsistencyLevel

pytestmark = pytest.mark.evidence

DIM = 8


@pytest.fixture
def rows():
    rnd = random.Random(13)
    return [{"id": i, "vec": [rnd.random() for _ in range(DIM)]} for i in range(50)]


def new_collection(client, name, **kwargs):
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    client.create_collection(name, schema=schema, **kwargs)


def test_default_level_is_bounded_and_create_collection_sets_it():
    """MV009: pymilvus 3.0.2 creates collections at Bounded unless told otherwise."""
    assert DEFAULT_CONSISTENCY_LEVEL == ConsistencyLevel.Bounded
    source = inspect.getsource(MilvusClient.create_collection)
    source += inspect.getsource(MilvusClient._create_collection_with_schema)
    assert 'kwargs["consistency_level"] = DEFAULT_CONSISTENCY_LEVEL' in source


def test_lite3_loads_without_an_index(client):
    """MV008, and MV001's fix on Lite: the load of an unindexed collection succeeds."""
    new_collection(client, "no_index")
    client.load_collection("no_index")
    assert str(client.get_load_state("no_index")["state"]) == "Loaded"


def test_lite3_reads_see_a_write_at_once(client, rows):
    """MV009: on Lite 3 a default-level query and search right after insert see every row."""
    new_collection(client, "fresh", index_params=_flat(client))
    client.insert("fresh", rows)
    count = client.query("fresh", filter="id >= 0", output_fields=["count(*)"])[0]["count(*)"]
    hits = client.search("fresh", [rows[0]["vec"]], limit=len(rows))
    assert (count, len(hits[0])) == (len(rows), len(rows))


def test_lite3_counts_before_a_flush(client, rows):
    """MV010: on Lite 3 get_collection_stats counts the rows right after insert."""
    new_collection(client, "stats")
    client.insert("stats", rows)
    assert client.get_collection_stats("stats")["row_count"] == len(rows)


def test_strong_read_is_accepted(client, rows):
    """MV009's fix: consistency_level="Strong" on the read."""
    new_collection(client, "strong", index_params=_flat(client))
    client.insert("strong", rows)
    count = client.query(
        "strong", filter="id >= 0", output_fields=["count(*)"], consistency_level="Strong"
    )
    assert count[0]["count(*)"] == len(rows)


def test_lite24_is_as_lenient(run_lite24):
    """milvus-lite 2.4.12 (the 2.4 server code): the same three leniencies, default Bounded."""
    result = run_lite24("lite24_seedflow_lifecycle.py")
    cases = result.cases
    assert cases["default_consistency_level"]["value"] == str(int(ConsistencyLevel.Bounded))
    assert cases["load_without_index"] == {"raised": False, "value": "Loaded"}
    assert cases["read_right_after_write_default_level"]["value"] == {"count": 50, "hits": 50}
    assert cases["stats_right_after_insert"]["value"] == 50
    assert cases["orm_num_entities_right_after_insert"]["value"] == 50


def _flat(client):
    params = client.prepare_index_params()
    params.add_index("vec", index_type="FLAT", metric_type="L2")
    return params
