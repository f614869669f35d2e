"""MV002 on the Milvus 2.4 server code: rows inserted after create_index + load are searchable."""

import random

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import DataType, MilvusClient  # noqa: E402

client = MilvusClient(db_path())
DIM = 8
ROWS = [{"id": i, "vec": [random.random() for _ in range(DIM)]} for i in range(50)]


def new_collection(name):
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    client.create_collection(name, schema=schema)


def create_index(name):
    index_params = client.prepare_index_params()
    index_params.add_index("vec", index_type="IVF_FLAT", metric_type="L2", params={"nlist": 8})
    client.create_index(name, index_params)


def found(name):
    """How many rows a Strong search and a Strong count see."""
    hits = client.search(name, [ROWS[7]["vec"]], limit=len(ROWS), consistency_level="Strong")
    count = client.query(name, filter="", output_fields=["count(*)"], consistency_level="Strong")
    return {"hits": len(hits[0]), "top_id": hits[0][0]["id"], "count": count[0]["count(*)"]}


def index_load_then_insert():
    new_collection("index_first")
    create_index("index_first")
    client.load_collection("index_first")
    client.insert("index_first", ROWS)
    return found("index_first")


def insert_then_index_load():
    new_collection("insert_first")
    client.insert("insert_first", ROWS)
    create_index("insert_first")
    client.load_collection("insert_first")
    return found("insert_first")


case("index_load_then_insert", index_load_then_insert)
case("insert_then_index_load", insert_then_index_load)
client.close()
emit()
