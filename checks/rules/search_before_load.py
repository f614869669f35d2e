"""MV001 search-before-load."""

from __future__ import annotations

from checks.fixes import Fixer
from checks.flow import Event, Flow, dominates
from checks.rules.base import Invalid, Rule


class InsertLoadCall(Fixer):
    """Insert the load call as a statement of its own before the statement holding the read."""

    local = True

    def leave_Module(self, original_node, updated_node):
        return self.insert_before(
            original_node,
            updated_node,
            lambda d: d.fix_data.get("load_call"),
            lambda d, call: f"insert `{call}` before the read",
        )

    leave_IndentedBlock = leave_SimpleStatementSuite = leave_Module


class SearchBeforeLoad(Rule):
    """Search, query or get on a collection that this flow created or released and never loaded."""

    code = "MV001"
    name = "search-before-load"
    severity = "error"
    fix = "safe"
    fixer = InsertLoadCall

    VALID = [
        # Quick setup creates an AUTOINDEX and loads.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", dimension=8)
        client.search("docs", data=[[0.1] * 8], limit=3)
        """,
        # index_params given: create_collection creates the index and loads.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        index_params = client.prepare_index_params()
        index_params.add_index("vector", index_type="AUTOINDEX", metric_type="COSINE")
        client.create_collection("docs", schema=schema, index_params=index_params)
        client.search("docs", data=[[0.1] * 8], limit=3)
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", schema=schema)
        client.create_index("docs", index_params)
        client.load_collection("docs")
        client.query("docs", filter="id > 0", limit=3)
        """,
        # A load in a branch may run: stay silent.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", schema=schema)
        if warm:
            client.load_collection(collection_name="docs")
        client.search("docs", data=[[0.1] * 8])
        """,
        # Created only on one path: the read may be on an existing, loaded collection.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        if not client.has_collection("docs"):
            client.create_collection("docs", schema=schema)
        client.search("docs", data=[[0.1] * 8])
        """,
        # The client escapes to code we cannot see, which may load.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", schema=schema)
        prepare(client)
        client.search("docs", data=[[0.1] * 8])
        """,
        # Unknown collection name.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection(name, schema=schema)
        client.search(name, data=[[0.1] * 8])
        """,
        # ORM: Collection(name) without a schema gets an existing collection.
        """
        from pymilvus import Collection
        col = Collection("docs")
        col.search([[0.1] * 8], "vec", {}, limit=3)
        """,
        """
        from pymilvus import Collection
        col = Collection("docs", schema)
        col.create_index("vec", {"index_type": "HNSW", "metric_type": "L2", "params": {}})
        col.load()
        col.search([[0.1] * 8], "vec", {}, limit=3)
        """,
        # Not pymilvus: another library's Collection and an unrelated client.
        """
        from mylib import Collection
        col = Collection("docs", schema)
        col.search("query")
        """,
        """
        import re
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        re.search("a", "b")
        es.search(index="docs")
        """,
        # The read is in a nested function: another flow.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", schema=schema)
        def later():
            return client.search("docs", data=[[0.1] * 8])
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_collection("docs", schema=schema)
            client.insert("docs", rows)
            hits = client.search("docs", data=[[0.1] * 8], limit=3)
            """,
            line=5,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_collection("docs", schema=schema)
            client.insert("docs", rows)
            client.load_collection("docs")
            hits = client.search("docs", data=[[0.1] * 8], limit=3)
            """,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient as MC
            NAME = "docs"
            def main():
                client = MC(uri="http://localhost:19530")
                client.create_collection(collection_name=NAME, schema=schema, index_params=None)
                for q in queries:
                    client.query(collection_name=NAME, filter="id > 0")
            """,
            line=7,
        ),
        # Released, then read again.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_collection("docs", dimension=8)
            client.release_collection("docs")
            client.get("docs", ids=[1])
            """,
            line=5,
        ),
        # Async client.
        Invalid(
            """
            import pymilvus
            async def run():
                client = pymilvus.AsyncMilvusClient("http://localhost:19530")
                await client.create_collection("docs", schema=schema)
                return await client.search("docs", data=[[0.1] * 8])
            """,
            line=5,
            fixed="""
            import pymilvus
            async def run():
                client = pymilvus.AsyncMilvusClient("http://localhost:19530")
                await client.create_collection("docs", schema=schema)
                await client.load_collection("docs")
                return await client.search("docs", data=[[0.1] * 8])
            """,
        ),
        # ORM: the seed guide's pattern without its load().
        Invalid(
            """
            from pymilvus import Collection, CollectionSchema
            collection = Collection("documents", schema)
            collection.insert(data)
            collection.create_index("embedding", index_params)
            results = collection.search([q], "embedding", {"params": {"ef": 64}}, limit=10)
            """,
            line=5,
            fixed="""
            from pymilvus import Collection, CollectionSchema
            collection = Collection("documents", schema)
            collection.insert(data)
            collection.create_index("embedding", index_params)
            collection.load()
            results = collection.search([q], "embedding", {"params": {"ef": 64}}, limit=10)
            """,
        ),
        # Only the first read is reported: one load fixes them all.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_collection("docs", schema=schema)
            client.search("docs", data=[[0.1] * 8])
            client.query("docs", filter="id > 0")
            """,
            line=4,
        ),
        # self.client in a class.
        Invalid(
            """
            from pymilvus import MilvusClient
            class Store:
                def __init__(self):
                    self.client = MilvusClient("demo.db")
                def build(self):
                    self.client.create_collection("docs", schema=SCHEMA)
                    return self.client.search("docs", data=[[0.1] * 8])
            """,
            line=7,
        ),
    ]

    def visit_flow(self, flow: Flow) -> None:
        # collection name -> the create/release event that left it unloaded
        unloaded: dict[str, Event] = {}
        for event in flow.events:
            op, name = event.op, event.collection
            if op in ("load", "escape", "unknown"):
                # Anything that may load (on some path) ends what we can claim.
                if name is None:
                    unloaded.clear()
                else:
                    unloaded.pop(name, None)
            elif name is None:
                continue
            elif op == "create" and not event.loads:
                unloaded[name] = event
            elif op == "release":
                unloaded[name] = event
            elif op in ("create", "drop"):
                unloaded.pop(name, None)
            elif op == "read" and name in unloaded:
                origin = unloaded.pop(name)
                if dominates(origin, event):
                    self._report(origin, event)

    def _report(self, origin: Event, read: Event) -> None:
        why = "was released" if origin.op == "release" else "was created without being loaded"
        if read.api == "orm":
            load_call = f"{self.ctx.text(read.receiver)}.load()"
        else:
            load_call = f"{self.ctx.text(read.receiver)}.load_collection({self.ctx.text(read.collection_arg)})"
        if read.awaited:
            load_call = "await " + load_call
        self.report(
            read.call,
            f"Load collection '{read.collection}' before `{read.method}`: it {why} in this flow.",
            hint=f"insert `{load_call}` before this statement",
            fix_data={"load_call": load_call, "statement_line": read.statement.lineno},
        )
