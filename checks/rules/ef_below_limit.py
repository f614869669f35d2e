"""MV104 ef-below-limit."""

from __future__ import annotations

import ast

from checks.collection.indexes import HNSW_TYPES
from checks.fixes import ReplaceExpression, cst
from checks.flow import Flow
from checks.rules.base import Invalid, Rule
from checks.rules.metric_mismatch import Search, read_search, searched_index
from checks.semantic import dict_get


class RaiseEfToLimit(ReplaceExpression):
    """Raise `ef` to the number of hits the search asks for (limit + offset)."""

    description = "ef {old} → {new}"

    def replacement(self, diagnostic, node):
        return (
            cst.Integer(str(diagnostic.fix_data["ef"])) if isinstance(node, cst.Integer) else None
        )


class EfBelowLimit(Rule):
    """An HNSW search whose ef is smaller than limit (+offset): the server rejects it."""

    code = "MV104"
    name = "ef-below-limit"
    severity = "error"
    pymilvus_only = True
    fix = "safe"
    fixer = RaiseEfToLimit
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        ip = client.prepare_index_params()
        ip.add_index("vector", index_type="HNSW", metric_type="COSINE", params={"M": 16})
        client.create_collection("docs", schema=schema, index_params=ip)
        client.search("docs", [[0.1] * 8], limit=50, search_params={"params": {"ef": 64}})
        client.search("docs", [[0.1] * 8], limit=50, offset=14, search_params={"params": {"ef": 64}})
        client.search("docs", [[0.1] * 8], search_params={"params": {"ef": 10}})
        """,
        # IVF ignores ef: not an HNSW index.
        """
        from pymilvus import Collection
        col = Collection("docs")
        col.create_index("vec", {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 128}})
        col.search([[0.1] * 8], "vec", {"metric_type": "L2", "params": {"ef": 10}}, limit=100)
        """,
        # Quick setup builds AUTOINDEX.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", dimension=8)
        client.search("docs", [[0.1] * 8], limit=100, search_params={"params": {"ef": 10}})
        """,
        # Values we cannot see.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        ip = client.prepare_index_params()
        ip.add_index("vector", index_type="HNSW", metric_type="COSINE")
        client.create_index("docs", ip)
        client.search("docs", [[0.1] * 8], limit=top_k, search_params={"params": {"ef": 10}})
        client.search("docs", [[0.1] * 8], limit=100, search_params={"params": {"ef": ef}})
        client.search("docs", [[0.1] * 8], limit=100, search_params=params)
        client.search("docs", [[0.1] * 8], limit=100, **options)
        """,
        # Look-alikes.
        """
        import re
        from pymilvus import MilvusClient
        es.search(index="docs", size=100, params={"ef": 10})
        re.search("ef", "limit")
        """,
        # The index type differs between branches: not every path is HNSW.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        ip = client.prepare_index_params()
        if fast:
            ip.add_index("vector", index_type="HNSW", metric_type="L2")
        else:
            ip.add_index("vector", index_type="FLAT", metric_type="L2")
        client.create_index("docs", ip)
        client.search("docs", [[0.1] * 8], limit=100, search_params={"params": {"ef": 10}})
        """,
        # json.load, another library's Collection and a class of our own.
        """
        import json
        from pymilvus import MilvusClient
        from chromadb import Collection as Chroma
        class Collection:
            def create_index(self, *args): ...
            def search(self, *args, **kwargs): ...
        col = Collection()
        col.create_index("v", {"index_type": "HNSW", "metric_type": "L2"})
        col.search([[0.1]], "v", {"params": {"ef": 1}}, 100)
        Chroma("docs").query(query_texts=["q"], n_results=100, params={"ef": 1})
        config = json.load(fp)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            ip = client.prepare_index_params()
            ip.add_index("vector", index_type="HNSW", metric_type="COSINE", params={"M": 16})
            client.create_collection("docs", schema=schema, index_params=ip)
            hits = client.search("docs", [[0.1] * 8], limit=100, search_params={"params": {"ef": 64}})
            """,
            line=6,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            ip = client.prepare_index_params()
            ip.add_index("vector", index_type="HNSW", metric_type="COSINE", params={"M": 16})
            client.create_collection("docs", schema=schema, index_params=ip)
            hits = client.search("docs", [[0.1] * 8], limit=100, search_params={"params": {"ef": 100}})
            """,
        ),
        # limit + offset; the ef comes from a module constant.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            ip = client.prepare_index_params("embedding", index_type="HNSW_SQ", metric_type="IP")
            client.create_index("docs", ip)
            SEARCH = {"metric_type": "IP", "params": {"ef": 32}}
            def page(q, n):
                return client.search("docs", [q], limit=20, offset=20, search_params=SEARCH)
            """,
            line=5,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            ip = client.prepare_index_params("embedding", index_type="HNSW_SQ", metric_type="IP")
            client.create_index("docs", ip)
            SEARCH = {"metric_type": "IP", "params": {"ef": 40}}
            def page(q, n):
                return client.search("docs", [q], limit=20, offset=20, search_params=SEARCH)
            """,
        ),
        # ORM.
        Invalid(
            """
            from pymilvus import Collection
            col = Collection("documents")
            col.create_index("embedding", {"index_type": "HNSW", "metric_type": "L2", "params": {"M": 16}})
            col.load()
            res = col.search([[0.1] * 8], "embedding", {"metric_type": "L2", "params": {"ef": 128}}, 500)
            """,
            line=5,
            fixed="""
            from pymilvus import Collection
            col = Collection("documents")
            col.create_index("embedding", {"index_type": "HNSW", "metric_type": "L2", "params": {"M": 16}})
            col.load()
            res = col.search([[0.1] * 8], "embedding", {"metric_type": "L2", "params": {"ef": 500}}, 500)
            """,
        ),
        # Async client; the default limit is 10.
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def run(q):
                client = AsyncMilvusClient("http://localhost:19530")
                ip = client.prepare_index_params()
                ip.add_index("vector", index_type="HNSW", metric_type="L2")
                await client.create_index("docs", ip)
                return await client.search("docs", [q], search_params={"params": {"ef": 8}})
            """,
            line=7,
        ),
        # The index is built elsewhere: ef is HNSW's, and below the limit it fails there (or
        # does nothing on any other index).
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("http://localhost:19530")
            hits = client.search("other", [[0.1] * 8], limit=100, search_params={"params": {"ef": 10}})
            """,
            line=3,
        ),
        Invalid(
            """
            from pymilvus import Collection
            col = Collection("docs")
            res = col.search([[0.1] * 8], "vec", {"metric_type": "L2", "params": {"ef": 16}}, limit=64)
            """,
            line=3,
        ),
        # An offset we cannot see: ef is below the limit already, but the right ef is unknown.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            ip = client.prepare_index_params()
            ip.add_index("vector", index_type="HNSW", metric_type="L2")
            client.create_index("docs", ip)
            client.search("docs", [[0.1] * 8], limit=100, offset=start, search_params={"params": {"ef": 50}})
            """,
            line=6,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.collections = ctx.collections
        self.searches: list[tuple[Search, ast.AST, int]] = []

    def visit_Call(self, node: ast.Call) -> None:
        search = read_search(self.ctx, node)
        if search is None or search.params is None or search.limit is None:
            return
        inner = self.ctx.model.dict_literal(dict_get(search.params, "params"), self.ctx.scope)
        ef_node = dict_get(inner, "ef") if inner is not None else None
        ef = self.ctx.literal(ef_node)
        if isinstance(ef, int) and not isinstance(ef, bool):
            self.searches.append((search, ef_node, ef))

    def visit_flow(self, flow: Flow) -> None:
        if not isinstance(flow.node, ast.Module):
            return
        for search, ef_node, ef in self.searches:
            self._check(search, ef_node, ef)

    def _check(self, search: Search, ef_node: ast.AST, ef: int) -> None:
        k = search.limit + (search.offset or 0)
        if ef >= k:
            return
        defs = searched_index(self.collections, search)
        if defs is not None and any((d.index_type or "").upper() not in HNSW_TYPES for d in defs):
            return
        if defs is None and self._quick_setup(search):
            return
        what = "limit" if not search.offset else "limit + offset"
        exact = search.offset is not None and isinstance(ef_node, ast.Constant)
        if defs is None:
            # The index is not in sight, but `ef` is HNSW's: on HNSW the search fails, on any
            # other index ef does nothing. Either way ef below the limit is wrong.
            message = (
                f"Raise `ef` from {ef} to at least {k}, or drop it: on an HNSW index the server "
                f"rejects a search with {what} = {k} above ef, and other indexes ignore ef."
            )
        else:
            message = (
                f"Raise `ef` from {ef} to at least {k}: HNSW keeps only ef candidates, so the "
                f"server rejects a search with {what} = {k} above ef."
            )
        self.report(
            ef_node,
            message,
            hint="or leave ef out and let the server choose",
            fix=None if exact else "none",
            fix_data={"ef": k},
        )

    def _quick_setup(self, search: Search) -> bool:
        """Quick setup built the index: AUTOINDEX, whose search parameters the guide leaves to
        the server."""
        collection = self.collections.of_call(search.method, search.scope)
        return collection is not None and collection.schema is not None and collection.schema.quick
