"""MV002 index-before-insert (edition 2026.01 only)."""

from __future__ import annotations

import ast

from checks.fixes import Fixer, bound_names, cst, leaves_block, names_in, span_of, walk
from checks.flow import Flow, dominates
from checks.rules.base import Invalid, Rule


class MoveIndexAfterInsert(Fixer):
    """Move the create_index statement, with its comments, after the last insert of its block.

    Only a statement that is the call alone moves, within one block, and only when nothing it
    crosses can leave the block (return, raise, break, continue, yield) or touches what the call
    uses, except its receiver, which must not be rebound.
    """

    def leave_Module(self, original_node, updated_node):
        moves: dict[int, int] = {}  # statement index -> index of the statement it goes after
        for index, statement in enumerate(original_node.body):
            for diagnostic in self.diagnostics_within(statement):
                target = self._target(original_node.body, index, diagnostic)
                if target is None or index in moves:
                    self.declined(diagnostic)
                    continue
                moves[index] = target
                line = diagnostic.fix_data["after_statement_line"]
                self.fixed(diagnostic, f"move create_index after the insert on line {line}")
        if not moves:
            return updated_node
        body, after = [], {}
        for index, target in sorted(moves.items()):
            after.setdefault(target, []).append(updated_node.body[index])
        for index, statement in enumerate(updated_node.body):
            if index not in moves:
                body.append(statement)
                body.extend(after.get(index, ()))
        return updated_node.with_changes(body=body)

    leave_IndentedBlock = leave_Module

    def _target(self, statements, index, diagnostic) -> int | None:
        call = _lone_call(statements[index])
        if call is None or self.span(call) != span_of(diagnostic):
            return None
        after_line = diagnostic.fix_data.get("after_statement_line")
        for target in range(index + 1, len(statements)):
            span = self.module_span(statements[target])
            if span is None or span[0] != after_line:
                continue
            crossed = statements[index + 1 : target + 1]
            movable_target = isinstance(
                statements[target], (cst.SimpleStatementLine, cst.For, cst.While)
            )
            if movable_target and _may_cross(call, crossed):
                return target
            return None
        return None


def _lone_call(statement):
    """The call of a statement that is nothing but `receiver.create_index(...)` (maybe awaited)."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    expr = statement.body[0]
    value = expr.value if isinstance(expr, cst.Expr) else None
    if isinstance(value, cst.Await):
        value = value.expression
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute):
        return value
    return None


def _may_cross(call, statements) -> bool:
    receiver = call.func.value
    while isinstance(receiver, cst.Attribute):
        receiver = receiver.value
    root = receiver.value if isinstance(receiver, cst.Name) else None
    used = {name for arg in call.args for name in names_in(arg)}
    for statement in statements:
        if _leaves(statement) or used & names_in(statement):
            return False
        if root is None or root in bound_names(statement):
            return False
    return True


def _leaves(statement) -> bool:
    """Whether running the statement may jump out of its block. A loop's own `break` and
    `continue` stay in it, unless it has an `else` clause that they would skip."""
    if isinstance(statement, (cst.For, cst.While)) and statement.orelse is None:
        return any(
            isinstance(child, (cst.Return, cst.Raise, cst.Yield)) for child in walk(statement)
        )
    return leaves_block(statement)


class IndexBeforeInsert(Rule):
    """Index created before the bulk insert into the same collection (2026.01 advice)."""

    code = "MV002"
    name = "index-before-insert"
    severity = "warning"
    fix = "safe"
    fixer = MoveIndexAfterInsert
    # Retired in 2026.11: Milvus 2.x builds indexes per sealed segment, any order works.
    editions = frozenset({"2026.01"})

    VALID = [
        """
        from pymilvus import Collection
        collection = Collection("documents", schema)
        collection.insert(data)
        collection.create_index("embedding", {"index_type": "HNSW", "metric_type": "COSINE"})
        collection.load()
        """,
        # Different collections.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_index("a", index_params)
        client.insert("b", rows)
        """,
        # Index created only on one path.
        """
        from pymilvus import Collection
        collection = Collection("documents", schema)
        if fresh:
            collection.create_index("embedding", params)
        collection.insert(data)
        """,
        # The bulk insert came first; the writes after the index are later updates.
        """
        from pymilvus import Collection
        hello = Collection("hello_bm25", schema)
        hello.insert(entities)
        hello.flush()
        hello.create_index("sparse", {"index_type": "AUTOINDEX", "metric_type": "BM25"})
        hello.load()
        hits = hello.search(texts, "sparse", {"metric_type": "BM25"}, limit=3)
        hello.delete(expr)
        hello.upsert(upsert_data)
        """,
        # Not pymilvus.
        """
        from elasticsearch import Elasticsearch
        es = Elasticsearch()
        es.indices.create(index="docs")
        es.index(index="docs", document={})
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import Collection
            collection = Collection("documents", schema)
            collection.create_index("embedding", {"index_type": "HNSW", "metric_type": "COSINE"})
            collection.insert(data)
            collection.load()
            """,
            line=3,
            edition="2026.01",
            fixed="""
            from pymilvus import Collection
            collection = Collection("documents", schema)
            collection.insert(data)
            collection.create_index("embedding", {"index_type": "HNSW", "metric_type": "COSINE"})
            collection.load()
            """,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_index("docs", index_params)
            for batch in batches:
                client.insert("docs", batch)
            """,
            line=3,
            edition="2026.01",
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            for batch in batches:
                client.insert("docs", batch)
            client.create_index("docs", index_params)
            """,
        ),
        # A loop that reads the collection after the insert: the index cannot move past it.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_index("docs", index_params)
            for batch in batches:
                client.insert("docs", batch)
                client.search("docs", data=[batch[0]["vector"]])
            """,
            line=3,
            edition="2026.01",
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_index("docs", index_params)
            for batch in batches:
                client.insert("docs", batch)
                client.search("docs", data=[batch[0]["vector"]])
            """,
        ),
    ]

    def visit_flow(self, flow: Flow) -> None:
        events = flow.events
        for position, index in enumerate(events):
            if index.op != "index" or index.collection is None:
                continue
            later_writes = [
                e
                for e in events[position + 1 :]
                if e.op == "write" and e.method != "delete" and e.collection == index.collection
            ]
            if not later_writes or not dominates(index, later_writes[0]):
                continue
            if any(
                e.op == "write"
                and e.method != "delete"
                and e.collection == index.collection
                and dominates(e, index)
                for e in events[:position]
            ):
                continue  # the bulk insert came first: later writes are updates
            last_write = later_writes[-1]
            after_line = last_write.statement.lineno
            end = events.index(last_write)
            movable = last_write.blocks == index.blocks
            loop = self._loop_around(index, last_write)
            if loop is not None:
                # The inserts sit in a loop of the index's own block: move it after the loop.
                movable, after_line = True, loop.lineno
                inside = (id(loop), "body")
                while end + 1 < len(events) and inside in events[end + 1].blocks:
                    end += 1
            between = events[position + 1 : end + 1]
            movable = movable and not any(
                e.op in ("read", "load", "unknown", "escape", "index")
                and e.collection in (index.collection, None)
                for e in between
            )
            self.report(
                index.call,
                f"Create the index on '{index.collection}' after the bulk insert, not before it.",
                hint="move this create_index after the last insert (2026.01 advice)",
                fix="safe" if movable else "none",
                fix_data={
                    "statement_line": index.statement.lineno,
                    "after_statement_line": after_line,
                },
            )

    def _loop_around(self, index, write):
        """The `for`/`while` statement of the index's block whose body holds the write."""
        depth = len(index.blocks)
        if len(write.blocks) <= depth or write.blocks[:depth] != index.blocks:
            return None
        node_id, part = write.blocks[depth]
        if part != "body":
            return None
        for node, _ in self.ctx.model.nodes:
            if id(node) == node_id:
                return node if isinstance(node, (ast.For, ast.AsyncFor, ast.While)) else None
        return None
