"""MV105 topk-over-max."""

from __future__ import annotations

import ast

from checks.rules.base import Invalid, Rule
from checks.semantic import dict_get
from checks.signatures import argument

MAX_WINDOW = 16384  # the server's quotaAndLimits.limits.topK and maxQueryResultWindow
# Milvus 2.6.14+: a collection with the property query_mode="large_topk" takes limit + offset up
# to quotaAndLimits.limits.largeTopK / largeMaxQueryResultWindow (pkg/common/common.go QueryModeKey).
QUERY_MODE_KEY, LARGE_TOPK = "query_mode", "large_topk"
LARGE_TOPK_WINDOW = 1_000_000
# What `search` calls its search params, per API (hybrid_search and query take none).
SEARCH_PARAMS = {"client": "search_params", "orm": "param"}


class TopkOverMax(Rule):
    """A literal limit (+offset) above 16384: the server rejects the request."""

    code = "MV105"
    name = "topk-over-max"
    severity = "error"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.search("docs", [[0.1] * 8], limit=16384)
        client.query("docs", filter="id > 0", limit=16000, offset=384)
        it = client.query_iterator("docs", batch_size=1000, limit=1_000_000)
        it = client.search_iterator("docs", [[0.1] * 8], batch_size=500, limit=100_000)
        """,
        # Look-alikes: not Milvus.
        """
        import re
        from pymilvus import MilvusClient
        es.search(index="docs", size=50000, limit=50000)
        db.query("SELECT 1", limit=100000)
        re.search("a", "b")
        """,
        """
        from sqlalchemy.orm import Query
        from pymilvus import MilvusClient
        class Collection:
            def search(self, limit): ...
        Collection().search(limit=20000)
        """,
        # Values we cannot see.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.search("docs", [[0.1] * 8], limit=n)
        client.query("docs", filter="", limit=16000, **paging)
        """,
        """
        from pymilvus import Collection
        col = Collection("docs")
        col.search([[0.1] * 8], "vec", {"metric_type": "L2"}, 100)
        col.query("id > 0", limit=16384)
        """,
        # A client we cannot resolve.
        """
        from pymilvus import MilvusClient
        def fetch(client):
            return client.query("docs", filter="id > 0", limit=100000)
        """,
        # A collection created with a property that lifts the cap.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        client.create_collection(
            "docs", schema=schema, index_params=index_params,
            properties={"query_mode": "large_topk"},
        )
        rows = client.query("docs", filter="id > 0", limit=50000)
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        client.alter_collection_properties("docs", properties={"query_mode": "large_topk"})
        hits = client.search("docs", [[0.1] * 8], limit=100000)
        """,
        # json.load and another library's Collection.
        """
        import json
        from chromadb import Collection
        from pymilvus import MilvusClient
        Collection("docs").query(query_texts=["q"], limit=50000)
        rows = json.load(fp)
        """,
    ]
    INVALID = [
        # Even large_topk stops at 1,000,000.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("http://localhost:19530")
            client.create_collection("docs", schema=schema, properties={"query_mode": "large_topk"})
            rows = client.query("docs", filter="id > 0", limit=2_000_000)
            """,
            line=4,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            rows = client.query("docs", filter="id > 0", limit=100000)
            """,
            line=3,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            MAX_RESULTS = 20000
            client = MilvusClient("demo.db")
            hits = client.search("docs", [[0.1] * 8], limit=MAX_RESULTS)
            """,
            line=4,
        ),
        # limit + offset.
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def page(q):
                client = AsyncMilvusClient("http://localhost:19530")
                return await client.search("docs", [q], limit=10000, search_params={"offset": 10000})
            """,
            line=4,
        ),
        # ORM, positional limit.
        Invalid(
            """
            from pymilvus import Collection
            col = Collection("docs")
            res = col.search([[0.1] * 8], "vec", {"metric_type": "L2"}, 50000)
            """,
            line=3,
        ),
        # Hybrid search and its sub-requests.
        Invalid(
            """
            from pymilvus import MilvusClient, AnnSearchRequest, RRFRanker
            client = MilvusClient("demo.db")
            req = AnnSearchRequest([[0.1] * 8], "dense", {"metric_type": "IP"}, limit=20000)
            client.hybrid_search("docs", [req], RRFRanker(), limit=20000)
            """,
            count=2,
        ),
    ]

    _large_topk_seen: bool | None = None

    def _large_topk(self) -> bool:
        """The module gives a collection `query_mode="large_topk"` (`properties={...}` at
        create or alter): on Milvus 2.6.14+ its window is 1,000,000. Which collection is not
        tracked: the larger cap then holds for the whole module."""
        if self._large_topk_seen is None:
            self._large_topk_seen = "large_topk" in self.ctx.source and any(
                _sets_large_topk(node)
                for node, _ in self.ctx.model.nodes
                if isinstance(node, ast.Dict)
            )
        return self._large_topk_seen

    def visit_Call(self, node: ast.Call) -> None:
        if self.ctx.qualname(node.func) == "pymilvus.AnnSearchRequest":
            self._check(node, argument(node, "AnnSearchRequest", "limit"), None, "AnnSearchRequest")
            return
        read = self.ctx.method_call(node, "search", "hybrid_search", "query")
        if read is None:
            return
        params = None
        if read.method == "search":
            params_arg = read.argument(SEARCH_PARAMS[read.api])
            params = self.ctx.model.dict_literal(params_arg, self.ctx.scope)
        offset = read.argument("offset")
        if offset is None and params is not None:
            offset = dict_get(params, "offset")
        self._check(node, read.argument("limit"), offset, read.method)

    def _check(self, call: ast.Call, limit_node, offset_node, method: str) -> None:
        limit = self.ctx.literal(limit_node)
        if not isinstance(limit, int) or isinstance(limit, bool):
            return
        offset = self.ctx.literal(offset_node) if offset_node is not None else 0
        if not isinstance(offset, int) or isinstance(offset, bool):
            offset = 0  # unknown: limit alone may already be too large
        window_cap = LARGE_TOPK_WINDOW if self._large_topk() else MAX_WINDOW
        if limit + offset <= window_cap:
            return
        window = f"`limit` + `offset` = {limit + offset}" if offset else f"`limit={limit}`"
        iterator = "query_iterator" if method == "query" else "search_iterator"
        self.report(
            limit_node,
            f"Lower {window} to {window_cap} or less: the server rejects larger result windows.",
            hint=f"read more rows by paging with {iterator}",
        )


def _sets_large_topk(mapping: ast.Dict) -> bool:
    return any(
        isinstance(key, ast.Constant)
        and key.value == QUERY_MODE_KEY
        and isinstance(value, ast.Constant)
        and value.value == LARGE_TOPK
        for key, value in zip(mapping.keys, mapping.values, strict=True)
    )
