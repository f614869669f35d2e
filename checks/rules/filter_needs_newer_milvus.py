"""MV141 filter-needs-newer-milvus."""

from __future__ import annotations

import ast

from checks.expr.calls import Filters
from checks.rules.base import Invalid, Rule, Valid


class FilterNeedsNewerMilvus(Rule):
    """Filter construct that the target's Milvus release does not have yet."""

    code = "MV141"
    name = "filter-needs-newer-milvus"
    severity = "error"
    pymilvus_only = True
    fix = "none"
    editions = frozenset({"2026.11"})

    VALID = [
        # Every construct here is in Milvus 2.4.
        Valid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.query("docs", filter='meta["a"] > 1 and tags[0] == "x" or id not in [1]', limit=5)
            client.query("docs", filter="array_length(tags) > 2 and json_contains(meta['t'], 1)", limit=5)
            client.query("docs", filter="exists meta['k']", limit=5)
            """,
            pymilvus_version="2.4",
        ),
        # The same constructs on 2.5, where they arrived.
        Valid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.query("docs", filter="age > {a} AND name IS NOT NULL", filter_params={"a": 1}, limit=5)
            client.search("docs", [[0.1]], filter="text_match(body, 'vector database')")
            """,
            pymilvus_version="2.5",
        ),
        # A hole the code fills in may be a list: `in` is fine.
        Valid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.query("docs", filter=f"id in {ids}", limit=5)
            """,
            pymilvus_version="2.4",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.query("docs", filter="deleted_at is null", limit=5)
            """,
            line=3,
            pymilvus_version="2.4",
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.search("docs", [[0.1]], filter="text_match(body, 'milvus')", limit=5)
            """,
            line=3,
            pymilvus_version="2.4",
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.query("docs", filter="age > {a}", filter_params={"a": 1}, limit=5)
            """,
            line=3,
            pymilvus_version="2.4",
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.query("docs", filter="random_sample(0.01)", limit=5)
            """,
            line=3,
            pymilvus_version="2.5",
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        filters = self.ctx.shared(Filters)
        use = filters.first_use(node)
        problem = filters.version_problem(use) if use is not None else None
        if problem is None:
            return
        self.report(
            use.place(problem.start, problem.end),
            f"{problem.message}.",
            hint=problem.hint
            or "upgrade the Milvus server (and pymilvus) or write the filter without it",
        )
