"""What the names of one module mean: the small semantic model that detection runs on.

Built once per file from the stdlib `ast` tree (DESIGN.md §1b). It answers three questions for
rules, and answers "don't know" whenever the tree does not show the answer (precision first):

- what a name or attribute chain resolves to through pymilvus imports
  (`import pymilvus as pm`, `from pymilvus import Collection as C`, `pymilvus.MilvusClient`);
- what kind of pymilvus object an expression is (a `MilvusClient`, an ORM `Collection` with its
  literal name, index params, a schema), including `self.client = MilvusClient(...)` in a class
  and parameters annotated with a pymilvus client type;
- what literal value a name holds (`NAME = "docs"`), when every assignment agrees.
"""

from __future__ import annotations

import ast

from checks.record import FrozenRecord
from checks.signatures import MethodCall, argument

# Names pymilvus exports at top level. A qualified name that ends in one of these under any
# pymilvus submodule (`pymilvus.orm.collection.Collection`) is folded to `pymilvus.<name>`.
PUBLIC_NAMES = frozenset(
    {
        "MilvusClient", "AsyncMilvusClient", "Collection", "Partition", "Index", "Role",
        "connections", "utility", "db", "FieldSchema", "CollectionSchema", "DataType",
        "Function", "FunctionType", "AnnSearchRequest", "RRFRanker", "WeightedRanker",
        "Milvus", "IndexParams", "Hits", "Hit", "SearchResult", "MilvusException",
        "MilvusUnavailableException", "ConsistencyLevel",
    }
)  # fmt: skip

CLIENT = "pymilvus.MilvusClient"
ASYNC_CLIENT = "pymilvus.AsyncMilvusClient"
COLLECTION = "pymilvus.Collection"

_SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
# Load/Store and operators: a third of all nodes, with no children and nothing to record.
_LEAVES = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
# The nodes _DefinitionCollector._record looks at; the others it only walks through.
_RECORDED = (
    ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.AugAssign,
    ast.For, ast.AsyncFor, ast.comprehension, ast.With, ast.AsyncWith, ast.ExceptHandler,
    ast.Global, ast.Nonlocal, ast.Delete, ast.MatchAs, ast.MatchStar, ast.MatchMapping,
    ast.Subscript, ast.Call,
)  # fmt: skip
# Methods that change a list or dict in place.
_MUTATORS = frozenset(
    {"append", "extend", "insert", "remove", "pop", "popitem", "clear", "update", "setdefault"}
)
# The package merged into pymilvus 2.0: a module importing it is still about Milvus.
_LEGACY_PACKAGES = ("pymilvus_orm",)


def canonical(qualname: str) -> str:
    if qualname.startswith("pymilvus."):
        last = qualname.rsplit(".", 1)[1]
        if last in PUBLIC_NAMES:
            return "pymilvus." + last
    return qualname


class Value(FrozenRecord):
    """What an expression is, as far as the tree shows.

    kind: "import" (qualname set), "client" (is_async tells which), "collection" (name is the
    literal collection name or None), "index_params", "schema", "literal" (value set).
    """

    __slots__ = ("is_async", "kind", "name", "node", "qualname", "value")

    kind: str
    qualname: str | None
    name: str | None
    is_async: bool
    value: object
    node: ast.AST | None

    def __init__(
        self,
        kind: str,
        qualname: str | None = None,
        name: str | None = None,
        is_async: bool = False,
        value: object = None,
        node: ast.AST | None = None,
    ) -> None:
        self.kind = kind
        self.qualname = qualname
        self.name = name
        self.is_async = is_async
        self.value = value
        self.node = node

    def _key(self) -> tuple:
        return (self.kind, self.qualname, self.name, self.is_async, self.value, self.node)

    def same_as(self, other: Value) -> bool:
        return (self.kind, self.qualname, self.name, self.is_async, self.value) == (
            other.kind, other.qualname, other.name, other.is_async, other.value
        )  # fmt: skip


UNKNOWN = Value("unknown")
# The kinds of Value that are pymilvus' (the others: "unknown", "literal").
_PYMILVUS_KINDS = frozenset({"import", "client", "collection", "index_params", "schema"})
# A definition of a name: the assigned expression, a Value known up front, or, for
# `self.x = expr`, the expression with the method scope it must be evaluated in.
Definition = "ast.AST | Value | tuple[ast.AST, Scope]"
_IN_PROGRESS = Value("in-progress")
_NOT_YET = object()


class Scope:
    """A module, function, lambda or class body, with every definition of each local name."""

    def __init__(self, node: ast.AST, parent: Scope | None, kind: str):
        self.node = node
        self.parent = parent
        self.kind = kind  # "module" | "function" | "class"
        self.defs: dict[str, list[Definition]] = {}
        self.self_attrs: dict[str, list[Definition]] = {}  # class scopes: self.x = ...
        self.star_pymilvus = False
        self.self_name: str | None = None  # methods: the name of the first parameter
        self._resolved: dict[str, Value] = {}

    def define(self, name: str, value: Definition) -> None:
        self.defs.setdefault(name, []).append(value)

    @property
    def class_scope(self) -> Scope | None:
        return (
            self.parent if self.self_name and self.parent and self.parent.kind == "class" else None
        )


class SemanticModel:
    def __init__(self, tree: ast.Module):
        self.tree = tree
        self.module_scope = Scope(tree, None, "module")
        self.scopes: dict[int, Scope] = {id(tree): self.module_scope}
        self.mentions_pymilvus = False
        self.mutated_names: set[str] = set()
        # Every node but contexts and operators, in source order, with the scope its names
        # resolve in: rules that need a whole-module view iterate this instead of walking again.
        self.nodes: list[tuple[ast.AST, Scope]] = []
        self._values: dict[tuple[int, int], Value] = {}  # value_of, by (expression, scope) id
        self._qualnames: dict[tuple[int, int], str | None] = {}
        self._method_calls: dict[tuple[int, int], MethodCall | None] = {}
        # Loops binding a plain name: (scope id, name) -> (what it iterates, its scope).
        self._loops: dict[tuple[int, str], tuple[ast.expr, Scope]] = {}
        _DefinitionCollector(self).collect(tree, self.module_scope)
        # Answers given while the definitions were still being collected may be incomplete.
        self._values.clear()
        self._qualnames.clear()
        self._method_calls.clear()

    def release(self) -> None:
        """Unlink the scopes (a class's `self.x` definitions hold its methods' scopes, which
        hold the class's), once the check is done: see engine.check_tree."""
        for scope in self.scopes.values():
            scope.parent = None
            scope.self_attrs.clear()

    # --- lookups -------------------------------------------------------------------------

    def scope_of(self, node: ast.AST) -> Scope:
        """The scope a scope-opening node (module, def, lambda, class) opens."""
        return self.scopes[id(node)]

    def lookup(self, name: str, scope: Scope) -> Value:
        current: Scope | None = scope
        first = True
        while current is not None:
            # Class bodies are not visible from the functions nested in them.
            if current.kind != "class" or first:
                if name in current.defs:
                    return self._resolve_local(name, current)
                if current.star_pymilvus and name in PUBLIC_NAMES:
                    return Value("import", qualname="pymilvus." + name)
            first = False
            current = current.parent
        return UNKNOWN

    def _resolve_local(self, name: str, scope: Scope) -> Value:
        cached = scope._resolved.get(name)
        if cached is _IN_PROGRESS:
            return UNKNOWN  # a cycle such as `a = b; b = a`
        if cached is not None:
            return cached
        scope._resolved[name] = _IN_PROGRESS
        merged = self._merge(scope.defs[name], scope)
        scope._resolved[name] = merged
        return merged

    def _merge(self, defs: list[Definition], scope: Scope) -> Value:
        values = [self._value_of_definition(d, scope) for d in defs]
        first = values[0]
        if all(v.same_as(first) for v in values[1:]):
            return first
        # Several ORM collections under one name: still a Collection, but of unknown name.
        if all(v.kind == "collection" for v in values):
            return Value("collection")
        if all(v.kind == "client" and v.is_async == first.is_async for v in values):
            return Value("client", is_async=first.is_async)
        return UNKNOWN

    def _value_of_definition(self, definition: Definition, scope: Scope) -> Value:
        if isinstance(definition, Value):
            return definition
        if isinstance(definition, tuple):  # `self.x = expr`, evaluated where it was written
            expr, written_in = definition
            return self.value_of(expr, written_in)
        return self.value_of(definition, scope)

    def qualname(self, expr: ast.AST, scope: Scope) -> str | None:
        """The pymilvus-qualified name of a name or attribute chain, or None."""
        key = (id(expr), id(scope))
        known = self._qualnames.get(key, _NOT_YET)
        if known is _NOT_YET:
            known = self._qualnames[key] = self._qualname(expr, scope)
        return known

    def _qualname(self, expr: ast.AST, scope: Scope) -> str | None:
        expr_type = type(expr)
        if expr_type is ast.Name:
            value = self.lookup(expr.id, scope)
            return value.qualname if value.kind == "import" else None
        if expr_type is ast.Attribute:
            base = self.qualname(expr.value, scope)
            if base is not None:
                return canonical(f"{base}.{expr.attr}")
            # `MilvusClient(...).create_schema` style: a method of a known client object.
            owner = self.value_of(expr.value, scope)
            if owner.kind == "client":
                return f"{ASYNC_CLIENT if owner.is_async else CLIENT}.{expr.attr}"
        return None

    def may_be_pymilvus(self, expr: ast.AST, scope: Scope) -> bool:
        """Whether `value_of`, `qualname` or `method_call` could resolve `expr` (or a call of
        it) to anything pymilvus: each of them follows the chain of attributes, calls and
        awaits down to its first name, and resolves nothing unless that name is bound to a
        pymilvus import or object, or is the method's `self` and its attribute one
        (`self.client`). Cheap, for routing."""
        outer = None
        while True:
            expr_type = type(expr)
            if expr_type is ast.Attribute or expr_type is ast.Await or expr_type is ast.NamedExpr:
                outer, expr = expr, expr.value
            elif expr_type is ast.Call:
                outer, expr = expr, expr.func
            elif expr_type is ast.Name:
                name = expr.id
                if name != scope.self_name:
                    return self.lookup(name, scope).kind in _PYMILVUS_KINDS
                # `self.x...`: what `self.x` is assigned in the class decides (see _value_of).
                return type(outer) is ast.Attribute and (
                    self.value_of(outer, scope).kind in _PYMILVUS_KINDS
                )
            else:
                return False  # a subscript, literal or operator: never resolved

    def value_of(self, expr: ast.AST, scope: Scope) -> Value:
        """What kind of pymilvus object (or literal) an expression evaluates to."""
        key = (id(expr), id(scope))
        known = self._values.get(key)
        if known is None:
            # Rules ask about the same receivers again and again: each is worked out once.
            # Unknown while it is worked out, so that a cycle (`self.c = self.c`) ends.
            self._values[key] = UNKNOWN
            known = self._values[key] = self._value_of(expr, scope)
        return known

    def _value_of(self, expr: ast.AST, scope: Scope) -> Value:
        expr_type = type(expr)
        if expr_type is ast.Constant:
            return Value("literal", value=expr.value, node=expr)
        if expr_type is ast.Name:
            return self.lookup(expr.id, scope)
        if expr_type is ast.Await or expr_type is ast.NamedExpr:
            return self.value_of(expr.value, scope)
        if expr_type is ast.Attribute:
            if isinstance(expr.value, ast.Name) and expr.value.id == scope.self_name:
                owner = scope.class_scope
                if owner is not None and expr.attr in owner.self_attrs:
                    return self._merge(owner.self_attrs[expr.attr], scope)
                return UNKNOWN
            qn = self.qualname(expr, scope)
            return Value("import", qualname=qn) if qn else UNKNOWN
        if expr_type is ast.Call:
            return self._value_of_call(expr, scope)
        return UNKNOWN

    def _value_of_call(self, call: ast.Call, scope: Scope) -> Value:
        qn = self.qualname(call.func, scope)
        if qn == CLIENT:
            return Value("client", node=call)
        if qn == ASYNC_CLIENT:
            return Value("client", is_async=True, node=call)
        if qn == COLLECTION:
            name_arg = argument(call, "Collection", "name")
            name = self.literal(name_arg, scope) if name_arg is not None else None
            return Value("collection", name=name if isinstance(name, str) else None, node=call)
        if qn in (
            "pymilvus.CollectionSchema",
            f"{CLIENT}.create_schema",
            f"{ASYNC_CLIENT}.create_schema",
        ):
            return Value("schema", node=call)
        if qn in (
            f"{CLIENT}.prepare_index_params",
            f"{ASYNC_CLIENT}.prepare_index_params",
            "pymilvus.IndexParams",
        ):
            return Value("index_params", node=call)
        return UNKNOWN

    def method_call(self, call: ast.Call, scope: Scope, *methods: str) -> MethodCall | None:
        """The call as a method of a known client or ORM collection (one of `methods`, if any
        are given: the receiver is resolved only then), else None."""
        func = call.func
        if type(func) is not ast.Attribute or (methods and func.attr not in methods):
            return None
        key = (id(call), id(scope))
        known = self._method_calls.get(key, _NOT_YET)
        if known is _NOT_YET:
            known = self._method_calls[key] = self._method_call(call, func, scope)
        return known

    def _method_call(self, call: ast.Call, func: ast.Attribute, scope: Scope):
        owner = self.value_of(func.value, scope)
        if owner.kind == "client":
            receiver = "AsyncMilvusClient" if owner.is_async else "MilvusClient"
            return MethodCall("client", receiver, func.attr, owner, call)
        if owner.kind == "collection":
            return MethodCall("orm", "Collection", func.attr, owner, call)
        return None

    def literal(self, expr: ast.AST | None, scope: Scope) -> object:
        """The constant an expression certainly holds, or None when it is not certain."""
        if expr is None:
            return None
        value = self.value_of(expr, scope)
        return value.value if value.kind == "literal" else None

    def dict_literal(self, expr: ast.AST | None, scope: Scope) -> ast.Dict | None:
        """The dict display an expression certainly is: written there, or the one value of a name
        that is never changed in place; None with `**other` or computed keys."""
        if expr is None or self.mutated(expr):
            return None
        if isinstance(expr, ast.Name):
            bound = self.binding(expr, scope)
            expr = bound[0] if bound is not None else None
        if not isinstance(expr, ast.Dict) or not all(
            isinstance(k, ast.Constant) for k in expr.keys
        ):
            return None
        return expr

    def string(self, expr: ast.AST | None, scope: Scope) -> str | None:
        value = self.literal(expr, scope)
        return value if isinstance(value, str) else None

    def mutated(self, expr: ast.AST) -> bool:
        """True when a container held by this name may be changed in place somewhere in the
        module (`x[k] = v`, `del x[k]`, `x.append(...)`, `x["params"].update(...)`), matched by
        name across scopes: a literal dict or list read through it may not be what it holds."""
        return isinstance(expr, ast.Name) and expr.id in self.mutated_names

    def definitions(self, name: str, scope: Scope) -> list[Definition] | None:
        """Every definition of `name` in the nearest scope out from `scope` that binds it (class
        bodies on the way count too), or None when the module never binds it (a builtin)."""
        current: Scope | None = scope
        while current is not None:
            defs = current.defs.get(name)
            if defs is not None:
                return defs
            current = current.parent
        return None

    def loop_iterable(self, name: ast.Name, scope: Scope) -> tuple[ast.expr, Scope] | None:
        """What a loop variable iterates (`for`, `async for`, a comprehension), with the scope it
        is written in, when that loop is the name's only binding in `scope`; else None."""
        if len(scope.defs.get(name.id, ())) != 1:
            return None
        return self._loops.get((id(scope), name.id))

    def binding(self, expr: ast.AST, scope: Scope) -> tuple[ast.AST, Scope] | None:
        """The one expression a name is assigned, with the scope it was written in; else None.

        None for a name with several definitions, or one bound by a parameter, a loop, an
        import or an augmented assignment: then what it holds depends on the path.
        """
        if not isinstance(expr, ast.Name):
            return None
        current: Scope | None = scope
        first = True
        while current is not None:
            if current.kind != "class" or first:
                defs = current.defs.get(expr.id)
                if defs is not None:
                    only = defs[0]
                    return (only, current) if len(defs) == 1 and isinstance(only, ast.AST) else None
                if current.star_pymilvus and expr.id in PUBLIC_NAMES:
                    return None
            first = False
            current = current.parent
        return None


def dict_get(mapping: ast.Dict, key: str) -> ast.expr | None:
    """The value of a literal string key in a dict display (None if absent or hidden by **)."""
    for k, v in zip(mapping.keys, mapping.values, strict=True):
        if isinstance(k, ast.Constant) and k.value == key:
            return v
    return None


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


def has_star_kwargs(call: ast.Call) -> bool:
    return any(kw.arg is None for kw in call.keywords)


# Field types that never hold a child worth walking: names, strings, numbers, and the
# contexts and operators (a third of all nodes, childless, and nothing visits them).
_NOT_CHILDREN = frozenset(
    {
        "identifier",
        "string",
        "constant",
        "int",
        "expr_context",
        "operator",
        "boolop",
        "unaryop",
        "cmpop",
    }
)


class ChildFields(dict):
    """Node type -> ((field, is a list), ...) of the fields that hold child nodes, read once per
    type from the node class's signature (`BinOp(expr left, operator op, expr right)`), so that
    a walk never looks at names, constants or operators."""

    def __missing__(self, node_type: type) -> tuple[tuple[str, bool], ...] | None:
        signature = (node_type.__doc__ or "").partition("(")[2].rstrip(")")
        fields = []
        for part in signature.split(","):
            kind, _, name = part.strip().rpartition(" ")
            if kind.rstrip("*?") not in _NOT_CHILDREN and name:
                fields.append((name, kind.endswith("*")))
        found = tuple(fields)
        if not {name for name, _ in found} <= set(node_type._fields):
            found = None  # a signature we cannot read: look at each node (fields_holding_nodes)
        self[node_type] = found
        return found


CHILD_FIELDS = ChildFields()


def fields_holding_nodes(node: ast.AST) -> tuple[tuple[str, bool], ...]:
    """CHILD_FIELDS' answer for one node whose type has no readable signature."""
    fields = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
            fields.append((name, False))
        elif isinstance(value, list) and any(
            isinstance(v, ast.AST) and not isinstance(v, _LEAVES) for v in value
        ):
            fields.append((name, True))
    return tuple(fields)


def _children(node: ast.AST) -> list[ast.AST]:
    """ast.iter_child_nodes, as a list, without contexts and operators."""
    fields = CHILD_FIELDS[type(node)]
    if fields is None:
        fields = fields_holding_nodes(node)
    children = []
    for name, many in fields:
        value = getattr(node, name)
        if many:
            children += [v for v in value if v is not None]
        elif value is not None:
            children.append(value)
    return children


class _DefinitionCollector:
    """Records, for every scope, each definition of each name (pass 1 over the tree)."""

    def __init__(self, model: SemanticModel):
        self.model = model

    def collect(self, node: ast.AST, scope: Scope) -> None:
        # Depth-first in source order: a parameter annotation (`client: MilvusClient`) is
        # resolved when its def is reached, so the imports above it must be recorded first.
        stack: list[tuple[ast.AST, Scope]] = [(child, scope) for child in _children(node)[::-1]]
        nodes, record = self.model.nodes, self._record
        scope_types, recorded_types = frozenset(_SCOPE_NODES), frozenset(_RECORDED)
        while stack:
            entry = stack.pop()
            nodes.append(entry)
            node, scope = entry
            node_type = type(node)
            if node_type in scope_types:
                stack.extend(reversed(self._open_scope(node, scope)))
                continue
            if node_type in recorded_types:
                record(node, scope)
            fields = CHILD_FIELDS[node_type]
            if fields:  # _children, inline: this loop runs for every node of the module
                start = len(stack)
                for name, many in fields:
                    value = getattr(node, name)
                    if many:
                        stack += [(child, scope) for child in value if child is not None]
                    elif value is not None:
                        stack.append((value, scope))
                stack[start:] = stack[start:][::-1]  # popped in source order
            elif fields is None:
                stack.extend([(child, scope) for child in _children(node)[::-1]])

    def _open_scope(self, node: ast.AST, parent: Scope) -> list[tuple[ast.AST, Scope]]:
        model = self.model
        if isinstance(node, ast.ClassDef):
            parent.define(node.name, UNKNOWN)
            inner = Scope(node, parent, "class")
            model.scopes[id(node)] = inner
            outer_parts = [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
            return [(n, parent) for n in outer_parts] + [(s, inner) for s in node.body]
        inner = Scope(node, parent, "function")
        model.scopes[id(node)] = inner
        args = node.args
        outer_parts: list[ast.AST] = [
            *args.defaults,
            *(d for d in args.kw_defaults if d is not None),
        ]
        if not isinstance(node, ast.Lambda):
            parent.define(node.name, UNKNOWN)
            outer_parts += node.decorator_list
            if node.returns is not None:
                outer_parts.append(node.returns)
        params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        for arg in params + [a for a in (args.vararg, args.kwarg) if a is not None]:
            inner.define(arg.arg, self._annotated(arg, parent))
            if arg.annotation is not None:
                outer_parts.append(arg.annotation)
        if parent.kind == "class" and params and not isinstance(node, ast.Lambda):
            is_static = any(
                isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod")
                for d in node.decorator_list
            )
            if not is_static:
                inner.self_name = params[0].arg
        body = [node.body] if isinstance(node, ast.Lambda) else node.body
        return [(n, parent) for n in outer_parts] + [(s, inner) for s in body]

    def _annotated(self, arg: ast.arg, scope: Scope) -> Value:
        """A parameter annotated with a pymilvus client type is such a client."""
        if arg.annotation is None:
            return UNKNOWN
        qn = self.model.qualname(arg.annotation, scope)
        if qn == CLIENT:
            return Value("client")
        if qn == ASYNC_CLIENT:
            return Value("client", is_async=True)
        if qn == COLLECTION:
            return Value("collection")
        return UNKNOWN

    def _record(self, node: ast.AST, scope: Scope) -> None:
        node_type = type(node)
        # Calls and subscripts first: most of the recorded nodes are one or the other.
        if node_type is ast.Call:
            func = node.func
            if type(func) is ast.Attribute and func.attr in _MUTATORS:
                self._mutates(func.value)
        elif node_type is ast.Subscript:
            if type(node.ctx) is not ast.Load:
                self._mutates(node.value)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "pymilvus" or alias.name.startswith("pymilvus."):
                    self.model.mentions_pymilvus = True
                    if alias.asname:
                        scope.define(alias.asname, Value("import", qualname=canonical(alias.name)))
                    else:
                        scope.define("pymilvus", Value("import", qualname="pymilvus"))
                else:
                    self.model.mentions_pymilvus |= alias.name.split(".")[0] in _LEGACY_PACKAGES
                    scope.define(alias.asname or alias.name.split(".")[0], UNKNOWN)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            from_pymilvus = node.level == 0 and (
                module == "pymilvus" or module.startswith("pymilvus.")
            )
            self.model.mentions_pymilvus |= from_pymilvus or (
                node.level == 0 and module.split(".")[0] in _LEGACY_PACKAGES
            )
            for alias in node.names:
                if alias.name == "*":
                    scope.star_pymilvus |= from_pymilvus
                    continue
                local = alias.asname or alias.name
                if from_pymilvus:
                    scope.define(
                        local, Value("import", qualname=canonical(f"{module}.{alias.name}"))
                    )
                else:
                    scope.define(local, UNKNOWN)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self._assign(target, node.value, scope)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self._assign(node.target, node.value, scope)
        elif isinstance(node, ast.NamedExpr):
            self._assign(node.target, node.value, scope)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            self._assign(node.target, None, scope)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            self._assign(node.target, None, scope)
            if isinstance(node.target, ast.Name):
                self.model._loops[(id(scope), node.target.id)] = (node.iter, scope)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            # AsyncMilvusClient.__aenter__ returns the client itself (what `as` binds).
            for item in node.items:
                if item.optional_vars is not None:
                    self._assign(item.optional_vars, item.context_expr, scope)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            scope.define(node.name, UNKNOWN)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                scope.define(name, UNKNOWN)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self._assign(target, None, scope)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            scope.define(node.name, UNKNOWN)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            scope.define(node.rest, UNKNOWN)

    def _mutates(self, expr: ast.AST) -> None:
        while isinstance(expr, (ast.Subscript, ast.Attribute)):
            expr = expr.value
        if isinstance(expr, ast.Name):
            self.model.mutated_names.add(expr.id)

    def _assign(self, target: ast.AST, value: ast.AST | None, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            scope.define(target.id, value if value is not None else UNKNOWN)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._assign(element, None, scope)
        elif isinstance(target, ast.Starred):
            self._assign(target.value, None, scope)
        elif (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == scope.self_name
            and scope.class_scope is not None
        ):
            # Evaluated later in the method's own scope, so keep the scope with the node.
            attr_value = (value, scope) if value is not None else UNKNOWN
            scope.class_scope.self_attrs.setdefault(target.attr, []).append(attr_value)
