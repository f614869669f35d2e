"""MV009 read-after-write-default-consistency."""

from __future__ import annotations

import ast

from checks.fixes import Fixer, append_element, cst, keyword_argument
from checks.flow import Event, Flow, dominates, on_milvus_lite
from checks.rules.base import Invalid, Rule
from checks.semantic import has_star_kwargs, keyword
from checks.signatures import argument

FRESH_LEVELS = {"Strong", "Session", 0, 1}
READS = frozenset({"search", "query", "get", "hybrid_search"})
# Calls that wait long enough for a server to have applied the writes before them: a flush
# seals and persists them, a load waits for the query nodes to catch up.
WAITS = frozenset({"flush", "load", "load_collection", "load_partitions"})


class ReadWithStrongConsistency(Fixer):
    """Add `consistency_level="Strong"` to the read."""

    local = True
    confined = True

    def leave_Call(self, original_node, updated_node):
        diagnostic = self.diagnostic_for(original_node)
        if diagnostic is None:
            return updated_node
        strong = keyword_argument("consistency_level", cst.SimpleString('"Strong"'))
        self.fixed(diagnostic, 'add consistency_level="Strong" to the read')
        return updated_node.with_changes(args=append_element(updated_node.args, strong))


class DefaultConsistencyRead(Rule):
    """A read right after a write, at the default (Bounded) level: on a server it may miss them."""

    code = "MV009"
    name = "read-after-write-default-consistency"
    severity = "warning"
    call_names = frozenset({"sleep"})
    fix = "safe"
    fixer = ReadWithStrongConsistency

    VALID = [
        # The read says its level.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        client.insert("docs", rows)
        client.query("docs", filter="id > 0", consistency_level="Strong")
        client.search("docs", data=[[0.1] * 8], consistency_level="Bounded")
        """,
        # The collection was created with Strong (or Session): reads inherit it.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        client.create_collection("docs", dimension=8, consistency_level="Strong")
        client.insert("docs", rows)
        client.query("docs", filter="id > 0")
        """,
        # A flush, a load or a sleep between the write and the read.
        """
        import time
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        client.insert("docs", rows)
        client.flush("docs")
        client.query("docs", filter="id > 0")
        client.insert("more", rows)
        client.load_collection("more")
        client.search("more", data=[[0.1] * 8])
        client.upsert("third", rows)
        time.sleep(2)
        client.get("third", ids=[1])
        """,
        # Milvus Lite applies writes before it answers: every read sees them.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("milvus_demo.db")
        client.insert("docs", rows)
        client.search("docs", data=[[0.1] * 8], limit=3)
        """,
        # Another collection, a write only on one path, **kwargs, an unknown receiver.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        client.insert("a", rows)
        client.query("b", filter="id > 0")
        if fresh:
            client.insert("c", rows)
        client.query("c", filter="id > 0")
        client.insert("d", rows)
        client.query("d", filter="id > 0", **opts)
        store.insert("e", rows)
        store.query("e", filter="id > 0")
        """,
        # Not pymilvus.
        """
        import re
        from pymilvus import MilvusClient
        db.insert("docs", rows)
        db.query("docs")
        re.search("a", "b")
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient(uri="http://localhost:19530")
            client.create_collection("docs", dimension=8)
            client.insert("docs", [{"id": 1, "vector": [0.1] * 8}])
            rows = client.query("docs", filter="id >= 0", output_fields=["count(*)"])
            """,
            line=5,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient(uri="http://localhost:19530")
            client.create_collection("docs", dimension=8)
            client.insert("docs", [{"id": 1, "vector": [0.1] * 8}])
            rows = client.query("docs", filter="id >= 0", output_fields=["count(*)"], consistency_level="Strong")
            """,
        ),
        # The collection's own level is Bounded or Eventually.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient(uri="http://localhost:19530")
            client.create_collection("docs", dimension=8, consistency_level="Eventually")
            client.delete("docs", ids=[1])
            hits = client.get("docs", ids=[1])
            """,
            line=5,
        ),
        # ORM, on a server.
        Invalid(
            """
            from pymilvus import Collection, connections
            connections.connect(host="localhost", port="19530")
            col = Collection("docs")
            col.insert(rows)
            res = col.search(data=[q], anns_field="vec", param={}, limit=3)
            """,
            line=5,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self._waits: list[tuple[int, int]] = []  # positions of time.sleep / asyncio.sleep
        self._levels: dict[object, object] | None = None  # collection name -> its level

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "sleep"
            and isinstance(func.value, ast.Name)
            and func.value.id in ("time", "asyncio")
        ):
            self._waits.append((node.lineno, node.col_offset))

    def visit_flow(self, flow: Flow) -> None:
        written: dict[str, Event] = {}
        for event in flow.events:
            op, name = event.op, event.collection
            if op in ("escape", "unknown", "load") or event.method in WAITS:
                if name is None:
                    written.clear()
                else:
                    written.pop(name, None)
            elif name is None:
                continue
            elif op == "write":
                written.setdefault(name, event)
            elif op in ("create", "drop"):
                written.pop(name, None)
            elif op == "read" and event.method in READS and name in written:
                write = written.pop(name)
                if self._stale(write, event, flow):
                    self._report(write, event)

    def _stale(self, write: Event, read: Event, flow: Flow) -> bool:
        call = read.call
        if keyword(call, "consistency_level") is not None or has_star_kwargs(call):
            return False
        if not dominates(write, read) or self._waited(write, read):
            return False
        if on_milvus_lite(self.ctx.model, flow.scope, read):
            return False
        return self._collection_level(read.collection) not in FRESH_LEVELS

    def _waited(self, write: Event, read: Event) -> bool:
        start = (write.call.lineno, write.call.col_offset)
        end = (read.call.lineno, read.call.col_offset)
        return any(start < wait < end for wait in self._waits)

    def _collection_level(self, name: str) -> object:
        """The consistency level the module creates the collection with: "Bounded" when no
        create says otherwise (pymilvus' default), None when a create's level is not literal."""
        if self._levels is None:  # one walk over the module for all reads
            self._levels = {}
            model = self.ctx.model
            for node, scope in model.nodes:
                if not isinstance(node, ast.Call):
                    continue
                create = model.method_call(node, scope, "create_collection")
                if create is not None:
                    create_name = model.string(create.argument("collection_name"), scope)
                elif model.qualname(node.func, scope) == "pymilvus.Collection":
                    create_name = model.string(argument(node, "Collection", "name"), scope)
                else:
                    continue
                given = keyword(node, "consistency_level")
                if given is not None:
                    self._levels[create_name] = model.literal(given.value, scope)
                elif has_star_kwargs(node):
                    self._levels[create_name] = None
        return self._levels.get(name, "Bounded")

    def _report(self, write: Event, read: Event) -> None:
        self.report(
            read.call,
            f"This `{read.method}` may miss what the `{write.method}` above just wrote to "
            f"'{read.collection}': at the default Bounded consistency a server answers from "
            "data up to a few seconds old.",
            hint='pass consistency_level="Strong" to this read (or create the collection with '
            'consistency_level="Strong" or "Session")',
        )
