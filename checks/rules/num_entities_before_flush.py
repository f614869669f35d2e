"""MV010 num-entities-before-flush."""

from __future__ import annotations

import ast

from checks.fixes import InsertStatementBefore
from checks.flow import Block, Event, Flow, on_milvus_lite
from checks.record import Record
from checks.rules.base import Invalid, Rule


class InsertFlushCall(InsertStatementBefore):
    """Insert the flush as a statement of its own before the statement that counts."""

    local = True
    key = "flush_call"
    description = "insert `{statement}` before the count"


class _Count(Record):
    """A `collection.num_entities` read, placed like a flow event."""

    __slots__ = ("blocks", "node", "receiver_text", "statement")

    node: ast.Attribute
    receiver_text: str
    blocks: tuple[Block, ...]
    statement: ast.stmt | None

    def __init__(
        self,
        node: ast.Attribute,
        receiver_text: str,
        blocks: tuple[Block, ...],
        statement: ast.stmt | None,
    ) -> None:
        self.node = node
        self.receiver_text = receiver_text
        self.blocks = blocks
        self.statement = statement

    def _key(self) -> tuple:
        return (self.node, self.receiver_text, self.blocks, self.statement)


class NumEntitiesBeforeFlush(Rule):
    """`num_entities` / `row_count` read right after a write without a flush: it counts too few."""

    code = "MV010"
    name = "num-entities-before-flush"
    severity = "warning"
    pymilvus_only = True
    fix = "safe"
    fixer = InsertFlushCall

    VALID = [
        """
        from pymilvus import Collection
        col = Collection("docs")
        col.insert(rows)
        col.flush()
        print(col.num_entities)
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        client.insert("docs", rows)
        client.flush("docs")
        print(client.get_collection_stats("docs")["row_count"])
        """,
        # No write before the count in this flow; a write only on one path.
        """
        from pymilvus import Collection
        col = Collection("docs")
        print(col.num_entities)
        if more:
            col.insert(rows)
        print(col.num_entities)
        """,
        # Milvus Lite counts every row at once.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("milvus_demo.db")
        client.insert("docs", rows)
        print(client.get_collection_stats("docs")["row_count"])
        """,
        # Another library's num_entities, another collection.
        """
        from pymilvus import Collection
        col = Collection("docs")
        other = Collection("other")
        col.insert(rows)
        print(other.num_entities, graph.num_entities)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import Collection, connections
            connections.connect(host="localhost", port="19530")
            collection = Collection("docs", schema)
            collection.insert(entities)
            print(f"Number of entities: {collection.num_entities}")
            """,
            line=5,
            fixed="""
            from pymilvus import Collection, connections
            connections.connect(host="localhost", port="19530")
            collection = Collection("docs", schema)
            collection.insert(entities)
            collection.flush()
            print(f"Number of entities: {collection.num_entities}")
            """,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("http://localhost:19530")
            client.insert("docs", rows)
            stats = client.get_collection_stats("docs")
            """,
            line=4,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("http://localhost:19530")
            client.insert("docs", rows)
            client.flush("docs")
            stats = client.get_collection_stats("docs")
            """,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self._counts: dict[int, list[_Count]] = {}  # by id of the flow's scope

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr != "num_entities" or not isinstance(node.ctx, ast.Load):
            return
        if self.ctx.value_of(node.value).kind != "collection":
            return
        count = _Count(node, self.ctx.text(node.value), self.ctx.blocks, self.ctx.statement)
        self._counts.setdefault(id(self.ctx.scope), []).append(count)

    def visit_flow(self, flow: Flow) -> None:
        counts = self._counts.pop(id(flow.scope), [])
        stats = [e for e in flow.events if e.method == "get_collection_stats"]
        if not counts and not stats:
            return
        for count in counts:
            write = self._unflushed_write(flow, count.node, count.blocks, orm=count.receiver_text)
            if write is not None:
                self._report(count.node, count.statement, write, f"{count.receiver_text}.flush()")
        for event in stats:
            write = self._unflushed_write(flow, event.call, event.blocks, name=event.collection)
            if write is not None and event.collection_arg is not None:
                receiver, name = self.ctx.text(event.receiver), self.ctx.text(event.collection_arg)
                self._report(event.call, event.statement, write, f"{receiver}.flush({name})")

    def _unflushed_write(self, flow: Flow, node, blocks, *, orm=None, name=None) -> Event | None:
        """The last write to the counted collection before `node` in this flow, if it runs on
        every path to the count and nothing after it flushes (or may flush)."""
        position = (node.lineno, node.col_offset)
        found = None
        for event in flow.events:
            if (event.call.lineno, event.call.col_offset) >= position:
                break
            same = (
                self.ctx.text(event.receiver) == orm
                if orm is not None and event.receiver is not None
                else event.collection == name and name is not None
            )
            if event.op in ("escape", "unknown") or (same and event.method == "flush"):
                found = None
            elif same and event.op == "write":
                found = event
        if found is None or blocks[: len(found.blocks)] != found.blocks:
            return None
        if on_milvus_lite(self.ctx.model, flow.scope, found):
            return None
        return found

    def _report(self, node, statement, write: Event, flush_call: str) -> None:
        self.report(
            node,
            f"Flush before counting: right after `{write.method}` the row count covers only "
            "sealed segments, so it misses (often all of) the new rows.",
            hint=f"insert `{flush_call}` before this statement, or count with "
            'query(filter="", output_fields=["count(*)"], consistency_level="Strong")',
            fix_data={"flush_call": flush_call} if statement is not None else None,
        )
