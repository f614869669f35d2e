"""MV103 on the Milvus 2.4 server code: a search metric must match the index's metric."""

import random

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import DataType, MilvusClient  # noqa: E402

DIM = 8
client = MilvusClient(db_path())
schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
schema.add_field("id", DataType.INT64, is_primary=True)
schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
index_params = client.prepare_index_params()
index_params.add_index("vec", index_type="FLAT", metric_type="COSINE")
client.create_collection("docs", schema=schema, index_params=index_params)
client.insert("docs", [{"id": i, "vec": [random.random() for _ in range(DIM)]} for i in range(30)])
query = [[random.random() for _ in range(DIM)]]


def search(search_params):
    return len(client.search("docs", query, limit=3, search_params=search_params)[0])


case("search_L2_on_COSINE_index", lambda: search({"metric_type": "L2"}))
case("search_IP_on_COSINE_index", lambda: search({"metric_type": "IP"}))
case("search_COSINE_on_COSINE_index", lambda: search({"metric_type": "COSINE"}))
case("search_without_metric_type", lambda: search({}))
client.close()
emit()
