"""MV106 on the Milvus 2.4 server code: VARCHAR needs max_length, vectors need dim."""

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import CollectionSchema, DataType, FieldSchema, MilvusClient  # noqa: E402

client = MilvusClient(db_path())


def create(name, **extra_field):
    """A collection with a primary key, a vector field and one more field as given."""
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=8)
    schema.add_field(**extra_field)
    client.create_collection(name, schema=schema)
    return client.describe_collection(name)["collection_name"]


case(
    "varchar_without_max_length",
    lambda: create("v0", field_name="title", datatype=DataType.VARCHAR),
)
case(
    "varchar_max_length_65535",
    lambda: create("v1", field_name="title", datatype=DataType.VARCHAR, max_length=65535),
)
case(
    "varchar_max_length_65536",
    lambda: create("v2", field_name="title", datatype=DataType.VARCHAR, max_length=65536),
)
case("vector_without_dim", lambda: create("v3", field_name="vec2", datatype=DataType.FLOAT_VECTOR))
case(
    "field_schema_varchar_without_max_length",
    lambda: len(
        CollectionSchema(
            [
                FieldSchema("id", DataType.INT64, is_primary=True),
                FieldSchema("title", DataType.VARCHAR),
                FieldSchema("vec", DataType.FLOAT_VECTOR, dim=8),
            ]
        ).fields
    ),
)
case(
    "schema_without_primary_key",
    lambda: CollectionSchema(
        [FieldSchema("id", DataType.INT64), FieldSchema("vec", DataType.FLOAT_VECTOR, dim=8)]
    ),
)
client.close()
emit()
