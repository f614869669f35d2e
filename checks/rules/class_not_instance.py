"""MV121 class-not-instance."""

from __future__ import annotations

import ast

from checks.api.calls import ApiCalls
from checks.rules.base import Invalid, Rule

_VARIABLES = {"MilvusClient": "client", "AsyncMilvusClient": "client"}


class ClassNotInstance(Rule):
    """An instance method called on the pymilvus class itself: the first argument becomes self."""

    code = "MV121"
    name = "class-not-instance"
    severity = "error"
    pymilvus_only = True
    pymilvus = ">=2.4"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient, DataType
        schema = MilvusClient.create_schema(auto_id=True)
        params = MilvusClient.prepare_index_params()
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=8)
        client = MilvusClient("demo.db")
        client.insert("docs", [{"v": [0.1] * 8}])
        """,
        # Calling the base class's method explicitly, with self.
        """
        from pymilvus import MilvusClient
        class Client(MilvusClient):
            def insert(self, collection_name, data, **kwargs):
                return MilvusClient.insert(self, collection_name, data, **kwargs)
        """,
        # An unbound method passed around, and look-alikes.
        """
        from pymilvus import Collection
        import chromadb
        search = Collection.search
        chromadb.Collection.add(ids=["1"])
        print(Collection.__name__)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            MilvusClient(uri="demo.db")
            MilvusClient.insert("docs", [{"id": 1, "vector": [0.1] * 8}])
            """,
            line=3,
        ),
        Invalid(
            """
            import pymilvus
            pymilvus.connections.connect(uri="demo.db")
            pymilvus.Collection.load("docs")
            """,
            line=3,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            MilvusClient(uri="demo.db")
            MilvusClient.insert("docs", [{"id": 1, "vector": [0.1] * 8}])
            """,
            line=3,
            pymilvus_version="2.4",
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr.startswith("__"):
            return
        calls = self.ctx.shared(ApiCalls)
        called = calls.call(node)
        if called is None or called.target.kind != "class" or called.member == "__init__":
            return
        info = calls.model.cls(called.target.name)
        if info is None or info.enum or called.member in info.static:
            return
        if node.args and _is_self(self.ctx, node.args[0]):
            return  # Base.method(self, ...): an explicit call of the base class's method
        name = called.target.display
        variable = _VARIABLES.get(name, name.lower())
        self.report(
            node,
            f"Call `{func.attr}` on a {name} instance, not on the class: `{name}.{func.attr}(...)` "
            "passes its first argument as `self`, so the call fails (TypeError or AttributeError).",
            hint=f"{variable} = {name}(...); {variable}.{func.attr}(...)",
        )


def _is_self(ctx, expr: ast.expr) -> bool:
    scope = ctx.scope
    return isinstance(expr, ast.Name) and scope.self_name is not None and expr.id == scope.self_name
