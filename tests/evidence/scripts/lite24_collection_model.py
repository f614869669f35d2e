"""MV130, MV131, MV132, MV136 on the Milvus 2.4 server code: what it refuses that pymilvus sends.

Fields, indexes and searches checked against the schema: output_fields, anns_field,
group_by_field and index fields the collection does not have; metrics that do not fit the vector
type; a vector index on a VARCHAR field; a BINARY_VECTOR dim that is not a multiple of 8; a search
without anns_field on a collection with two vector fields.
"""

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import DataType, MilvusClient  # noqa: E402

client = MilvusClient(db_path())
VECTOR = {"field_name": "vec", "datatype": DataType.FLOAT_VECTOR, "dim": 4}


def create(name, fields, indexes):
    """A collection with an INT64 primary key "pk", `fields`, and `indexes` (field, type, metric)."""
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("pk", DataType.INT64, is_primary=True)
    for field in fields:
        schema.add_field(**field)
    index_params = client.prepare_index_params()
    for field, index_type, metric in indexes:
        index_params.add_index(field, index_type=index_type, metric_type=metric)
    client.create_collection(name, schema=schema, index_params=index_params)
    return "created"


def index_on_missing_field():
    index_params = client.prepare_index_params()
    index_params.add_index("nope", index_type="INVERTED")
    client.create_index("docs", index_params)


create("docs", [VECTOR, {"field_name": "title", "datatype": DataType.VARCHAR, "max_length": 64}],
       [("vec", "FLAT", "L2")])  # fmt: skip
client.insert("docs", [{"pk": 1, "vec": [0.1] * 4, "title": "a"}])
case("query_output_field_missing", lambda: client.query("docs", "pk > 0", output_fields=["nope"]))
case(
    "search_output_field_missing",
    lambda: client.search("docs", [[0.1] * 4], limit=1, output_fields=["nope"]),
)
case("search_anns_field_missing", lambda: client.search("docs", [[0.1] * 4], anns_field="nope"))
case("search_anns_field_scalar", lambda: client.search("docs", [[0.1] * 4], anns_field="title"))
case(
    "search_group_by_field_missing",
    lambda: client.search("docs", [[0.1] * 4], limit=1, group_by_field="nope"),
)
case("index_on_missing_field", index_on_missing_field)
BINARY = {"field_name": "bits", "datatype": DataType.BINARY_VECTOR}
SPARSE = {"field_name": "sparse", "datatype": DataType.SPARSE_FLOAT_VECTOR}
case(
    "binary_dim_12",
    lambda: create("b12", [{**BINARY, "dim": 12}], [("bits", "BIN_FLAT", "HAMMING")]),
)
case(
    "binary_dim_16",
    lambda: create("b16", [{**BINARY, "dim": 16}], [("bits", "BIN_FLAT", "HAMMING")]),
)
case("binary_L2", lambda: create("bl2", [{**BINARY, "dim": 16}], [("bits", "BIN_FLAT", "L2")]))
case("float_HAMMING", lambda: create("fh", [VECTOR], [("vec", "FLAT", "HAMMING")]))
case(
    "sparse_COSINE", lambda: create("sc", [SPARSE], [("sparse", "SPARSE_INVERTED_INDEX", "COSINE")])
)
case("sparse_L2", lambda: create("sl", [SPARSE], [("sparse", "SPARSE_INVERTED_INDEX", "L2")]))
case("sparse_IP", lambda: create("si", [SPARSE], [("sparse", "SPARSE_INVERTED_INDEX", "IP")]))
case(
    "varchar_vector_index",
    lambda: create(
        "vi",
        [VECTOR, {"field_name": "title", "datatype": DataType.VARCHAR, "max_length": 64}],
        [("vec", "FLAT", "L2"), ("title", "IVF_FLAT", "L2")],
    ),
)
create(
    "multi",
    [VECTOR, {**VECTOR, "field_name": "vec2"}],
    [("vec", "FLAT", "L2"), ("vec2", "FLAT", "L2")],
)
client.insert("multi", [{"pk": 1, "vec": [0.1] * 4, "vec2": [0.2] * 4}])
case("two_vectors_without_anns_field", lambda: client.search("multi", [[0.1] * 4], limit=1))
case(
    "two_vectors_with_anns_field",
    lambda: len(client.search("multi", [[0.1] * 4], limit=1, anns_field="vec2")[0]),
)
client.close()
emit()
