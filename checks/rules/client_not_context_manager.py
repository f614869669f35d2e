"""MV117 client-not-context-manager."""

from __future__ import annotations

import ast

from checks.rules.base import Invalid, Rule


class ClientNotContextManager(Rule):
    """`with MilvusClient(...)`: MilvusClient is not a context manager, the block never runs."""

    code = "MV117"
    name = "client-not-context-manager"
    severity = "error"
    pymilvus = ">=2.4"  # no MilvusClient.__enter__ in 2.4.15, 2.5.18, 2.6.17 or 3.0.2
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        try:
            client.list_collections()
        finally:
            client.close()
        """,
        # AsyncMilvusClient is an async context manager.
        """
        from pymilvus import AsyncMilvusClient
        async def main():
            async with AsyncMilvusClient("http://localhost:19530") as client:
                await client.list_collections()
        """,
        # Other libraries' clients, and a user's own MilvusClient class.
        """
        from pymilvus import DataType
        from qdrant_client import QdrantClient
        with QdrantClient(":memory:") as client:
            client.get_collections()
        """,
        """
        from pymilvus import DataType
        class MilvusClient:
            def __enter__(self): return self
            def __exit__(self, *exc): return False
        with MilvusClient() as client:
            pass
        """,
        # contextlib.closing gives a client a context manager.
        """
        from contextlib import closing
        from pymilvus import MilvusClient
        with closing(MilvusClient("demo.db")) as client:
            client.list_collections()
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            with MilvusClient("demo.db") as client:
                client.create_collection("docs", dimension=8)
            """,
            line=2,
        ),
        Invalid(
            """
            import pymilvus
            def run(uri):
                with open("rows.json") as f, pymilvus.MilvusClient(uri=uri) as client:
                    client.insert("docs", f.read())
            """,
            line=3,
        ),
        # A sync `with` on the async client fails the same way.
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            def run():
                with AsyncMilvusClient("http://localhost:19530") as client:
                    pass
            """,
            line=3,
        ),
        # Through a name bound to the client.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            with client:
                client.list_collections()
            """,
            line=3,
        ),
    ]

    def visit_With(self, node: ast.With) -> None:
        for item in node.items:
            value = self.ctx.value_of(item.context_expr)
            if value.kind != "client":
                continue
            kind = "AsyncMilvusClient" if value.is_async else "MilvusClient"
            hint = (
                "use `async with AsyncMilvusClient(...)`"
                if value.is_async
                else "bind `client = MilvusClient(...)` and call `client.close()` in a `finally`"
            )
            self.report(
                item.context_expr,
                f"Do not use `{kind}` in a `with` statement: it is not a context manager, so "
                "this raises TypeError before the block runs.",
                hint=hint,
            )
