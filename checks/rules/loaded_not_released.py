"""MV006 loaded-not-released."""

from __future__ import annotations

import ast

from checks.flow import Event, Flow, on_milvus_lite
from checks.rules.base import Invalid, Rule

# Web frameworks and servers: a module that imports one is a long-running service, which should
# keep its hot collections loaded (releasing makes every later read fail with code 101).
SERVICE_PACKAGES = frozenset({
    "fastapi", "flask", "starlette", "aiohttp", "uvicorn", "gunicorn", "django", "gradio",
    "streamlit", "tornado", "sanic", "quart", "litestar", "grpc", "mcp", "fastmcp", "celery",
    "chainlit", "bottle", "falcon", "socketserver",
})  # fmt: skip


class LoadedNotReleased(Rule):
    """A script loads a collection on a server and never releases it nor closes its client."""

    code = "MV006"
    name = "loaded-not-released"
    severity = "info"
    pymilvus_only = True

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        client.create_collection("docs", dimension=8)
        client.search("docs", data=[[0.1] * 8], limit=3)
        client.close()
        """,
        # Milvus Lite: the collection is loaded in this script's own process and ends with it;
        # closing or releasing changes nothing the next run sees (tests/evidence).
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.load_collection("docs")
        print(client.search("docs", data=[[0.1] * 8], limit=3))
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus_demo.db")
        client.create_collection("docs", dimension=8)
        """,
        """
        from pymilvus import connections, Collection
        connections.connect(uri="./milvus_demo.db")
        collection = Collection("documents")
        collection.load()
        print(collection.query(expr="id > 0", limit=3))
        """,
        """
        from pymilvus import connections, Collection
        connections.connect(host="localhost", port="19530")
        collection = Collection("documents")
        collection.load()
        collection.release()
        """,
        # AsyncMilvusClient closes itself at the end of `async with` (MilvusClient has no
        # context manager in pymilvus 3.0).
        """
        from pymilvus import AsyncMilvusClient
        async def main():
            async with AsyncMilvusClient("http://localhost:19530") as client:
                await client.load_collection("docs")
        """,
        # A service keeps hot collections loaded: only script flows are checked.
        """
        from pymilvus import MilvusClient
        def startup(client: MilvusClient):
            client.load_collection("docs")
        """,
        # The client is handed on: somebody else may close it.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        client.load_collection("docs")
        serve(client)
        """,
        """
        from pymilvus import connections, Collection
        collection = Collection("documents")
        collection.load()
        connections.disconnect("default")
        """,
        # A long-running service keeps its collection loaded on purpose.
        """
        from fastapi import FastAPI
        from pymilvus import MilvusClient
        app = FastAPI()
        client = MilvusClient("http://localhost:19530")
        client.load_collection("docs")
        @app.get("/search")
        def search(q: str):
            return client.search("docs", data=[embed(q)], limit=3)
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        client.load_collection("docs")
        while True:
            job = queue.get()
            client.search("docs", data=[job.vector], limit=3)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("http://localhost:19530")
            client.load_collection("docs")
            print(client.search("docs", data=[[0.1] * 8], limit=3))
            """,
            line=3,
        ),
        # A URI the checker cannot read may be a server.
        Invalid(
            """
            import os
            from pymilvus import MilvusClient
            client = MilvusClient(os.environ["MILVUS_URI"])
            client.load_collection("docs")
            """,
            line=4,
        ),
        # Only a module whose every connection is Milvus Lite is Lite for the ORM.
        Invalid(
            """
            from pymilvus import connections, Collection
            connections.connect(uri="./milvus_demo.db")
            connections.connect(alias="prod", uri="http://milvus:19530")
            collection = Collection("documents", using="prod")
            collection.load()
            """,
            line=5,
        ),
        Invalid(
            """
            from pymilvus import Collection
            def main():
                collection = Collection("documents")
                collection.load()
                return collection.query(expr="id > 0", limit=3)
            """,
            line=4,
        ),
        # MilvusClient is no context manager: this `with` closes nothing (it fails at run time).
        Invalid(
            """
            from pymilvus import MilvusClient
            with MilvusClient("http://localhost:19530") as client:
                client.load_collection("docs")
            """,
            line=3,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("http://localhost:19530")
            client.create_collection("docs", dimension=8)
            """,
            line=3,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.loads: list[Event] = []
        self.released: set[str | None] = set()
        self.closed = False

    def visit_Call(self, node: ast.Call) -> None:
        if self.ctx.qualname(node.func) == "pymilvus.connections.disconnect":
            self.closed = True

    def visit_AsyncWith(self, node: ast.AsyncWith) -> None:
        for item in node.items:
            value = self.ctx.value_of(item.context_expr)
            if value.kind == "client" and value.is_async:
                self.closed = True

    def visit_flow(self, flow: Flow) -> None:
        for event in flow.events:
            if event.op in ("release", "drop"):
                self.released.add(event.collection)
            elif event.op == "close" or (event.op == "escape" and event.method != "name"):
                self.closed = True
            elif (
                flow.is_script
                and self._loads(event)
                # Milvus Lite's server ends with the script, and its data stays on disk.
                and not on_milvus_lite(self.ctx.model, flow.scope, event)
            ):
                self.loads.append(event)
        if isinstance(flow.node, ast.Module):
            self._decide()

    def _is_service(self) -> bool:
        """A long-running module: it imports a web framework or server, or loops forever."""
        for node, _ in self.ctx.model.nodes:
            if isinstance(node, ast.Import):
                if any(_is_service_module(a.name) for a in node.names):
                    return True
            elif isinstance(node, ast.ImportFrom):
                if node.level == 0 and _is_service_module(node.module or ""):
                    return True
            elif (
                isinstance(node, ast.While)
                and isinstance(node.test, ast.Constant)
                and node.test.value is True
            ):
                return True
        return False

    @staticmethod
    def _loads(event: Event) -> bool:
        loads = event.op == "load" or (event.op == "create" and event.loads)
        return loads and event.api != "other" and event.collection is not None

    def _decide(self) -> None:
        if self.closed or None in self.released or not self.loads or self._is_service():
            return
        for event in self.loads:
            if event.collection not in self.released:
                self.report(
                    event.call,
                    f"Release collection '{event.collection}' or close the client when the script "
                    "is done: it stays loaded in query-node memory.",
                    hint="client.release_collection(...) / client.close() at the end",
                )
                return


def _is_service_module(module: str) -> bool:
    return module.split(".")[0] in SERVICE_PACKAGES or module.startswith("http.server")
