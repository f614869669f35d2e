"""MV151 on pymilvus 2.4.15: close() on an iterator's page instead of the iterator."""

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import MilvusClient  # noqa: E402

client = MilvusClient(db_path())
client.create_collection("docs", dimension=4)
client.insert("docs", [{"id": i, "vector": [0.1 * i] * 4} for i in range(10)])
query = client.query_iterator("docs", batch_size=3, filter="id >= 0", output_fields=["id"])
page = query.next()
case("query_page_type", lambda: type(page).__name__)
case("query_page_close", lambda: page.close())
case("query_iterator_close", lambda: query.close())
search = client.search_iterator("docs", data=[[0.1] * 4], batch_size=3, limit=9)
hits = search.next()
case("search_page_type", lambda: type(hits).__name__)
case("search_page_close", lambda: hits.close())
case("search_iterator_close", lambda: search.close())
client.close()
emit()
