"""MV108 removed-api."""

from __future__ import annotations

import ast

from checks import api
from checks.rules.base import Invalid, Rule
from checks.semantic import canonical

# Removed names with a message of their own; MV119/MV120 leave them to this rule. Each is
# reported only where the API model (checks.api) confirms the target release lacks it.
REMOVED = {"pymilvus.Milvus": "the `Milvus` client class"}
_REMOVED_NAMES = frozenset(name.rsplit(".", 1)[1] for name in REMOVED)
LEGACY_PACKAGE = "pymilvus_orm"


class RemovedApi(Rule):
    """A name pymilvus no longer has: the old `Milvus` client class or the `pymilvus_orm` package."""

    code = "MV108"
    name = "removed-api"
    severity = "error"
    pymilvus_only = True
    pymilvus = ">=2.4"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient, AsyncMilvusClient
        client = MilvusClient("demo.db")
        """,
        # LangChain's Milvus vector store is another library.
        """
        from langchain_milvus import Milvus
        from pymilvus import MilvusClient
        store = Milvus(embedding_function=emb, connection_args={"uri": "demo.db"})
        """,
        """
        from langchain_community.vectorstores import Milvus as LCMilvus
        import pymilvus
        store = LCMilvus.from_documents(docs, emb)
        client = pymilvus.MilvusClient("demo.db")
        """,
        # A class of our own named Milvus.
        """
        from pymilvus import MilvusClient
        class Milvus:
            def __init__(self):
                self.client = MilvusClient("demo.db")
        Milvus()
        """,
        """
        import pymilvus
        import json
        print(pymilvus.__version__, json.load(open("x.json")))
        """,
        # A package whose name merely starts the same way.
        """
        import pymilvus_ormlike
        from pymilvus import MilvusClient
        """,
        # re / es look-alikes and another library's Collection.
        """
        import re
        from pymilvus import MilvusClient
        from chromadb import Collection
        Milvus = MilvusClient
        client = Milvus("demo.db")
        re.search("Milvus", "pymilvus.Milvus")
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import Milvus, DataType
            client = Milvus(host="localhost", port="19530")
            """,
            line=1,
        ),
        Invalid(
            """
            import pymilvus
            client = pymilvus.Milvus("localhost", "19530")
            """,
            line=2,
        ),
        Invalid(
            """
            from pymilvus.client.stub import Milvus as M
            """,
            line=1,
        ),
        Invalid(
            """
            from pymilvus_orm import connections, Collection
            connections.connect()
            """,
            line=1,
        ),
        Invalid(
            """
            import pymilvus_orm.utility as utility
            """,
            line=1,
        ),
    ]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:
            return
        if module.split(".")[0] == LEGACY_PACKAGE:
            self._report_package(node)
        elif module == "pymilvus" or module.startswith("pymilvus."):
            for alias in node.names:
                what = REMOVED.get(canonical(f"{module}.{alias.name}"))
                if what:
                    self._report(alias, alias.name, what)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] == LEGACY_PACKAGE:
                self._report_package(alias)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr not in _REMOVED_NAMES or not isinstance(node.ctx, ast.Load):
            return
        base = self.ctx.qualname(node.value)
        if base is None or not (base == "pymilvus" or base.startswith("pymilvus.")):
            return
        what = REMOVED.get(canonical(f"{base}.{node.attr}"))
        if what:
            self._report(node, node.attr, what)

    def _report(self, node: ast.AST, name: str, what: str) -> None:
        model = api.current()
        names = model.module_names("pymilvus") if model is not None else None
        if names is not None and name in names:
            return  # the model says this release has it
        self.report(
            node,
            f"Replace `{name}` with `MilvusClient`: pymilvus no longer has {what}.",
            hint='client = MilvusClient(uri="http://localhost:19530")',
        )

    def _report_package(self, node: ast.AST) -> None:
        self.report(
            node,
            "Import from `pymilvus` instead of `pymilvus_orm`: that package was merged into "
            "pymilvus 2.0 and is not maintained.",
            hint="from pymilvus import MilvusClient",
        )
