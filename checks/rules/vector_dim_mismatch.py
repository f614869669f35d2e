"""MV125 vector-dim-mismatch."""

from __future__ import annotations

import ast

from checks.collection.checking import CollectionRule, label, searched_field
from checks.collection.facts import DENSE_VECTORS
from checks.collection.rows import vector_length
from checks.rules.base import Invalid


class VectorDimMismatch(CollectionRule):
    """A vector whose visible length differs from the dim of the field it is written to or searched on."""

    code = "MV125"
    name = "vector-dim-mismatch"
    severity = "error"
    editions = frozenset({"2026.11"})
    methods = ("insert", "upsert", "search", "search_iterator")

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", dimension=768)
        client.insert("docs", [{"id": i, "vector": [0.1] * 768} for i in range(3)])
        client.search("docs", data=[[0.2] * 768], limit=3)
        client.search("docs", [[0.0 for _ in range(768)]], limit=3)
        """,
        # Lengths that do not show, and fields whose dim is not a literal.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=DIM)
        client.create_collection("docs", schema=schema)
        client.insert("docs", [{"id": 1, "vector": [0.1] * 1536}])
        client.create_collection("quick", dimension=8)
        client.insert("quick", [{"id": 1, "vector": embed(text)}])
        client.search("quick", [model.encode(q)], limit=3)
        client.search("quick", [[0.1] * n], limit=3)
        """,
        # Several vector fields: each judged against its own dim; no anns_field, no judgement.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("text_vec", DataType.FLOAT_VECTOR, dim=8)
        schema.add_field("image_vec", DataType.FLOAT_VECTOR, dim=4)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        client.create_collection("docs", schema=schema)
        client.insert("docs", {"id": 1, "text_vec": [0.1] * 8, "image_vec": [0.1] * 4, "sparse": {1: 0.5, 7: 0.1}})
        client.search("docs", [[0.1] * 4], anns_field="image_vec", limit=3)
        client.search("docs", [[0.1] * 8], limit=3)
        """,
        # Another client, a collection created elsewhere, or a look-alike.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        other = MilvusClient("other.db")
        client.create_collection("docs", dimension=8)
        other.insert("docs", [{"id": 1, "vector": [0.1] * 768}])
        client.insert("elsewhere", [{"id": 1, "vector": [0.1] * 768}])
        qdrant.upsert("docs", [{"id": 1, "vector": [0.1] * 768}])
        """,
        # Embedding models: matching dims; a dim changed by a keyword (`dimensions=`,
        # `truncate_dim=`, another server); a model we do not know or cannot read; a name bound
        # twice; our own class with an `encode` method.
        """
        import os
        from openai import OpenAI
        from pymilvus import MilvusClient, model
        from sentence_transformers import SentenceTransformer
        client = MilvusClient("demo.db")
        client.create_collection("docs", dimension=384)
        client.create_collection("small", dimension=256)
        encoder = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")
        client.insert("docs", [{"id": 1, "vector": encoder.encode("hello").tolist()}])
        ef = model.dense.SentenceTransformerEmbeddingFunction(model_name="all-MiniLM-L6-v2")
        client.search("docs", data=ef.encode_queries(["hi"]), limit=3)
        openai_client = OpenAI()
        response = openai_client.embeddings.create(
            model="text-embedding-3-small", input="hello", dimensions=256
        )
        client.insert("small", [{"id": 1, "vector": response.data[0].embedding}])
        short = SentenceTransformer("all-mpnet-base-v2", truncate_dim=256)
        client.insert("small", [{"id": 2, "vector": short.encode("x")}])
        local = OpenAI(base_url="http://localhost:11434/v1")
        reply = local.embeddings.create(model="text-embedding-ada-002", input="x")
        client.insert("small", [{"id": 3, "vector": reply.data[0].embedding}])
        custom = SentenceTransformer(os.environ["EMBEDDING_MODEL"])
        client.insert("docs", [{"id": 4, "vector": custom.encode("x")}])
        tuned = SentenceTransformer("./models/my-minilm")
        client.insert("small", [{"id": 5, "vector": tuned.encode("x")}])
        packed = encoder.encode("x", precision="binary")
        client.insert("small", [{"id": 6, "vector": packed}])
        """,
        """
        import json
        from pymilvus import MilvusClient
        from sentence_transformers import SentenceTransformer
        config = json.load(open("config.json"))
        client = MilvusClient("demo.db")
        client.create_collection("docs", dimension=768)
        encoder = SentenceTransformer("all-MiniLM-L6-v2")
        if config["large"]:
            encoder = SentenceTransformer(config["model"])
        client.insert("docs", [{"id": 1, "vector": encoder.encode("x")}])
        class Encoder:
            def __init__(self, name): ...
            def encode(self, text): ...
        mine = Encoder("all-MiniLM-L6-v2")
        client.insert("docs", [{"id": 2, "vector": mine.encode("x")}])
        """,
        # Not the libraries': a look-alike import, Azure deployments (named by the user).
        """
        from openai import AzureOpenAI
        from pymilvus import MilvusClient
        from my_models import SentenceTransformer
        client = MilvusClient("demo.db")
        client.create_collection("docs", dimension=768)
        encoder = SentenceTransformer("all-MiniLM-L6-v2")
        client.insert("docs", [{"id": 1, "vector": encoder.encode("x")}])
        azure = AzureOpenAI(api_version="2024-02-01")
        reply = azure.embeddings.create(model="text-embedding-3-large", input="x")
        client.insert("docs", [{"id": 2, "vector": reply.data[0].embedding}])
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_collection("docs", dimension=768)
            client.insert("docs", [{"id": 1, "vector": [0.1] * 1536, "text": "hello"}])
            """,
            line=4,
        ),
        # Schema with add_field; the vector bound to a name, built with numpy.
        Invalid(
            """
            import numpy as np
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = MilvusClient.create_schema()
            schema.add_field("pk", DataType.INT64, is_primary=True)
            schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=384)
            client.create_collection("docs", schema=schema)
            query = np.random.rand(768).tolist()
            hits = client.search("docs", data=[query], anns_field="embedding", limit=5)
            """,
            line=9,
        ),
        # ORM, rows from a comprehension over a literal range.
        Invalid(
            """
            from pymilvus import Collection, CollectionSchema, DataType, FieldSchema
            fields = [
                FieldSchema("id", DataType.INT64, is_primary=True, auto_id=True),
                FieldSchema("vec", DataType.FLOAT_VECTOR, dim=128),
            ]
            col = Collection("docs", CollectionSchema(fields))
            col.insert([{"vec": [float(i) for i in range(64)]}])
            """,
            line=7,
        ),
        # One more than the dim, computed from the constant.
        Invalid(
            """
            from pymilvus import MilvusClient
            DIM = 8
            client = MilvusClient("demo.db")
            client.create_collection("docs", dimension=DIM)
            client.insert("docs", [{"id": 1, "vector": [0.1] * (DIM + 1)}])
            """,
            line=5,
        ),
        # The only vector field, searched without anns_field.
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def main():
                client = AsyncMilvusClient("http://localhost:19530")
                await client.create_collection("docs", dimension=1024)
                return await client.search("docs", [[0.5, 0.5, 0.5, 0.5]], limit=3)
            """,
            line=5,
        ),
        # The dim of a well-known embedding model named in the module (cited in the guide).
        Invalid(
            """
            from pymilvus import MilvusClient
            from sentence_transformers import SentenceTransformer

            encoder = SentenceTransformer("all-MiniLM-L6-v2")
            client = MilvusClient("rag.db")
            client.create_collection("docs", dimension=768)
            docs = ["Milvus is a vector database.", "It stores embeddings."]
            vectors = encoder.encode(docs)
            rows = [{"id": i, "vector": vectors[i].tolist(), "text": docs[i]} for i in range(len(docs))]
            client.insert("docs", rows)
            query = encoder.encode("What is Milvus?").tolist()
            hits = client.search("docs", data=[query], limit=3, output_fields=["text"])
            """,
            line=9,
            count=2,
        ),
        Invalid(
            """
            from openai import OpenAI
            from pymilvus import MilvusClient, DataType

            openai_client = OpenAI()
            client = MilvusClient("rag.db")

            def embed(text):
                response = openai_client.embeddings.create(model="text-embedding-3-large", input=text)
                return response.data[0].embedding

            schema = client.create_schema(auto_id=True)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=1536)
            schema.add_field("text", DataType.VARCHAR, max_length=2000)
            client.create_collection("articles", schema=schema)
            texts = ["Milvus", "Zilliz"]
            client.insert("articles", [{"embedding": embed(t), "text": t} for t in texts])
            """,
            line=17,
        ),
        # The Milvus quickstart's DefaultEmbeddingFunction (768) into a 384-dim collection.
        Invalid(
            """
            from pymilvus import MilvusClient, model

            client = MilvusClient("milvus_demo.db")
            client.create_collection(collection_name="demo_collection", dimension=384)
            embedding_fn = model.DefaultEmbeddingFunction()
            query_vectors = embedding_fn.encode_queries(["Who is Alan Turing?"])
            res = client.search(collection_name="demo_collection", data=query_vectors, limit=2)
            """,
            line=7,
        ),
        Invalid(
            """
            import openai
            from langchain_openai import OpenAIEmbeddings
            from pymilvus import Collection, CollectionSchema, DataType, FieldSchema

            embeddings = OpenAIEmbeddings(model="text-embedding-ada-002")
            fields = [
                FieldSchema("id", DataType.INT64, is_primary=True, auto_id=True),
                FieldSchema("vec", DataType.FLOAT_VECTOR, dim=3072),
            ]
            col = Collection("docs", CollectionSchema(fields))
            col.insert([{"vec": embeddings.embed_query("hello")}])
            reply = openai.embeddings.create(model="text-embedding-3-small", input=["a", "b"])
            col.insert([{"vec": reply.data[1].embedding}])
            col.insert([{"vec": vector} for vector in [d.embedding for d in reply.data]])
            """,
            line=11,
            count=3,
        ),
    ]

    def judge(self, call, collection, schema, scope) -> None:
        # Imported here: only a module with a known collection pays for the model table.
        from checks.collection.embeddings import embedding

        model = self.ctx.model
        if call.method in ("insert", "upsert"):
            for row in self.rows(call, scope) or []:
                for key, value in row.values.items():
                    self._check(collection, schema.field(key), value, scope)
            return
        argument = data = call.argument("data")
        if isinstance(data, ast.Name) and not model.mutated(data):
            bound = model.binding(data, scope)
            data, scope = bound if bound is not None else (data, scope)
        field = searched_field(call, schema, model, scope)
        if not isinstance(data, ast.List):
            # query vectors straight from a model: `data=ef.encode_queries([question])`
            made = embedding(model, data, scope) if data is not None else None
            if made is not None and made.shape == "batch":
                self._report_model(collection, field, argument, made)
            return
        for vector in data.elts:
            self._check(collection, field, vector, scope)

    def _dim(self, field):
        if field is None or field.dtype not in DENSE_VECTORS or field.dtype == "BINARY_VECTOR":
            return None
        return field.dim if isinstance(field.dim, int) else None

    def _check(self, collection, field, value: ast.expr, scope) -> None:
        dim = self._dim(field)
        if dim is None:
            return
        length = vector_length(self.ctx.model, value, scope)
        if length is None:
            from checks.collection.embeddings import embedding

            made = embedding(self.ctx.model, value, scope)
            if made is not None and made.shape in ("vector", "either"):
                self._report_model(collection, field, value, made)
            return
        if length == dim:
            return
        self.report(
            value,
            f"Give this vector {dim} values, not {length}: {label(collection, field.name)} "
            f"has dim={dim}, and Milvus rejects vectors of any other length.",
            hint="embed with a model of the field's dimension, or create the field with "
            f"dim={length}",
        )

    def _report_model(self, collection, field, node: ast.expr, made) -> None:
        dim = self._dim(field)
        if dim is None or made.dim == dim:
            return
        what = "these vectors come" if made.shape == "batch" else "this vector comes"
        self.report(
            node,
            f"Create {label(collection, field.name)} with dim={made.dim}, or embed with a "
            f"{dim}-dim model: {what} from {made.model_name}, which returns {made.dim} values "
            f"per vector, and the field has dim={dim}; Milvus rejects vectors of any other "
            "length.",
            hint=f"dim={made.dim} in the field definition (or create_collection(dimension="
            f"{made.dim}))",
        )
