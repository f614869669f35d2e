"""The "flow" of DESIGN.md §2: what one function body (or module level) does to collections.

The engine turns each call on a known pymilvus receiver into an `Event`, in source order, and
records the conditional blocks (if/else branches, loop bodies, try clauses, comprehensions)
it sits in. `dominates(a, b)` is how rules stay conservative: an event counts for a later one
only when it runs on every path that reaches the later one, as far as the tree shows.
"""

from __future__ import annotations

import ast
from weakref import WeakKeyDictionary

from checks.record import Record
from checks.semantic import Scope, SemanticModel, has_star_kwargs
from checks.signatures import MethodCall, argument, positional_or_keyword

# What this module works out about a whole module, by model, then by the function that works
# it out: rules ask for it per event, and a walk of the module per event is quadratic in its
# size. Entries go with their model.
_PER_MODULE: WeakKeyDictionary[SemanticModel, dict] = WeakKeyDictionary()


def per_module(work_out):
    """`work_out(model)`, worked out once per module."""

    def once(model: SemanticModel):
        answers = _PER_MODULE.get(model)
        if answers is None:
            answers = _PER_MODULE[model] = {}
        if work_out not in answers:
            answers[work_out] = work_out(model)
        return answers[work_out]

    once.__name__, once.__doc__ = work_out.__name__, work_out.__doc__
    return once


# What each MilvusClient / ORM method does to the collection it names.
READS = frozenset({"search", "query", "get", "hybrid_search", "search_iterator", "query_iterator"})
WRITES = frozenset({"insert", "upsert", "delete"})
CLIENT_OPS = {
    "create_collection": "create",
    "load_collection": "load",
    "load_partitions": "load",
    "release_collection": "release",
    "drop_collection": "drop",
    "create_index": "index",
    "close": "close",
    **{m: "read" for m in READS},
    **{m: "write" for m in WRITES},
}
ORM_OPS = {
    "load": "load",
    "release": "release",
    "drop": "drop",
    "create_index": "index",
    **{m: "read" for m in READS},
    **{m: "write" for m in WRITES},
}
# Methods known not to load, release or read a collection; anything else on a known receiver
# is "unknown", which rules treat as possibly loading (so they stay silent).
CLIENT_NEUTRAL = frozenset({
    "flush", "create_partition", "drop_partition", "has_collection", "has_partition",
    "describe_collection", "list_collections", "list_partitions", "get_collection_stats",
    "get_partition_stats", "describe_index", "list_indexes", "drop_index", "get_load_state",
    "create_schema", "prepare_index_params", "alter_collection_properties", "compact",
    "create_alias", "drop_alias", "alter_alias", "describe_alias", "list_aliases",
    "use_database", "using_database", "list_databases", "create_database",
})  # fmt: skip
ORM_NEUTRAL = frozenset({
    "flush", "create_partition", "drop_partition", "has_partition", "partition", "describe",
    "drop_index", "index", "has_index", "set_properties", "compact", "get_compaction_state",
    "create_alias", "drop_alias", "alter_alias",
})  # fmt: skip
LOADING_METHOD_NAMES = frozenset({"load", "load_collection", "load_partitions"})

Block = tuple[int, str]  # (id of the compound statement or comprehension, which part of it)


class Event(Record):
    """One call that does something to a collection, as seen in a flow."""

    __slots__ = (
        "api",
        "awaited",
        "blocks",
        "call",
        "collection",
        "collection_arg",
        "loads",
        "method",
        "op",
        "receiver",
        "statement",
    )

    op: str  # create | load | release | drop | read | write | index | close | escape | unknown | neutral
    api: str  # "client" | "orm" | "other"
    method: str
    collection: str | None  # literal collection name; None: not known (matches any)
    call: ast.Call
    receiver: ast.expr | None
    blocks: tuple[Block, ...]
    awaited: bool
    loads: bool  # create_collection that loads by itself (quick setup, index_params)
    collection_arg: ast.expr | None
    statement: ast.stmt | None  # the statement holding the call, in its own block

    def __init__(
        self,
        op: str,
        api: str,
        method: str,
        collection: str | None,
        call: ast.Call,
        receiver: ast.expr | None,
        blocks: tuple[Block, ...],
        awaited: bool = False,
        loads: bool = False,
        collection_arg: ast.expr | None = None,
        statement: ast.stmt | None = None,
    ) -> None:
        self.op = op
        self.api = api
        self.method = method
        self.collection = collection
        self.call = call
        self.receiver = receiver
        self.blocks = blocks
        self.awaited = awaited
        self.loads = loads
        self.collection_arg = collection_arg
        self.statement = statement

    def _key(self) -> tuple:
        return (
            self.op,
            self.api,
            self.method,
            self.collection,
            self.call,
            self.receiver,
            self.blocks,
            self.awaited,
            self.loads,
            self.collection_arg,
            self.statement,
        )


def dominates(earlier: Event, later: Event) -> bool:
    """True when `earlier` runs on every path that reaches `later` (same or enclosing block)."""
    return later.blocks[: len(earlier.blocks)] == earlier.blocks


def first(events: list[Event], *ops: str) -> Event | None:
    return next((e for e in events if e.op in ops), None)


# The parts of loops and comprehensions that may run many times.
_LOOP_PARTS: dict[type, tuple[str, ...]] = {
    ast.For: ("body",),
    ast.AsyncFor: ("body",),
    ast.While: ("body",),
    ast.ListComp: ("elt",),
    ast.SetComp: ("elt",),
    ast.GeneratorExp: ("elt",),
    ast.DictComp: ("key", "value"),
}


def loop_blocks(model: SemanticModel) -> dict[Block, ast.AST]:
    """Each block that repeats (a loop body, a comprehension's element), with its loop node.

    A node whose `blocks` (Event.blocks, Context.blocks) holds one of these keys runs once per
    iteration of that loop.
    """
    return {
        (id(node), part): node
        for node, _ in model.nodes
        for part in _LOOP_PARTS.get(type(node), ())
    }


def certainly_runs(model: SemanticModel, event: Event) -> bool:
    """No `if`, `match`, `and`/`or` or except clause decides whether the event runs (the
    `if __name__ == "__main__":` of a script does not count): on every run of its function."""
    if not event.blocks:
        return True
    deciders = _deciding_nodes(model)
    for node_id, part in event.blocks:
        node = deciders.get(node_id)
        if node is None:
            continue  # loops, try bodies, comprehensions
        if isinstance(node, ast.If) and part == "body" and _is_main_guard(node.test):
            continue
        if isinstance(node, (ast.Try, ast.TryStar)) and part != "handlers":
            continue  # the body runs (or the script fails)
        return False
    return True


@per_module
def _deciding_nodes(model: SemanticModel) -> dict[int, ast.AST]:
    """The nodes whose parts run only on some paths, by id."""
    return {id(node): node for node, _ in model.nodes if isinstance(node, _DECIDING)}


_DECIDING = (ast.If, ast.IfExp, ast.Match, ast.BoolOp, ast.Try, ast.TryStar)


def _is_main_guard(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )


class Flow(Record):
    """The events of one function body or module level, in source order."""

    __slots__ = ("events", "node", "scope")

    scope: Scope
    node: ast.AST
    events: list[Event]

    def __init__(self, scope: Scope, node: ast.AST, events: list[Event] | None = None) -> None:
        self.scope = scope
        self.node = node
        self.events = [] if events is None else events

    def _key(self) -> tuple:
        return (self.scope, self.node, self.events)

    @property
    def is_script(self) -> bool:
        """Module level, or a function named `main` (a script's entry point)."""
        return isinstance(self.node, ast.Module) or getattr(self.node, "name", None) == "main"


def classify_call(
    call: ast.Call,
    model: SemanticModel,
    scope: Scope,
    blocks: tuple[Block, ...],
    awaited: bool,
    maybe_pymilvus: bool,
) -> Event | None:
    """The event a call makes in the flow, or None if it touches no collection we can see.
    `maybe_pymilvus`: SemanticModel.may_be_pymilvus of its callee (when False, nothing about the
    callee resolves: only what it is called and what it is given can make an event)."""
    func = call.func
    if isinstance(func, ast.Attribute):
        known = model.method_call(call, scope) if maybe_pymilvus else None
        if known is not None and known.api == "client":
            return _client_event(known, model, scope, blocks, awaited)
        if known is not None:
            return _orm_event(known, blocks)
        method = func.attr
        qualname = model.qualname(func, scope) if maybe_pymilvus else None
        if qualname in ("pymilvus.utility.drop_collection", "pymilvus.utility.has_collection"):
            arg = argument(call, qualname.removeprefix("pymilvus."), "collection_name")
            op = "drop" if qualname.endswith("drop_collection") else "neutral"
            return Event(op, "orm", method, model.string(arg, scope), call, None, blocks)
        if method in LOADING_METHOD_NAMES:
            # A load through a receiver we cannot resolve still may load: stay silent after it.
            name = None
            if method != "load":  # load_collection / load_partitions, read as MilvusClient's
                arg = argument(call, f"MilvusClient.{method}", "collection_name")
                name = model.string(arg, scope)
            return Event("load", "other", method, name, call, func.value, blocks, awaited)
    elif maybe_pymilvus:
        qualname = model.qualname(func, scope)
        if qualname == "pymilvus.Collection":
            value = model.value_of(call, scope)
            creates = argument(call, "Collection", "schema") is not None
            op = "create" if creates else "neutral"
            return Event(op, "orm", "Collection", value.name, call, None, blocks)
        if qualname == "pymilvus.Index":  # Index(collection, field, params) builds the index
            owner = model.value_of(argument(call, "Index", "collection") or func, scope)
            name = owner.name if owner.kind == "collection" else None
            return Event("index", "orm", "Index", name, call, None, blocks)
        if qualname is not None and qualname.startswith("pymilvus."):
            return None  # pymilvus constructors and helpers (MilvusClient, FieldSchema, ...)
    return _escape_event(call, model, scope, blocks)


def _client_event(known: MethodCall, model, scope, blocks, awaited) -> Event:
    call, method = known.call, known.method
    if known.signature is not None:
        collection_arg = known.argument("collection_name")
    else:  # a method the table does not list: most of them take the collection first
        collection_arg = positional_or_keyword(call, 0, "collection_name")
    name = model.string(collection_arg, scope)
    op = CLIENT_OPS.get(method) or ("neutral" if method in CLIENT_NEUTRAL else "unknown")
    event = Event(op, "client", method, name, call, call.func.value, blocks, awaited)
    event.collection_arg = collection_arg
    if op == "create":
        event.loads = _create_collection_loads(known)
    return event


def _create_collection_loads(known: MethodCall) -> bool:
    """MilvusClient.create_collection loads in quick setup and when index_params is given."""
    if has_star_kwargs(known.call):
        return True  # cannot see: assume it loads
    if known.argument("dimension") is not None:
        return True
    index_params = known.argument("index_params")
    return index_params is not None and not (
        isinstance(index_params, ast.Constant) and index_params.value is None
    )


def _orm_event(known: MethodCall, blocks) -> Event:
    method = known.method
    op = ORM_OPS.get(method) or ("neutral" if method in ORM_NEUTRAL else "unknown")
    return Event(op, "orm", method, known.owner.name, known.call, known.call.func.value, blocks)


# Expressions whose value_of follows a name to what it is bound to (a literal, too: a name,
# or `self.name` for a string a class keeps).
_NAMED_VALUES = frozenset({ast.Name, ast.Attribute, ast.Await, ast.NamedExpr})


def _escape_event(call, model: SemanticModel, scope: Scope, blocks) -> Event | None:
    """A client, collection or collection name handed to code we cannot see may be loaded there."""
    for arg in [*call.args, *(kw.value for kw in call.keywords)]:
        arg_type = type(arg)
        if arg_type is ast.Starred:
            arg = arg.value
            arg_type = type(arg)
        if arg_type is ast.Constant:
            if isinstance(arg.value, str):
                return Event("escape", "other", "name", arg.value, call, None, blocks)
            continue
        if arg_type is ast.Call:
            if not model.may_be_pymilvus(arg, scope):
                continue  # nothing of it resolves
        elif arg_type not in _NAMED_VALUES:
            continue  # an operator, subscript, display, ...: value_of knows nothing of it
        value = model.value_of(arg, scope)
        # `method` of an escape says what escaped: "client", "collection" or "name".
        if value.kind in ("client", "collection"):
            name = value.name if value.kind == "collection" else None
            return Event("escape", "other", value.kind, name, call, None, blocks)
        if value.kind == "literal" and isinstance(value.value, str):
            return Event("escape", "other", "name", value.value, call, None, blocks)
    return None


def on_milvus_lite(model: SemanticModel, scope: Scope, event: Event) -> bool:
    """The event's client is certainly Milvus Lite: a MilvusClient built with a literal URI that
    ends in ".db" (pymilvus client/connection_manager.py; orm/connections.py in 2.4), or, for the
    ORM, a module whose every `connections.connect` has such a URI. Lite is lenient where a server
    is not: it loads without an index, and reads see every write at once."""
    if event.api == "client" and event.receiver is not None:
        value = model.value_of(event.receiver, scope)
        if value.kind != "client" or not isinstance(value.node, ast.Call):
            return False
        return _lite_uri(model.literal(argument(value.node, "MilvusClient", "uri"), scope))
    if event.api == "orm":
        return _orm_on_milvus_lite(model)
    return False


@per_module
def _orm_on_milvus_lite(model: SemanticModel) -> bool:
    """Every `connections.connect` of the module has a Milvus Lite URI."""
    connects = [
        (node, node_scope)
        for node, node_scope in model.nodes
        if isinstance(node, ast.Call)
        and model.qualname(node.func, node_scope) == "pymilvus.connections.connect"
    ]
    return bool(connects) and all(
        _lite_uri(model.literal(_keyword_value(call, "uri"), node_scope))
        for call, node_scope in connects
    )


def _lite_uri(uri: object) -> bool:
    return isinstance(uri, str) and uri.endswith(".db")


def _keyword_value(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)
