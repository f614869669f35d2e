"""MV105 topk-over-max."""

from __future__ import annotations

import ast

from checks.collection.facts import UNKNOWN
from checks.flow import Flow
from checks.rules.base import Invalid, Rule
from checks.semantic import Scope, dict_get
from checks.signatures import MethodCall, argument

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
    pymilvus_only = True
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

    def __init__(self, ctx):
        super().__init__(ctx)
        self.collections = ctx.collections
        # (call, limit, offset, method, the read or None, scope): judged once the module's
        # collections are known (their properties may lift the cap).
        self.pending: list[tuple] = []

    def visit_flow(self, flow: Flow) -> None:
        if isinstance(flow.node, ast.Module):
            for call, limit, offset, method, read, scope in self.pending:
                self._check(call, limit, offset, method, self._window_cap(read, scope))

    def _window_cap(self, read: MethodCall | None, scope: Scope) -> int | None:
        """16384, or 1,000,000 for a collection with query_mode="large_topk" (Milvus 2.6.14+);
        None when the collection's properties are not all in sight."""
        if read is None:  # AnnSearchRequest: its collection is the hybrid_search's
            return LARGE_TOPK_WINDOW if LARGE_TOPK in self.ctx.source else MAX_WINDOW
        collection = self.collections.of_call(read, scope)
        if collection is None:
            return MAX_WINDOW
        properties = collection.properties
        if properties is UNKNOWN:
            return None
        return LARGE_TOPK_WINDOW if properties.get(QUERY_MODE_KEY) == LARGE_TOPK else MAX_WINDOW

    def visit_Call(self, node: ast.Call) -> None:
        if self.ctx.qualname(node.func) == "pymilvus.AnnSearchRequest":
            limit = argument(node, "AnnSearchRequest", "limit")
            self.pending.append((node, limit, None, "AnnSearchRequest", None, self.ctx.scope))
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
        limit = read.argument("limit")
        self.pending.append((node, limit, offset, read.method, read, self.ctx.scope))

    def _check(self, call: ast.Call, limit_node, offset_node, method: str, window_cap) -> None:
        if window_cap is None:
            return
        limit = self.ctx.literal(limit_node)
        if not isinstance(limit, int) or isinstance(limit, bool):
            return
        offset = self.ctx.literal(offset_node) if offset_node is not None else 0
        if not isinstance(offset, int) or isinstance(offset, bool):
            offset = 0  # unknown: limit alone may already be too large
        if limit + offset <= window_cap:
            return
        window = f"`limit` + `offset` = {limit + offset}" if offset else f"`limit={limit}`"
        iterator = "query_iterator" if method == "query" else "search_iterator"
        self.report(
            limit_node,
            f"Lower {window} to {window_cap} or less: the server rejects larger result windows.",
            hint=f"read more rows by paging with {iterator}",
        )
