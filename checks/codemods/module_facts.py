"""What the migration planners may ask about one parsed module, answered from libcst metadata.

Names are matched by qualified name, so `from pymilvus import Collection as C`, `import pymilvus
as pm` and the `pymilvus.orm...` submodule spellings all fold to one public name
(`pymilvus.Collection`, `pymilvus.utility.has_collection`). Everything here is static: nothing in
the user's module is imported or run.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import (
    Assignment,
    GlobalScope,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    QualifiedNameSource,
    Scope,
    ScopeProvider,
)

# Top-level pymilvus names. A qualified name is folded to `pymilvus.<the last of these in its
# path>.<members>`: `pymilvus.orm.connections.connections.connect` -> `pymilvus.connections.connect`.
PUBLIC_NAMES = frozenset(
    {
        "connections", "Collection", "utility", "Partition", "Index", "Role", "db",
        "FieldSchema", "CollectionSchema", "DataType", "MilvusClient",
    }
)  # fmt: skip
# The deprecated ORM entry points (MV101). FieldSchema, CollectionSchema and DataType are not.
ORM_NAMES = frozenset({"connections", "Collection", "utility", "Partition", "Index", "Role", "db"})
# orm/utility.py functions pymilvus also exports at top level (`from pymilvus import
# has_collection`), deprecated like the rest of `utility`.
UTILITY_EXPORTS = frozenset(
    {
        "has_collection", "drop_collection", "list_collections", "has_partition",
        "loading_progress", "wait_for_loading_complete", "index_building_progress",
        "wait_for_index_building_complete", "create_user", "delete_user", "update_password",
        "reset_password", "list_usernames", "create_resource_group", "drop_resource_group",
        "describe_resource_group", "list_resource_groups", "update_resource_groups",
        "transfer_node", "transfer_replica",
    }
)  # fmt: skip
# Timestamp helpers in orm/utility.py: not deprecated, and they need no connection.
TIMESTAMP_HELPERS = frozenset(
    {"mkts_from_hybridts", "mkts_from_unixtime", "mkts_from_datetime", "hybridts_to_datetime",
     "hybridts_to_unixtime"}
)  # fmt: skip


def fold_qualname(qualname: str) -> str | None:
    """`pymilvus.orm.utility.has_collection` -> `pymilvus.utility.has_collection`; None if not
    pymilvus."""
    parts = qualname.split(".")
    if parts[0] != "pymilvus":
        return None
    if len(parts) == 2 and parts[1] in UTILITY_EXPORTS:
        return f"pymilvus.utility.{parts[1]}"
    public = [i for i, part in enumerate(parts) if i > 0 and part in PUBLIC_NAMES]
    if not public:
        return qualname
    return ".".join(["pymilvus", *parts[public[-1] :]])


class ModuleFacts(cst.MetadataDependent):
    """Qualified names, scopes, parents and positions of one module (use inside `resolve`)."""

    METADATA_DEPENDENCIES = (
        QualifiedNameProvider,
        ScopeProvider,
        ParentNodeProvider,
        PositionProvider,
    )

    def __init__(self, module: cst.Module):
        super().__init__()
        self.module = module

    # --- names --------------------------------------------------------------------------------

    def qualname(self, node: cst.CSTNode) -> str | None:
        """The folded pymilvus name an expression refers to through an import, or None."""
        names = self.get_metadata(QualifiedNameProvider, node, set())
        folded = {
            fold_qualname(q.name) for q in names if q.source is QualifiedNameSource.IMPORT
        } - {None}
        return folded.pop() if len(folded) == 1 else None

    def is_orm_reference(self, node: cst.CSTNode) -> bool:
        name = self.qualname(node)
        parts = name.split(".") if name else []
        if len(parts) < 2 or parts[1] not in ORM_NAMES:
            return False
        return not (parts[1] == "utility" and parts[2:3] and parts[2] in TIMESTAMP_HELPERS)

    def is_attribute_base(self, node: cst.CSTNode) -> bool:
        """`utility` in `utility.has_collection`: part of a longer name, judged as a whole."""
        parent = self.parent(node)
        return isinstance(parent, cst.Attribute) and parent.value is node

    def in_f_string(self, node: cst.CSTNode) -> bool:
        """Inside an f-string's `{...}`, where new string literals could clash with its quotes
        (before Python 3.12)."""
        while node is not None and not isinstance(node, cst.BaseStatement):
            if isinstance(node, cst.FormattedString):
                return True
            node = self.parent(node)
        return False

    # --- tree ---------------------------------------------------------------------------------

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.get_metadata(ParentNodeProvider, node, None)

    def statement(self, node: cst.CSTNode) -> cst.BaseStatement | None:
        """The statement line (simple or compound) that holds the node."""
        while node is not None and not isinstance(node, cst.BaseStatement):
            node = self.parent(node)
        return node

    def line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def column(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.column

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def expression_statement(self, call: cst.CSTNode) -> cst.SimpleStatementLine | None:
        """The line if the call is the whole statement (`x.load()` alone on its line), else None."""
        expr = self.parent(call)
        line = self.parent(expr) if isinstance(expr, cst.Expr) else None
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
            return line
        return None

    def assigned_name(self, value: cst.CSTNode) -> tuple[cst.Name, cst.SimpleStatementLine] | None:
        """For `name = value` alone on its line: the target Name and the line."""
        assign = self.parent(value)
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            return None
        target = assign.targets[0].target
        line = self.parent(assign)
        if not isinstance(target, cst.Name) or not isinstance(line, cst.SimpleStatementLine):
            return None
        return (target, line) if len(line.body) == 1 else None

    # --- scopes -------------------------------------------------------------------------------

    def scope(self, node: cst.CSTNode) -> Scope | None:
        return self.get_metadata(ScopeProvider, node, None)

    def assignments(self, name: cst.Name) -> set:
        """The bindings a Name can refer to where it stands (all of them, in every branch)."""
        scope = self.scope(name)
        return set(scope[name.value]) if scope is not None else set()

    def single_assignment(self, name: cst.Name) -> Assignment | None:
        """The one plain binding of a name, if it has exactly one (no rebinding, no import)."""
        found = self.assignments(name)
        if len(found) != 1:
            return None
        [assignment] = found
        return assignment if type(assignment) is Assignment else None

    def single_value(self, name: cst.Name) -> cst.BaseExpression | None:
        """The value of `name = <value>` when that is the name's only binding."""
        assignment = self.single_assignment(name)
        found = self.assigned_value(assignment) if assignment is not None else None
        return found[0] if found else None

    def assigned_value(self, assignment) -> tuple[cst.BaseExpression, cst.CSTNode] | None:
        """(value, statement line) of a binding made by a plain `name = value`, else None."""
        if type(assignment) is not Assignment or not isinstance(assignment.node, cst.Name):
            return None
        target = self.parent(assignment.node)
        assign = self.parent(target) if isinstance(target, cst.AssignTarget) else None
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            return None
        return assign.value, self.parent(assign)

    def local_assignments(self, target: cst.Name) -> list:
        """Every binding of the target's name in the target's own scope, in source order."""
        scope = self.scope(target)
        found = scope.assignments[target.value] if scope is not None else ()
        return sorted(found, key=lambda a: self.line(a.node))

    def encloses(self, outer: Scope, inner: Scope | None) -> bool:
        """True if code in `inner` sees the local names of `outer` (same scope or nested in it)."""
        while inner is not None:
            if inner is outer:
                return True
            if isinstance(inner, GlobalScope):
                return False
            inner = inner.parent
        return False

    def used_names(self) -> set[str]:
        """Every identifier spelled anywhere in the module: new names must avoid all of them."""
        names: set[str] = set()

        class Collect(cst.CSTVisitor):
            def visit_Name(self, node: cst.Name) -> None:
                names.add(node.value)

        self.module.visit(Collect())
        return names
