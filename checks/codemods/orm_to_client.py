"""MV101's migration: pymilvus ORM code (connections, Collection, utility) -> MilvusClient.

    migrate_orm_to_client(source) -> MigrationResult(code, migrated, remaining)

The common subset is rewritten; everything else is left byte-identical and listed in `remaining`
with the reason. The codemod plans first and edits second: it reads the module (libcst metadata:
qualified names, scopes), groups the edits into units that must change together (a collection
and every use of it), drops every unit that has one part it cannot migrate, and only then
rewrites. Search and query results need no rewrite: on pymilvus >= 2.5 MilvusClient returns the
same `Hit` objects the ORM does (`hit.id`, `hit.distance`, `hit.entity.get(...)` and
`hit["entity"][...]` all work; checked on pymilvus 3.0.2 with Milvus Lite).

While some ORM code stays (a collection that cannot be migrated), the ORM connection stays with
it: the client is added next to `connections.connect(...)`, and `client.close()` next to each
`connections.disconnect(...)`.

The function is pure: it never imports or runs the code, and never raises on valid Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import MetadataWrapper

from checks.codemods.apply_edits import ApplyEdits
from checks.codemods.migrate_collection import CollectionPlanner
from checks.codemods.migrate_connection import (
    CONNECT,
    DISCONNECT,
    Client,
    connect_edit,
    disconnect_units,
    find_client,
    keep_disconnect,
)
from checks.codemods.migrate_utility import plan_utility_calls
from checks.codemods.module_facts import ORM_NAMES, UTILITY_EXPORTS, ModuleFacts
from checks.codemods.plan import Edit, Unit, Unmigratable, snippet
from checks.codemods.render import NameAllocator


@dataclass
class MigrationResult:
    """The migrated code, what was migrated (one line each), and what was left and why."""

    code: str
    migrated: list[str] = field(default_factory=list)
    remaining: list[tuple[int, str]] = field(default_factory=list)


def migrate_orm_to_client(source: str) -> MigrationResult:
    """Rewrite the ORM calls of one module to MilvusClient; see the module docstring."""
    if "pymilvus" not in source:  # every name this matches comes from a pymilvus import
        return MigrationResult(source)
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        return MigrationResult(source, remaining=[(exc.raw_line, "syntax error: not migrated")])
    try:
        return migrate_module(module, source)
    except Exception as exc:  # a bug here must not cost the user their file: report it instead
        return MigrationResult(
            source, remaining=[(1, f"internal error, nothing migrated: {exc!r}")]
        )


def migrate_module(module: cst.Module, source: str) -> MigrationResult:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)  # parsed here, owned here
    facts = ModuleFacts(wrapper.module)
    with facts.resolve(wrapper):
        plan = plan_migration(facts)
    remaining = sorted(set(plan.remaining))
    if not plan.edits:
        return MigrationResult(source, remaining=remaining)
    code = fix_imports(wrapper.module.visit(ApplyEdits(wrapper.module, plan.edits))).code
    if (error := compile_error(code)) is not None and compile_error(source) is None:
        # e.g. `global client` after a use of it: it parses, but Python rejects it.
        message = f"the migration would not compile ({error.msg}); nothing migrated"
        return MigrationResult(source, remaining=[(error.lineno or 1, message)])
    migrated = [f"line {line}: {text}" for line, text in sorted(plan.migrated)]
    return MigrationResult(code, migrated, remaining)


@dataclass
class Plan:
    """The edits to make, what they migrate, and what stays on the ORM API (and why)."""

    edits: list[Edit] = field(default_factory=list)
    migrated: list[tuple[int, str]] = field(default_factory=list)
    remaining: list[tuple[int, str]] = field(default_factory=list)


def plan_migration(facts: ModuleFacts) -> Plan:
    """Every unit that can migrate, plus the client they need; nothing if nothing can."""
    calls, refs = collect(facts.module)
    refs = [r for r in refs if facts.is_orm_reference(r) and not facts.is_attribute_base(r)]
    if not refs:
        return Plan()
    names = NameAllocator(facts.used_names())
    try:
        client = find_client(facts, calls, names.fresh("client", "milvus_client"))
    except Unmigratable as exc:
        return Plan(remaining=leftovers(facts, refs, set(), set(), str(exc)))
    units = CollectionPlanner(facts, client, names).plan(calls)
    units += plan_utility_calls(facts, calls, client)
    disconnects = disconnect_units(facts, calls, client)
    connection = {id(client.connect)} | {
        id(c) for c in calls if facts.qualname(c.func) == DISCONNECT
    }
    handled = keep_statements_whole(facts, units, refs, connection)
    applied = [u for u in units if u.ok]
    remaining = [r for u in units for r in u.remaining()]
    remaining += leftovers(facts, refs, handled, {line for line, _ in remaining}, "")
    keep_orm = bool(remaining)  # some ORM code stays: so does its connection
    remaining += [r for u in disconnects for r in u.remaining()]
    if keep_orm and not applied:  # a client beside unchanged ORM code would help nobody
        why = "the module's other ORM code could not be migrated"
        connection = [c for c in calls if facts.qualname(c.func) in (CONNECT, DISCONNECT)]
        remaining += leftovers(facts, connection, set(), {line for line, _ in remaining}, why)
        return Plan(remaining=remaining)
    plan = Plan([e for u in applied for e in u.edits], [m for u in applied for m in u.migrated])
    plan.edits += connection_edits(facts, client, plan.edits, disconnects, keep_orm, plan.migrated)
    plan.remaining = remaining
    if keep_orm:
        plan.remaining.append(
            (client.line, "`connections.connect(...)` kept: ORM code remains in this module")
        )
    return plan


def compile_error(code: str) -> SyntaxError | None:
    """The SyntaxError Python would raise compiling the code (never running it), if any."""
    try:
        compile(code, "<migrated>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return exc
    except ValueError:  # null bytes: not ours to judge
        return None
    return None


class CollectOrmUses(cst.CSTVisitor):
    """Every call in the module, and every expression that names an ORM API outside imports."""

    def __init__(self):
        self.calls: list[cst.Call] = []
        self.names: list[cst.Name | cst.Attribute] = []

    def visit_Import(self, node) -> bool:
        return False

    def visit_ImportFrom(self, node) -> bool:
        return False

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.names.append(node)


def collect(module: cst.Module) -> tuple[list[cst.Call], list[cst.CSTNode]]:
    visitor = CollectOrmUses()
    module.visit(visitor)
    return visitor.calls, visitor.names


def keep_statements_whole(facts, units: list[Unit], refs, connection: set[int]) -> set[int]:
    """Block every unit that would edit a statement where ORM code stays; return the ids of
    the nodes the remaining units replace (plus the connection's own statements).

    `print(col.num_entities, bad.num_entities)` with `bad` unmigratable must stay as it is:
    a statement is migrated whole or not at all. Blocking one unit can leave more ORM code
    behind, so this runs until nothing changes.
    """
    while True:
        handled = {id(e.node) for u in units if u.ok for e in u.edits} | connection
        staying = {id(facts.statement(r)) for r in refs if not inside(facts, r, handled)}
        staying |= {s for u in units if not u.ok for s in u.statements}
        clashes = [
            (unit, edit)
            for unit in units
            if unit.ok
            for edit in unit.edits
            if id(facts.statement(edit.node)) in staying
        ]
        if not clashes:
            return handled
        for unit, edit in clashes:
            if unit.ok:
                unit.block(facts.line(edit.node), "it shares a statement with ORM code that stays")


def leftovers(facts, refs, handled: set[int], reported: set[int], why: str):
    """(line, message) for each statement that still names an ORM API after the migration."""
    out = []
    for node in refs:
        if inside(facts, node, handled):
            continue
        statement = facts.statement(node)
        line = facts.line(statement if statement is not None else node)
        if line in reported:
            continue
        reported.add(line)
        code = snippet(facts.code(statement)) if statement is not None else facts.code(node)
        reason = why or "no MilvusClient mapping in this codemod"
        out.append((line, f"`{code}` left on the ORM API: {reason}"))
    return out


def inside(facts: ModuleFacts, node: cst.CSTNode, covered: set[int]) -> bool:
    while node is not None:
        if id(node) in covered:
            return True
        node = facts.parent(node)
    return False


def connection_edits(facts, client: Client, edits, disconnects, keep_orm: bool, migrated):
    """The connect statement, and each disconnect, once the client is known to be needed."""
    outside = any(
        not facts.encloses(client.scope, facts.scope(edit.node))
        for edit in edits + [e for u in disconnects for e in u.edits]
    )
    declare_global = outside and client.scope is not facts.scope(facts.module)
    new = [connect_edit(client, facts, keep_orm, declare_global)]
    what = "kept, and `{0} = MilvusClient(...)` added" if keep_orm else "→ {0} = MilvusClient(...)"
    migrated.append((client.line, "connections.connect(...) " + what.format(client.name)))
    for unit in disconnects:
        if unit.ok:
            new += [keep_disconnect(e, client) if keep_orm else e for e in unit.edits]
            migrated.extend(unit.migrated)
    return new


def fix_imports(module: cst.Module) -> cst.Module:
    """Add `from pymilvus import MilvusClient`; drop ORM names that nothing uses any more."""
    context = CodemodContext()
    AddImportsVisitor.add_needed_import(context, "pymilvus", "MilvusClient")
    for source, name, asname in orm_imports(module):
        RemoveImportsVisitor.remove_unused_import(context, source, name, asname)
    module = AddImportsVisitor(context).transform_module(module)
    return RemoveImportsVisitor(context).transform_module(module)


def orm_imports(module: cst.Module) -> list[tuple[str, str, str | None]]:
    """(module, name, alias) of every `from pymilvus... import <ORM name>` in the module."""
    found = []

    class Find(cst.CSTVisitor):
        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            source = cst.helpers.get_full_name_for_node(node.module) if node.module else None
            if not source or source.split(".")[0] != "pymilvus":
                return
            if isinstance(node.names, cst.ImportStar):
                return
            for alias in node.names:
                name = cst.helpers.get_full_name_for_node(alias.name)
                if name in ORM_NAMES or (source == "pymilvus" and name in UTILITY_EXPORTS):
                    found.append((source, name, alias.evaluated_alias))

    module.visit(Find())
    return found
