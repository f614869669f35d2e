"""MV107 index-params-mismatch."""

from __future__ import annotations

import ast

from checks.collection.indexes import (
    FOREIGN_PARAMS,
    HNSW_TYPES,
    METRICS,
    SCALAR_TYPES,
    VECTOR_TYPES,
    IndexDef,
    index_definitions,
)
from checks.rules.base import Invalid, Rule


def _params_hint(index_type: str, what: str) -> str:
    if what == "a search parameter":
        return "pass it in the search params at search time"
    if index_type in HNSW_TYPES:
        return f"{index_type} builds with `M` and `efConstruction`"
    if index_type == "FLAT":
        return "FLAT takes no build parameters"
    return f"{index_type} builds with `nlist` (and its own quantizer params)"


class IndexParamsMismatch(Rule):
    """Index build params of another index type, or an index type or metric Milvus does not know."""

    code = "MV107"
    name = "index-params-mismatch"
    severity = "warning"
    pymilvus_only = True
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        index_params = client.prepare_index_params()
        index_params.add_index("vector", index_type="HNSW", metric_type="COSINE", params={"M": 16, "efConstruction": 200})
        index_params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        index_params.add_index("bits", index_type="BIN_IVF_FLAT", metric_type="HAMMING", nlist=128)
        """,
        # Scalar indexes, with and without a type.
        """
        from pymilvus import MilvusClient
        index_params = MilvusClient.prepare_index_params()
        index_params.add_index("year", index_type="STL_SORT")
        index_params.add_index("tags", index_type="INVERTED")
        index_params.add_index("color", index_type="BITMAP")
        index_params.add_index("title", index_type="Trie")
        index_params.add_index("title", index_type="AUTOINDEX")
        index_params.add_index("price")
        """,
        """
        from pymilvus import Collection
        col = Collection("docs")
        col.create_index("vec", {"index_type": "IVF_PQ", "metric_type": "L2", "params": {"nlist": 1024, "m": 8}})
        col.create_index("year", index_name="year_idx")
        """,
        # Look-alikes: other libraries' create_index, a dict that never reaches Milvus.
        """
        import faiss
        from pymilvus import MilvusClient
        es.indices.create_index("docs", {"index_type": "HNSWX", "params": {"nlist": 1}})
        config = {"index_type": "HNSW", "metric_type": "dot", "params": {"nlist": 128}}
        """,
        # Values we cannot see.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        ip = client.prepare_index_params()
        ip.add_index("vector", index_type=INDEX_TYPE, metric_type=METRIC, params=PARAMS)
        ip.add_index("other", **settings)
        """,
        # IVF_HNSW takes both nlist and M.
        """
        from pymilvus import MilvusClient
        ip = MilvusClient.prepare_index_params()
        ip.add_index("vector", index_type="IVF_HNSW", metric_type="L2", params={"nlist": 64, "M": 16})
        """,
        # Another library's Collection and a class of our own.
        """
        from pymongo.collection import Collection
        from pymilvus import MilvusClient
        Collection(db, "docs").create_index("v", {"index_type": "HNSWX", "metric_type": "dot"})
        class Index:
            def add_index(self, *args, **kwargs): ...
        Index().add_index("v", index_type="HNSW", params={"nlist": 1})
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            index_params = client.prepare_index_params()
            index_params.add_index("vector", index_type="HNSW", metric_type="L2", params={"nlist": 128})
            """,
            line=4,
        ),
        Invalid(
            """
            from pymilvus import Collection
            INDEX = {"index_type": "IVF_FLAT", "metric_type": "IP", "params": {"M": 16, "efConstruction": 64}}
            col = Collection("docs")
            col.create_index("embedding", INDEX)
            """,
            line=2,
            count=2,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            index_params = MilvusClient.prepare_index_params()
            index_params.add_index(field_name="vector", index_type="HNSWX", metric_type="cosine")
            """,
            line=3,
            count=2,
        ),
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def setup():
                client = AsyncMilvusClient("http://localhost:19530")
                ip = client.prepare_index_params("vector", index_type="HNSW", metric_type="DOT", ef=64)
                await client.create_collection("docs", schema=schema, index_params=ip)
            """,
            line=4,
            count=2,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_collection("docs", dimension=768, metric_type="l2")
            """,
            line=3,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.seen: set[int] = set()  # a dict shared by several calls is reported once

    def visit_Call(self, node: ast.Call) -> None:
        for index in index_definitions(self.ctx.model, self.ctx.scope, node):
            self._check(index)

    def _check(self, index: IndexDef) -> None:
        index_type = (index.index_type or "").upper()
        if index_type and index_type not in VECTOR_TYPES | SCALAR_TYPES:
            self._report(
                index.type_node,
                f"Use a Milvus index type instead of `{index.index_type}`: "
                "the server rejects unknown index types.",
                hint="vector: HNSW, IVF_FLAT, DISKANN, AUTOINDEX...; scalar: INVERTED, STL_SORT...",
            )
        metric = index.metric
        if metric and metric not in METRICS:
            if metric.upper() in METRICS:
                message = (
                    f"Write `{metric.upper()}` instead of `{metric}`: "
                    "the server rejects metric names that are not upper-case."
                )
            else:
                message = f"Use a Milvus metric instead of `{metric}`: the server rejects it."
            self._report(index.metric_node, message, hint="float vectors: L2, IP or COSINE")
        for name, node in index.params:
            ignored_by, what = FOREIGN_PARAMS.get(name, ((), ""))
            if index_type in ignored_by:
                self._report(
                    node,
                    f"Remove `{name}` from the {index_type} build params: it is {what} "
                    f"and {index_type} ignores it.",
                    hint=_params_hint(index_type, what),
                )

    def _report(self, node: ast.AST | None, message: str, hint: str) -> None:
        if node is None or id(node) in self.seen:
            return
        self.seen.add(id(node))
        self.report(node, message, hint=hint)
