"""MV150 orm-connection-missing."""

from __future__ import annotations

import ast

from checks.flow import Flow
from checks.rules.base import Invalid, Rule
from checks.semantic import ASYNC_CLIENT, CLIENT, has_star_kwargs, keyword

DEFAULT = "default"
CONNECT = "pymilvus.connections.connect"
# Where `using` sits among the positional parameters of the ORM calls that need a connection
# (pymilvus 3.0.2 orm/collection.py, orm/utility.py, orm/db.py; the same in 2.4.15). A call that
# passes that many positional arguments names its alias itself.
USING_POSITION = {
    "Collection": 2,
    "has_collection": 1, "has_partition": 2, "drop_collection": 2, "list_collections": 1,
    "loading_progress": 2, "load_state": 2, "wait_for_loading_complete": 3,
    "index_building_progress": 2, "wait_for_index_building_complete": 3, "rename_collection": 4,
    "truncate_collection": 2, "create_alias": 3, "drop_alias": 2, "alter_alias": 3,
    "list_aliases": 2, "do_bulk_insert": 4, "get_bulk_insert_state": 2,
    "list_bulk_insert_tasks": 3, "get_server_version": 0, "get_server_type": 0, "flush_all": 0,
    "list_indexes": 1, "create_user": 2, "list_users": 1, "list_roles": 1,
    "using_database": 1, "create_database": 1, "drop_database": 1, "list_database": 0,
    "describe_database": 1,
}  # fmt: skip
_OWNERS = ("pymilvus.utility.", "pymilvus.db.", "pymilvus.")


class OrmConnectionMissing(Rule):
    """An ORM call on a connection alias the module never connects: it raises at run time."""

    code = "MV150"
    name = "orm-connection-missing"
    severity = "error"
    pymilvus_only = True
    editions = frozenset({"2026.11"})

    VALID = [
        # The alias is passed along.
        """
        from pymilvus import Collection, connections, utility
        connections.connect(alias="search", uri="http://localhost:19530")
        if utility.has_collection("docs", using="search"):
            docs = Collection("docs", using="search")
        """,
        # The default connection, named or not.
        """
        from pymilvus import Collection, connections, utility
        connections.connect("default", host="localhost", port="19530")
        print(utility.list_collections())
        """,
        """
        from pymilvus import Collection, connections
        def open_docs():
            connections.connect(uri="http://localhost:19530")
            return Collection("docs")
        """,
        # An alias we cannot read, or connection arguments we cannot see: unknown means silent.
        """
        from pymilvus import Collection, connections, utility
        def connect(alias: str = "default"):
            connections.connect(alias=alias, host="localhost", port="19530")
        print(utility.list_collections())
        """,
        """
        from pymilvus import Collection, connections
        connections.connect(**settings.milvus)
        docs = Collection("docs")
        """,
        # Positional `using` (Collection's third parameter, has_collection's second).
        """
        from pymilvus import Collection, connections, utility
        connections.connect("search")
        docs = Collection("docs", None, "search")
        found = utility.has_collection("docs", "search")
        """,
        # A MilvusClient beside ORM calls that name the client's alias.
        """
        from pymilvus import Collection, MilvusClient, utility
        client = MilvusClient("http://localhost:19530")
        if utility.has_collection("docs", using=client._using):
            docs = Collection("docs", using=client._using)
        """,
        # No connection made in this module at all: it may come from another one.
        """
        from pymilvus import Collection, utility
        def get_docs():
            return Collection("docs")
        """,
        # Look-alikes: another library's Collection and connect; a user class named MilvusClient.
        """
        import chromadb
        from qdrant_client import QdrantClient
        from pymilvus import connections
        connections.connect(alias="a")
        store = chromadb.Client().get_or_create_collection("docs")
        qdrant = QdrantClient(url="http://localhost:6333")
        qdrant.get_collection("docs")
        """,
        """
        from pymilvus import Collection
        from myapp.db import MilvusClient, connect
        client = MilvusClient()
        connect()
        docs = Collection("docs")
        """,
        # Imported but never called.
        """
        from pymilvus import Collection, MilvusClient
        client = MilvusClient("./milvus.db")
        client.create_collection("docs", dimension=8)
        """,
    ]
    INVALID = [
        # The agent's script: a named connection, then ORM calls on the default one.
        Invalid(
            """
            from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections, utility
            connections.connect(alias="milvus_main", host="localhost", port="19530")
            fields = [
                FieldSchema(name="id", dtype=DataType.INT64, is_primary=True),
                FieldSchema(name="vector", dtype=DataType.FLOAT_VECTOR, dim=8),
            ]
            if not utility.has_collection("docs"):
                docs = Collection("docs", CollectionSchema(fields))
            """,
            line=7,
            count=2,
        ),
        Invalid(
            """
            from pymilvus import Collection, connections
            ALIAS = "search"
            def connect():
                connections.connect(alias=ALIAS, uri="http://localhost:19530")
            def open_docs():
                return Collection("docs")
            """,
            line=6,
        ),
        # Only a MilvusClient is made: the ORM has no connection at all (pymilvus#1643).
        Invalid(
            """
            from pymilvus import MilvusClient, utility
            client = MilvusClient(uri="http://localhost:19530")
            if utility.has_collection("docs"):
                client.drop_collection("docs")
            """,
            line=3,
        ),
        Invalid(
            """
            import pymilvus
            async def main():
                client = pymilvus.AsyncMilvusClient("http://localhost:19530")
                names = pymilvus.utility.list_collections()
            """,
            line=4,
        ),
        Invalid(
            """
            from pymilvus import Collection, MilvusClient
            client = MilvusClient("./milvus.db")
            client.create_collection("docs", dimension=8)
            docs = Collection("docs")
            docs.load()
            """,
            line=4,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.connected: set[str] = set()
        self.unknown_alias = False  # a connect whose alias we cannot read
        self.client_call: ast.Call | None = None
        self.orm_calls: list[tuple[ast.Call, str, str]] = []  # (call, what, alias)

    def visit_Call(self, node: ast.Call) -> None:
        qualname = self.ctx.qualname(node.func)
        if qualname is None:
            return
        if qualname == CONNECT:
            self._connect(node)
        elif qualname in (CLIENT, ASYNC_CLIENT):
            self.client_call = self.client_call or node
        else:
            self._orm_call(node, qualname)

    def _connect(self, node: ast.Call) -> None:
        alias_node = keyword(node, "alias")
        alias_node = alias_node.value if alias_node else (node.args[0] if node.args else None)
        if alias_node is None:
            if has_star_kwargs(node):
                self.unknown_alias = True
            else:
                self.connected.add(DEFAULT)
            return
        alias = self.ctx.literal(alias_node)
        if isinstance(alias, str):
            self.connected.add(alias)
        else:
            self.unknown_alias = True

    def _orm_call(self, node: ast.Call, qualname: str) -> None:
        owner = next((o for o in _OWNERS if qualname.startswith(o)), None)
        name = qualname.removeprefix(owner) if owner else None
        if name not in USING_POSITION or "." in name or has_star_kwargs(node):
            return
        if name == "Collection" and owner != "pymilvus.":
            return
        using = keyword(node, "using")
        if using is not None:
            alias = self.ctx.literal(using.value)
        elif len(node.args) > USING_POSITION[name]:
            alias = self.ctx.literal(node.args[USING_POSITION[name]])
        else:
            alias = DEFAULT
        if isinstance(alias, str):
            self.orm_calls.append((node, self.ctx.text(node.func), alias))

    def visit_flow(self, flow: Flow) -> None:
        if not isinstance(flow.node, ast.Module) or self.unknown_alias:
            return
        for call, what, alias in self.orm_calls:
            if alias in self.connected:
                continue
            if self.connected:
                named = ", ".join(f'"{a}"' for a in sorted(self.connected))
                target = named if len(self.connected) == 1 else "the alias you connected"
                self.report(
                    call,
                    f'Pass using={target} to `{what}(...)`: it runs on the "{alias}" '
                    f"connection, which this module never connects (only {named}), and raises "
                    "ConnectionNotExistException.",
                    hint=f"{what}(..., using={target})",
                )
            elif self.client_call is not None and alias == DEFAULT:
                self.report(
                    call,
                    f"Use the MilvusClient instead of `{what}(...)`: this module makes no ORM "
                    "connection (a MilvusClient has its own), so the call raises "
                    "ConnectionNotExistException.",
                    hint="client.has_collection(...), client.list_collections(), "
                    "client.load_collection(...), ...",
                )
