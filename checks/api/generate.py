"""Generate the API model of one pymilvus release from its source, read with `ast`.

    python -m checks.api.generate                 # the newest patch of every supported line
    python -m checks.api.generate 2.5.18 3.0.2    # these releases
    python -m checks.api.generate --installed     # the pymilvus installed beside milvus-cto

Each release is fetched with `pip download pymilvus==X --no-deps`, unzipped and parsed; pymilvus
is never imported. The result is `checks/api/data/pymilvus-X.api` (see checks/api/__init__.py
for what it holds and how rules read it).

What `**kwargs` reads is followed along the call chain: `kwargs.get("k")`, `.pop`, `[...]`,
`"k" in kwargs`, the parameters of a function the dict is forwarded to (`f(**kwargs)`, `f(kwargs)`),
and the wrappers of its decorators. Wherever the analysis loses the dict (iterated, copied into
an unknown call, a key that is not a literal), the method is marked open: every keyword counts
as read. Precision first: the rules built on this report a keyword only when it is certainly
unread.
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from checks.api import DATA_DIR, RELEASES, USER_MODULES

# Classes described besides those `pymilvus` exports.
EXTRA_CLASSES = ("pymilvus.milvus_client.index.IndexParams",)
# Attributes every enum member or class has (DataType.FLOAT_VECTOR.name, DataType.__members__).
ENUM_ATTRIBUTES = ("name", "value", "__members__")
# Bases outside pymilvus whose attributes add nothing a user would call on a pymilvus object.
_PLAIN_BASES = frozenset({"object", "ABC", "Generic", "Protocol", "NamedTuple"})
_ENUM_BASES = frozenset({"Enum", "IntEnum", "StrEnum", "IntFlag", "Flag"})
# Calls the kwargs dict may be handed to without anything reading its keys.
_HARMLESS_CALLS = frozenset(
    {"len", "bool", "isinstance", "print", "repr", "str", "id", "type", "callable"}
)
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical"})
_COPY_CALLS = frozenset({"dict", "copy", "deepcopy", "copy.copy", "copy.deepcopy"})
OPEN = None  # the reads of a kwargs dict the analysis could not follow to the end
# Keywords a method refuses with ParamError as soon as they are given (non-zero), before anything
# reads them: the search iterators check `offset` in their constructors and only then hand the
# same dict on to search, an order the chain analysis cannot see (it counts the later read).
# Per user-facing method: the key, and the classes the method constructs, the one that checks
# first first. A release gets the entry only where its source holds the check in that class
# (`if <dict>.get(KEY, 0) != 0: raise ParamError(message="...")`, found by `_refusal`), with
# pymilvus' own message. Executed on 3.0.2 and 2.4.15: tests/evidence/test_mv123_bad_call_shape.py.
REFUSED_FIRST = {
    ("MilvusClient", "search_iterator"): ("offset", ("SearchIteratorV2", "SearchIterator")),
    ("Collection", "search_iterator"): ("offset", ("SearchIterator",)),
}


@dataclass
class Module:
    name: str
    tree: ast.Module
    is_package: bool
    # Top-level names: what each is bound to (a def, a class, an import's target, an assignment).
    names: dict[str, ast.AST | tuple[str, str | None]] = field(default_factory=dict)


@dataclass
class Function:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    module: Module
    cls: ast.ClassDef | None = None


class Package:
    """pymilvus' source as modules and the names they define, following its own imports."""

    def __init__(self, root: Path):
        self.root = root  # the directory that contains `pymilvus/`
        self.modules: dict[str, Module] = {}
        for path in sorted((root / "pymilvus").rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "grpc_gen" in parts:
                continue  # generated protobuf code
            is_package = parts[-1] == "__init__"
            name = ".".join(parts[:-1] if is_package else parts)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            self.modules[name] = Module(name, tree, is_package)
        for module in self.modules.values():
            self._collect_names(module, module.tree.body)
        self.methods_by_name: dict[str, list[Function]] = {}
        for module in self.modules.values():
            for node in ast.walk(module.tree):
                if isinstance(node, ast.ClassDef):
                    for item in node.body:
                        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                            self.methods_by_name.setdefault(item.name, []).append(
                                Function(item, module, node)
                            )

    def version(self) -> str:
        for dist in self.root.glob("pymilvus-*.dist-info"):
            return dist.name.removeprefix("pymilvus-").removesuffix(".dist-info")
        raise SystemExit(f"no pymilvus-*.dist-info in {self.root}")

    def _collect_names(self, module: Module, body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                module.names[node.name] = node
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        module.names[alias.asname] = (alias.name, None)
                    else:
                        top = alias.name.split(".")[0]
                        module.names[top] = (top, None)
            elif isinstance(node, ast.ImportFrom):
                source = self._absolute(module, node)
                for alias in node.names:
                    if alias.name != "*":
                        module.names[alias.asname or alias.name] = (source, alias.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name) and not _rewraps(module, name.id, node):
                            module.names[name.id] = node
            elif isinstance(node, (ast.If, ast.Try, ast.With)):
                self._collect_names(module, node.body)
                for handler in getattr(node, "handlers", []):
                    self._collect_names(module, handler.body)
                self._collect_names(module, getattr(node, "orelse", []))
                self._collect_names(module, getattr(node, "finalbody", []))

    def _absolute(self, module: Module, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        parts = module.name.split(".")
        base = parts if module.is_package else parts[:-1]
        base = base[: len(base) - (node.level - 1)]
        return ".".join([*base, node.module] if node.module else base)

    def resolve(self, module_name: str, name: str, depth: int = 0):
        """What `name` in module `module_name` is: ("module", name), ("class", Module, ClassDef),
        ("function", Module, FunctionDef), ("value", Module, node), or None outside pymilvus."""
        if depth > 20:
            return None
        module = self.modules.get(module_name)
        if module is None:
            return None
        bound = module.names.get(name)
        if bound is None:
            submodule = f"{module_name}.{name}"
            return ("module", submodule) if submodule in self.modules else None
        if isinstance(bound, tuple):
            source, member = bound
            if member is None:
                return ("module", source) if source in self.modules else None
            submodule = f"{source}.{member}"
            parent = self.modules.get(source)
            if submodule in self.modules and (parent is None or member not in parent.names):
                return ("module", submodule)
            return self.resolve(source, member, depth + 1)
        if isinstance(bound, ast.ClassDef):
            return ("class", module, bound)
        if isinstance(bound, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return ("function", module, bound)
        return ("value", module, bound)

    def module_names(self, module_name: str) -> set[str]:
        module = self.modules[module_name]
        names = {n for n in module.names if n != "__getattr__"}
        prefix = module_name + "."
        names |= {
            m[len(prefix) :]
            for m in self.modules
            if m.startswith(prefix) and "." not in m[len(prefix) :]
        }
        return names

    # --- classes ---------------------------------------------------------------------------

    def mro(self, module: Module, cls: ast.ClassDef, depth: int = 0):
        """The class and its bases inside pymilvus, in lookup order, and whether some base lies
        outside pymilvus (an enum, or an unknown class whose attributes we cannot list)."""
        chain: list[tuple[Module, ast.ClassDef]] = [(module, cls)]
        outside: set[str] = set()
        for base in cls.bases:
            name = _dotted(base)
            if name is None:
                outside.add("?")
                continue
            found = self._resolve_dotted(module, name)
            if found is not None and found[0] == "class" and depth < 20:
                inner, inner_outside = self.mro(found[1], found[2], depth + 1)
                chain += [c for c in inner if c not in chain]
                outside |= inner_outside
            else:
                outside.add(name.rsplit(".", 1)[-1])
        return chain, outside

    def _resolve_dotted(self, module: Module, dotted: str):
        head, *rest = dotted.split(".")
        found = self.resolve(module.name, head)
        for part in rest:
            if found is None or found[0] != "module":
                return None
            found = self.resolve(found[1], part)
        return found


def _rewraps(module: Module, name: str, node: ast.Assign | ast.AnnAssign) -> bool:
    """`Collection = deprecated_class(...)(Collection)`: the class stays what the name means."""
    return isinstance(module.names.get(name), ast.ClassDef) and any(
        isinstance(n, ast.Name) and n.id == name for n in ast.walk(node.value or ast.Pass())
    )


def _dotted(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        base = _dotted(expr.value)
        return f"{base}.{expr.attr}" if base else None
    if isinstance(expr, ast.Subscript):  # Generic[T]
        return _dotted(expr.value)
    return None


class KwargsReads:
    """Which keys of a dict parameter a function reads, following the dict along its calls."""

    def __init__(self, package: Package):
        self.package = package
        self.memo: dict[tuple[int, str], frozenset[str] | None] = {}

    def of(self, function: Function, param: str, wrapped: frozenset[str] = frozenset()):
        key = (id(function.node), param)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = frozenset()  # a cycle adds nothing beyond what the rest of it reads
        reads = self._reads(function, param, wrapped)
        if reads is not OPEN:
            reads |= self._decorator_reads(function)
        self.memo[key] = reads
        return reads

    def _reads(self, function: Function, param: str, wrapped: frozenset[str]):
        names = {param}
        parents = _parents(function.node)
        # Aliases: `kw = kwargs`, `kw = kwargs.copy()`, `kw = dict(kwargs)`, `kw = {**kwargs}`.
        for node in ast.walk(function.node):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and _copies(node.value, param)
            ):
                names.add(node.targets[0].id)
        reads: set[str] = set()
        for node in ast.walk(function.node):
            if isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load):
                found = self._use(function, node, parents, names, wrapped)
                if found is OPEN:
                    return OPEN
                reads |= found
        return frozenset(reads)

    def _use(self, function, node, parents, names, wrapped):
        """The keys one use of the dict reads: a set, or OPEN. A key read only to refuse it
        (`if kwargs.get("offset"): raise ParamError(...)`) is marked `!offset`."""
        found = self._use_of(function, node, parents, names, wrapped)
        if found and _only_to_raise(node, parents):
            return {"!" + key for key in found}
        return found

    def _use_of(self, function, node, parents, names, wrapped):
        parent = parents.get(id(node))
        if isinstance(parent, ast.Attribute) and parent.value is node:
            call = parents.get(id(parent))
            method = parent.attr
            if method in ("get", "pop", "setdefault", "__getitem__", "__contains__"):
                if isinstance(call, ast.Call) and call.func is parent and call.args:
                    return self._keys(function, call.args[0])
                return OPEN
            if method in ("update", "clear", "__setitem__"):
                return set()
            if method == "copy" and isinstance(call, ast.Call):
                return self._use(function, call, parents, names, wrapped)
            if method == "keys" and isinstance(call, ast.Call):
                # set(kwargs.keys()).intersection({"num_shards", "shards_num"})
                return _intersected(call, parents) or OPEN
            return OPEN  # items(), keys(), iteration through a method, ...
        if isinstance(parent, ast.Subscript) and parent.value is node:
            if not isinstance(parent.ctx, ast.Load):
                return set()  # kwargs["k"] = v, del kwargs["k"]
            keys = self._keys(function, parent.slice)
            if keys is OPEN and _keys_taken_from(_dotted(node) or "", function):
                return set()  # a key found by the intersection above: already counted
            return keys
        if isinstance(parent, ast.Compare) and node in parent.comparators:
            ops = parent.ops
            if all(isinstance(op, (ast.In, ast.NotIn)) for op in ops):
                return self._keys(function, parent.left)
            return set()  # kwargs is None, kwargs == {}
        if isinstance(parent, ast.keyword):
            call = parents.get(id(parent))
            if not isinstance(call, ast.Call):
                return OPEN
            if parent.arg is None:  # f(**kwargs)
                return self._forwarded(function, call, None, wrapped)
            return self._forwarded(function, call, parent.arg, wrapped)
        if isinstance(parent, ast.Call) and node in parent.args:
            callee = parent.func
            if _dotted(callee) in _COPY_CALLS and len(parent.args) == 1:
                return self._use(function, parent, parents, names, wrapped)
            if isinstance(callee, ast.Name) and callee.id in _HARMLESS_CALLS:
                return set()
            if isinstance(callee, ast.Attribute) and callee.attr in _LOG_METHODS:
                return set()
            return self._forwarded(function, parent, parent.args.index(node), wrapped)
        if isinstance(parent, ast.Dict) and node in parent.values:
            # {**kwargs}: an alias when assigned (handled above), else lost.
            holder = parents.get(id(parent))
            if isinstance(holder, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in names for t in holder.targets
            ):
                return set()
            return OPEN
        if isinstance(parent, ast.Assign) and parent.value is node:
            reads: set[str] = set()
            for target in parent.targets:
                if _is_self_attribute(target) and function.cls is not None:
                    # self._kwargs = kwargs: read wherever the class reads self._kwargs.
                    found = self._attribute_reads(function, target.attr)
                    if found is OPEN:
                        return OPEN
                    reads |= found
                elif not isinstance(target, ast.Name):
                    return OPEN
            return reads
        if isinstance(parent, ast.BoolOp) or (
            isinstance(parent, ast.IfExp) and parent.test is not node
        ):
            # `kwargs or {}`, `kwargs if c else {}`: the value flows on.
            return self._use(function, parent, parents, names, wrapped)
        if isinstance(parent, (ast.Return, ast.If, ast.IfExp, ast.UnaryOp, ast.Expr, ast.While)):
            return set()
        return OPEN

    def _attribute_reads(self, function: Function, attr: str):
        """What the class reads of `self.<attr>` when it holds the dict."""
        key = (id(function.cls), "self." + attr)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = frozenset()
        reads: set[str] | None = set()
        for item in function.cls.body:
            if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            method = Function(item, function.module, function.cls)
            parents = _parents(item)
            for node in ast.walk(item):
                if (
                    _is_self_attribute(node)
                    and node.attr == attr
                    and isinstance(node.ctx, ast.Load)
                ):
                    found = self._use(method, node, parents, set(), frozenset())
                    if found is OPEN:
                        reads = OPEN
                        break
                    reads |= found
            if reads is OPEN:
                break
        result = OPEN if reads is OPEN else frozenset(reads)
        self.memo[key] = result
        return result

    def _forwarded(self, function: Function, call: ast.Call, slot, wrapped):
        """What the callee reads of the dict passed as `**` (slot None), keyword `slot` (str) or
        positional number `slot` (int)."""
        if isinstance(call.func, ast.Name) and call.func.id in wrapped:
            return set()  # a decorator's wrapper calling the function it wraps
        targets = self._callees(function, call.func)
        if not targets:
            return OPEN
        reads: set[str] = set()
        for target, bound in targets:
            args = target.node.args
            positional = [a.arg for a in [*args.posonlyargs, *args.args]]
            if bound:
                positional = positional[1:]
            if slot is None:
                # The dict's keys land on named parameters, the rest in the callee's **kwargs.
                reads |= set(positional) | {a.arg for a in args.kwonlyargs}
                if args.kwarg is None:
                    continue
                found = self.of(target, args.kwarg.arg)
            else:
                if isinstance(slot, int):
                    if slot >= len(positional):
                        return OPEN
                    name = positional[slot]
                else:
                    name = slot
                    if name not in positional and name not in {a.arg for a in args.kwonlyargs}:
                        return OPEN
                found = self.of(target, name)
            if found is OPEN:
                return OPEN
            reads |= found
        return reads

    def _callees(self, function: Function, func: ast.expr) -> list[tuple[Function, bool]]:
        """The functions a call may run, each with whether `self` is already bound."""
        package, module = self.package, function.module
        if isinstance(func, ast.Name):
            return self._as_callable(package.resolve(module.name, func.id))
        if not isinstance(func, ast.Attribute):
            return []
        receiver = func.value
        if isinstance(receiver, ast.Name) and receiver.id in ("self", "cls") and function.cls:
            found = self._method(module, function.cls, func.attr)
            if found is not None:
                return [(found, True)]
        elif (
            isinstance(receiver, ast.Call)
            and isinstance(receiver.func, ast.Name)
            and receiver.func.id == "super"
            and function.cls
        ):
            chain, _ = package.mro(module, function.cls)
            for owner_module, owner in chain[1:]:
                found = self._method(owner_module, owner, func.attr, inherit=False)
                if found is not None:
                    return [(found, True)]
            return []
        else:
            dotted = _dotted(receiver)
            if dotted is not None:
                target = package._resolve_dotted(module, dotted)
                if target is not None and target[0] == "module":
                    return self._as_callable(package.resolve(target[1], func.attr))
                if target is not None and target[0] == "class":
                    found = self._method(target[1], target[2], func.attr)
                    return [(found, _is_static(found.node) is False)] if found else []
        # An object of unknown class: any pymilvus method of that name may run.
        return [(f, not _is_static(f.node)) for f in package.methods_by_name.get(func.attr, [])]

    def _as_callable(self, found) -> list[tuple[Function, bool]]:
        if found is None:
            return []
        if found[0] == "function":
            return [(Function(found[2], found[1]), False)]
        if found[0] == "class":
            init = self._method(found[1], found[2], "__init__")
            return [(init, True)] if init else []
        return []

    def _method(self, module: Module, cls: ast.ClassDef, name: str, inherit: bool = True):
        chain, _ = self.package.mro(module, cls) if inherit else ([(module, cls)], None)
        for owner_module, owner in chain:
            for item in owner.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == name:
                    return Function(item, owner_module, owner)
        return None

    def _decorator_reads(self, function: Function) -> frozenset[str]:
        """Keys the wrappers of the function's pymilvus decorators read (`timeout`, ...)."""
        reads: set[str] = set()
        for decorator in function.node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            dotted = _dotted(target)
            found = self.package._resolve_dotted(function.module, dotted) if dotted else None
            if found is None or found[0] != "function":
                continue
            outer_params = set()
            for node in ast.walk(found[2]):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                    outer_params |= {a.arg for a in node.args.args}
            for node in ast.walk(found[2]):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.args.kwarg:
                    wrapper = Function(node, found[1])
                    got = self.of(wrapper, node.args.kwarg.arg, frozenset(outer_params))
                    reads |= got or set()
        return frozenset(reads)

    def _keys(self, function: Function, expr: ast.expr) -> set[str] | None:
        """The keys an expression may be: a literal, a constant, or the variable of a loop over
        a tuple of them (`for key in (GROUP_BY_FIELD, GROUP_SIZE): kwargs.get(key)`)."""
        key = self._string(function.module, expr)
        if key is not None:
            return {key}
        if not isinstance(expr, ast.Name):
            return OPEN
        keys: set[str] = set()
        loops = [
            node
            for node in ast.walk(function.node)
            if isinstance(node, (ast.For, ast.comprehension))
            and isinstance(node.target, ast.Name)
            and node.target.id == expr.id
        ]
        for loop in loops:
            iterated = loop.iter
            if not isinstance(iterated, (ast.Tuple, ast.List, ast.Set)):
                iterated = self._constant(function.module, iterated)  # for k in COMMON_PARAMS
            if not isinstance(iterated, (ast.Tuple, ast.List, ast.Set)):
                return OPEN
            for element in iterated.elts:
                key = self._string(function.module, element)
                if key is None:
                    return OPEN
                keys.add(key)
        return keys if loops else OPEN

    def _string(self, module: Module, expr: ast.expr) -> str | None:
        """A literal string key, or a module constant that holds one."""
        if isinstance(expr, ast.Constant):
            return expr.value if isinstance(expr.value, str) else None
        value = self._constant(module, expr)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
        return None

    def _constant(self, module: Module, expr: ast.expr) -> ast.expr | None:
        """The expression a module or class constant (`NAME`, `mod.NAME`, `Cls.NAME`) holds."""
        dotted = _dotted(expr)
        if dotted is None:
            return None
        found = self.package._resolve_dotted(module, dotted)
        if found is None and "." in dotted:  # Class.CONSTANT
            owner, _, attr = dotted.rpartition(".")
            cls = self.package._resolve_dotted(module, owner)
            if cls is not None and cls[0] == "class":
                for item in cls[2].body:
                    if isinstance(item, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id == attr for t in item.targets
                    ):
                        found = ("value", cls[1], item)
        if found is not None and found[0] == "value":
            return getattr(found[2], "value", None)
        return None


def _only_to_raise(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """The use is in the test of an `if` whose body only raises."""
    child, parent = node, parents.get(id(node))
    while parent is not None and not isinstance(parent, ast.stmt):
        child, parent = parent, parents.get(id(parent))
    return (
        isinstance(parent, ast.If)
        and parent.test is child
        and len(parent.body) == 1
        and isinstance(parent.body[0], ast.Raise)
    )


def _parents(root: ast.AST) -> dict[int, ast.AST]:
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(root):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    return parents


def _is_self_attribute(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )


def _intersected(keys_call: ast.Call, parents: dict[int, ast.AST]) -> set[str] | None:
    """The literal keys in `set(d.keys()).intersection({...})` or `d.keys() & {...}`."""
    holder = parents.get(id(keys_call))
    if isinstance(holder, ast.Call) and _dotted(holder.func) == "set":
        keys_call, holder = holder, parents.get(id(holder))
    other = None
    if isinstance(holder, ast.BinOp) and isinstance(holder.op, ast.BitAnd):
        other = holder.right if holder.left is keys_call else holder.left
    elif isinstance(holder, ast.Attribute) and holder.attr == "intersection":
        call = parents.get(id(holder))
        if isinstance(call, ast.Call) and len(call.args) == 1:
            other = call.args[0]
    if isinstance(other, (ast.Set, ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in other.elts
    ):
        return {e.value for e in other.elts}
    return None


def _keys_taken_from(name: str, function: Function) -> bool:
    """The function picks keys of `name` only through a literal intersection (see above)."""
    parents = _parents(function.node)
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "keys"
        and _dotted(node.func.value) == name
        and _intersected(node, parents)
        for node in ast.walk(function.node)
    )


def _copies(expr: ast.expr, param: str) -> bool:
    if isinstance(expr, ast.Name):
        return expr.id == param
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Attribute) and func.attr == "copy" and not expr.args:
            return _copies(func.value, param)
        if _dotted(func) in _COPY_CALLS and len(expr.args) == 1:
            return _copies(expr.args[0], param)
    if isinstance(expr, ast.Dict):
        return any(
            k is None and _copies(v, param) for k, v in zip(expr.keys, expr.values, strict=True)
        )
    if isinstance(expr, ast.BoolOp):
        return any(_copies(v, param) for v in expr.values)
    if isinstance(expr, ast.IfExp):
        return _copies(expr.body, param) or _copies(expr.orelse, param)
    return False


def _is_static(node: ast.AST) -> bool:
    return any(
        isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod")
        for d in node.decorator_list
    )


def _default(expr: ast.expr) -> str:
    text = ast.unparse(expr)
    return text if len(text) <= 40 else "..."


def signature(function: Function, reads: KwargsReads, bound: bool) -> dict:
    """A method's parameters as compact data: `params` in Python's own notation (`/`, `*`,
    `name=default`, `*args`, `**kwargs`) and, for `**kwargs`, the keys read (`"*"`: any)."""
    args = function.node.args
    params: list[str] = []
    positional = [*args.posonlyargs, *args.args]
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for index, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
        if bound and index == 0:
            continue
        params.append(arg.arg if default is None else f"{arg.arg}={_default(default)}")
        if args.posonlyargs and index == len(args.posonlyargs) - 1:
            params.append("/")
    if args.vararg:
        params.append(f"*{args.vararg.arg}")
    elif args.kwonlyargs:
        params.append("*")
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(arg.arg if default is None else f"{arg.arg}={_default(default)}")
    entry: dict = {"params": params}
    if args.kwarg:
        params.append(f"**{args.kwarg.arg}")
        found = reads.of(function, args.kwarg.arg)
        entry["reads"] = "*" if found is OPEN else _reads_list(found)
    return entry


def _reads_list(found: frozenset[str]) -> list[str]:
    """Keys read, and `!key` for those only ever read to be refused."""
    read = {k for k in found if not k.startswith("!")} - {"self", "cls"}
    refused = {k for k in found if k.startswith("!") and k[1:] not in read}
    return sorted(read) + sorted(refused)


def describe_class(package: Package, reads: KwargsReads, module: Module, cls: ast.ClassDef):
    chain, outside = package.mro(module, cls)
    methods: dict[str, dict] = {}
    attributes: set[str] = set()
    static: set[str] = set()
    for owner_module, owner in reversed(chain):  # the class itself wins: visited last
        for item in owner.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                is_property = any(
                    _dotted(d) in ("property", "cached_property", "functools.cached_property")
                    or (_dotted(d) or "").endswith((".setter", ".getter", ".deleter"))
                    for d in item.decorator_list
                )
                if is_property:
                    attributes.add(item.name)
                    methods.pop(item.name, None)
                    continue
                attributes.discard(item.name)
                function = Function(item, owner_module, owner)
                is_static = _is_static(item)
                (static.add if is_static else static.discard)(item.name)
                bound = not any(_dotted(d) == "staticmethod" for d in item.decorator_list)
                methods[item.name] = signature(function, reads, bound)
            elif isinstance(item, (ast.Assign, ast.AnnAssign)):
                targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                attributes |= {t.id for t in targets if isinstance(t, ast.Name)}
        for node in ast.walk(owner):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id == "self"
            ):
                attributes.add(node.attr)
    for (class_name, method), (key, constructed) in REFUSED_FIRST.items():
        if class_name == cls.name and method in methods:
            message = _refusal(package, reads, module, cls, method, key, constructed)
            if message is not None:
                methods[method]["rejects"] = {key: message}
    entry: dict = {"methods": dict(sorted(methods.items()))}
    attributes -= set(methods)
    if outside & _ENUM_BASES:
        attributes |= set(ENUM_ATTRIBUTES)
        entry["enum"] = True
    if attributes:
        entry["attributes"] = sorted(attributes)
    if static:
        entry["static"] = sorted(static)
    if (outside - _PLAIN_BASES - _ENUM_BASES) or "__getattr__" in methods:
        entry["open"] = True  # attributes beyond what pymilvus' source shows
    return entry


def _refusal(package, reads, module, cls, method, key, constructed) -> str | None:
    """The message of the ParamError `cls.method` raises for `key`: found in the first class of
    `constructed` that the method's body constructs, else None."""
    body = next(
        item for item in cls.body if isinstance(item, ast.FunctionDef) and item.name == method
    )
    calls = [
        node
        for node in ast.walk(body)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in constructed
    ]
    for node in sorted(calls, key=lambda call: (call.lineno, call.col_offset)):
        found = package.resolve(module.name, node.func.id)
        if found is None or found[0] != "class":
            continue
        _, owner_module, owner = found
        for function in owner.body:
            if not isinstance(function, ast.FunctionDef):
                continue
            for check in ast.walk(function):
                message = _refused_with(reads, Function(function, owner_module, owner), check, key)
                if message is not None:
                    return message
        return None  # the class that checks first does not check this key
    return None


def _refused_with(reads, function: Function, node: ast.AST, key: str) -> str | None:
    """`if <dict>.get(KEY, 0) != 0: raise ParamError(message="M")` → M."""
    if not (isinstance(node, ast.If) and len(node.body) == 1 and not node.orelse):
        return None
    test, raised = node.test, node.body[0]
    if not (
        isinstance(test, ast.Compare)
        and [type(op) for op in test.ops] == [ast.NotEq]
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == 0
        and isinstance(test.left, ast.Call)
        and isinstance(test.left.func, ast.Attribute)
        and test.left.func.attr == "get"
        and len(test.left.args) == 2
        and reads._string(function.module, test.left.args[0]) == key
        and isinstance(raised, ast.Raise)
        and isinstance(raised.exc, ast.Call)
        and _dotted(raised.exc.func) == "ParamError"
    ):
        return None
    for keyword in raised.exc.keywords:
        if keyword.arg == "message" and isinstance(keyword.value, ast.Constant):
            return keyword.value.value
    return None


def generate(root: Path) -> dict:
    """The model of the pymilvus release whose source is under `root` (holding `pymilvus/`)."""
    package = Package(root)
    reads = KwargsReads(package)
    modules: dict[str, list[str]] = {}
    exports: dict[str, str] = {}
    classes: dict[str, dict] = {}
    functions: dict[str, dict[str, dict]] = {}
    wanted: list[tuple[str, Module, ast.ClassDef]] = []
    for module_name in USER_MODULES:
        if module_name not in package.modules:
            continue
        names = package.module_names(module_name)
        if "__getattr__" in package.modules[module_name].names:
            names.add("*")  # module-level __getattr__: any name may import
        modules[module_name] = sorted(names)
    for name in modules["pymilvus"]:
        found = package.resolve("pymilvus", name)
        if found is None:
            continue
        kind = found[0]
        if kind == "class":
            exports[name] = f"class:{found[2].name}"
            wanted.append((found[2].name, found[1], found[2]))
        elif kind == "module":
            exports[name] = f"module:{found[1]}"
        elif kind == "value" and isinstance(getattr(found[2], "value", None), ast.Call):
            # `connections = Connections()`: an instance of a pymilvus class.
            made = _dotted(found[2].value.func)
            cls = package._resolve_dotted(found[1], made) if made else None
            if cls is not None and cls[0] == "class":
                exports[name] = f"instance:{cls[2].name}"
                wanted.append((cls[2].name, cls[1], cls[2]))
    for qualified in EXTRA_CLASSES:
        module_name, _, class_name = qualified.rpartition(".")
        found = package.resolve(module_name, class_name)
        if found is not None and found[0] == "class":
            wanted.append((class_name, found[1], found[2]))
    for class_name, module, cls in wanted:
        if class_name not in classes:
            classes[class_name] = describe_class(package, reads, module, cls)
    for export in exports.values():
        kind, _, target = export.partition(":")
        if kind == "module":
            module = package.modules[target]
            functions[target] = {
                node.name: signature(Function(node, module), reads, bound=False)
                for node in module.tree.body
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and not node.name.startswith("_")
            }
    return {
        "pymilvus": package.version(),
        "generated_by": "python -m checks.api.generate",
        "modules": modules,
        "exports": dict(sorted(exports.items())),
        "classes": dict(sorted(classes.items())),
        "functions": dict(sorted(functions.items())),
    }


def write(model: dict, directory: Path = Path(DATA_DIR)) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"pymilvus-{model['pymilvus']}.api"
    path.write_text(dump(model), encoding="utf-8")
    return path


def dump(model: dict) -> str:
    """The model as lines `key<TAB>json`, one per module, class, method and function, so that
    a reader finds one entry with `str.find` and decodes only what it asks for (the hook pays
    for what the file's calls touch, not for the whole API). Sets of keys `**kwargs` reads are
    stored once (`reads N`) and referred to as `@N`."""
    lines = [f"# pymilvus {model['pymilvus']} API model: generated by {model['generated_by']}"]
    lines.append(f"version\t{_json(model['pymilvus'])}")
    lines.append(f"exports\t{_json(model['exports'])}")
    for name, names in model["modules"].items():
        lines.append(f"module {name}\t{_json(names)}")
    read_sets: dict[tuple, int] = {}

    def entry(signature: dict) -> str:
        reads = signature.get("reads")
        if isinstance(reads, list):
            index = read_sets.setdefault(tuple(reads), len(read_sets))
            signature = {**signature, "reads": f"@{index}"}
        return _json(signature)

    for class_name, cls in model["classes"].items():
        header = {k: v for k, v in cls.items() if k != "methods"}
        header["methods"] = list(cls["methods"])
        lines.append(f"class {class_name}\t{_json(header)}")
        for method, signature in cls["methods"].items():
            lines.append(f"method {class_name}.{method}\t{entry(signature)}")
    for module, functions in model["functions"].items():
        lines.append(f"functions {module}\t{_json(list(functions))}")
        for function, signature in functions.items():
            lines.append(f"function {module}.{function}\t{entry(signature)}")
    for reads, index in read_sets.items():
        lines.append(f"reads {index}\t{_json(list(reads))}")
    return "\n".join(lines) + "\n"


def _json(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def installed_root() -> Path:
    """The site-packages directory holding the pymilvus installed beside milvus-cto."""
    import importlib.util  # finds the package without importing it

    spec = importlib.util.find_spec("pymilvus")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pymilvus is not installed")
    return Path(next(iter(spec.submodule_search_locations))).parent


def download(version: str, into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", f"pymilvus=={version}",
         "-d", str(into)],
        check=True,
    )  # fmt: skip
    [wheel] = into.glob(f"pymilvus-{version}-*.whl")
    root = into / version
    zipfile.ZipFile(wheel).extractall(root)
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checks.api.generate", description=__doc__)
    parser.add_argument("versions", nargs="*", help=f"releases (default: {' '.join(RELEASES)})")
    parser.add_argument("--installed", action="store_true", help="the installed pymilvus only")
    parser.add_argument(
        "--source", type=Path, help="a directory that holds pymilvus/ and its dist-info"
    )
    args = parser.parse_args(argv)
    if args.installed or args.source:
        print(write(generate(args.source or installed_root())))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        for version in args.versions or RELEASES:
            print(write(generate(download(version, Path(scratch)))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
