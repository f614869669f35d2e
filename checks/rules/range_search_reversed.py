"""MV152 range-search-reversed."""

from __future__ import annotations

import ast

from checks.fixes import ReplaceExpression
from checks.flow import Flow
from checks.rules.base import Invalid, Rule
from checks.rules.metric_mismatch import read_search, searched_index
from checks.semantic import dict_get, has_star_kwargs
from checks.signatures import argument

# Metrics whose score grows as vectors get closer: radius is the lower bound of a range search,
# range_filter the upper one. For distances it is the other way round. Both checked on the
# Milvus 2.4 server code (milvus-lite 2.4.12): RangeSearchHelper.cpp refuses the reverse order.
SIMILARITIES = frozenset({"IP", "COSINE"})
DISTANCES = frozenset({"L2"})
ANN_REQUEST = "pymilvus.AnnSearchRequest"


class SwapRangeBounds(ReplaceExpression):
    """Rewrite the params dict with the values of radius and range_filter exchanged."""

    description = "radius and range_filter swapped"


class RangeSearchReversed(Rule):
    """A range search whose radius and range_filter are in the wrong order for its metric."""

    code = "MV152"
    name = "range-search-reversed"
    severity = "error"
    pymilvus_only = True
    fix = "safe"
    fixer = SwapRangeBounds
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.search("docs", [[0.1] * 8], limit=5,
            search_params={"metric_type": "COSINE", "params": {"radius": 0.8, "range_filter": 1.0}})
        client.search("docs", [[0.1] * 8], limit=5,
            search_params={"metric_type": "L2", "params": {"radius": 1.0, "range_filter": 0.2}})
        client.search("docs", [[0.1] * 8], limit=5,
            search_params={"metric_type": "IP", "params": {"radius": 0.4}})
        """,
        # The metric is not visible (the index is built elsewhere), or the bounds are not literal.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.search("docs", [[0.1] * 8], search_params={"params": {"radius": 0.9, "range_filter": 0.5}})
        client.search("docs", [[0.1] * 8],
            search_params={"metric_type": metric, "params": {"radius": 0.9, "range_filter": 0.5}})
        client.search("docs", [[0.1] * 8],
            search_params={"metric_type": "IP", "params": {"radius": low, "range_filter": high}})
        """,
        # Look-alikes: a user wrapper's search, another library's params.
        """
        from pymilvus import MilvusClient
        from database.milvus_client import MilvusDBClient
        client = MilvusDBClient()
        client.search(embeddings=[v], other_search_params={"radius": 0.9, "range_filter": 1.0})
        store.similarity_search(query, search_params={"metric_type": "IP", "params": {"radius": 0.9, "range_filter": 0.1}})
        """,
        # The index's metric decides where the search does not name one.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        index_params = client.prepare_index_params()
        index_params.add_index(field_name="vector", index_type="HNSW", metric_type="L2")
        client.create_index("docs", index_params)
        client.search("docs", [[0.1] * 8], search_params={"params": {"radius": 2.0, "range_filter": 0.5}})
        """,
    ]
    INVALID = [
        # Similarity metric, bounds the distance way round (milvus#31970).
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            hits = client.search(
                "docs",
                [[0.1] * 8],
                limit=10,
                search_params={"metric_type": "COSINE", "params": {"radius": 0.95, "range_filter": 0.8}},
            )
            """,
            line=7,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            hits = client.search(
                "docs",
                [[0.1] * 8],
                limit=10,
                search_params={"metric_type": "COSINE", "params": {"radius": 0.8, "range_filter": 0.95}},
            )
            """,
        ),
        # Distance metric from the index the module builds; params held in a name; ORM search.
        Invalid(
            """
            from pymilvus import Collection
            docs = Collection("docs")
            docs.create_index("embedding", {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 128}})
            SEARCH = {"params": {"nprobe": 16, "radius": 0.2, "range_filter": 1.5}}
            hits = docs.search([[0.1] * 8], "embedding", SEARCH, limit=5)
            """,
            line=4,
            fixed="""
            from pymilvus import Collection
            docs = Collection("docs")
            docs.create_index("embedding", {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 128}})
            SEARCH = {"params": {"nprobe": 16, "radius": 1.5, "range_filter": 0.2}}
            hits = docs.search([[0.1] * 8], "embedding", SEARCH, limit=5)
            """,
        ),
        # Equal bounds are refused too; swapping does not help, so no fix.
        Invalid(
            """
            from pymilvus import AnnSearchRequest
            request = AnnSearchRequest([[0.1] * 8], "vector", {"metric_type": "IP", "params": {"radius": 0.5, "range_filter": 0.5}}, 10)
            """,
            line=2,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.collections = ctx.collections
        # (search or None, inner params dict, radius node, range_filter node, metric or None)
        self.ranges: list[tuple] = []

    def visit_Call(self, node: ast.Call) -> None:
        search = read_search(self.ctx, node)
        if search is not None:
            params = search.params
        elif self.ctx.qualname(node.func) == ANN_REQUEST and not has_star_kwargs(node):
            params = self.ctx.model.dict_literal(
                argument(node, "AnnSearchRequest", "param"), self.ctx.scope
            )
        else:
            return
        if params is None:
            return
        inner = self.ctx.model.dict_literal(dict_get(params, "params"), self.ctx.scope)
        if inner is None:
            return
        radius, range_filter = dict_get(inner, "radius"), dict_get(inner, "range_filter")
        if self._number(radius) is None or self._number(range_filter) is None:
            return
        metric_node = dict_get(params, "metric_type")
        metric = self.ctx.model.string(metric_node, self.ctx.scope) if metric_node else None
        if metric_node is not None and metric is None:
            return  # a metric we cannot read
        self.ranges.append((search, inner, radius, range_filter, metric))

    def visit_flow(self, flow: Flow) -> None:
        if not isinstance(flow.node, ast.Module):
            return
        for search, inner, radius_node, filter_node, metric in self.ranges:
            metric = (metric or self._index_metric(search) or "").upper()
            self._check(inner, radius_node, filter_node, metric)

    def _index_metric(self, search) -> str | None:
        defs = searched_index(self.collections, search) if search is not None else None
        metrics = {d.metric for d in defs or ()}
        return metrics.pop() if len(metrics) == 1 else None

    def _check(self, inner, radius_node, filter_node, metric: str) -> None:
        radius, range_filter = self._number(radius_node), self._number(filter_node)
        if metric in SIMILARITIES:
            if range_filter > radius:
                return
            order, meaning = "greater", "larger scores are closer"
        elif metric in DISTANCES:
            if range_filter < radius:
                return
            order, meaning = "less", "smaller distances are closer"
        else:
            return
        equal = radius == range_filter
        action = (
            f"Make range_filter {order} than radius" if equal else "Swap radius and range_filter"
        )
        self.report(
            inner,
            f"{action}: for {metric} ({meaning}) range_filter must be {order} than radius, and "
            f"the server refuses radius={radius}, range_filter={range_filter} (Milvus Lite 3 "
            "returns no hits).",
            hint=None if equal else f"radius={range_filter}, range_filter={radius}",
            fix="none" if equal else None,
            fix_data={}
            if equal
            else {"replacement": self._swapped(inner, radius_node, filter_node)},
        )

    def _number(self, node: ast.AST | None) -> float | None:
        value = self.ctx.literal(node) if node is not None else None
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return value

    def _swapped(self, inner: ast.Dict, radius: ast.AST, range_filter: ast.AST) -> str:
        """The source of `inner` with the two values exchanged (spans within its own text)."""
        text = self.ctx.text(inner).encode()
        first_line, first_col = inner.lineno, inner.col_offset

        def offset(line: int, col: int) -> int:
            lines = text.split(b"\n")
            before = sum(len(ln) + 1 for ln in lines[: line - first_line])
            return before + (col - first_col if line == first_line else col)

        spans = sorted(
            (offset(n.lineno, n.col_offset), offset(n.end_lineno, n.end_col_offset), n)
            for n in (radius, range_filter)
        )
        (a_start, a_end, _), (b_start, b_end, _) = spans
        a_text, b_text = text[a_start:a_end], text[b_start:b_end]
        swapped = text[:a_start] + b_text + text[a_end:b_start] + a_text + text[b_end:]
        return swapped.decode()
