"""MV101 orm-api-deprecated."""

from __future__ import annotations

import ast

from checks.fixes import Fixer, cst, remove_elements
from checks.rules.base import Invalid, Rule, Valid
from checks.semantic import PUBLIC_NAMES, canonical

ORM_NAMES = frozenset(
    {"connections", "Connections", "Collection", "Partition", "Index", "utility", "db", "Role"}
)
# pymilvus 3.0.2 orm/utility.py wraps these in `deprecated(...)`; pymilvus re-exports many of
# them at top level (`from pymilvus import has_collection`).
UTILITY_NAMES = frozenset({
    "loading_progress", "load_state", "wait_for_loading_complete", "index_building_progress",
    "wait_for_index_building_complete", "has_collection", "has_partition", "drop_collection",
    "truncate_collection", "rename_collection", "list_collections", "load_balance",
    "get_query_segment_info", "create_alias", "drop_alias", "alter_alias", "list_aliases",
    "do_bulk_insert", "get_bulk_insert_state", "list_bulk_insert_tasks", "reset_password",
    "create_user", "update_password", "delete_user", "list_usernames", "list_roles", "list_user",
    "list_users", "get_server_version", "create_resource_group", "update_resource_groups",
    "drop_resource_group", "describe_resource_group", "list_resource_groups", "transfer_node",
    "transfer_replica", "flush_all", "get_server_type", "list_indexes",
})  # fmt: skip
# orm/db.py
DB_NAMES = frozenset(
    {"using_database", "create_database", "drop_database", "list_database", "set_properties",
     "describe_database"}
)  # fmt: skip
ORM_QUALNAMES = frozenset(f"pymilvus.{name}" for name in ORM_NAMES)
_ALL_NAMES = ORM_NAMES | UTILITY_NAMES | DB_NAMES


def deprecated_name(module: str, name: str) -> bool:
    """Whether `name` imported from `module` (pymilvus or one of its modules) is an ORM API."""
    owner = canonical(module)
    if owner == "pymilvus":
        return name in ORM_NAMES or name in UTILITY_NAMES
    return (
        canonical(f"{module}.{name}") in ORM_QUALNAMES
        or (owner == "pymilvus.utility" and name in UTILITY_NAMES)
        or (owner == "pymilvus.db" and name in DB_NAMES)
        or (owner == "pymilvus.connections" and name == "Connections")
    )


class MigrateToMilvusClient(Fixer):
    """Migrate the module's ORM code to MilvusClient with the MV101 codemod (checks.codemods).

    What the codemod cannot migrate it leaves whole; those findings stay reported.
    """

    partial = True

    def leave_ImportFrom(self, original_node, updated_node):
        """An ORM name only imported, in a module already on MilvusClient: drop it."""
        diagnostic = self.diagnostic_for(original_node)
        if diagnostic is None or not diagnostic.fix_data.get("unused"):
            return updated_node
        names = set(diagnostic.fix_data["names"])
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        kept = remove_elements(updated_node.names, lambda a: a.name.value in names)
        if not kept:
            return updated_node  # nothing else imported here: leave the statement to the user
        self.fixed(diagnostic, "removed the unused ORM import of " + ", ".join(sorted(names)))
        if updated_node.rpar is None and isinstance(kept[-1].comma, cst.Comma):
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=kept)

    def leave_Module(self, original_node, updated_node):
        code = updated_node.code
        pending = [d for found in self.pending.values() for d in found]
        new, applied, notes = self.migrate(code, pending)
        if new == code:
            return updated_node
        for diagnostic, description in applied:
            self.fixed(diagnostic, description)
        self.notes += notes
        return cst.parse_module(new)

    @classmethod
    def rewrite_module(cls, code, diagnostics):
        """Without an unused import to drop first, the migration needs no pass of its own over
        the module (on 50,000 lines, a quarter of its cost): it parses the text itself."""
        if any(d.fix_data.get("unused") for d in diagnostics):
            return None
        return cls.migrate(code, diagnostics)

    @staticmethod
    def migrate(code: str, diagnostics):
        """(code, [(diagnostic, description)], [(line, note)]) of the migration of `code`."""
        from checks.codemods import migrate_orm_to_client

        result = migrate_orm_to_client(code)
        if not result.migrated or result.code == code:
            return code, [], []
        notes = []
        for line in result.migrated:
            number, _, what = line.partition(": ")
            number = number.removeprefix("line ")
            notes.append((int(number) if number.isdigit() else 1, what or line))
        return result.code, [(d, "migrated to MilvusClient") for d in diagnostics], notes


class OrmApiDeprecated(Rule):
    """The ORM API (connections, Collection, utility, ...) is deprecated: use MilvusClient."""

    code = "MV101"
    name = "orm-api-deprecated"
    severity = "warning"
    pymilvus_only = True
    severity_by_version = {">=3.1": "error"}
    fix = "unsafe"
    fixer = MigrateToMilvusClient
    pymilvus = ">=2.6"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        """,
        # Schema classes and rankers are not deprecated: MilvusClient uses them.
        """
        from pymilvus import (
            FieldSchema, CollectionSchema, DataType, Function, FunctionType,
            AnnSearchRequest, RRFRanker, WeightedRanker, MilvusClient,
        )
        schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)])
        req = AnnSearchRequest([[0.1]], "vec", {}, limit=5)
        """,
        # Look-alikes: another library's Collection, a class of our own, json.load.
        """
        import json
        from chromadb import Collection
        from pymilvus import MilvusClient
        col = Collection("docs")
        data = json.load(open("x.json"))
        """,
        """
        import pymilvus
        class Collection:
            pass
        Collection()
        client = pymilvus.MilvusClient("demo.db")
        """,
        # Before pymilvus 2.6 nothing is deprecated.
        Valid(
            """
            from pymilvus import connections, Collection
            connections.connect(host="localhost", port="19530")
            """,
            pymilvus_version="2.5",
        ),
        # ORM modules used only for their non-deprecated helpers.
        """
        from pymilvus.orm.schema import FieldSchema
        from pymilvus.orm.utility import mkts_from_unixtime
        ts = mkts_from_unixtime(1700000000)
        """,
    ]
    INVALID = [
        # Already on MilvusClient: the ORM name is only imported (the advice is to remove it).
        Invalid(
            """
            from pymilvus import MilvusClient, Collection, DataType
            client = MilvusClient("demo.db")
            hits = client.search("docs", data=[[0.1] * 8], limit=3)
            """,
            line=1,
            fixed="""
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            hits = client.search("docs", data=[[0.1] * 8], limit=3)
            """,
        ),
        Invalid(
            """
            from pymilvus import (
                MilvusClient,
                utility,
            )
            client = MilvusClient("demo.db")
            """,
            line=1,
            fixed="""
            from pymilvus import (
                MilvusClient,
            )
            client = MilvusClient("demo.db")
            """,
        ),
        Invalid(
            """
            from pymilvus import connections, Collection, FieldSchema, DataType
            connections.connect(host="localhost", port="19530")
            col = Collection("docs")
            """,
            line=1,
        ),
        Invalid(
            """
            import pymilvus as pm
            pm.connections.connect(uri="http://localhost:19530")
            col = pm.Collection("docs")
            other = pm.Collection("more")
            """,
            line=2,
            count=2,
        ),
        Invalid(
            """
            from pymilvus import utility, MilvusClient
            from pymilvus import has_collection
            from pymilvus.orm.collection import Collection as C
            if utility.has_collection("docs"):
                pass
            """,
            line=1,
            count=3,
        ),
        Invalid(
            """
            from pymilvus import *
            connections.connect()
            col = Collection("docs", schema)
            """,
            line=2,
            count=2,
        ),
        Invalid(
            """
            from pymilvus import Collection
            def load(name):
                return Collection(name)
            """,
            pymilvus_version="3.1",
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.reported: set[str] = set()
        if not any(scope.star_pymilvus for scope in ctx.model.scopes.values()):
            self.visit_Name = None  # no `from pymilvus import *`: no name to look at

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level or not (module == "pymilvus" or module.startswith("pymilvus.")):
            return
        aliases = [a for a in node.names if deprecated_name(module, a.name)]
        names = [a.name for a in aliases]
        if names:
            self.reported.update(names)
            if not self._used({a.asname or a.name for a in aliases}):
                self._report_unused(node, names)
            else:
                self._report(node, names)

    def visit_Import(self, node: ast.Import) -> None:
        # `import pymilvus.orm.utility as utility`
        names = [
            canonical(a.name).rsplit(".", 1)[1]
            for a in node.names
            if a.asname and a.name.startswith("pymilvus.") and canonical(a.name) in ORM_QUALNAMES
        ]
        if names:
            self._report(node, names)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        # `pymilvus.Collection(...)`, `pm.connections.connect(...)`: once per name.
        if node.attr not in _ALL_NAMES or node.attr in self.reported:
            return
        if not isinstance(node.ctx, ast.Load):
            return
        base = self.ctx.qualname(node.value)
        if base is None or not (base == "pymilvus" or base.startswith("pymilvus.")):
            return
        if canonical(base) in ORM_QUALNAMES or not deprecated_name(base, node.attr):
            return  # `utility.has_collection`: the `utility` use is the finding
        self.reported.add(node.attr)
        self._report(node, [node.attr])

    def visit_Name(self, node: ast.Name) -> None:
        # Names that come from `from pymilvus import *`: once per name, at its first use.
        if node.id not in ORM_NAMES or node.id in self.reported or not self._from_star(node.id):
            return
        self.reported.add(node.id)
        self._report(node, [node.id])

    def _from_star(self, name: str) -> bool:
        scope, first = self.ctx.scope, True
        while scope is not None:
            if scope.kind != "class" or first:
                if name in scope.defs:
                    return False
                if scope.star_pymilvus and name in PUBLIC_NAMES:
                    return True
            first, scope = False, scope.parent
        return False

    def _uses_client(self) -> bool:
        """The module already builds a MilvusClient or AsyncMilvusClient."""
        return any(
            isinstance(node, ast.Call) and self.ctx.model.value_of(node, scope).kind == "client"
            for node, scope in self.ctx.model.nodes
        )

    def _used(self, local_names: set[str]) -> bool:
        return any(
            isinstance(node, ast.Name) and node.id in local_names
            for node, _ in self.ctx.model.nodes
        )

    def _report_unused(self, node: ast.AST, names: list[str]) -> None:
        """The ORM names are only imported, never used: the advice is to drop them."""
        listed = ", ".join(f"`{n}`" for n in names)
        already = "this file already uses MilvusClient, and " if self._uses_client() else ""
        self.report(
            node,
            f"Remove the unused import of {listed}: {already}the ORM API is deprecated since "
            "pymilvus 2.6 and removed in 3.1, where this import fails.",
            hint=f"delete {listed} from this import",
            fix_data={"names": names, "unused": True},
        )

    def _report(self, node: ast.AST, names: list[str]) -> None:
        listed = ", ".join(f"`{n}`" for n in names)
        what = "are ORM APIs" if len(names) > 1 else "is an ORM API"
        self.report(
            node,
            f"Use MilvusClient: {listed} {what} deprecated since pymilvus 2.6 and removed in 3.1.",
            hint="MilvusClient(uri=...) replaces them; FieldSchema, CollectionSchema, DataType stay",
            fix_data={"names": names},
        )
