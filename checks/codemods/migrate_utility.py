"""`utility.has_collection/drop_collection/list_collections(...)` -> the same client methods.

The functions and the client methods share their names and return the same things (a bool, None,
a list of names); only `using=`, the ORM connection alias, goes away. A call that names another
connection's alias is left alone.
"""

from __future__ import annotations

import libcst as cst

from checks.codemods.call_args import Unbindable, bind_args
from checks.codemods.migrate_connection import Client
from checks.codemods.module_facts import ModuleFacts
from checks.codemods.plan import Edit, Unit
from checks.codemods.render import Arg, Where, render_call, with_comments

# ORM parameters, in order (pymilvus 3.0.2 orm/utility.py).
UTILITY = {
    "pymilvus.utility.has_collection": ("collection_name", "using", "timeout"),
    "pymilvus.utility.drop_collection": ("collection_name", "timeout", "using"),
    "pymilvus.utility.list_collections": ("timeout", "using"),
}


def plan_utility_calls(facts: ModuleFacts, calls: list[cst.Call], client: Client) -> list[Unit]:
    units = []
    for call in calls:
        params = UTILITY.get(facts.qualname(call.func) or "")
        if params is None:
            continue
        line = facts.line(call)
        function = facts.qualname(call.func).rsplit(".", 1)[1]
        unit = Unit(f"`utility.{function}(...)`", line)
        unit.site(facts, call)
        try:
            bound = bind_args(call, params)
        except Unbindable as exc:
            unit.block(line, str(exc))
        else:
            if set(bound) - set(params):
                unit.block(line, f"argument `{sorted(set(bound) - set(params))[0]}` has no mapping")
            elif not client.serves(bound.get("using")):
                unit.block(line, "`using=` names a connection other than the migrated one")
            else:
                build = utility_builder(f"{client.name}.{function}", params)
                unit.add(
                    Edit(call, build, facts.column(call)),
                    line,
                    f"utility.{function}(...) → {client.name}.{function}(...)",
                )
        units.append(unit)
    return units


def utility_builder(func: str, params: tuple[str, ...]):
    def build(call: cst.Call, where: Where) -> str:
        bound = bind_args(call, params)
        items = [(name, arg.value, arg) for name, arg in bound.items() if name != "using"]
        args = with_comments(items, where, call.whitespace_before_args)
        if (
            args
            and args[0].keyword == "collection_name"
            and bound["collection_name"].keyword is None
        ):
            first = args[0]
            args[0] = Arg(None, first.code, first.comment, first.leading)
        return render_call(func, args, where)

    return build
