"""MV153 async-client-outside-loop."""

from __future__ import annotations

import ast

from checks.rules.base import Invalid, Rule, Valid
from checks.semantic import ASYNC_CLIENT, has_star_kwargs, keyword


class AsyncClientOutsideLoop(Rule):
    """AsyncMilvusClient(...) built at import time, where pymilvus 2.6.4-2.6.9 needs a running loop."""

    code = "MV153"
    name = "async-client-outside-loop"
    severity = "error"
    pymilvus_only = True
    # pymilvus 2.6.4 made the client look for the running event loop when it is built (to key
    # its connection by loop, pymilvus#3095); 2.6.10 defers the connection to the first call.
    pymilvus = ">=2.6.4,<2.6.10"
    editions = frozenset({"2026.11"})

    VALID = [
        Valid(
            """
            import asyncio
            from pymilvus import AsyncMilvusClient
            async def main():
                client = AsyncMilvusClient("http://localhost:19530")
                print(await client.list_collections())
                await client.close()
            asyncio.run(main())
            """,
            pymilvus_version="2.6.9",
        ),
        # A sync function may well run inside the loop (called from async code): unknown.
        Valid(
            """
            from pymilvus import AsyncMilvusClient
            def make_client():
                return AsyncMilvusClient("http://localhost:19530")
            """,
            pymilvus_version="2.6.9",
        ),
        # An explicit alias skips the loop lookup; **kwargs may hold one.
        Valid(
            """
            from pymilvus import AsyncMilvusClient
            client = AsyncMilvusClient("http://localhost:19530", alias="search")
            other = AsyncMilvusClient(**settings)
            """,
            pymilvus_version="2.6.9",
        ),
        # The releases before and after the check.
        Valid(
            """
            from pymilvus import AsyncMilvusClient
            client = AsyncMilvusClient("http://localhost:19530")
            """,
            pymilvus_version="2.6.10",
        ),
        Valid(
            """
            from pymilvus import AsyncMilvusClient
            client = AsyncMilvusClient("http://localhost:19530")
            """,
            pymilvus_version="3.0",
        ),
        # Look-alikes: the sync client, a user class of the same name.
        Valid(
            """
            from pymilvus import MilvusClient
            from myapp.milvus import AsyncMilvusClient
            client = MilvusClient("http://localhost:19530")
            other = AsyncMilvusClient("http://localhost:19530")
            """,
            pymilvus_version="2.6.9",
        ),
    ]
    INVALID = [
        # The shape of the async docs page: a client at module level, used from asyncio.run.
        Invalid(
            """
            import asyncio
            from pymilvus import AsyncMilvusClient
            client = AsyncMilvusClient(uri="http://localhost:19530", token="")
            async def main():
                await client.create_collection("docs", dimension=8)
            asyncio.run(main())
            """,
            line=3,
            pymilvus_version="2.6.9",
        ),
        # A class attribute is built at import time too.
        Invalid(
            """
            import pymilvus
            class Store:
                client = pymilvus.AsyncMilvusClient("http://localhost:19530")
            """,
            line=3,
            pymilvus_version="2.6.4",
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        if not self._at_import_time():
            return
        if self.ctx.qualname(node.func) != ASYNC_CLIENT:
            return
        if keyword(node, "alias") is not None or has_star_kwargs(node):
            return
        self.report(
            node,
            "Create the AsyncMilvusClient inside an async function: on pymilvus "
            f"{self.ctx.options.pymilvus_version} building it at import time, with no event loop "
            'running, raises ConnectionConfigException ("no running event loop").',
            hint="async def main(): client = AsyncMilvusClient(...) ... asyncio.run(main())",
        )

    def _at_import_time(self) -> bool:
        """Module level, or a class body nested only in class bodies: runs when imported."""
        scope = self.ctx.scope
        while scope is not None and scope.kind == "class":
            scope = scope.parent
        return scope is not None and scope.kind == "module"
