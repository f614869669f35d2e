"""MV004 stale-read."""

from __future__ import annotations

import ast

from checks.fixes import Fixer, cst, string_like
from checks.flow import Event, Flow, dominates
from checks.rules.base import Invalid, Rule
from checks.semantic import keyword

STALE_LEVELS = {"Bounded", "Eventually", 2, 3}


class ReadWithStrongConsistency(Fixer):
    """Replace the stale read's consistency level with "Strong"."""

    local = True
    confined = True

    def leave_SimpleString(self, original_node, updated_node):
        return self._strong(original_node, updated_node)

    def leave_Integer(self, original_node, updated_node):
        return self._strong(original_node, updated_node)

    def _strong(self, original_node, updated_node):
        diagnostic = self.diagnostic_for(original_node)
        if diagnostic is None:
            return updated_node
        strong = string_like(original_node, "Strong") or cst.SimpleString('"Strong"')
        self.fixed(diagnostic, f"consistency_level {original_node.value} → {strong.value}")
        return strong


class StaleRead(Rule):
    """Read right after a write with Bounded/Eventually consistency: the new rows may be missing."""

    code = "MV004"
    name = "stale-read"
    severity = "warning"
    fix = "safe"
    fixer = ReadWithStrongConsistency

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.insert("docs", rows)
        client.search("docs", data=[[0.1] * 8], consistency_level="Strong")
        """,
        # Session reads its own writes; an unspecified level is not flagged.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.insert("docs", rows)
        client.search("docs", data=[[0.1] * 8], consistency_level="Session")
        client.query("docs", filter="id > 0")
        """,
        # No write in this flow.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.search("docs", data=[[0.1] * 8], consistency_level="Eventually")
        """,
        # The write happens on one path only.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        if new_rows:
            client.insert("docs", new_rows)
        client.search("docs", data=[[0.1] * 8], consistency_level="Bounded")
        """,
        # Another collection.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.insert("a", rows)
        client.search("b", data=[[0.1] * 8], consistency_level="Eventually")
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.insert("docs", rows)
            hits = client.search("docs", data=[[0.1] * 8], consistency_level="Eventually")
            """,
            line=4,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.insert("docs", rows)
            hits = client.search("docs", data=[[0.1] * 8], consistency_level="Strong")
            """,
        ),
        Invalid(
            """
            from pymilvus import Collection
            collection = Collection("documents")
            collection.insert(data)
            collection.load()
            results = collection.search([q], "embedding", param, limit=10, consistency_level="Bounded")
            """,
            line=5,
        ),
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def add_and_find(rows):
                client = AsyncMilvusClient("http://localhost:19530")
                await client.upsert("docs", rows)
                return await client.query("docs", filter="id > 0", consistency_level=3)
            """,
            line=5,
        ),
    ]

    def visit_flow(self, flow: Flow) -> None:
        writes: dict[str, Event] = {}
        for event in flow.events:
            if event.collection is None:
                continue
            if event.op == "write":
                writes.setdefault(event.collection, event)
            elif event.op == "read" and event.collection in writes:
                level = keyword(event.call, "consistency_level")
                if (
                    level is None
                    or self.ctx.model.literal(level.value, flow.scope) not in STALE_LEVELS
                ):
                    continue
                if dominates(writes[event.collection], event):
                    self._report(event, level)

    def _report(self, read: Event, level: ast.keyword) -> None:
        literal = isinstance(level.value, ast.Constant)
        self.report(
            level.value,
            f'Read \'{read.collection}\' with consistency_level="Strong" (or "Session"): '
            f"rows written just before may not be visible yet.",
            hint='consistency_level="Strong" on this read',
            fix="safe" if literal else "none",
        )
