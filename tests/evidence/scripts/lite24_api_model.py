"""MV118-MV123 on pymilvus 2.4.15 + the Milvus 2.4 server code: what the API model predicts."""

import random

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import DataType, FieldSchema, MilvusClient, utility  # noqa: E402

DIM = 4
client = MilvusClient(db_path())

# MV118: a misspelt keyword of create_schema leaves the dynamic field off.
schema = client.create_schema(auto_id=False, enable_dynamic_fields=True)
schema.add_field("id", DataType.INT64, is_primary=True)
schema.add_field("v", DataType.FLOAT_VECTOR, dim=DIM)
index_params = client.prepare_index_params()
index_params.add_index("v", index_type="FLAT", metric_type="L2")
client.create_collection("docs", schema=schema, index_params=index_params)
case(
    "dynamic_field_enabled",
    lambda: client.describe_collection("docs").get("enable_dynamic_field"),
)
case("insert_extra_field", lambda: client.insert("docs", [{"id": 1, "v": [0.1] * DIM, "x": 1}]))

# MV118: limits is no limit. (Milvus Lite 2.4 has no create_partition: partitionNames is shown
# on Milvus Lite 3 and by the model only.)
rows = [{"id": 100 + i, "v": [random.random() for _ in range(DIM)]} for i in range(20)]
client.insert("docs", rows)
client.load_collection("docs")
every = "id >= 100"
case("query_limits_3", lambda: len(client.query("docs", filter=every, limits=3)))
case("query_limit_3", lambda: len(client.query("docs", filter=every, limit=3)))
# MV118 on 2.4: search has no ranker parameter.
case(
    "search_ranker_ignored",
    lambda: len(client.search("docs", [[0.1] * DIM], limit=3, ranker="anything")[0]),
)

# MV119 / MV120: names 2.4 does not have.
case("client_has_create_index_params", lambda: hasattr(client, "create_index_params"))
case("client_has_add_collection_field", lambda: hasattr(client, "add_collection_field"))
case("import_Function", lambda: __import__("pymilvus", fromlist=["Function"]).Function)
case(
    "utility_wait_for_bulk_insert",
    lambda: utility.wait_for_bulk_insert_tasks_completed,
)

# MV121: a method called on the class.
case("class_insert", lambda: MilvusClient.insert("docs", [{"id": 1, "v": [0.1] * DIM}]))

# MV122: DataType as a string.
case("field_schema_string_dtype", lambda: FieldSchema("v", "FLOAT_VECTOR", dim=DIM).dtype)
case("add_field_string_dtype", lambda: schema.add_field("w", "FLOAT_VECTOR", dim=DIM))

# MV123: the shape of a call.
case("has_collection_4_positionals", lambda: utility.has_collection("docs", "default", 1, 2))
# MV123: search_iterator refuses offset; query_iterator skips that many rows.
search_params = {"metric_type": "L2"}
case(
    "search_iterator_offset",
    lambda: client.search_iterator("docs", [[0.1] * DIM], 3, search_params=search_params, offset=5),
)
case(
    "search_iterator_offset_0",
    lambda: len(
        client.search_iterator(
            "docs", [[0.1] * DIM], 3, search_params=search_params, offset=0
        ).next()
    ),
)
case(
    "query_iterator_offset",
    lambda: [row["id"] for row in client.query_iterator("docs", 3, filter=every, offset=5).next()],
)
client.close()
emit()
