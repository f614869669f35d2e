"""MV102 on pymilvus 2.4.15 + the Milvus 2.4 server code: kwargs of the other API."""

import random

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import (  # noqa: E402
    Collection,
    DataType,
    MilvusClient,
    connections,
)

DIM = 8
NOTHING = 'cat == "none"'  # a filter that matches no row
client = MilvusClient(db_path())
schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
schema.add_field("id", DataType.INT64, is_primary=True)
schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
schema.add_field("cat", DataType.VARCHAR, max_length=16)
index_params = client.prepare_index_params()
index_params.add_index("vec", index_type="FLAT", metric_type="COSINE")
client.create_collection("docs", schema=schema, index_params=index_params)
client.insert(
    "docs",
    [{"id": i, "vec": [random.random() for _ in range(DIM)], "cat": "api"} for i in range(30)],
)
query = [[random.random() for _ in range(DIM)]]

case("client_search_top_k_3", lambda: len(client.search("docs", query, top_k=3)[0]))
case("client_search_expr", lambda: client.search("docs", query, limit=3, expr=NOTHING))
case(
    "client_search_param",
    lambda: client.search("docs", query, limit=3, param={"metric_type": "COSINE"}),
)
case(
    "client_search_params_L2",
    lambda: len(client.search("docs", query, limit=3, params={"metric_type": "L2"})[0]),
)
case(
    "client_search_search_params_L2",
    lambda: client.search("docs", query, limit=3, search_params={"metric_type": "L2"}),
)
client.close()


def orm_search(**kwargs):
    connections.connect(alias="orm", uri=db_path())
    collection = Collection("docs", using="orm")
    return len(collection.search(query, "vec", {"metric_type": "COSINE"}, 5, **kwargs)[0])


case("orm_search_filter_nothing", lambda: orm_search(filter=NOTHING))
case("orm_search_expr_nothing", lambda: orm_search(expr=NOTHING))
emit()
