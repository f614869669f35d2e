"""MV119 unknown-attribute."""

from __future__ import annotations

import ast

from checks import api
from checks.api.calls import ApiCalls, Target, guarded, names_set_by_user
from checks.rules.base import Invalid, Rule, Valid
from checks.rules.removed_api import REMOVED

# Names seen in public code whose replacement difflib would not find (old MilvusClient and
# ORM methods, and names from other vector databases).
REPLACEMENTS = {
    "update": "upsert",
    "insert_data": "insert",
    "search_data": "search",
    "query_data": "query",
    "delete_by_pk": "delete",
    "delete_by_ids": "delete",
    "get_entity_by_id": "query",
    "create_index_params": "prepare_index_params",
    "wait_for_bulk_insert_tasks_completed": "get_bulk_insert_state",
    "add": "insert",
    "count": "query",
}
_REMOVED_NAMES = frozenset(name.rsplit(".", 1)[1] for name in REMOVED)


class UnknownAttribute(Rule):
    """A method or attribute the pymilvus object, class or module does not have: AttributeError."""

    code = "MV119"
    name = "unknown-attribute"
    severity = "error"
    pymilvus_only = True
    pymilvus = ">=2.4"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient, DataType, utility, connections, Collection
        client = MilvusClient("demo.db")
        params = client.prepare_index_params()
        params.add_index("v", index_type="HNSW", metric_type="L2")
        client.upsert("docs", [{"id": 1}])
        print(DataType.FLOAT_VECTOR.name, utility.has_collection("docs"))
        col = Collection("docs")
        print(col.num_entities, col.schema, col.indexes)
        connections.connect(uri="demo.db")
        """,
        # Attributes the code sets on a pymilvus object itself, or probes for.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.default_collection = "docs"
        print(client.default_collection)
        if hasattr(client, "use_database"):
            client.use_database("db")
        """,
        # Subclasses, wrappers and unknown receivers.
        """
        from pymilvus import MilvusClient
        class Client(MilvusClient):
            def insert_data(self, rows): ...
        c = Client("demo.db")
        c.insert_data([])
        def run(client):
            client.insert_data([])
        """,
        # Another library's Collection.
        """
        from chromadb import Collection
        from pymilvus import MilvusClient
        Collection("x").add(ids=["1"])
        """,
        # A method 2.6 added.
        Valid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            client.add_collection_field("docs", "note", DataType.VARCHAR, max_length=64, nullable=True)
            """,
            pymilvus_version="3.0",
        ),
        Valid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            client.add_collection_field("docs", "note", DataType.VARCHAR, max_length=64, nullable=True)
            """,
            pymilvus_version="2.6",
        ),
    ]
    INVALID = [
        # pymilvus#2010
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            index_params = client.create_index_params()
            """,
            line=3,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.update("docs", [{"id": 1, "v": [0.1] * 8}])
            """,
            line=3,
        ),
        # The 2.2-era MilvusClient.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient(uri="http://localhost:19530")
            client.insert_data("docs", [{"id": 1}])
            hits = client.search_data("docs", [[0.1] * 8])
            client.delete_by_pk("docs", [1])
            """,
            line=3,
            count=3,
        ),
        # pymilvus#1144
        Invalid(
            """
            from pymilvus import Collection
            col = Collection("docs")
            rows = col.get_entity_by_id([1, 2])
            """,
            line=3,
        ),
        Invalid(
            """
            from pymilvus import utility
            utility.wait_for_bulk_insert_tasks_completed([1])
            """,
            line=2,
        ),
        Invalid(
            """
            from pymilvus import DataType, FieldSchema
            f = FieldSchema("v", DataType.FLOATVECTOR, dim=8)
            """,
            line=2,
        ),
        # Added in 2.6: missing on 2.4.
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            client.add_collection_field("docs", "note", DataType.VARCHAR, max_length=64, nullable=True)
            """,
            line=3,
            pymilvus_version="2.4",
        ),
    ]

    def visit_Attribute(self, node: ast.Attribute) -> None:
        calls = self.ctx.shared(ApiCalls)
        target = calls.attribute_owner(node)
        if target is None or target.name == "pymilvus":  # pymilvus.X is MV120's
            return
        if node.attr in _REMOVED_NAMES or _has(calls.model, target, node.attr) is not False:
            return
        if node.attr in names_set_by_user(self.ctx) or guarded(self.ctx, "AttributeError"):
            return
        self._report(node, target, calls.model)

    def _report(self, node: ast.Attribute, target: Target, model: api.ApiModel) -> None:
        name = node.attr
        what = f"{target.display} has no attribute `{name}` in pymilvus {model.version}"
        newer, older = api.releases_with(lambda m: _has(m, target, name) is True, model.version)
        if newer:
            self.report(
                node,
                f"Upgrade pymilvus to {newer[0]} or later, or do without `{name}`: {what} "
                "(AttributeError).",
                hint=f"pymilvus>={newer[0]}",
            )
            return
        if older:
            what += f" (pymilvus {older[-1]} had it)"
        meant = REPLACEMENTS.get(name) if _has(model, target, REPLACEMENTS.get(name, "")) else None
        meant = meant or _closest(model, target, name)
        if meant:
            message = f"Use `{meant}`, not `{name}`: {what}, so this raises AttributeError."
        else:
            message = f"Replace `{name}`: {what}, so this raises AttributeError."
        self.report(node, message, hint=f"{target.display}.{meant}" if meant else None)


def _has(model: api.ApiModel, target: Target, name: str) -> bool | None:
    if not name:
        return None
    if target.kind == "module":
        names = model.module_names(target.name)
        if names is None:
            return None  # a module the model does not list (pymilvus.model is another package's)
        return name in names
    return model.has_attribute(target.name, name)


def _closest(model: api.ApiModel, target: Target, name: str) -> str | None:
    if target.kind == "module":
        candidates = model.module_names(target.name) or frozenset()
    else:
        info = model.cls(target.name)
        candidates = info.methods | info.attributes if info else frozenset()
    public = [c for c in candidates if not c.startswith("_")]
    return api.closest(name, public, cutoff=0.85)
