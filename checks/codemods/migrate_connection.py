"""`connections.connect(...)` -> `client = MilvusClient(uri=...)`; `disconnect` -> `client.close()`.

The ORM connection is global state: every `Collection` and `utility` call finds it by alias. The
client that replaces it is one variable, named so that it shadows nothing in the module. When the
connect runs inside a function but the client is used elsewhere, the function declares it
`global`, which is what the ORM's registry of connections amounted to.

host/port are folded into the URI: MilvusClient ignores `host=` and `port=` (MV113), so passing
them through would silently connect to localhost.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import ImportAssignment, Scope

from checks.codemods.call_args import Unbindable, bind_args, bool_value, literal_text, string_value
from checks.codemods.module_facts import ModuleFacts
from checks.codemods.plan import Edit, Unit, Unmigratable
from checks.codemods.render import Arg, Where, render_call, with_comments

CONNECT = "pymilvus.connections.connect"
DISCONNECT = "pymilvus.connections.disconnect"
CONNECT_PARAMS = ("alias", "user", "password", "db_name", "token")
# Passed to MilvusClient under the same name.
SAME_NAME = ("user", "password", "db_name", "token", "timeout")
URI_PARTS = ("uri", "host", "port", "address", "secure")


@dataclass
class Client:
    """The MilvusClient that replaces the module's one ORM connection."""

    name: str
    alias: str  # the ORM alias it replaces: '"name"' for a literal, else its source
    scope: Scope
    connect: cst.SimpleStatementLine
    line: int

    def serves(self, using: cst.Arg | None) -> bool:
        """True if an ORM call's `using=` (default "default") names this connection."""
        if using is None:
            return self.alias == '"default"'
        value = string_value(using.value)
        return self.alias == (f'"{value}"' if value is not None else code_of(using.value))


def find_client(facts: ModuleFacts, calls: list[cst.Call], name: str) -> Client:
    """The module's single `connections.connect(...)` statement, or why there is none to use."""
    connects = [c for c in calls if facts.qualname(c.func) == CONNECT]
    if not connects:
        raise Unmigratable("no `connections.connect(...)` in this module to take the URI from")
    if len(connects) > 1:
        lines = ", ".join(str(facts.line(c)) for c in connects)
        raise Unmigratable(f"several `connections.connect(...)` calls (lines {lines})")
    [call] = connects
    if any(not from_pymilvus(a) for a in facts.scope(facts.module).assignments["MilvusClient"]):
        raise Unmigratable("`MilvusClient` names something else in this module")
    line = facts.expression_statement(call)
    if line is None:
        raise Unmigratable("`connections.connect(...)` is not a statement of its own")
    client_args(call, Where(facts.module, ""))  # raises if an argument has no MilvusClient form
    try:
        alias_arg = bind_args(call, CONNECT_PARAMS).get("alias")
    except Unbindable as exc:
        raise Unmigratable(str(exc)) from exc
    if alias_arg is None:
        alias = '"default"'
    elif (value := string_value(alias_arg.value)) is not None:
        alias = f'"{value}"'
    else:
        alias = code_of(alias_arg.value)
    return Client(name, alias, facts.scope(line), line, facts.line(call))


def code_of(node: cst.CSTNode) -> str:
    """The source of a name-like alias expression (`ALIAS`, `cfg.alias`), for comparison."""
    return cst.Module([]).code_for_node(node)


def from_pymilvus(assignment) -> bool:
    """True for a binding made by `from pymilvus... import MilvusClient`."""
    node = assignment.node if isinstance(assignment, ImportAssignment) else None
    if not isinstance(node, cst.ImportFrom) or node.module is None:
        return False
    return (cst.helpers.get_full_name_for_node(node.module) or "").split(".")[0] == "pymilvus"


def client_args(call: cst.Call, where: Where) -> list[Arg]:
    """MilvusClient's arguments for this `connections.connect(...)` call."""
    try:
        bound = bind_args(call, CONNECT_PARAMS)
    except Unbindable as exc:
        raise Unmigratable(f"`connections.connect`: {exc}") from exc
    unknown = set(bound) - set(CONNECT_PARAMS) - set(SAME_NAME) - set(URI_PARTS)
    if unknown:
        raise Unmigratable(f"`connections.connect` argument `{sorted(unknown)[0]}` has no mapping")
    args = []
    uri = uri_code(bound, where)
    if uri is not None:
        args.append(Arg("uri", uri))
    same = [(name, arg.value, arg) for name, arg in bound.items() if name in SAME_NAME]
    return args + with_comments(same, where)


def uri_code(bound: dict[str, cst.Arg], where: Where) -> str | None:
    """The `uri=` expression: the given URI, or one built from host/port/address/secure."""
    if "uri" in bound:
        if set(bound) & {"host", "port", "address"}:
            raise Unmigratable("`connections.connect` has both `uri` and host/port")
        return where.code(bound["uri"].value)
    secure = bound.get("secure")
    scheme = "http"
    if secure is not None:
        flag = bool_value(secure.value)
        if flag is None:
            raise Unmigratable("`secure=` is not a literal True/False")
        scheme = "https" if flag else "http"
    if "address" in bound:
        if set(bound) & {"host", "port"}:
            raise Unmigratable("`connections.connect` has both `address` and host/port")
        parts = [f"{scheme}://", bound["address"].value]
    elif set(bound) & {"host", "port"}:
        host = bound["host"].value if "host" in bound else "localhost"
        port = bound["port"].value if "port" in bound else "19530"
        parts = [f"{scheme}://", host, ":", port]
    elif secure is not None:
        parts = [f"{scheme}://localhost:19530"]
    else:
        return None
    return format_string(parts, where)


def format_string(parts: list, where: Where) -> str:
    """A string literal if every part is literal text, else an f-string embedding the rest."""
    texts = [p if isinstance(p, str) else literal_text(p) for p in parts]
    if all(t is not None for t in texts):
        return '"' + "".join(texts).replace("\\", "\\\\").replace('"', '\\"') + '"'
    codes = [None if t is not None else where.code(p) for p, t in zip(parts, texts, strict=True)]
    used = "".join(c for c in codes if c)
    quote = next((q for q in ('"', "'") if q not in used), None)
    if quote is None or "\\" in used or "\n" in used:
        raise Unmigratable("host/port expressions cannot be embedded in an f-string")
    body = []
    for text, code, part in zip(texts, codes, parts, strict=True):
        if text is not None:
            body.append(text.replace("{", "{{").replace("}", "}}").replace(quote, "\\" + quote))
        elif isinstance(part, cst.Name | cst.Attribute | cst.Call | cst.Subscript):
            body.append("{" + code + "}")
        else:
            body.append("{(" + code + ")}")
    return f"f{quote}{''.join(body)}{quote}"


def connect_edit(client: Client, facts: ModuleFacts, keep_orm: bool, declare_global: bool) -> Edit:
    """Replace the connect statement (or, while ORM code remains, add the client after it)."""

    def build(line: cst.SimpleStatementLine, where: Where) -> str:
        call = line.body[0].value
        new = f"{client.name} = " + render_call(
            "MilvusClient",
            client_args(call, where),
            Where(where.module, where.indent, where.column + len(client.name) + 3),
        )
        statements = [f"global {client.name}"] if declare_global else []
        if keep_orm:
            statements.insert(0, bare_statement(line, where))
        return "\n".join([*statements, new])

    return Edit(client.connect, build)


def disconnect_units(facts: ModuleFacts, calls: list[cst.Call], client: Client) -> list[Unit]:
    """One unit per `connections.disconnect(...)`: it becomes `client.close()`."""
    units = []
    for call in calls:
        if facts.qualname(call.func) != DISCONNECT:
            continue
        line_no = facts.line(call)
        unit = Unit("`connections.disconnect(...)`", line_no)
        unit.site(facts, call)
        line = facts.expression_statement(call)
        try:
            alias = bind_args(call, ("alias",)).get("alias")
        except Unbindable as exc:
            unit.block(line_no, str(exc))
            units.append(unit)
            continue
        if line is None:
            unit.block(line_no, "it is not a statement of its own")
        elif alias is None or not client.serves(alias):
            unit.block(line_no, "it does not name the alias of the migrated connection")
        else:
            unit.add(
                Edit(line, close_builder(client)),
                line_no,
                f"connections.disconnect(...) → {client.name}.close()",
            )
        units.append(unit)
    return units


def close_builder(client: Client):
    def build(line: cst.SimpleStatementLine, where: Where) -> str:
        return f"{client.name}.close()"

    return build


def keep_disconnect(edit: Edit, client: Client) -> Edit:
    """While ORM code remains, keep the ORM disconnect and close the client after it."""

    def build(line: cst.SimpleStatementLine, where: Where) -> str:
        return f"{bare_statement(line, where)}\n{client.name}.close()"

    return Edit(edit.node, build)


def bare_statement(line: cst.SimpleStatementLine, where: Where) -> str:
    """A statement's own code, without the comments above it or at the end of its line."""
    bare = line.with_changes(leading_lines=(), trailing_whitespace=cst.TrailingWhitespace())
    return where.code(bare).rstrip("\r\n")
