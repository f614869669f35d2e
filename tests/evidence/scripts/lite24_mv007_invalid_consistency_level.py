"""MV007 with pymilvus 2.4.15: consistency_level spellings are checked the same way as in 3.x."""

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import MilvusClient  # noqa: E402

client = MilvusClient(db_path())
client.create_collection("docs", dimension=4)
client.insert("docs", [{"id": i, "vector": [0.1 * i, 0.2, 0.3, 0.4]} for i in range(5)])


def search(level):
    return len(client.search("docs", [[0.1, 0.2, 0.3, 0.4]], limit=3, consistency_level=level)[0])


for level in ["Strong", "Eventually", 0, "strong", "Eventual", 7, "0"]:
    case(f"search:{level!r}", lambda level=level: search(level))
case(
    "create_collection:'strong'",
    lambda: client.create_collection("lower", dimension=4, consistency_level="strong"),
)
client.close()
emit()
