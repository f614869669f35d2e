"""`col.insert([texts, vectors])` -> `client.insert(..., data=[{"text": ..., "vector": ...}, ...])`.

The ORM takes column lists in schema field order, skipping an auto_id primary key and function
outputs (`orm/schema.py: check_insert_schema`); MilvusClient takes only row dicts (MV114). The
field order is read from the `FieldSchema` list behind the collection's schema, and only when
every link of that chain is a plain, single assignment in this module: a schema built elsewhere,
edited after the fact, or with functions leaves the insert (and so its collection) unmigrated.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from checks.codemods.call_args import Unbindable, bind_args, bool_value, string_value
from checks.codemods.module_facts import ModuleFacts
from checks.codemods.plan import Edit, Unmigratable
from checks.codemods.render import LINE_WIDTH, Arg, Where, is_identifier, render_call, with_comments

INSERT_PARAMS = ("data", "partition_name", "timeout")
FIELD_SCHEMA_PARAMS = ("name", "dtype", "description")
COLLECTION_SCHEMA_PARAMS = ("fields", "description", "struct_fields", "functions")


@dataclass(frozen=True)
class Columns:
    """Insert data that is a list of columns: inline (`[a, b]`) or a name bound to such a list."""

    count: int
    inline: bool


def insert_fields(facts: ModuleFacts, schema: cst.BaseExpression | None) -> list[str]:
    """The fields a column insert fills, in order; raises Unmigratable if not certain."""
    if schema is None:
        raise Unmigratable("column data needs the schema's field order, not in this module")
    call = plain_value(facts, schema, "the schema")
    if not (
        isinstance(call, cst.Call) and facts.qualname(call.func) == "pymilvus.CollectionSchema"
    ):
        raise Unmigratable("the schema is not a `CollectionSchema(...)` in this module")
    try:
        bound = bind_args(call, COLLECTION_SCHEMA_PARAMS)
    except Unbindable as exc:
        raise Unmigratable(f"`CollectionSchema(...)`: {exc}") from exc
    if {"functions", "struct_fields"} & set(bound) or "fields" not in bound:
        raise Unmigratable("the schema has functions or struct fields, or no field list")
    schema_auto_id = literal_flag(bound.get("auto_id"), "auto_id")
    primary_name = bound.get("primary_field")
    primary_name = string_value(primary_name.value) if primary_name else None
    fields = plain_value(facts, bound["fields"].value, "the field list")
    if not isinstance(fields, cst.List):
        raise Unmigratable("the schema's fields are not a list literal")
    names = []
    for element in fields.elements:
        name, primary, auto_id = field_facts(facts, element)
        primary = primary or name == primary_name
        if not (primary and (auto_id or schema_auto_id)):
            names.append(name)
    return names


def field_facts(facts: ModuleFacts, element: cst.BaseElement) -> tuple[str, bool, bool]:
    """(name, is_primary, auto_id) of one `FieldSchema(...)` in the list."""
    call = element.value
    if not (
        isinstance(element, cst.Element)
        and isinstance(call, cst.Call)
        and facts.qualname(call.func) == "pymilvus.FieldSchema"
    ):
        raise Unmigratable("the field list holds something other than `FieldSchema(...)` calls")
    try:
        bound = bind_args(call, FIELD_SCHEMA_PARAMS)
    except Unbindable as exc:
        raise Unmigratable(f"`FieldSchema(...)`: {exc}") from exc
    name = string_value(bound["name"].value) if "name" in bound else None
    if name is None or "is_function_output" in bound:
        raise Unmigratable("a field's name is not a string literal")
    return (
        name,
        literal_flag(bound.get("is_primary"), "is_primary"),
        literal_flag(bound.get("auto_id"), "auto_id"),
    )


def literal_flag(arg: cst.Arg | None, what: str) -> bool:
    if arg is None:
        return False
    flag = bool_value(arg.value)
    if flag is None:
        raise Unmigratable(f"`{what}=` is not a literal True/False")
    return flag


def plain_value(facts: ModuleFacts, node: cst.BaseExpression, what: str) -> cst.BaseExpression:
    """The expression itself, or the value of the name it is, if bound once and never touched.

    "Never touched": every use of the name is a bare argument of a call, so no `.append(...)`
    or `.add_field(...)` can have changed it between its assignment and the insert.
    """
    if not isinstance(node, cst.Name):
        return node
    bindings = facts.assignments(node)
    if not bindings:
        raise Unmigratable(f"{what} `{node.value}` is not bound in this module")
    value = facts.single_value(node)
    assignment = facts.single_assignment(node)
    if value is None or assignment is None:
        raise Unmigratable(f"{what} `{node.value}` is bound more than once, or not by `=`")
    for access in assignment.references:
        if not isinstance(facts.parent(access.node), cst.Arg):
            raise Unmigratable(f"{what} `{node.value}` is changed or used beyond call arguments")
    return value


def classify_data(facts: ModuleFacts, data: cst.BaseExpression) -> Columns | None:
    """Columns, or None for row dicts (passed through as they are); raises if it cannot tell."""
    value = plain_value(facts, data, "the insert data")
    if isinstance(value, cst.Dict | cst.DictComp):
        return None
    if isinstance(value, cst.ListComp) and isinstance(value.elt, cst.Dict | cst.DictComp):
        return None
    if isinstance(value, cst.List) and value.elements:
        if any(not isinstance(e, cst.Element) for e in value.elements):
            raise Unmigratable("the insert data has a starred element")
        first = value.elements[0].value
        if isinstance(first, cst.Dict | cst.DictComp):
            return None
        if (
            isinstance(first, cst.Call)
            and isinstance(first.func, cst.Name)
            and first.func.value == "dict"
        ):
            return None
        return Columns(len(value.elements), inline=value is data)
    raise Unmigratable("cannot tell whether the insert data is rows or columns")


def rows_code(columns: Columns, fields: list[str], data: cst.BaseExpression, where: Where) -> str:
    """A list comprehension turning the columns (the updated data node) into row dicts."""
    if columns.count != len(fields):
        raise Unmigratable(
            f"{columns.count} columns for {len(fields)} fields ({', '.join(fields)})"
        )
    keys = [quote(name) for name in fields]
    if columns.inline:
        sources = [where.code(e.value) for e in data.elements]
        iterable = sources[0] if len(fields) == 1 else f"zip({', '.join(sources)})"
    else:
        name = where.code(data)
        iterable = f"{name}[0]" if len(fields) == 1 else f"zip(*{name})"
    if all(is_identifier(n) for n in fields) and len(set(fields)) == len(fields):
        row = "{" + ", ".join(f"{k}: {n}" for k, n in zip(keys, fields, strict=True)) + "}"
        loop = f"for {', '.join(fields)} in {iterable}"
    elif len(fields) == 1:
        row, loop = f"{{{keys[0]}: value}}", f"for value in {iterable}"
    else:
        row, loop = f"dict(zip([{', '.join(keys)}], row))", f"for row in {iterable}"
    one_line = f"[{row} {loop}]"
    inner = where.indent + where.unit  # where the `data=` argument starts when split
    if where.column + len(where.unit) + len("data=") + len(one_line) + 1 <= LINE_WIDTH:
        return one_line
    return f"[\n{inner}{where.unit}{row}\n{inner}{where.unit}{loop}\n{inner}]"


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def insert_edit(facts: ModuleFacts, call: cst.Call, attr: str, client: str, name_code, fields):
    """(the Edit of `col.insert/upsert(data, ...)`, a note on the data's shape)."""
    if facts.expression_statement(call) is None:
        raise Unmigratable(f"the result of `.{attr}(...)` is used, and MilvusClient's differs")
    try:
        bound = bind_args(call, INSERT_PARAMS)
    except Unbindable as exc:
        raise Unmigratable(f"`.{attr}(...)`: {exc}") from exc
    unknown = set(bound) - set(INSERT_PARAMS)
    if unknown or "data" not in bound:
        raise Unmigratable(f"`.{attr}(...)` arguments have no mapping: {sorted(unknown)}")
    columns = classify_data(facts, bound["data"].value)
    if columns is not None:
        if isinstance(fields, str):
            raise Unmigratable(fields)
        rows_code(columns, fields, bound["data"].value, Where(facts.module))  # checks the count

    def build(updated: cst.Call, where: Where) -> str:
        args = bind_args(updated, INSERT_PARAMS)
        items = [(name, arg.value, arg) for name, arg in args.items()]
        rendered = [Arg("collection_name", name_code(updated))]
        rendered += with_comments(items, where, updated.whitespace_before_args)
        if columns is not None:
            data = next(i for i, arg in enumerate(rendered) if arg.keyword == "data")
            rows = rows_code(columns, fields, args["data"].value, where)
            rendered[data] = Arg("data", rows, rendered[data].comment, rendered[data].leading)
        return render_call(f"{client}.{attr}", rendered, where)

    shape = " (column lists → row dicts)" if columns is not None else ""
    return Edit(call, build, facts.column(call)), shape
