"""MV140-MV144 on the Milvus 2.4 server code: run every filter of filter_table.py in a query.

A filter the server cannot handle may bring milvus-lite down ("failed to connect", "Unexpected
error in RPC handling"); the script then starts a fresh database and tries that filter once
more, and records the crash as the server's refusal.
"""

import os
import sys

from _evidence import case, db_path, emit, quiet

quiet()
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from filter_table import TABLE  # noqa: E402
from pymilvus import DataType, MilvusClient  # noqa: E402

ROW = {
    "id": 1, "vec": [0.1, 0.2], "age": 3, "score": 1.5, "name": "ab", "flag": True,
    "meta": {"a": 1, "b": "x", "c": [1, 2]}, "tags": ["x"], "nums": [1, 2],
}  # fmt: skip
_restarts = [0]


def fresh_client():
    _restarts[0] += 1
    client = MilvusClient(f"{db_path()}.{_restarts[0]}.db")
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("age", DataType.INT64)
    schema.add_field("score", DataType.DOUBLE)
    schema.add_field("name", DataType.VARCHAR, max_length=64)
    schema.add_field("flag", DataType.BOOL)
    schema.add_field("meta", DataType.JSON)
    schema.add_field(
        "tags", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=8, max_length=16
    )
    schema.add_field("nums", DataType.ARRAY, element_type=DataType.INT64, max_capacity=8)
    index = client.prepare_index_params()
    index.add_index("vec", metric_type="L2", index_type="FLAT")
    client.create_collection("t", schema=schema, index_params=index)
    client.insert("t", [ROW])
    client.load_collection("t")
    return client


client = fresh_client()


def run(expression):
    global client
    for attempt in (1, 2):
        try:
            return len(client.query("t", filter=expression, output_fields=["id"], timeout=8))
        except Exception as exc:
            message = str(getattr(exc, "message", exc))
            crashed = "failed to connect" in message or "Unexpected error" in message
            if not crashed:
                raise
            client = fresh_client()
            if attempt == 2:
                raise


for expression, _verdict in TABLE:
    case(expression, lambda e=expression: run(e))
# What a "cut" filter means on the server: the upper-case AND and all after it are dropped.
case("rows: age > 1 and age < 0", lambda: run("age > 1 and age < 0"))
case("rows: age > 1 AND age < 0", lambda: run("age > 1 AND age < 0"))
emit()
