"""MV115 on the Milvus 2.4 server code: a query needs a filter, ids or a limit."""

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import MilvusClient  # noqa: E402

client = MilvusClient(db_path())
client.create_collection("docs", dimension=4)
client.insert("docs", [{"id": i, "vector": [0.1 * i, 0.2, 0.3, 0.4]} for i in range(30)])

case("query_no_filter_no_limit", lambda: client.query("docs"))
case("query_empty_filter_no_limit", lambda: client.query("docs", filter=""))
case("query_no_filter_limit_5", lambda: len(client.query("docs", limit=5)))
case("query_filter_no_limit", lambda: len(client.query("docs", filter="id >= 0")))
case("query_ids_no_limit", lambda: len(client.query("docs", ids=[1, 2, 3])))
case(
    "count_with_empty_filter",
    lambda: client.query("docs", filter="", output_fields=["count(*)"])[0]["count(*)"],
)
client.close()
emit()
