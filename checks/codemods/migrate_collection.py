"""ORM `Collection` objects -> MilvusClient calls that name the collection.

A collection variable disappears: `Collection(name, schema)` becomes a create (guarded, because
the ORM constructor is get-or-create: it only creates a collection that does not exist yet, where
`create_collection` raises "already exists" on Milvus Lite), `Collection(name)` becomes nothing,
and every `col.method(...)` becomes `client.method(collection_name=<name>, ...)`.

That is only sound if every use of the variable is a call this codemod maps. One use it cannot
map (the object passed to a function, returned, stored, an unknown attribute, a second binding)
blocks the whole collection: none of its statements change.

The name expression is repeated at each use. A literal or a name bound once is repeated as it
is; anything else (an attribute, an f-string, a call) is first stored in a new variable, at the
point where the ORM evaluated it.
"""

from __future__ import annotations

import libcst as cst

from checks.codemods.call_args import Unbindable, bind_args, string_value
from checks.codemods.collection_methods import (
    ATTRIBUTES,
    attribute_builder,
    method_builder,
    method_for,
)
from checks.codemods.columns_to_rows import insert_edit, insert_fields
from checks.codemods.index_params import check_create_index, create_index_builder
from checks.codemods.migrate_connection import Client
from checks.codemods.module_facts import ModuleFacts
from checks.codemods.plan import Edit, Unit, Unmigratable, snippet
from checks.codemods.render import Arg, NameAllocator, Where, render_call, with_comments

COLLECTION = "pymilvus.Collection"
COLLECTION_PARAMS = ("name", "schema", "using")
CREATE_KEYWORDS = frozenset(
    {"consistency_level", "num_shards", "shards_num", "properties", "timeout"}
)


class CollectionPlanner:
    """Plans one unit per ORM collection: a variable, or an inline `Collection(name).method()`."""

    def __init__(self, facts: ModuleFacts, client: Client, names: NameAllocator):
        self.facts = facts
        self.client = client
        self.names = names
        self._index_params_var: str | None = None

    def plan(self, calls: list[cst.Call]) -> list[Unit]:
        units, seen = [], set()
        for call in calls:
            if self.facts.qualname(call.func) != COLLECTION:
                continue
            assigned = self.facts.assigned_name(call)
            if assigned is None:
                unit = Unit(f"`{snippet(self.facts.code(call))}`", self.facts.line(call))
                self.attempt(unit, self.plan_expression, call, unit)
            else:
                bindings = self.facts.local_assignments(assigned[0])
                if id(bindings[0]) in seen:
                    continue  # a variable bound by several Collection(...) calls: planned once
                seen.add(id(bindings[0]))
                unit = Unit(f"collection `{assigned[0].value}`", self.facts.line(call))
                self.attempt(unit, self.plan_variable, assigned[0], bindings, unit)
            units.append(unit)
        return units

    def attempt(self, unit: Unit, plan, *args) -> None:
        try:
            plan(*args)
        except Unmigratable as exc:
            unit.block(unit.line, str(exc))

    def plan_expression(self, call: cst.Call, unit: Unit) -> None:
        """`Collection(name).method(...)`, or `Collection(name, schema)` alone on its line."""
        facts = self.facts
        bound = self.bind_collection(call)
        unit.site(facts, call)
        receiver = facts.parent(call)
        line = facts.expression_statement(call)
        if isinstance(receiver, cst.Attribute) and "schema" not in bound:
            self.plan_inline(call, receiver, unit)
        elif line is not None and "schema" in bound:
            name_node = bound["name"].value
            hoist = string_value(name_node) is None and not isinstance(name_node, cst.Name)
            name_code = self.names.fresh("collection_name") if hoist else facts.code(name_node)
            self.plan_create(bound, line, unit, name_code, hoist)
        else:
            raise Unmigratable("the Collection object is used in a way this codemod cannot follow")

    def bind_collection(self, call: cst.Call) -> dict[str, cst.Arg]:
        try:
            bound = bind_args(call, COLLECTION_PARAMS)
        except Unbindable as exc:
            raise Unmigratable(f"`Collection(...)`: {exc}") from exc
        if "name" not in bound:
            raise Unmigratable("`Collection(...)` without a name")
        if not self.client.serves(bound.get("using")):
            raise Unmigratable("`using=` names a connection other than the migrated one")
        extra = set(bound) - set(COLLECTION_PARAMS)
        allowed = CREATE_KEYWORDS if "schema" in bound else frozenset()
        if extra - allowed:
            raise Unmigratable(f"`Collection(...)` argument `{sorted(extra - allowed)[0]}`")
        return bound

    # --- a collection variable ----------------------------------------------------------------

    def plan_variable(self, target: cst.Name, bindings: list, unit: Unit) -> None:
        """A variable bound by `= Collection(...)` (once, or in each branch of an if)."""
        facts = self.facts
        references = {id(a.node): a for b in bindings for a in b.references}.values()
        references = sorted(references, key=lambda a: facts.line(a.node))
        for node in [b.node for b in bindings] + [a.node for a in references]:
            unit.site(facts, node)
        creations = []
        for binding in bindings:
            found = facts.assigned_value(binding)
            value, line = found if found else (None, None)
            if not (isinstance(value, cst.Call) and facts.qualname(value.func) == COLLECTION):
                raise Unmigratable(f"`{target.value}` is also bound to something else")
            if not (isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1):
                raise Unmigratable(f"`{target.value} = Collection(...)` shares its line")
            creations.append((value, self.bind_collection(value), line))
        name_node = self.same_name(target, [bound["name"].value for _, bound, _ in creations])
        hoist = self.needs_hoisting(name_node, references)
        if hoist and len(creations) > 1:
            raise Unmigratable(f"`{target.value}` is bound several times to a computed name")
        name_code = facts.code(name_node)
        if hoist:
            name_code = self.names.fresh(f"{target.value}_name", "collection_name")
        fields = self.fields_or_reason([bound.get("schema") for _, bound, _ in creations])
        for access in references:
            use = access.node
            try:
                self.plan_use(use, name_code, fields, unit)
            except Unmigratable as exc:
                unit.block(facts.line(use), str(exc))
        for call, bound, line in creations:
            if "schema" in bound:
                self.plan_create(bound, line, unit, name_code, hoist=hoist)
                continue
            orm = f"Collection({facts.code(bound['name'].value)})"
            if hoist:
                unit.add(
                    Edit(line, hoist_builder(name_code)),
                    facts.line(call),
                    f"{orm} → {name_code} = <the name>",
                )
            else:
                unit.add(
                    Edit(line, remove_statement),
                    facts.line(call),
                    f"{orm} → removed (MilvusClient names collections)",
                )

    def same_name(self, target: cst.Name, names: list[cst.BaseExpression]) -> cst.BaseExpression:
        """The name expression, which every binding of the variable must spell the same way."""
        first = names[0]
        for other in names[1:]:
            same_literal = string_value(first) is not None and string_value(first) == string_value(
                other
            )
            same_name = (
                isinstance(first, cst.Name)
                and isinstance(other, cst.Name)
                and (first.value == other.value)
            )
            if not (same_literal or same_name):
                raise Unmigratable(f"`{target.value}` is bound to collections of different names")
        return first

    def needs_hoisting(self, name_node: cst.BaseExpression, references) -> bool:
        """False if the name's source can be repeated at every use and mean the same there."""
        if string_value(name_node) is not None:
            return False
        if not isinstance(name_node, cst.Name):
            return True
        bindings = self.facts.assignments(name_node)  # one `=` or one import: a constant
        if len(bindings) > 1:
            return True
        for access in references:
            scope = self.facts.scope(access.node)
            if scope is None or set(scope[name_node.value]) != bindings:
                return True
        return False

    def fields_or_reason(self, schemas: list[cst.Arg | None]) -> list[str] | str:
        """The column order for inserts, from the schema(s) the collection is created with."""
        found = []
        for schema in schemas:
            if schema is not None:
                try:
                    found.append(insert_fields(self.facts, schema.value))
                except Unmigratable as exc:
                    return str(exc)
        if not found:
            return "column data needs the schema's field order, not in this module"
        if any(fields != found[0] for fields in found):
            return "the collection is created with different schemas"
        return found[0]

    def plan_use(self, use: cst.Name, name_code: str, fields, unit: Unit) -> None:
        """One use of the collection variable: a mapped method call or attribute."""
        facts = self.facts
        attribute = facts.parent(use)
        if not (isinstance(attribute, cst.Attribute) and attribute.value is use):
            raise Unmigratable(f"`{use.value}` is used as a value, not through a method call")
        if facts.in_f_string(use):
            raise Unmigratable(f"`{use.value}.{attribute.attr.value}` is inside an f-string")
        attr = attribute.attr.value
        call = facts.parent(attribute)
        if isinstance(call, cst.Call) and call.func is attribute:
            self.plan_method(call, attr, lambda _call: name_code, fields, unit)
        elif attr in ATTRIBUTES:
            client = self.client.name
            unit.add(
                Edit(
                    attribute, attribute_builder(attr, client, name_code), facts.column(attribute)
                ),
                facts.line(attribute),
                f"{facts.code(attribute)} → "
                + (
                    name_code
                    if attr == "name"
                    else f"{client}.get_collection_stats(...)['row_count']"
                ),
            )
        else:
            raise Unmigratable(f"`.{attr}` has no MilvusClient mapping here")

    # --- an inline Collection(name).method(...) -----------------------------------------------

    def plan_inline(self, call: cst.Call, attribute: cst.Attribute, unit: Unit) -> None:
        method_call = self.facts.parent(attribute)
        if self.facts.in_f_string(call):
            raise Unmigratable("the Collection is used inside an f-string")
        if not (isinstance(method_call, cst.Call) and method_call.func is attribute):
            raise Unmigratable(f"`.{attribute.attr.value}` of an inline Collection")

        def name_code(updated: cst.Call) -> str:
            receiver = updated.func.value
            return self.facts.module.code_for_node(
                bind_args(receiver, COLLECTION_PARAMS)["name"].value
            )

        self.plan_method(
            method_call, attribute.attr.value, name_code, "the schema is not known", unit
        )

    # --- method calls -------------------------------------------------------------------------

    def plan_method(self, call: cst.Call, attr: str, name_code, fields, unit: Unit) -> None:
        facts = self.facts
        client = self.client.name
        line = facts.line(call)
        receiver = call.func.value
        orm = (
            f"{receiver.value if isinstance(receiver, cst.Name) else 'Collection(...)'}.{attr}(...)"
        )
        if attr == "create_index":
            check_create_index(facts, call)
            statement = facts.expression_statement(call)
            build = create_index_builder(client, self.index_params_var(), name_code)
            unit.add(
                Edit(statement, build),
                line,
                f"{orm} → prepare_index_params() + add_index() + create_index()",
            )
        elif attr in ("insert", "upsert"):
            edit, shape = insert_edit(facts, call, attr, client, name_code, fields)
            unit.add(edit, line, f"{orm} → {client}.{attr}(...){shape}")
        else:
            method = method_for(facts, call, attr)
            unit.add(
                Edit(call, method_builder(method, client, name_code), facts.column(call)),
                line,
                f"{orm} → {client}.{method.client}(...)",
            )

    # --- creation -----------------------------------------------------------------------------

    def plan_create(
        self, bound, line: cst.SimpleStatementLine, unit: Unit, name_code: str, hoist=False
    ):
        facts = self.facts
        client = self.client.name

        def build(updated_line: cst.SimpleStatementLine, where: Where) -> str:
            small = updated_line.body[0]
            call = small.value
            args = bind_args(call, COLLECTION_PARAMS)
            statements = []
            if hoist:
                statements.append(f"{name_code} = {where.code(args['name'].value)}")
            items = [
                ("num_shards" if name == "shards_num" else name, arg.value, arg)
                for name, arg in args.items()
                if name not in ("name", "using")
            ]
            inner = Where(where.module, where.indent + where.unit, where.column + len(where.unit))
            create = render_call(
                f"{client}.create_collection",
                [Arg("collection_name", name_code), *with_comments(items, inner)],
                inner,
            )
            statements.append(f"if not {client}.has_collection({name_code}):\n{where.unit}{create}")
            return "\n".join(statements)

        unit.add(
            Edit(line, build),
            facts.line(line),
            f"Collection({name_code}, ...) → {client}.create_collection(...) unless it exists",
        )

    def index_params_var(self) -> str:
        if self._index_params_var is None:
            self._index_params_var = self.names.fresh("index_params", "milvus_index_params")
        return self._index_params_var


def remove_statement(line: cst.SimpleStatementLine, where: Where) -> str:
    return ""


def hoist_builder(name_code: str):
    def build(line: cst.SimpleStatementLine, where: Where) -> str:
        call = line.body[0].value
        return f"{name_code} = {where.code(bind_args(call, COLLECTION_PARAMS)['name'].value)}"

    return build
