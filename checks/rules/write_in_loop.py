"""MV110 write-in-loop."""

from __future__ import annotations

import ast

from checks.flow import loop_blocks
from checks.rules.base import Invalid, Rule

WRITES = frozenset({"insert", "upsert"})
# Reads that a flush in the same pass may exist for (read-your-writes tests).
READS_AFTER_FLUSH = frozenset(
    {"query", "search", "get", "get_collection_stats", "query_iterator", "search_iterator"}
)
# Code that needs several sealed segments on purpose: grouping and ordering across segments,
# compaction, segment inspection.
SEGMENT_WORDS = (
    "group_by_field", "order_by", "compact(", "get_query_segment_info", "list_persistent_segments",
)  # fmt: skip
_EXITS = (ast.Break, ast.Return, ast.Raise)


class WriteInLoop(Rule):
    """A loop inserts one row per call, or flushes on every pass."""

    code = "MV110"
    call_names = WRITES | {"flush"}
    pymilvus_only = True
    name = "write-in-loop"
    severity = "warning"
    fix = "none"
    editions = frozenset({"2026.11"})

    VALID = [
        # Batches inside a loop, and single rows outside one.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        for start in range(0, len(rows), 1000):
            client.insert("docs", rows[start:start + 1000])
        for batch in batches:
            client.insert("docs", batch)
            client.upsert("docs", [{"id": i, "vector": v} for i, v in batch])
        client.insert("docs", [row])
        client.insert("docs", {"id": 1, "vector": [0.1] * 8})
        client.flush("docs")
        """,
        # Data of unknown shape: the loop variable may be a batch.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        for chunk in chunks(rows, 500):
            client.insert(collection_name="docs", data=chunk)
        """,
        # The loop runs its body once: retry loops and early exits.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        for attempt in range(3):
            try:
                client.insert("docs", {"id": 1, "vector": vec})
            except ConnectionError:
                continue
            else:
                break
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        while True:
            try:
                client.insert("docs", {"id": 1, "vector": vec})
                break
            except ConnectionError:
                time.sleep(1)
        def write_once(row):
            for attempt in range(3):
                client.upsert("docs", [row])
                return
        """,
        # A flush per collection, in a loop that writes nothing.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        for name in client.list_collections():
            client.flush(name)
        """,
        # One flush per collection, in a loop over collections.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        for name, rows in data_by_collection.items():
            client.insert(name, rows)
            client.flush(name)
        """,
        """
        from pymilvus import Collection
        for name in ("books", "films"):
            col = Collection(name)
            col.insert(rows[name])
            col.flush()
        """,
        # Flush per batch on purpose: several segments for a group-by search demo.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        for batch in batches:
            client.insert("docs", batch)
            client.flush("docs")
        client.search("docs", data=[q], anns_field="vec", group_by_field="doc_id", limit=3)
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        for batch in batches:
            client.insert("docs", batch)
            # seal a segment per batch
            client.flush("docs")
        """,
        # Read-your-writes test: the flush makes the next read see the rows.
        """
        from pymilvus import Collection
        col = Collection("docs")
        for i, batch in enumerate(batches):
            col.insert(batch)
            col.flush()
            assert col.num_entities == (i + 1) * len(batch)
        """,
        # A function defined in a loop is another flow.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        for name in names:
            def write(row):
                client.insert(name, [row])
        """,
        # Look-alikes: not Milvus.
        """
        import logging
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        for row in rows:
            db.insert("docs", {"id": row.id})
            cache.upsert([row])
            handler.flush()
            sys.stdout.flush()
        """,
        """
        from pymilvus import MilvusClient
        from pymongo import MongoClient
        from mylib import Collection
        col = Collection("docs")
        for row in rows:
            col.insert({"id": row})
            col.flush()
        """,
        """
        import json
        from pymilvus import MilvusClient
        class Collection:
            def insert(self, row): ...
        store = Collection()
        for line in open("rows.jsonl"):
            store.insert(json.loads(line))
            store.insert({"id": 1})
        """,
        # ORM: a one-element list is a column list, i.e. a batch, in the column layout.
        """
        from pymilvus import Collection
        col = Collection("docs")
        for vectors in vector_batches:
            col.insert([vectors])
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            for i, vec in enumerate(vectors):
                client.insert("docs", {"id": i, "vector": vec})
            """,
            line=4,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            for doc in docs:
                row = {"id": doc.id, "vector": embed(doc.text), "text": doc.text}
                client.upsert(collection_name="docs", data=[row])
            """,
            line=5,
        ),
        # A flush in the loop that inserts: reported once, the batch insert is fine.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            for batch in batches:
                client.insert("docs", batch)
                client.flush("docs")
            """,
            line=5,
        ),
        # Both, and inside an `if` in the loop.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            while queue:
                item = queue.pop()
                if item.valid:
                    client.insert("docs", [dict(id=item.id, vector=item.vector)])
                    client.flush("docs")
            """,
            count=2,
        ),
        # ORM.
        Invalid(
            """
            from pymilvus import Collection
            col = Collection("docs")
            for i, vec in enumerate(vectors):
                col.insert([{"id": i, "embedding": vec}])
                col.flush()
            """,
            line=4,
            count=2,
        ),
        # Async client, in a comprehension.
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def load(rows):
                client = AsyncMilvusClient("http://localhost:19530")
                await asyncio.gather(*(client.insert("docs", {"id": r.id}) for r in rows))
                async for r in stream:
                    await client.insert("docs", [r])
            """,
            line=4,
            count=2,
        ),
    ]

    _loops: dict | None = None
    _segment_demo: bool | None = None

    def visit_Call(self, node: ast.Call) -> None:
        if not self.ctx.blocks:
            return
        write = self.ctx.method_call(node, *WRITES, "flush")
        if write is None:
            return
        loop = self._innermost_loop()
        if loop is None or self._leaves_after(loop):
            return
        if write.method == "flush":
            if not self._writes_in(loop) or self._flush_on_purpose(write, loop):
                return
            self.report(
                node,
                "Flush once after the loop, or not at all: a flush on every pass seals many "
                "tiny segments.",
                hint="Milvus flushes by itself; for reads that must see new rows use "
                'consistency_level="Strong" or "Session"',
            )
            return
        data = write.argument("data")
        if data is None or not self._one_row(data, orm=write.api == "orm"):
            return
        self.report(
            node,
            f"Collect the rows and `{write.method}` them in batches: this call sends one row per "
            "loop pass.",
            hint="build a list of row dicts in the loop and write it once (or every few "
            "thousand rows) after it",
        )

    def _innermost_loop(self) -> ast.AST | None:
        if self._loops is None:
            self._loops = loop_blocks(self.ctx.model)
        for block in reversed(self.ctx.blocks):
            loop = self._loops.get(block)
            if loop is not None:
                return loop
        return None

    def _leaves_after(self, loop: ast.AST) -> bool:
        """After this statement the loop is left unconditionally: a retry or an early exit."""
        path = _path_to(loop.body, self.ctx.statement) if hasattr(loop, "body") else None
        for block, index in path or ():
            if any(isinstance(s, _EXITS) for s in block[index + 1 :]):
                return True
            holder = block[index]
            if isinstance(holder, (ast.Try, ast.TryStar)) and any(
                isinstance(s, _EXITS) for s in holder.orelse
            ):
                return True
        return False

    def _writes_in(self, loop: ast.AST) -> bool:
        """The loop also inserts or upserts through a known client or collection."""
        return any(
            isinstance(node, ast.Call) and self.ctx.method_call(node, *WRITES) is not None
            for node in ast.walk(loop)
        )

    def _flush_on_purpose(self, flush, loop: ast.AST) -> bool:
        """A flush per pass that means it: one per collection of a loop over collections, one
        before a read in the same pass (read-your-writes), or one per batch to make segments
        (group-by / order-by / compaction demos, or a comment in the loop that says so)."""
        target = (
            flush.argument("collection_name") if flush.api == "client" else flush.call.func.value
        )
        bound_here = _names_bound_in(loop)
        if target is not None and any(
            isinstance(n, ast.Name) and n.id in bound_here for n in ast.walk(target)
        ):
            return True
        if self._reads_in(loop):
            return True
        return self._makes_segments(loop)

    def _reads_in(self, loop: ast.AST) -> bool:
        for node in ast.walk(loop):
            if isinstance(node, ast.Attribute) and node.attr == "num_entities":
                return True
            if isinstance(node, ast.Call) and self.ctx.method_call(node, *READS_AFTER_FLUSH):
                return True
        return False

    def _makes_segments(self, loop: ast.AST) -> bool:
        lines = self.ctx.lines[loop.lineno - 1 : loop.end_lineno]
        if any("segment" in line.lower() for line in lines):
            return True
        if self._segment_demo is None:
            source = self.ctx.source
            self._segment_demo = any(word in source for word in SEGMENT_WORDS)
        return self._segment_demo

    def _one_row(self, data: ast.expr, orm: bool) -> bool:
        """A single row: a dict, or (MilvusClient) a one-element list of something not a list."""
        if self._is_dict(data):
            return True
        if not isinstance(data, ast.List) or len(data.elts) != 1:
            return False
        element = data.elts[0]
        if orm:
            # [x] is also the ORM's column layout with one column: only a dict is one row.
            return self._is_dict(element)
        if isinstance(element, (ast.Starred, ast.List, ast.Tuple, ast.ListComp, ast.GeneratorExp)):
            return False
        bound = self.ctx.model.binding(element, self.ctx.scope)
        return bound is None or not isinstance(bound[0], (ast.List, ast.ListComp, ast.Tuple))

    def _is_dict(self, expr: ast.expr) -> bool:
        """A dict literal or dict(...) call, inline or bound to a name."""
        bound = self.ctx.model.binding(expr, self.ctx.scope)
        if bound is not None:
            expr = bound[0]
        if isinstance(expr, ast.Dict):
            return True
        return (
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Name)
            and expr.func.id == "dict"
            and self._is_builtin("dict")
        )

    def _is_builtin(self, name: str) -> bool:
        return self.ctx.model.definitions(name, self.ctx.scope) is None


def _names_bound_in(loop: ast.AST) -> set[str]:
    """Names a loop binds: its target(s) and what its body assigns."""
    names = set()
    for node in ast.walk(loop):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _path_to(block: list[ast.stmt], target: ast.stmt | None) -> list | None:
    """The (block, index) pairs from a loop body down to `target`, outermost first."""
    for index, statement in enumerate(block):
        if statement is target:
            return [(block, index)]
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        inner_blocks = [getattr(statement, f, None) for f in ("body", "orelse", "finalbody")]
        inner_blocks += [h.body for h in getattr(statement, "handlers", ())]
        inner_blocks += [c.body for c in getattr(statement, "cases", ())]
        for inner in inner_blocks:
            if isinstance(inner, list):
                found = _path_to(inner, target)
                if found is not None:
                    return [(block, index), *found]
    return None
