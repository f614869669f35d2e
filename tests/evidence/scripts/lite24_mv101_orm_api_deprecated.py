"""MV101 with pymilvus 2.4.15: the ORM API emits no deprecation warning before 2.6.13."""

import random
import warnings

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import (  # noqa: E402
    Collection,
    CollectionSchema,
    DataType,
    FieldSchema,
    connections,
    utility,
)


def orm_flow():
    """The seed guide's ORM pattern (no partitions: Milvus Lite 2.4 has none); warnings seen."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        connections.connect(uri=db_path())
        schema = CollectionSchema(
            [
                FieldSchema("id", DataType.INT64, is_primary=True, auto_id=True),
                FieldSchema("text", DataType.VARCHAR, max_length=64),
                FieldSchema("embedding", DataType.FLOAT_VECTOR, dim=8),
            ]
        )
        utility.has_collection("documents")
        collection = Collection("documents", schema)
        vectors = [[random.random() for _ in range(8)] for _ in range(20)]
        collection.insert([[f"t{i}" for i in range(20)], vectors])
        collection.create_index(
            "embedding", {"index_type": "FLAT", "metric_type": "COSINE", "params": {}}
        )
        collection.load()
        hits = collection.search(
            vectors[:1], "embedding", {"metric_type": "COSINE"}, limit=5, expr="text != ''"
        )
        collection.release()
        connections.disconnect("default")
    return {
        "hits": len(hits[0]),
        "warnings": [f"{w.category.__name__}: {w.message}" for w in seen],
    }


case("orm_flow", orm_flow)
emit()
