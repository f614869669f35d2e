"""MV112 on pymilvus 2.4.15: ids given to an auto_id collection, or missing from a quick setup."""

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import MilvusClient  # noqa: E402

client = MilvusClient(db_path())
client.create_collection("auto", dimension=4, auto_id=True)
client.create_collection("quick", dimension=4)  # quick setup: auto_id=False, primary key "id"

case("auto_id_rows_with_id", lambda: client.insert("auto", [{"id": 1, "vector": [0.1] * 4}]))
case(
    "auto_id_rows_without_id",
    lambda: client.insert("auto", [{"vector": [0.1] * 4}])["insert_count"],
)
case("quick_setup_rows_without_id", lambda: client.insert("quick", [{"vector": [0.1] * 4}]))
case(
    "quick_setup_rows_with_id",
    lambda: client.insert("quick", [{"id": 1, "vector": [0.1] * 4}])["insert_count"],
)
client.close()
emit()
