"""MV001/MV008/MV009/MV010 on milvus-lite 2.4.12 (the Milvus 2.4 server code, run in process).

What Milvus Lite does where a server differs: it loads a collection that has no index, a read
right after a write at the default (Bounded) level sees the write, and num_entities counts rows
before any flush. The rules stay silent on Milvus Lite clients for these reasons.
"""

import random

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import (  # noqa: E402
    Collection,
    CollectionSchema,
    DataType,
    FieldSchema,
    MilvusClient,
    connections,
)
from pymilvus.client.constants import DEFAULT_CONSISTENCY_LEVEL  # noqa: E402

DIM = 8
rnd = random.Random(13)
ROWS = [{"id": i, "vec": [rnd.random() for _ in range(DIM)]} for i in range(50)]
client = MilvusClient(db_path())


def new_collection(name, **kwargs):
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    client.create_collection(name, schema=schema, **kwargs)


def index(name):
    params = client.prepare_index_params()
    params.add_index("vec", index_type="FLAT", metric_type="L2")
    client.create_index(name, params)


def load_without_index():
    new_collection("no_index")
    client.load_collection("no_index")
    return str(client.get_load_state("no_index")["state"])


def read_right_after_write():
    new_collection("fresh")
    index("fresh")
    client.load_collection("fresh")
    client.insert("fresh", ROWS)
    count = client.query("fresh", filter="id >= 0", output_fields=["count(*)"])[0]["count(*)"]
    hits = client.search("fresh", [ROWS[0]["vec"]], limit=len(ROWS))
    return {"count": count, "hits": len(hits[0])}


def stats_right_after_insert():
    new_collection("stats")
    client.insert("stats", ROWS)
    return client.get_collection_stats("stats")["row_count"]


def orm_num_entities_right_after_insert():
    connections.connect(uri=db_path())
    fields = [
        FieldSchema("id", DataType.INT64, is_primary=True),
        FieldSchema("vec", DataType.FLOAT_VECTOR, dim=DIM),
    ]
    collection = Collection("orm_count", CollectionSchema(fields))
    collection.insert([[r["id"] for r in ROWS], [r["vec"] for r in ROWS]])
    return collection.num_entities


case("default_consistency_level", lambda: str(DEFAULT_CONSISTENCY_LEVEL))
case("load_without_index", load_without_index)
case("read_right_after_write_default_level", read_right_after_write)
case("stats_right_after_insert", stats_right_after_insert)
case("orm_num_entities_right_after_insert", orm_num_entities_right_after_insert)
client.close()
emit()
