"""MV151 iterator-page-closed."""

from __future__ import annotations

import ast

from checks.fixes import ReplaceExpression
from checks.flow import Flow
from checks.rules.base import Invalid, Rule
from checks.semantic import Scope

ITERATORS = ("query_iterator", "search_iterator")


class CloseTheIterator(ReplaceExpression):
    description = "`{old}.close()` → `{new}.close()`"


class IteratorPageClosed(Rule):
    """`close()` called on a page that `iterator.next()` returned, not on the iterator."""

    code = "MV151"
    name = "iterator-page-closed"
    severity = "error"
    call_names = frozenset({"close"})
    fix = "safe"
    fixer = CloseTheIterator
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        iterator = client.query_iterator("docs", batch_size=100, filter="id >= 0")
        while True:
            page = iterator.next()
            if not page:
                iterator.close()
                break
        """,
        # A page name rebound to something else that can be closed.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        iterator = client.search_iterator("docs", data=[[0.1] * 8], batch_size=10)
        result = iterator.next()
        result = open("out.txt", "w")
        result.close()
        """,
        # Look-alikes: a file's next(), another library's iterator, an unknown receiver.
        """
        import csv
        from pymilvus import MilvusClient
        rows = csv.reader(open("data.csv"))
        handle = open("data.csv")
        line = handle.next()
        cursor = db.query_iterator("select 1")
        batch = cursor.next()
        batch.close()
        """,
        """
        from pymilvus import MilvusClient
        def drain(iterator):
            page = iterator.next()
            page.close()
        """,
    ]
    INVALID = [
        # The shape of the official iterator example, with the wrong receiver.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            iterator = client.query_iterator("docs", batch_size=100, filter="id >= 0")
            rows = []
            while True:
                result = iterator.next()
                if not result:
                    result.close()
                    break
                rows.extend(result)
            """,
            line=8,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            iterator = client.query_iterator("docs", batch_size=100, filter="id >= 0")
            rows = []
            while True:
                result = iterator.next()
                if not result:
                    iterator.close()
                    break
                rows.extend(result)
            """,
        ),
        # The ORM collection's search iterator, in a function.
        Invalid(
            """
            from pymilvus import Collection
            def scan(vectors):
                docs = Collection("docs")
                it = docs.search_iterator(vectors, "vector", {"metric_type": "L2"}, 10)
                hits = it.next()
                hits.close()
                return hits
            """,
            line=6,
            fixed="""
            from pymilvus import Collection
            def scan(vectors):
                docs = Collection("docs")
                it = docs.search_iterator(vectors, "vector", {"metric_type": "L2"}, 10)
                hits = it.next()
                it.close()
                return hits
            """,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.closes: dict[int, list[ast.Name]] = {}  # per scope: `name.close()` receivers

    def _meaning(self, value, scope: Scope):
        """What one definition of a name binds: "iterator", ("page", iterator name) or None."""
        if not isinstance(value, ast.Call):
            return None
        if self.ctx.model.method_call(value, scope, *ITERATORS) is not None:
            return "iterator"
        func = value.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "next"
            and isinstance(func.value, ast.Name)
            and not value.args
        ):
            return ("page", func.value.id)
        return None

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "close"
            and isinstance(func.value, ast.Name)
            and not node.args
            and not node.keywords
        ):
            self.closes.setdefault(id(self.ctx.scope), []).append(func.value)

    def visit_flow(self, flow: Flow) -> None:
        for receiver in self.closes.pop(id(flow.scope), []):
            iterator = self._page_of(flow.scope, receiver.id)
            if iterator is None:
                continue
            self.report(
                receiver,
                f"Call `{iterator}.close()`, not `{receiver.id}.close()`: `{receiver.id}` is a page "
                f"of results from `{iterator}.next()`, which has no close() (AttributeError), and "
                "the iterator stays open.",
                hint=f"{iterator}.close()",
                fix_data={"replacement": iterator},
            )

    def _page_of(self, scope: Scope, name: str) -> str | None:
        """The iterator whose page `name` always is in this scope (every definition the
        semantic model has of it), or None."""
        meanings = [self._meaning(value, scope) for value in scope.defs.get(name, ())]
        if not meanings or any(not isinstance(m, tuple) for m in meanings):
            return None
        iterators = {m[1] for m in meanings}
        if len(iterators) != 1:
            return None
        (iterator,) = iterators
        values = [self._meaning(value, scope) for value in scope.defs.get(iterator, ())]
        return iterator if values and all(v == "iterator" for v in values) else None
