"""MV115 query-without-filter-or-limit."""

from __future__ import annotations

import ast

from checks.rules.base import Invalid, Rule
from checks.semantic import has_star_kwargs, keyword


class QueryWithoutFilterOrLimit(Rule):
    """Query with no filter, no ids and no limit, which the server rejects."""

    code = "MV115"
    call_names = frozenset({"query"})
    pymilvus_only = True
    name = "query-without-filter-or-limit"
    severity = "error"
    fix = "none"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.query("docs", filter="id > 0")
        client.query("docs", "id in [1, 2]")
        client.query("docs", ids=[1, 2])
        client.query("docs", limit=10)
        client.query("docs", filter="", limit=10, output_fields=["id"])
        """,
        # A count with an empty filter is allowed.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.query("docs", filter="", output_fields=["count(*)"])
        client.query(collection_name="docs", output_fields=["count(*)"])
        """,
        # A filter or output fields we cannot read, or arguments hidden in **kwargs.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.query("docs", filter=expr)
        client.query("docs", output_fields=fields)
        client.query("docs", **options)
        client.query(*args)
        """,
        # Look-alikes: not Milvus.
        """
        import sqlite3
        from pymilvus import MilvusClient
        db = sqlite3.connect("x.db")
        db.query("docs")
        session.query("docs")
        df.query("")
        """,
        """
        from pymilvus import MilvusClient
        from mylib import Collection
        col = Collection("docs")
        col.query("")
        """,
        """
        import json
        from pymilvus import MilvusClient
        class Collection:
            def query(self, expr=""): ...
        Collection().query()
        json.load(open("x.json"))
        """,
        """
        from pymilvus import Collection
        col = Collection("docs")
        col.query("id > 0")
        col.query(expr="", limit=100)
        col.query("", output_fields=["count(*)"])
        """,
        # get() is a different call.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.get("docs", ids=[1, 2])
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            rows = client.query("docs")
            """,
            line=3,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient(uri="http://localhost:19530")
            rows = client.query(collection_name="docs", filter="", output_fields=["id", "text"])
            """,
            line=3,
        ),
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def dump():
                client = AsyncMilvusClient("http://localhost:19530")
                return await client.query("docs", output_fields=["*"])
            """,
            line=4,
        ),
        # ORM: an empty expr and no limit.
        Invalid(
            """
            from pymilvus import Collection
            col = Collection("docs")
            everything = col.query(expr="", output_fields=["id"])
            """,
            line=3,
        ),
        Invalid(
            """
            from pymilvus import Collection
            EMPTY = ""
            col = Collection("docs")
            col.query(EMPTY)
            """,
            line=4,
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        query = self.ctx.method_call(node, "query")
        if query is None or has_star_kwargs(node):
            return
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            return
        argument = "filter" if query.api == "client" else "expr"
        condition = query.argument(argument)
        if query.api == "client":
            ids = query.argument("ids")
            if ids is not None and not _is_none(ids):
                return
        elif condition is None:
            return  # Collection.query(expr, ...) requires expr: without it, a TypeError
        if condition is not None and self.ctx.literal(condition) != "":
            return
        output_fields = query.argument("output_fields")
        if keyword(node, "limit") is not None or not self._plain_output(output_fields):
            return
        self.report(
            node,
            f"Give this `query` a `{argument}` or a `limit`: the server rejects an empty "
            "expression without a limit.",
            hint="add `limit=...`, or use `query_iterator` to read every row; "
            'counting rows takes `output_fields=["count(*)"]`',
        )

    def _plain_output(self, output_fields: ast.expr | None) -> bool:
        """Output fields known not to ask for `count(*)`."""
        if output_fields is None:
            return True
        if not isinstance(output_fields, (ast.List, ast.Tuple)):
            return False
        names = [self.ctx.literal(element) for element in output_fields.elts]
        return all(
            isinstance(name, str) and name.replace(" ", "").lower() != "count(*)" for name in names
        )


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
