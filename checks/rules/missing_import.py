"""MV120 missing-import."""

from __future__ import annotations

import ast

from checks import api
from checks.api.calls import ApiCalls, conditional, guarded, names_set_by_user
from checks.rules.base import Invalid, Rule, Valid
from checks.rules.removed_api import REMOVED

_REMOVED_NAMES = frozenset(name.rsplit(".", 1)[1] for name in REMOVED)  # MV108's


class MissingImport(Rule):
    """A name imported from pymilvus that the target release does not have: ImportError."""

    code = "MV120"
    name = "missing-import"
    severity = "error"
    pymilvus_only = True
    pymilvus = ">=2.4"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient, DataType, FieldSchema, CollectionSchema, utility
        from pymilvus.milvus_client import IndexParams
        from pymilvus.orm.schema import FieldSchema as F
        from pymilvus.client.types import LoadState
        import pymilvus
        print(pymilvus.__version__, pymilvus.MilvusClient, pymilvus.DataType.INT64)
        """,
        # pymilvus is a namespace package: `pymilvus.model` comes from pymilvus-model.
        """
        from pymilvus import model
        from pymilvus.model.dense import SentenceTransformerEmbeddingFunction
        import pymilvus.model
        """,
        # Imports the code guards (a fallback, a version check).
        """
        try:
            from pymilvus import Function
        except ImportError:
            Function = None
        import pymilvus
        if pymilvus.__version__ >= "2.5":
            from pymilvus import FunctionType
        if hasattr(pymilvus, "BM25BuiltInFunction"):
            print(pymilvus.BM25BuiltInFunction)
        """,
        # MV108 reports the legacy client; modules the model does not describe stay silent.
        """
        from pymilvus import Milvus
        from pymilvus.bulk_writer.constants import BulkFileType
        from mylib.pymilvus import Anything
        """,
        Valid(
            """
            from pymilvus import Function, FunctionType, MilvusClient
            """,
            pymilvus_version="2.5",
        ),
        Valid(
            """
            from pymilvus import Function, FunctionType, MilvusClient
            """,
            pymilvus_version="3.0",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient, Function, FunctionType
            client = MilvusClient("demo.db")
            """,
            line=1,
            count=2,
            pymilvus_version="2.4",
        ),
        Invalid(
            """
            from pymilvus import MilvusClient, IndexParams
            """,
            line=1,
        ),
        Invalid(
            """
            import pymilvus as pm
            client = pm.MilvusClient("demo.db")
            ranker = pm.RRFRankers(60)
            """,
            line=3,
        ),
        Invalid(
            """
            from pymilvus.orm.schema import FieldSchema, CollectionSchema, DataTypes
            """,
            line=1,
        ),
    ]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level or not (module == "pymilvus" or module.startswith("pymilvus.")):
            return
        model = self.ctx.shared(ApiCalls).model
        if model is None:
            return
        for alias in node.names:
            if alias.name != "*" and _missing(model, module, alias.name) and not self._expected():
                self._report(alias, model, module, alias.name, "ImportError")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        calls = self.ctx.shared(ApiCalls)
        target = calls.attribute_owner(node)
        if target is None or target.name != "pymilvus":
            return
        if not _missing(calls.model, "pymilvus", node.attr):
            return
        if node.attr not in names_set_by_user(self.ctx) and not self._expected():
            self._report(node, calls.model, "pymilvus", node.attr, "AttributeError")

    def _expected(self) -> bool:
        """Under a version check or a try that handles the failure: the code plans for it."""
        return conditional(self.ctx) or guarded(
            self.ctx, "ImportError", "ModuleNotFoundError", "AttributeError"
        )

    def _report(self, node, model: api.ApiModel, module: str, name: str, error: str) -> None:
        newer, older = api.releases_with(lambda m: not _missing(m, module, name), model.version)
        what = f"pymilvus {model.version} has no `{module}.{name}`, so this raises {error}"
        if newer:
            self.report(
                node,
                f"Upgrade pymilvus to {newer[0]} or later, or do without `{name}`: {what}.",
                hint=f"pymilvus>={newer[0]}",
            )
            return
        if older:
            what += f" (pymilvus {older[-1]} had it)"
        home = _module_with(model, name)
        if home is not None:
            self.report(
                node,
                f"Import `{name}` from `{home}`: {what}.",
                hint=f"from {home} import {name}",
            )
            return
        names = model.module_names(module) or frozenset()
        meant = api.closest(name, [n for n in names if n[:1] != "_"], cutoff=0.6)
        message = f"Use `{meant}`, not `{name}`: {what}." if meant else f"Remove `{name}`: {what}."
        self.report(node, message, hint=f"from {module} import {meant}" if meant else None)


def _missing(model: api.ApiModel, module: str, name: str) -> bool:
    """`from module import name` certainly fails on this release."""
    if name in _REMOVED_NAMES:
        return False
    names = model.module_names(module)
    if names is None or name in names:
        return False
    # Other distributions install submodules into pymilvus (pymilvus.model, pymilvus-model).
    return not (module == "pymilvus" and name.islower())


def _module_with(model: api.ApiModel, name: str) -> str | None:
    """The user-facing module of this release that does export `name`."""
    for module in api.USER_MODULES:
        names = model.module_names(module)
        if names is not None and name in names:
            return module
    return None
