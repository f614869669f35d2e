"""Where pymilvus takes each argument by position: a view of the API model (checks.api).

A rule never writes an argument's index itself: it asks `argument(call, "MilvusClient.search",
"anns_field")`, or, for a method on a known client or ORM collection,
`ctx.method_call(node, "search").argument("anns_field")`, which picks the signature of the
receiver (MilvusClient, AsyncMilvusClient, Collection, Partition).

A signature is named `Class.method`, `Class` (its constructor), or `module.function` for the
objects pymilvus exports (`utility.has_collection`, `connections.connect`). Its parameters come
from the model of the release the check targets (`checks.api.current()`), falling back to the
newest release for an API the target lacks. pymilvus itself is never imported here.
"""

from __future__ import annotations

import ast
from functools import cache

from checks import api
from checks.record import FrozenRecord

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~3 ms per hook run

if TYPE_CHECKING:
    from checks.semantic import Value


def lookup(signature: str, model: api.ApiModel | None = None) -> api.Signature | None:
    """The model's signature for `Class.method`, `Class` or `module.function`, else None."""
    model = model or api.current() or api.load(api.RELEASES[-1])
    owner, _, member = signature.partition(".")
    export = model.export(owner)
    if export is None:  # a class users import from a submodule (IndexParams)
        return model.method(owner, member or "__init__") if model.cls(owner) else None
    kind, _, target = export.partition(":")
    if kind == "module":
        return model.function(target, member) if member else None
    return model.method(target, member or "__init__")


def parameters(signature: str) -> tuple[str, ...] | None:
    """The positional parameters of an API (after `self`), None when pymilvus has no such API."""
    return _parameters(signature, api.current() or api.load(api.RELEASES[-1]))


@cache
def _parameters(signature: str, model: api.ApiModel) -> tuple[str, ...] | None:
    found = lookup(signature, model)
    if found is None:
        newest = api.load(api.RELEASES[-1])
        if model is not newest:
            found = lookup(signature, newest)
    return None if found is None else found.positional


def argument(call: ast.Call, signature: str, name: str) -> ast.expr | None:
    """The argument `call` passes for parameter `name` of `signature`: by keyword, else at its
    position in its signature (keyword only for a name the signature does not list). None when
    absent, or when a `*args` at or before that position hides it."""
    found = parameters(signature)
    if found is None:
        raise KeyError(f"no signature for {signature!r} in the pymilvus API model")
    return _passed(call, found, name)


def _passed(call: ast.Call, found: tuple[str, ...], name: str) -> ast.expr | None:
    return positional_or_keyword(call, found.index(name) if name in found else None, name)


def positional_or_keyword(call: ast.Call, index: int | None, keyword: str) -> ast.expr | None:
    """The argument passed at `index` or as `keyword=`; None if absent or hidden by */**.

    For a pymilvus API, `argument` gives the index; this is for the rest (`index` None: keyword
    only)."""
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if index is not None:
        if any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
            return None
        if index < len(call.args):
            return call.args[index]
    return None


class MethodCall(FrozenRecord):
    """A call of a method on a known receiver: `client.search(...)`, `collection.load()`."""

    __slots__ = ("api", "call", "method", "owner", "receiver")

    api: str  # "client" (MilvusClient, AsyncMilvusClient) | "orm" (Collection, Partition)
    receiver: str  # the class: "MilvusClient", "AsyncMilvusClient", "Collection", "Partition"
    method: str
    owner: Value  # the receiver (UNKNOWN for a Partition: the model does not track them)
    call: ast.Call

    def __init__(self, api: str, receiver: str, method: str, owner: Value, call: ast.Call) -> None:
        self.api = api
        self.receiver = receiver
        self.method = method
        self.owner = owner
        self.call = call

    def _key(self) -> tuple:
        return (self.api, self.receiver, self.method, self.owner, self.call)

    @property
    def signature(self) -> str | None:
        """The key of this method's signature, None when pymilvus has no such method."""
        key = f"{self.receiver}.{self.method}"
        return key if parameters(key) is not None else None

    def argument(self, name: str) -> ast.expr | None:
        """The argument for parameter `name` (keyword only for a method pymilvus lacks)."""
        return _passed(self.call, parameters(f"{self.receiver}.{self.method}") or (), name)
