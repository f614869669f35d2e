"""checks.collection: what the model knows about a module's collections, and what it does not."""

from __future__ import annotations

import ast
import textwrap

from checks.collection import UNKNOWN
from checks.engine import Context, Options, Traversal
from checks.semantic import SemanticModel


def model_of(source: str):
    source = textwrap.dedent(source).lstrip("\n")
    tree = ast.parse(source)
    ctx = Context(SemanticModel(tree), source, Options())
    collections = ctx.collections
    Traversal(ctx, []).run(tree)
    return collections


def test_create_schema_add_field_and_index_params():
    model = model_of(
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=True)
        schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=64)
        schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=768)
        schema.add_field("tags", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=8, max_length=32)
        schema.add_field("year", DataType.INT64, nullable=True)
        schema.add_field("lang", DataType.VARCHAR, max_length=8, default_value="en", is_partition_key=True)
        ip = client.prepare_index_params()
        ip.add_index("embedding", index_type="HNSW", metric_type="IP", params={"M": 16})
        client.create_collection("docs", schema=schema, index_params=ip, properties={"mmap.enabled": True})
        """
    )
    docs = model.collection("docs", receiver="client")
    schema = docs.schema
    assert schema.names == ("pk", "embedding", "tags", "year", "lang")
    assert schema.complete and schema.dynamic is True and not schema.quick
    assert schema.primary.name == "pk" and schema.pk_auto_id is False
    embedding = schema.field("embedding")
    assert (embedding.dtype, embedding.dim, embedding.is_vector) == ("FLOAT_VECTOR", 768, True)
    tags = schema.field("tags")
    assert (tags.element_type, tags.max_capacity, tags.max_length) == ("VARCHAR", 8, 32)
    assert schema.field("year").nullable is True and schema.field("year").has_default is False
    lang = schema.field("lang")
    assert lang.has_default is True and lang.partition_key is True and lang.nullable is False
    [index] = docs.index_on("embedding")
    assert (index.index_type, index.metric) == ("HNSW", "IP")
    assert docs.index_on("pk") == ()
    assert docs.with_index_params is True and docs.vector_index_missing() is False
    assert docs.properties == {"mmap.enabled": True}
    # Another client, another name: nothing known.
    assert model.collection("docs", receiver="other") is None
    assert model.collection("nope", receiver="client") is None


def test_quick_setup():
    model = model_of(
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("quick", dimension=384, metric_type="L2", id_type="string", max_length=36)
        """
    )
    quick = model.collection("quick", receiver="client")
    assert quick.schema.quick and quick.schema.dynamic is True
    assert quick.schema.names == ("id", "vector")
    assert quick.schema.field("id").dtype == "VARCHAR" and quick.schema.field("id").max_length == 36
    assert quick.schema.field("vector").dim == 384
    [index] = quick.index_on("vector")
    assert (index.index_type, index.metric) == ("AUTOINDEX", "L2")


def test_orm_collection_schema_functions_and_create_index():
    model = model_of(
        """
        from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, Function, FunctionType
        fields = [
            FieldSchema("id", DataType.INT64, is_primary=True, auto_id=True),
            FieldSchema("text", DataType.VARCHAR, max_length=1000, enable_analyzer=True),
            FieldSchema("sparse", DataType.SPARSE_FLOAT_VECTOR),
            FieldSchema("bits", DataType.BINARY_VECTOR, dim=128),
        ]
        bm25 = Function("bm25", FunctionType.BM25, ["text"], ["sparse"])
        schema = CollectionSchema(fields, functions=[bm25])
        col = Collection("docs", schema)
        col.create_index("bits", {"index_type": "BIN_IVF_FLAT", "metric_type": "HAMMING", "params": {"nlist": 64}})
        """
    )
    docs = model.collection("docs", api="orm")
    assert docs.schema.pk_auto_id is True and docs.schema.dynamic is False
    [bm25] = docs.schema.functions
    assert (bm25.kind, bm25.inputs, bm25.outputs) == ("BM25", ("text",), ("sparse",))
    assert docs.schema.function_outputs == {"sparse"}
    assert docs.index_on("bits")[0].metric == "HAMMING"
    assert docs.vector_index_missing() is True  # "sparse" has no index in this module
    assert docs.with_index_params is False


def test_schema_built_in_a_helper_function_and_method():
    model = model_of(
        """
        from pymilvus import MilvusClient, DataType
        def build_schema():
            schema = MilvusClient.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("vec", DataType.FLOAT_VECTOR, dim=8)
            return schema
        class Store:
            def __init__(self):
                self.client = MilvusClient("demo.db")
                self.client.create_collection("a", schema=self._schema())
            def _schema(self):
                return build_schema()
        client = MilvusClient("demo.db")
        client.create_collection("b", schema=build_schema())
        """
    )
    assert model.collection("a", receiver="self.client").schema.names == ("id", "vec")
    assert model.collection("b", receiver="client").schema.field("vec").dim == 8


def test_a_creation_of_unknown_name_makes_that_clients_schemas_unknown():
    model = model_of(
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", dimension=8)
        for name in names:
            client.create_collection(name, dimension=8)
        """
    )
    assert model.collection("docs", receiver="client").schema is None


def test_what_is_not_certain_is_unknown():
    model = model_of(
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = MilvusClient.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM_FROM_ENV)
        if with_text:
            schema.add_field("text", DataType.VARCHAR, max_length=100)
        client.create_collection("docs", schema=schema)
        ip = client.prepare_index_params()
        ip.add_index("vec", metric_type="L2")
        add_more(ip)
        client.create_index("docs", ip)
        other = MilvusClient.create_schema()
        other.add_field("id", DataType.INT64, is_primary=True)
        customize(other)
        client.create_collection("other", schema=other)
        client.create_collection("twice", dimension=8)
        client.create_collection("twice", dimension=16)
        """
    )
    docs = model.collection("docs", receiver="client")
    assert docs.schema.names == ("id", "vec") and not docs.schema.complete
    assert docs.schema.has_field("text") is UNKNOWN and docs.schema.has_field("id") is True
    assert docs.schema.field("vec").dim is UNKNOWN
    assert docs.indexes is UNKNOWN  # the index params were handed to add_more()
    assert model.collection("other", receiver="client").schema is None
    assert model.collection("twice", receiver="client").schema is None
    assert model.names() == {"docs", "other", "twice"}


def test_a_schema_in_a_main_block_is_certain():
    model = model_of(
        """
        from pymilvus import MilvusClient, DataType
        if __name__ == "__main__":
            client = MilvusClient("demo.db")
            schema = client.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
            client.create_collection("docs", schema=schema)
        """
    )
    assert model.collection("docs", receiver="client").schema.complete


def test_a_name_held_in_a_constant_or_set_once_on_self_is_one_collection():
    model = model_of(
        """
        import os
        from pymilvus import MilvusClient, DataType
        COLLECTION = os.environ.get("COLLECTION", "docs")
        client = MilvusClient("demo.db")
        client.create_collection(COLLECTION, dimension=8)
        class Store:
            def __init__(self, name):
                self.client = MilvusClient("demo.db")
                self.collection_name = name
                schema = self.client.create_schema()
                schema.add_field("pk", DataType.INT64, is_primary=True)
                schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
                self.client.create_collection(self.collection_name, schema=schema)
            def add(self, rows, collection_name):
                self.client.insert(self.collection_name, rows)
                self.client.insert(collection_name, rows)
        """
    )
    [constant] = [k for k in model.names() if k.startswith("COLLECTION@")]
    quick = model.collection(constant, receiver="client")
    assert quick.schema.quick and quick.name == "COLLECTION" and not quick.literal
    [held] = [k for k in model.names() if k.startswith("self.collection_name@")]
    store = model.collection(held, receiver="self.client")
    assert store.schema.names == ("pk", "vec")
