"""MV001 search-before-load."""

from __future__ import annotations

import ast

from checks.fixes import InsertStatementBefore
from checks.flow import Event, Flow, certainly_runs, dominates, on_milvus_lite
from checks.rules.base import Invalid, Rule


class InsertLoadCall(InsertStatementBefore):
    """Insert the load call as a statement of its own before the statement holding the read."""

    local = True
    key = "load_call"
    description = "insert `{statement}` before the read"


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
        # Module-wide: loaded in another function.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        def setup():
            client.create_collection("docs", schema=schema)
            client.create_index("docs", index_params)
        def warm():
            client.load_collection("docs")
        def ask(q):
            return client.search("docs", data=[q], limit=3)
        """,
        # Module-wide: created only when missing; an existing collection may be loaded.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        def setup():
            if not client.has_collection("docs"):
                client.create_collection("docs", schema=schema)
        def ask(q):
            return client.search("docs", data=[q], limit=3)
        """,
        # Module-wide: the client is handed to code we cannot see.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        def setup():
            client.create_collection("docs", schema=schema)
            warm_up(client)
        def ask(q):
            return client.search("docs", data=[q], limit=3)
        """,
        # A test that expects the read to fail on an unloaded collection.
        """
        import pytest
        from pymilvus import MilvusClient, MilvusException
        def test_search_needs_load(client: MilvusClient):
            client.create_collection("docs", schema=schema)
            with pytest.raises(MilvusException):
                client.search("docs", data=[[0.1] * 8])
        """,
        """
        import pytest
        from pymilvus import MilvusClient, MilvusException
        client = MilvusClient("http://localhost:19530")
        def setup_module():
            client.create_collection("docs", schema=schema)
        def test_search_needs_load():
            with pytest.raises(MilvusException, match="not loaded"):
                client.search("docs", data=[[0.1] * 8])
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
        # On a server with no index anywhere, a load alone would fail: the fix is declined.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("http://localhost:19530")
            client.create_collection("docs", schema=schema)
            client.insert("docs", rows)
            hits = client.search("docs", data=[[0.1] * 8], limit=3)
            """,
            line=5,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("http://localhost:19530")
            client.create_collection("docs", schema=schema)
            client.insert("docs", rows)
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
                await client.create_index("docs", index_params)
                return await client.search("docs", data=[[0.1] * 8])
            """,
            line=6,
            fixed="""
            import pymilvus
            async def run():
                client = pymilvus.AsyncMilvusClient("http://localhost:19530")
                await client.create_collection("docs", schema=schema)
                await client.create_index("docs", index_params)
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
        # Module-wide: created in a setup function, searched in another, loaded nowhere.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("http://localhost:19530")
            def setup():
                client.create_collection("docs", schema=schema)
                client.create_index("docs", index_params)
                client.insert("docs", rows)
            def ask(q):
                return client.search("docs", data=[q], limit=3)
            if __name__ == "__main__":
                setup()
                print(ask([0.1] * 8))
            """,
            line=8,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("http://localhost:19530")
            def setup():
                client.create_collection("docs", schema=schema)
                client.create_index("docs", index_params)
                client.insert("docs", rows)
            def ask(q):
                client.load_collection("docs")
                return client.search("docs", data=[q], limit=3)
            if __name__ == "__main__":
                setup()
                print(ask([0.1] * 8))
            """,
        ),
        # Module-wide: created at module level, read in a nested function (no index: no fix).
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_collection("docs", schema=schema)
            def later():
                return client.search("docs", data=[[0.1] * 8])
            """,
            line=5,
        ),
        # Module-wide, ORM, in a class: created in __init__, searched in a method.
        Invalid(
            """
            from pymilvus import Collection, connections
            class Store:
                def __init__(self):
                    connections.connect(uri="http://localhost:19530")
                    self.col = Collection("docs", schema)
                    self.col.create_index("vec", index_params)
                def ask(self, q):
                    return Collection("docs").search([q], "vec", {}, limit=3)
            """,
            line=8,
        ),
        # Module-wide: a test module whose setup creates the collection and whose test reads it.
        Invalid(
            """
            import pytest
            from pymilvus import MilvusClient
            client = MilvusClient("http://localhost:19530")
            def setup_module():
                client.create_collection("docs", schema=schema)
            def test_search():
                assert client.search("docs", data=[[0.1] * 8])
            """,
            line=7,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self._flows: list[Flow] = []  # every flow of the module, for the module-wide pass
        self._reported: set[str] = set()
        self._expecting_errors: list[tuple[int, int]] | None = None

    def visit_flow(self, flow: Flow) -> None:
        self._flows.append(flow)
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
                if dominates(origin, event) and not self._expects_error(event):
                    self._report(origin, event, flow.scope)
        if isinstance(flow.node, ast.Module):  # the module's flow ends last
            self._module_wide()

    def _module_wide(self) -> None:
        """A collection created unloaded somewhere in the module, read in another function, and
        loaded nowhere: reported on its first read (what one flow at a time cannot see)."""
        created: dict[str, tuple[Flow, Event]] = {}
        ruled_out: set[str] = set(self._reported)
        for flow in self._flows:
            for event in flow.events:
                op, name = event.op, event.collection
                if op in ("load", "escape", "unknown"):
                    if name is None:
                        return  # something we cannot see may load any collection
                    ruled_out.add(name)
                elif name is None:
                    continue
                elif op == "create" and not event.loads and certainly_runs(self.ctx.model, event):
                    created.setdefault(name, (flow, event))
                elif op == "create":
                    ruled_out.add(name)  # loads by itself, or only on some paths
        candidates = created.keys() - ruled_out
        if not candidates:
            return
        reads = []
        for flow in self._flows:
            for event in flow.events:
                name = event.collection
                if event.op != "read" or name not in candidates:
                    continue
                create_flow, create = created[name]
                if flow is create_flow and _position(event) < _position(create):
                    continue  # read before the create: on a collection that existed before
                reads.append((event, flow.scope))
        reads.sort(key=lambda pair: _position(pair[0]))
        for read, scope in reads:
            if read.collection not in candidates:
                continue
            candidates.discard(read.collection)
            if not self._expects_error(read):
                self._report(created[read.collection][1], read, scope, module_wide=True)

    def _expects_error(self, read: Event) -> bool:
        """The read sits in `with pytest.raises(...)` (or assertRaises): the test wants it to fail."""
        if self._expecting_errors is None:
            self._expecting_errors = [
                (node.lineno, node.end_lineno)
                for node, _ in self.ctx.model.nodes
                if isinstance(node, (ast.With, ast.AsyncWith))
                and any(_expects_exception(item.context_expr) for item in node.items)
            ]
        line = read.call.lineno
        return any(start < line <= end for start, end in self._expecting_errors)

    def _report(self, origin: Event, read: Event, scope, module_wide: bool = False) -> None:
        self._reported.add(read.collection)
        why = "was released" if origin.op == "release" else "was created without being loaded"
        where = "and nothing in this module loads it" if module_wide else "in this flow"
        if read.api == "orm":
            load_call = f"{self.ctx.text(read.receiver)}.load()"
        else:
            load_call = f"{self.ctx.text(read.receiver)}.load_collection({self.ctx.text(read.collection_arg)})"
        if read.awaited:
            load_call = "await " + load_call
        if not self._has_index(read.collection) and not on_milvus_lite(self.ctx.model, scope, read):
            # Loading a collection without an index fails on a server (MV008): the fix would
            # trade one error for another, so it is declined. Milvus Lite loads it all the same.
            self.report(
                read.call,
                f"Load collection '{read.collection}' before `{read.method}`: it {why} {where}.",
                hint=f"create an index on its vector field, then `{load_call}` before this read",
                fix="none",
            )
            return
        self.report(
            read.call,
            f"Load collection '{read.collection}' before `{read.method}`: it {why} {where}.",
            hint=f"insert `{load_call}` before this statement",
            fix_data={"load_call": load_call, "statement_line": read.statement.lineno},
        )

    def _has_index(self, name: str) -> bool:
        """Some call in the module may create an index on the collection (or it is made with one)."""
        for flow in self._flows:
            for event in flow.events:
                if event.collection not in (name, None):
                    continue
                if event.op == "index" or (event.op == "create" and event.loads):
                    return True
                if event.op == "release":  # it was loaded once: an index exists
                    return True
        return False


def _position(event: Event) -> tuple[int, int]:
    return event.call.lineno, event.call.col_offset


def _expects_exception(expr: ast.expr) -> bool:
    """`pytest.raises(...)`, `raises(...)`, `self.assertRaises(...)`, `assertRaisesRegex`."""
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name in ("raises", "assertRaises", "assertRaisesRegex")
