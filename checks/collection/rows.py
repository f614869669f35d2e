"""What written rows and vectors show: literal row dicts, and vector lengths where visible."""

from __future__ import annotations

import ast
from weakref import WeakKeyDictionary

from checks.record import FrozenRecord
from checks.semantic import Scope, SemanticModel

# numpy.random functions that take `size` (first for random/standard_normal, else third).
_NUMPY_RANDOM_SIZE = frozenset({"random", "uniform", "normal", "standard_normal"})


_NUMPY_NAMES: WeakKeyDictionary[SemanticModel, frozenset[str]] = WeakKeyDictionary()


def literal_rows(model: SemanticModel, data: ast.expr, scope: Scope) -> list[ast.Dict] | None:
    """The row dicts written, when they are literal: a dict, a list of dicts, or a list
    comprehension building one dict (inline, or the one value of a name)."""
    bound = model.binding(data, scope)
    if bound is not None:
        if model.mutated(data):
            return None
        data = bound[0]
    if isinstance(data, ast.Dict):
        return [data]
    if isinstance(data, ast.ListComp) and isinstance(data.elt, ast.Dict):
        return [data.elt]
    if isinstance(data, ast.List) and data.elts and all(isinstance(e, ast.Dict) for e in data.elts):
        return list(data.elts)
    return None


class Row(FrozenRecord):
    """A row dict whose keys are all literal strings: key -> key node, key -> value node."""

    __slots__ = ("keys", "node", "values")

    node: ast.Dict
    keys: dict[str, ast.expr]
    values: dict[str, ast.expr]

    def __init__(
        self,
        node: ast.Dict,
        keys: dict[str, ast.expr],
        values: dict[str, ast.expr],
    ) -> None:
        self.node = node
        self.keys = keys
        self.values = values

    def _key(self) -> tuple:
        return (self.node, self.keys, self.values)


def literal_row(row: ast.Dict) -> Row | None:
    """The row, when every key is a literal string (no `**other`)."""
    keys: dict[str, ast.expr] = {}
    values: dict[str, ast.expr] = {}
    for key, value in zip(row.keys, row.values, strict=True):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        keys[key.value], values[key.value] = key, value
    return Row(row, keys, values)


def keys_may_change(model: SemanticModel, key: str) -> bool:
    """Somewhere the module sets or deletes `x[key]`, or calls update/setdefault/pop: rows held
    in a name may gain or lose that key before they are written."""
    for node, _ in model.nodes:
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, (ast.Store, ast.Del))
            and isinstance(node.slice, ast.Constant)
            and node.slice.value == key
        ):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("update", "setdefault", "pop")
        ):
            return True
    return False


def vector_length(model: SemanticModel, expr: ast.expr, scope: Scope, depth: int = 0) -> int | None:
    """The length of a vector written so that it shows: `[0.1, 0.2]`, `[0.0] * 768`,
    `[random() for _ in range(768)]`, `np.random.rand(768)` (`.tolist()`), or a name bound once
    to one of these. None when it does not show."""
    if depth > 5:
        return None
    if isinstance(expr, ast.Name):
        bound = model.binding(expr, scope)
        if bound is None or model.mutated(expr):
            return None
        return vector_length(model, bound[0], bound[1], depth + 1)
    if isinstance(expr, ast.List):
        if any(isinstance(e, (ast.Starred, ast.List, ast.ListComp, ast.Tuple)) for e in expr.elts):
            return None
        return len(expr.elts) if all(_scalar(e) for e in expr.elts) else None
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mult):
        for items, times in ((expr.left, expr.right), (expr.right, expr.left)):
            if isinstance(items, ast.List) and items.elts and all(_scalar(e) for e in items.elts):
                count = _int(model, times, scope)
                if count is not None:
                    return len(items.elts) * count
        return None
    if isinstance(expr, ast.ListComp):
        if len(expr.generators) != 1 or expr.generators[0].ifs or not _scalar(expr.elt):
            return None
        return _range_length(model, expr.generators[0].iter, scope)
    if isinstance(expr, ast.Call):
        return _numpy_length(model, expr, scope)
    return None


def _scalar(node: ast.expr) -> bool:
    """A value that can be one number of a vector (not a list, dict or string)."""
    if isinstance(node, ast.UnaryOp):
        node = node.operand
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    return isinstance(node, (ast.Call, ast.Name, ast.Attribute, ast.BinOp, ast.Subscript))


_ARITHMETIC = {ast.Add: int.__add__, ast.Sub: int.__sub__, ast.Mult: int.__mul__}


def _int(model: SemanticModel, node: ast.expr, scope: Scope, depth: int = 0) -> int | None:
    """An int the code certainly holds: a literal, a constant, or `+ - *` of those (`DIM + 1`)."""
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC and depth < 8:
        left = _int(model, node.left, scope, depth + 1)
        right = _int(model, node.right, scope, depth + 1)
        if left is None or right is None:
            return None
        return _ARITHMETIC[type(node.op)](left, right)
    value = model.literal(node, scope)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _range_length(model: SemanticModel, node: ast.expr, scope: Scope) -> int | None:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return None
    if node.func.id != "range" or "range" in model.module_scope.defs or node.keywords:
        return None
    bounds = [_int(model, a, scope) for a in node.args]
    if None in bounds or not 1 <= len(bounds) <= 2:
        return None
    start, stop = (0, bounds[0]) if len(bounds) == 1 else bounds
    return max(stop - start, 0)


def _numpy_length(model: SemanticModel, call: ast.Call, scope: Scope) -> int | None:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in ("tolist", "astype"):
        inner = func.value
        return _numpy_length(model, inner, scope) if isinstance(inner, ast.Call) else None
    path = _numpy_path(model, func)
    if path is None:
        return None
    name = path[-1]
    size: ast.expr | None = None
    if path[:-1] in ((), ("random",)) and name in ("zeros", "ones", "empty", "full"):
        size = call.args[0] if call.args else None
    elif path[:-1] == ("random",) and name in ("rand", "randn"):
        if len(call.args) == 1 and not call.keywords:
            size = call.args[0]
    elif path[:-1] == ("random",) and name in _NUMPY_RANDOM_SIZE:
        position = 0 if name in ("random", "standard_normal") else 2
        size = next((k.value for k in call.keywords if k.arg == "size"), None)
        if size is None and len(call.args) > position:
            size = call.args[position]
    if size is None:
        return None
    return _int(model, size, scope)


def _numpy_path(model: SemanticModel, func: ast.expr) -> tuple[str, ...] | None:
    """`np.random.rand` -> ("random", "rand") when `np` is numpy imported at module level."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name) or func.id not in _numpy_names(model):
        return None
    return tuple(reversed(parts))


def _numpy_names(model: SemanticModel) -> frozenset[str]:
    names = _NUMPY_NAMES.get(model)
    if names is None:
        found = set()
        for statement in model.tree.body:
            if isinstance(statement, ast.Import):
                for alias in statement.names:
                    if alias.name == "numpy":
                        found.add(alias.asname or "numpy")
        # A name bound twice (imported, then reassigned) is not certainly numpy.
        names = frozenset(n for n in found if len(model.module_scope.defs.get(n, ())) == 1)
        _NUMPY_NAMES[model] = names
    return names
