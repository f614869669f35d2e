"""`col.create_index(field, {...})` -> `prepare_index_params()` + `add_index(...)` + `create_index`.

The ORM dict's keys are `add_index`'s keyword arguments (`index_type`, `metric_type`,
`params`; any other key is an index config, which `IndexParam` merges the same way), so a
literal dict becomes keyword arguments, comments included. A name bound once to a literal dict
is passed as `**name`, which keeps it the single source of truth. Anything else (a dict built at
run time, a function's result) is left alone: its keys cannot be checked.
"""

from __future__ import annotations

import libcst as cst

from checks.codemods.call_args import Unbindable, bind_args, string_value
from checks.codemods.module_facts import ModuleFacts
from checks.codemods.plan import Unmigratable
from checks.codemods.render import Arg, Where, is_identifier, render_call, with_comments

CREATE_INDEX_PARAMS = ("field_name", "index_params", "timeout")
RESERVED = frozenset({"field_name", "index_name"})  # add_index's own parameters


def check_create_index(facts: ModuleFacts, call: cst.Call) -> None:
    """Raise Unmigratable unless this `col.create_index(...)` can be rewritten."""
    if facts.expression_statement(call) is None:
        raise Unmigratable("`.create_index(...)` is not a statement of its own")
    try:
        bound = bind_args(call, CREATE_INDEX_PARAMS)
    except Unbindable as exc:
        raise Unmigratable(f"`.create_index(...)`: {exc}") from exc
    unknown = set(bound) - set(CREATE_INDEX_PARAMS) - {"index_name"}
    if unknown:
        raise Unmigratable(f"`.create_index(...)` argument `{sorted(unknown)[0]}` has no mapping")
    if "field_name" not in bound:
        raise Unmigratable("`.create_index(...)` has no field name")
    params = bound.get("index_params")
    if params is None:
        return
    value = params.value
    if isinstance(value, cst.Name):
        value = facts.single_value(value)
        if not isinstance(value, cst.Dict):
            raise Unmigratable("the index params are not a dict literal bound once")
    if not isinstance(value, cst.Dict):
        raise Unmigratable("the index params are not a dict literal")
    for element in value.elements:
        key = string_value(element.key) if isinstance(element, cst.DictElement) else None
        if key is None or not is_identifier(key) or key in RESERVED:
            raise Unmigratable("an index params key is not a plain string (or is reserved)")


def create_index_builder(client: str, params_var: str, name_code):
    """The three statements that replace one `col.create_index(...)` statement."""

    def build(line: cst.SimpleStatementLine, where: Where) -> str:
        call = line.body[0].value
        bound = bind_args(call, CREATE_INDEX_PARAMS)
        field = bound["field_name"]
        add = [Arg("field_name", where.code(field.value))]
        params = bound.get("index_params")
        if params is not None and isinstance(params.value, cst.Dict):
            items = [(string_value(e.key), e.value, e) for e in params.value.elements]
            add += with_comments(items, where, params.value.lbrace.whitespace_after)
        elif params is not None:
            add.append(Arg(None, "**" + where.code(params.value)))
        if "index_name" in bound:
            add.append(Arg("index_name", where.code(bound["index_name"].value)))
        create = [Arg("collection_name", name_code(call)), Arg("index_params", params_var)]
        if "timeout" in bound:
            create.append(Arg("timeout", where.code(bound["timeout"].value)))
        return "\n".join(
            [
                f"{params_var} = {client}.prepare_index_params()",
                render_call(f"{params_var}.add_index", add, where),
                render_call(f"{client}.create_index", create, where),
            ]
        )

    return build
