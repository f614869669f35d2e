"""MV152 on pymilvus 2.4.15 + milvus-lite 2.4.12 (the Milvus 2.4 server code): range bounds."""

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import MilvusClient  # noqa: E402

client = MilvusClient(db_path())
QUERY = [[0.5, 0.2, 0.3, 0.4]]
BOUNDS = {  # metric: (right order, reversed)
    "IP": ((0.3, 0.6), (0.6, 0.3)),
    "COSINE": ((0.9, 1.0), (1.0, 0.9)),
    "L2": ((0.5, 0.0), (0.0, 0.5)),
}
for metric, (right, reversed_) in BOUNDS.items():
    name = f"docs_{metric.lower()}"
    client.create_collection(name, dimension=4, metric_type=metric)
    client.insert(name, [{"id": i, "vector": [0.1 * (i + 1), 0.2, 0.3, 0.4]} for i in range(10)])
    for label, (radius, range_filter) in (
        ("right", right),
        ("reversed", reversed_),
        ("equal", (right[0], right[0])),
    ):
        params = {"metric_type": metric, "params": {"radius": radius, "range_filter": range_filter}}
        case(
            f"{metric}_{label}",
            lambda name=name, params=params: len(
                client.search(name, QUERY, limit=5, search_params=params)[0]
            ),
        )
client.close()
emit()
