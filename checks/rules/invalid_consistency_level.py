"""MV007 invalid-consistency-level."""

from __future__ import annotations

import ast

from checks.fixes import Fixer, string_like
from checks.rules.base import Invalid, Rule
from checks.semantic import keyword

VALID_LEVELS = ("Strong", "Session", "Bounded", "Eventually", "Customized")
_UNAMBIGUOUS = {level.lower(): level for level in VALID_LEVELS} | {"eventual": "Eventually"}


class SpellConsistencyLevel(Fixer):
    """Replace a misspelt consistency level with the one name it can mean."""

    local = True
    confined = True

    def leave_SimpleString(self, original_node, updated_node):
        diagnostic = self.diagnostic_for(original_node)
        if diagnostic is None:
            return updated_node
        replacement = string_like(original_node, diagnostic.fix_data["replacement"])
        if replacement is None:
            self.declined(diagnostic)
            return updated_node
        self.fixed(diagnostic, f"consistency_level {original_node.value} → {replacement.value}")
        return replacement


class InvalidConsistencyLevel(Rule):
    """consistency_level that pymilvus rejects: the names are case-sensitive."""

    code = "MV007"
    name = "invalid-consistency-level"
    severity = "error"
    pymilvus_only = True
    fix = "safe"
    fixer = SpellConsistencyLevel

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.search("docs", data=[[0.1] * 8], consistency_level="Strong")
        client.query("docs", filter="id > 0", consistency_level=0)
        client.create_collection("docs", dimension=8, consistency_level="Session")
        """,
        """
        from pymilvus import Collection
        col = Collection("docs", schema, consistency_level="Bounded")
        col.search([[0.1]], "v", {}, limit=3, consistency_level=LEVEL)
        """,
        # Not pymilvus.
        """
        from cassandra.query import SimpleStatement
        from pymilvus import MilvusClient
        stmt = SimpleStatement("SELECT 1", consistency_level="strong")
        session.execute(stmt, consistency_level="quorum")
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.search("docs", data=[[0.1] * 8], consistency_level="strong")
            """,
            line=3,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.search("docs", data=[[0.1] * 8], consistency_level="Strong")
            """,
        ),
        Invalid(
            """
            from pymilvus import Collection
            col = Collection("docs", schema, consistency_level="Eventual")
            """,
            line=2,
            fixed="""
            from pymilvus import Collection
            col = Collection("docs", schema, consistency_level="Eventually")
            """,
        ),
        # No unambiguous fix for these.
        Invalid(
            """
            import pymilvus
            client = pymilvus.MilvusClient("demo.db")
            client.query("docs", filter="id > 0", consistency_level=7)
            client.query("docs", filter="id > 0", consistency_level="0")
            """,
            line=3,
            count=2,
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        level = keyword(node, "consistency_level")
        if level is None or not self._is_pymilvus_call(node):
            return
        value = self.ctx.literal(level.value)
        if value is None or value in VALID_LEVELS:
            return
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 4:
            return
        canonical = _UNAMBIGUOUS.get(value.lower()) if isinstance(value, str) else None
        fixable = canonical is not None and isinstance(level.value, ast.Constant)
        self.report(
            level.value,
            f"Use a valid consistency level instead of {value!r}: exactly "
            '"Strong", "Session", "Bounded", "Eventually" or "Customized" (or 0-4).',
            hint=f'consistency_level="{canonical}"' if canonical else None,
            fix="safe" if fixable else "none",
            fix_data={"replacement": canonical} if fixable else None,
        )

    def _is_pymilvus_call(self, node: ast.Call) -> bool:
        qualname = self.ctx.qualname(node.func)
        if qualname is not None and qualname.startswith("pymilvus."):
            return True
        return self.ctx.method_call(node) is not None  # a method of a client or collection
