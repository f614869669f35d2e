"""MV151 iterator-page-closed."""

from __future__ import annotations

import ast

from checks.fixes import ReplaceExpression
from checks.flow import Flow
from checks.rules.base import Invalid, Rule

ITERATORS = ("query_iterator", "search_iterator")


class CloseTheIterator(ReplaceExpression):
    description = "`{old}.close()` → `{new}.close()`"


class IteratorPageClosed(Rule):
    """`close()` called on a page that `iterator.next()` returned, not on the iterator."""

    code = "MV151"
    name = "iterator-page-closed"
    severity = "error"
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
        # Per scope: name -> the values assigned to it ("iterator", ("page", iterator) or None).
        self.bindings: dict[int, dict[str, list]] = {}
        self.closes: dict[int, list[ast.Name]] = {}

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._bind(target, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._bind(node.target, node.value)

    def visit_For(self, node: ast.For) -> None:
        self._bind(node.target, None)

    def visit_With(self, node: ast.With) -> None:
        for item in node.items:
            if item.optional_vars is not None:
                self._bind(item.optional_vars, None)

    def _bind(self, target: ast.AST, value: ast.AST | None) -> None:
        names = [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
        meaning = self._meaning(value) if isinstance(target, ast.Name) else None
        scope = self.bindings.setdefault(id(self.ctx.scope), {})
        for name in names:
            scope.setdefault(name, []).append(meaning)

    def _meaning(self, value: ast.AST | None):
        if not isinstance(value, ast.Call):
            return None
        if self.ctx.method_call(value, *ITERATORS) is not None:
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
        scope = id(flow.scope)
        bindings = self.bindings.get(scope, {})
        for receiver in self.closes.pop(scope, []):
            iterator = self._page_of(bindings, receiver.id)
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

    @staticmethod
    def _page_of(bindings: dict[str, list], name: str) -> str | None:
        """The iterator whose page `name` always is in this scope, or None."""
        meanings = bindings.get(name, [])
        if not meanings or any(not isinstance(m, tuple) for m in meanings):
            return None
        iterators = {m[1] for m in meanings}
        if len(iterators) != 1:
            return None
        (iterator,) = iterators
        values = bindings.get(iterator, [])
        return iterator if values and all(v == "iterator" for v in values) else None
