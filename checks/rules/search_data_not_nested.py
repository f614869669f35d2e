"""MV116 search-data-not-nested."""

from __future__ import annotations

import ast

from checks.fixes import ReplaceExpression, cst
from checks.rules.base import Invalid, Rule


class WrapVectorInList(ReplaceExpression):
    """Wrap the flat query vector in a list: a batch of one query."""

    description = "wrap `{old}` in a list"

    def replacement(self, diagnostic, node):
        # The vector's own parentheses, if any, go around the new list.
        return cst.List(elements=[cst.Element(value=node.with_changes(lpar=[], rpar=[]))])


class SearchDataNotNested(Rule):
    """Search data is one flat vector instead of a list of vectors."""

    code = "MV116"
    call_names = frozenset({"search"})
    pymilvus_only = True
    name = "search-data-not-nested"
    severity = "error"
    fix = "safe"
    fixer = WrapVectorInList
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.search("docs", data=[[0.1, 0.2, 0.3]], limit=3)
        client.search("docs", [[0.1] * 8], limit=3)
        client.search("docs", data=[[0.1] * 8, [0.2] * 8])
        """,
        # Shape unknown: an embedding call, a parameter, a loop variable.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        vector = embed("hello")
        client.search("docs", data=vector, limit=3)
        def find(client: MilvusClient, query_vector):
            return client.search("docs", data=query_vector)
        for q in queries:
            client.search("docs", data=q)
        """,
        # Full-text search takes a list of strings.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.search("docs", data=["what is milvus"], anns_field="sparse", limit=3)
        """,
        # A name bound to a nested literal, or rebound: not one flat vector for sure.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        queries = [[0.1, 0.2], [0.3, 0.4]]
        client.search("docs", data=queries)
        q = [0.1, 0.2]
        q = [q]
        client.search("docs", data=q)
        """,
        # Look-alikes: not Milvus.
        """
        import re
        from pymilvus import MilvusClient
        from elasticsearch import Elasticsearch
        es = Elasticsearch()
        es.search(index="docs", data=[0.1, 0.2])
        re.search("a", "b")
        index.search([0.1, 0.2, 0.3], k=3)
        """,
        """
        from pymilvus import MilvusClient
        from mylib import Collection
        col = Collection("docs")
        col.search([0.1, 0.2, 0.3], "vec", {}, limit=3)
        """,
        """
        import pymilvus
        class Collection:
            def search(self, vector): ...
        Collection().search([0.1, 0.2, 0.3])
        """,
        # ORM with a nested vector.
        """
        from pymilvus import Collection
        col = Collection("docs")
        col.search([[0.1, 0.2, 0.3]], "vec", {"metric_type": "L2"}, limit=3)
        col.search(data=[[0.1] * 3], anns_field="vec", param={}, limit=3)
        """,
        # Search by primary keys: no data at all.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.search("docs", ids=[1, 2], limit=3)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            hits = client.search("docs", data=[0.1, 0.2, 0.3], limit=3)
            """,
            line=3,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            hits = client.search("docs", data=[[0.1, 0.2, 0.3]], limit=3)
            """,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient(uri="http://localhost:19530")
            hits = client.search("docs", [0.1] * 8, limit=3)
            """,
            line=3,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient(uri="http://localhost:19530")
            hits = client.search("docs", [[0.1] * 8], limit=3)
            """,
        ),
        # A name bound to one flat vector.
        Invalid(
            """
            from pymilvus import MilvusClient
            QUERY = [0.12, -0.5, 0.33, 0.9]
            client = MilvusClient("./milvus.db")
            def run():
                return client.search(collection_name="docs", data=QUERY, limit=5)
            """,
            line=5,
            fixed="""
            from pymilvus import MilvusClient
            QUERY = [0.12, -0.5, 0.33, 0.9]
            client = MilvusClient("./milvus.db")
            def run():
                return client.search(collection_name="docs", data=[QUERY], limit=5)
            """,
        ),
        # Async client.
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def run():
                client = AsyncMilvusClient("http://localhost:19530")
                return await client.search("docs", data=[1, 2, 3, 4], limit=3)
            """,
            line=4,
            fixed="""
            from pymilvus import AsyncMilvusClient
            async def run():
                client = AsyncMilvusClient("http://localhost:19530")
                return await client.search("docs", data=[[1, 2, 3, 4]], limit=3)
            """,
        ),
        # ORM: data is the first positional argument.
        Invalid(
            """
            from pymilvus import Collection
            col = Collection("docs")
            col.search([0.1, 0.2, 0.3], "vec", {"metric_type": "L2"}, limit=3)
            """,
            line=3,
            fixed="""
            from pymilvus import Collection
            col = Collection("docs")
            col.search([[0.1, 0.2, 0.3]], "vec", {"metric_type": "L2"}, limit=3)
            """,
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        search = self.ctx.method_call(node, "search")
        data = search.argument("data") if search is not None else None
        if data is None or not self._is_flat_vector(data):
            return
        text = self.ctx.text(data)
        self.report(
            data,
            "Wrap this vector in a list (`data=[vector]`): search takes a list of query vectors.",
            hint="pymilvus rejects one flat vector: ParamError `search_data` value ... is illegal",
            fix_data={"replacement": f"[{text}]"},
        )

    def _is_flat_vector(self, expr: ast.expr) -> bool:
        """A literal list of numbers (`[0.1, 0.2]`, `[0.1] * 8`), inline or bound to a name."""
        bound = self.ctx.model.binding(expr, self.ctx.scope)
        if bound is not None:
            expr = bound[0]
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mult):
            left, right = expr.left, expr.right
            if isinstance(right, ast.List):
                left, right = right, left
            return (
                isinstance(left, ast.List)
                and isinstance(right, ast.Constant)
                and type(right.value) is int
                and _numbers(left)
            )
        return isinstance(expr, ast.List) and _numbers(expr)


def _numbers(node: ast.List) -> bool:
    """A non-empty list literal of int/float constants (a leading minus allowed)."""
    if not node.elts:
        return False
    for element in node.elts:
        if isinstance(element, ast.UnaryOp) and isinstance(element.op, (ast.USub, ast.UAdd)):
            element = element.operand
        if not (isinstance(element, ast.Constant) and type(element.value) in (int, float)):
            return False
    return True
