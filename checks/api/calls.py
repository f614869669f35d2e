"""What pymilvus object, class or module an expression is, and which API a call runs: the
semantic model (checks.semantic) joined to the API model (checks.api) for the target release.

    target = ctx.shared(ApiCalls).receiver(expr)    # Target or None (unknown: stay silent)
    called = ctx.shared(ApiCalls).call(node)         # Called(target, member, signature) or None

Only what the tree shows for certain resolves: a client or collection bound in this module, a
schema or index params made by pymilvus, a class, module or function imported from pymilvus.
A subclass of a pymilvus class, a wrapper, a parameter without annotation: None.
"""

from __future__ import annotations

import ast

from checks import api
from checks.record import FrozenRecord
from checks.semantic import ASYNC_CLIENT, CLIENT

_INSTANCE_KINDS = {"collection": "Collection", "schema": "CollectionSchema"}
# The longest chain a pymilvus receiver needs (`pymilvus.orm.utility`, `client.create_schema()`).
_MAX_CHAIN = 4


class Target(FrozenRecord):
    """A pymilvus instance, class or module, named as the model names it."""

    __slots__ = ("display", "kind", "name")

    kind: str  # "instance" | "class" | "module"
    name: str  # a class ("MilvusClient") or a module ("pymilvus.orm.utility")
    display: str  # as the user wrote it: "MilvusClient", "utility", "pymilvus"

    def __init__(self, kind: str, name: str, display: str) -> None:
        self.kind = kind
        self.name = name
        self.display = display

    def _key(self) -> tuple:
        return (self.kind, self.name, self.display)


class Called(FrozenRecord):
    __slots__ = ("member", "signature", "target")
    target: Target
    member: str  # the method or function; "__init__" for a constructor
    signature: api.Signature

    def __init__(self, target: Target, member: str, signature: api.Signature) -> None:
        self.target = target
        self.member = member
        self.signature = signature

    def _key(self) -> tuple:
        return (self.target, self.member, self.signature)

    @property
    def display(self) -> str:
        if self.member == "__init__":
            return self.target.display
        return f"{self.target.display}.{self.member}"


class ApiCalls:
    """One per file (`ctx.shared(ApiCalls)`): resolutions are cached per node."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.model = api.current()
        self._calls: dict[int, Called | None] = {}
        self._receivers: dict[int, Target | None] = {}

    def receiver(self, expr: ast.expr) -> Target | None:
        """What `expr` is, when it is a pymilvus object, class or module."""
        key = id(expr)
        if key not in self._receivers:
            self._receivers[key] = self._receiver(expr) if self.model is not None else None
        return self._receivers[key]

    def attribute_owner(self, node: ast.Attribute) -> Target | None:
        """The pymilvus object, class or module whose attribute `node` reads (MV119, MV120);
        None for a store, a dunder, or an owner that is not certainly pymilvus'."""
        if not isinstance(node.ctx, ast.Load) or node.attr.startswith("__"):
            return None
        return self.receiver(node.value)

    def _receiver(self, expr: ast.expr) -> Target | None:
        if not isinstance(expr, (ast.Name, ast.Attribute, ast.Call, ast.Await)):
            return None  # literals, subscripts, operators: never a pymilvus object we track
        if _deeper_than(expr, _MAX_CHAIN):
            return None  # a.b.c.d.e.f.g: no pymilvus name is that long, and resolving costs
        value = self.ctx.value_of(expr)
        if value.kind == "client":
            name = "AsyncMilvusClient" if value.is_async else "MilvusClient"
            return Target("instance", name, name)
        if value.kind == "index_params":
            return Target("instance", "IndexParams", "IndexParams")
        if value.kind in _INSTANCE_KINDS:
            name = _INSTANCE_KINDS[value.kind]
            return Target("instance", name, name)
        if value.kind != "import" or not value.qualname:
            return None
        return self._imported(value.qualname)

    def _imported(self, qualname: str) -> Target | None:
        if qualname == "pymilvus":
            return Target("module", "pymilvus", "pymilvus")
        if qualname in (f"{CLIENT}.create_schema", f"{ASYNC_CLIENT}.create_schema"):
            return None
        parts = qualname.split(".")
        if len(parts) == 2:
            export = self.model.export(parts[1])
            if export is None:
                return None
            kind, _, name = export.partition(":")
            display = qualname if name == qualname else parts[1]  # pymilvus.client; utility
            return Target(kind, name, display)
        if self.model.module_names(qualname) is not None:
            return Target("module", qualname, qualname)
        return None

    def call(self, node: ast.Call) -> Called | None:
        """The pymilvus method, constructor or function `node` calls, with its signature."""
        key = id(node)
        if key not in self._calls:
            self._calls[key] = self._resolve(node)
        return self._calls[key]

    def _resolve(self, node: ast.Call) -> Called | None:
        if self.model is None:
            return None
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = self.receiver(func.value)
            if owner is not None:
                return self._member(owner, func.attr)
        target = self.receiver(func)
        if target is not None and target.kind == "class":
            signature = self.model.method(target.name, "__init__")
            return Called(target, "__init__", signature) if signature else None
        return None

    def _member(self, owner: Target, member: str) -> Called | None:
        if owner.kind == "module":
            if owner.name == "pymilvus":
                target = self._imported(f"pymilvus.{member}")
                if target is not None and target.kind == "class":
                    signature = self.model.method(target.name, "__init__")
                    return Called(target, "__init__", signature) if signature else None
                return None
            signature = self.model.function(owner.name, member)
        else:
            signature = self.model.method(owner.name, member)
        return Called(owner, member, signature) if signature else None


def _deeper_than(expr: ast.expr, limit: int) -> bool:
    """More than `limit` attributes, calls or awaits chained (looked at no further than that)."""
    for _ in range(limit + 1):
        if isinstance(expr, (ast.Attribute, ast.Await)):
            expr = expr.value
        elif isinstance(expr, ast.Call):
            expr = expr.func
        else:
            return False
    return True


def names_set_by_user(ctx) -> frozenset[str]:
    """Attribute names the module assigns (`obj.x = ...`) or probes (`hasattr(obj, "x")`):
    on a pymilvus object those are the user's own, never reported as unknown."""
    return ctx.shared(_UserAttributes).names


class _UserAttributes:
    def __init__(self, ctx):
        names: set[str] = set()
        for node, _ in ctx.model.nodes:
            if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
                names.add(node.attr)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("hasattr", "getattr", "setattr", "delattr")
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)
            ):
                names.add(node.args[1].value)
        self.names = frozenset(names)


def guarded(ctx, *errors: str) -> bool:
    """The node being visited runs in a `try:` body whose handlers catch one of `errors` (or
    Exception, or everything): the code expects the failure and handles it."""
    catches = ctx.shared(_Guards).catches
    wanted = {*errors, "*"}
    return any(catches.get(node, set()) & wanted for node, part in ctx.blocks if part == "body")


def conditional(ctx) -> bool:
    """The node being visited runs only under an `if` (a version or feature check, often)."""
    ifs = ctx.shared(_Guards).ifs
    return any(node in ifs for node, _ in ctx.blocks)


class _Guards:
    def __init__(self, ctx):
        self.catches: dict[int, set[str]] = {}  # id(try) -> the exception names it handles
        self.ifs: set[int] = set()
        for node, _ in ctx.model.nodes:
            if isinstance(node, (ast.If, ast.IfExp)):
                self.ifs.add(id(node))
            elif isinstance(node, (ast.Try, ast.TryStar)):
                caught = self.catches[id(node)] = set()
                for handler in node.handlers:
                    kinds = handler.type
                    for kind in kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]:
                        name = (
                            "*" if kind is None else getattr(kind, "attr", getattr(kind, "id", ""))
                        )
                        caught.add("*" if name in ("Exception", "BaseException") else name)
