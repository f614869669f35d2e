"""MV107 on the Milvus 2.4 server code: unknown index types and metrics; misplaced params.

Milvus Lite 2.4 builds only FLAT, IVF_FLAT and AUTOINDEX vector indexes (HNSW is refused too).
"""

import random

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import DataType, MilvusClient  # noqa: E402

DIM = 8
client = MilvusClient(db_path())


def index(name, field="vec", **add_index):
    """Create a collection and an index on it; return the index as the server describes it."""
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("year", DataType.INT64)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    client.create_collection(name, schema=schema)
    client.insert(
        name,
        [
            {"id": i, "year": 2000 + i, "vec": [random.random() for _ in range(DIM)]}
            for i in range(20)
        ],
    )
    index_params = client.prepare_index_params()
    index_params.add_index(field, **add_index)
    client.create_index(name, index_params)
    described = client.describe_index(name, field)
    return {
        k: described[k]
        for k in sorted(described)
        if k not in ("total_rows", "indexed_rows", "pending_index_rows", "state")
    }


case("unknown_index_type_HNSWX", lambda: index("c1", index_type="HNSWX", metric_type="L2"))
case(
    "valid_server_index_type_HNSW",
    lambda: index("c0", index_type="HNSW", metric_type="L2", params={"M": 16}),
)
case("unknown_metric_DOT", lambda: index("c2", index_type="FLAT", metric_type="DOT"))
case("lowercase_metric_cosine", lambda: index("c3", index_type="FLAT", metric_type="cosine"))
case(
    "IVF_FLAT_with_HNSW_param_M",
    lambda: index("c4", index_type="IVF_FLAT", metric_type="L2", params={"nlist": 4, "M": 16}),
)
case("scalar_INVERTED_on_int64", lambda: index("c5", field="year", index_type="INVERTED"))
client.close()
emit()
