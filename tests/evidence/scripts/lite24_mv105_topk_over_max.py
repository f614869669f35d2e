"""MV105 on the Milvus 2.4 server code: limit (+offset) above 16384 is rejected."""

import random

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import MilvusClient  # noqa: E402

DIM = 4
client = MilvusClient(db_path())
client.create_collection("docs", dimension=DIM)
client.insert(
    "docs", [{"id": i, "vector": [random.random() for _ in range(DIM)]} for i in range(30)]
)
query = [[random.random() for _ in range(DIM)]]

case("search_limit_16384", lambda: len(client.search("docs", query, limit=16384)[0]))
case("search_limit_16385", lambda: client.search("docs", query, limit=16385))
case(
    "search_offset_16000_limit_1000", lambda: client.search("docs", query, limit=1000, offset=16000)
)
case("query_limit_16384", lambda: len(client.query("docs", filter="id >= 0", limit=16384)))
case("query_limit_20000", lambda: client.query("docs", filter="id >= 0", limit=20000))
case(
    "query_offset_16000_limit_1000",
    lambda: client.query("docs", filter="id >= 0", limit=1000, offset=16000),
)
case("search_limit_0", lambda: client.search("docs", query, limit=0))
client.close()
emit()
