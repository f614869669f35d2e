"""Parse once, build the semantic model, run every enabled rule in one traversal.

Stdlib only on this path (plus `packaging` for version ranges): the hooks call it on every
edit, so nothing here imports libcst, pydantic, mcp or pymilvus.
"""

from __future__ import annotations

import ast
import gc
import re
from functools import cache

from checks import MILVUS_WORDS, api
from checks.diagnostic import Diagnostic
from checks.flow import Block, Flow, classify_call
from checks.record import Record
from checks.rules.base import Rule
from checks.semantic import CHILD_FIELDS, Scope, SemanticModel, fields_holding_nodes

# Limits (each gives that input a one-line error, never a traceback):
# - size: sources over MAX_SOURCE_BYTES characters (files: bytes) are not checked; a check costs
#   up to about 4 s per MB of back-to-back pymilvus calls: one file takes several seconds at most;
# - nesting: what CPython's parser accepts (200 nested brackets, 100 indentation levels, and
#   expression chains ~1000-3000 deep, beyond which it raises RecursionError/MemoryError).
#   Detection walks the tree without recursion; fixes (libcst) give up quietly on code nested
#   more than about two hundred levels deep and leave those findings in `remaining`.
MAX_SOURCE_BYTES = 2_000_000
MENTIONS_MILVUS = re.compile("|".join(MILVUS_WORDS).encode())
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*))?", re.I)


class Options(Record):
    """What to check for: resolved before the engine runs (see checks.config)."""

    __slots__ = ("edition", "ignore", "pymilvus_version", "select", "severity", "version_source")

    edition: str
    pymilvus_version: str
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    severity: dict[str, str]
    version_source: str

    def __init__(
        self,
        edition: str = "2026.11",
        pymilvus_version: str = "3.0",
        select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        severity: dict[str, str] | None = None,
        version_source: str = "default",
    ) -> None:
        self.edition = edition
        self.pymilvus_version = pymilvus_version
        self.select = select
        self.ignore = ignore
        self.severity = {} if severity is None else severity
        self.version_source = version_source

    def _key(self) -> tuple:
        return (
            self.edition,
            self.pymilvus_version,
            self.select,
            self.ignore,
            self.severity,
            self.version_source,
        )


class FileResult(Record):
    __slots__ = ("diagnostics", "error", "path")
    path: str
    diagnostics: list[Diagnostic]
    error: str | None

    def __init__(
        self,
        path: str,
        diagnostics: list[Diagnostic] | None = None,
        error: str | None = None,
    ) -> None:
        self.path = path
        self.diagnostics = [] if diagnostics is None else diagnostics
        self.error = error

    def _key(self) -> tuple:
        return (self.path, self.diagnostics, self.error)


def check_source(
    source: str, options: Options | None = None, path: str = "<snippet>"
) -> FileResult:
    """Check one module's source. Syntax errors and oversize input become `error`."""
    # The tree and the models are many small objects and next to no cycles: the cyclic
    # collector would walk them again and again while they are built and find nothing to
    # free. It runs again afterwards, as it was.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check_source(source, options, path)
    finally:
        if collecting:
            gc.enable()


def _check_source(source: str, options: Options | None, path: str) -> FileResult:
    options = options or Options()
    result = FileResult(path)
    if len(source) > MAX_SOURCE_BYTES:
        result.error = f"input too large: {len(source)} characters (limit {MAX_SOURCE_BYTES})"
        return result
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        where = f" at line {exc.lineno}" if exc.lineno else ""
        result.error = f"syntax error{where}: {exc.msg}"
        return result
    except (RecursionError, MemoryError):
        # CPython's parser gives up on deep nesting with one or the other ("too complex" is
        # a MemoryError; building the tree of `a.b.b…` or `1 + 1 + …` a RecursionError).
        result.error = "cannot parse: the code is nested too deeply for Python's parser"
        return result
    except ValueError as exc:  # NUL bytes (3.11); later versions raise SyntaxError
        result.error = f"cannot parse: {exc}"
        return result
    try:
        result.diagnostics = check_tree(tree, source, options)
    except RecursionError:
        result.error = "cannot check: the code is nested too deeply"
    return result


def check_tree(tree: ast.Module, source: str, options: Options) -> list[Diagnostic]:
    if "pymilvus" not in source:
        return []  # nothing imports pymilvus (or pymilvus_orm): no rule can resolve a call
    model = SemanticModel(tree)
    try:
        return _run_rules(tree, model, source, options)
    finally:
        # Break the check's reference cycles (shared analyses hold the context, class scopes
        # their methods' scopes), so that reference counting frees the tree and the models
        # when the check returns: left to the cyclic collector, they cost a walk over every
        # node (a tenth of a CLI run). tests/test_engine_walk.py keeps checks free of cycles.
        model.release()


def _run_rules(tree: ast.Module, model: SemanticModel, source: str, options: Options):
    if not model.mentions_pymilvus:
        return []
    rules = enabled_rules(options.edition, options.pymilvus_version, options.select, options.ignore)
    if not rules:
        return []
    api.use(options.pymilvus_version)  # the release checks.api.current() answers for
    ctx = Context(model, source, options)
    try:
        Traversal(ctx, [rule(ctx) for rule in rules]).run(tree)
        lines, diagnostics = ctx.lines, ctx.diagnostics
    finally:
        vars(ctx).clear()  # the shared analyses (and the rules) hold the context: a cycle
    kept = [d for d in diagnostics if not _suppressed(d, lines)]
    kept.sort(key=Diagnostic.sort_key)
    return kept


# What a check imports on first use, besides the rules and the API model: every module of the
# filter language and of the collection model, and the stdlib modules they import when used.
# tests/test_engine_walk.py checks that nothing else is left to import after `preload`.
_LAZY_PACKAGES = ("checks.expr", "checks.collection")
_LAZY_STDLIB = ("difflib",)


def preload(options: Options) -> None:
    """Load now what checks under `options` would load on first use: the rules, the target
    release's API model, the models' modules. The CLI calls this before it forks its workers,
    which then share it instead of each loading it again."""
    import importlib
    import os

    enabled_rules(options.edition, options.pymilvus_version, options.select, options.ignore)
    api.release(options.pymilvus_version)
    for package in _LAZY_PACKAGES:
        for directory in importlib.import_module(package).__path__:
            for name in sorted(os.listdir(directory)):
                if name.endswith(".py") and name != "__init__.py":
                    importlib.import_module(f"{package}.{name[:-3]}")
    for name in _LAZY_STDLIB:
        importlib.import_module(name)


@cache
def enabled_rules(
    edition: str, version: str, select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()
) -> tuple[type[Rule], ...]:
    from checks.rules import ALL_RULES

    return tuple(
        rule
        for rule in ALL_RULES
        if rule.applies_to(edition, version)
        and (not select or rule.code.startswith(select))
        and not (ignore and rule.code.startswith(ignore))
    )


def _suppressed(diagnostic: Diagnostic, lines: list[str]) -> bool:
    if not 0 < diagnostic.line <= len(lines):
        return False
    line = lines[diagnostic.line - 1]
    if "#" not in line:
        return False
    match = _NOQA.search(line)
    if match is None:
        return False
    codes = match.group("codes")
    return codes is None or diagnostic.code.upper() in {c.strip().upper() for c in codes.split(",")}


def split_lines(source: str) -> list[str]:
    """Lines as the tokenizer counts them, so that ast line numbers index the list
    (str.splitlines also splits on \f, \v, \x1c, ...). str.split, not a regular expression:
    a sixth of the cost, and this runs on every check."""
    if "\r" in source:  # \r\n and a lone \r end a line too
        source = source.replace("\r\n", "\n").replace("\r", "\n")
    return source.split("\n")


class Context:
    """What a rule sees while the traversal runs: the model, where we are, and `add`."""

    def __init__(self, model: SemanticModel, source: str, options: Options):
        self.model = model
        self.source = source
        self.lines = split_lines(source)
        self.options = options
        self.scope: Scope = model.module_scope
        self.statement: ast.stmt | None = None
        self.blocks: tuple[Block, ...] = ()
        self.diagnostics: list[Diagnostic] = []
        self._shared: dict[object, object] = {}
        self._collections = None

    def shared(self, factory):
        """One instance per file of an analysis several rules use. Asked for in a rule's
        `__init__`, its own `visit_<Node>` methods are fed by the traversal, before the rules'."""
        instance = self._shared.get(factory)
        if instance is None:
            instance = self._shared[factory] = factory(self)
        return instance

    @property
    def collections(self):
        """The module's collection model (checks.collection): ask for it in `__init__`, query it
        once the module is done (`visit_flow` of the module)."""
        found = self._collections
        if found is None:
            from checks.collection import CollectionModel

            found = self._collections = self.shared(CollectionModel)
        return found

    # Shortcuts rules use all the time, resolved in the current scope.
    def value_of(self, expr: ast.AST):
        return self.model.value_of(expr, self.scope)

    def qualname(self, expr: ast.AST) -> str | None:
        return self.model.qualname(expr, self.scope)

    def literal(self, expr: ast.AST | None):
        return self.model.literal(expr, self.scope)

    def method_call(self, node: ast.Call, *methods: str):
        """`node` as a method call on a known client or ORM collection (checks.signatures)."""
        return self.model.method_call(node, self.scope, *methods)

    def text(self, node: ast.AST) -> str:
        """The source text of a node (ast.get_source_segment re-splits the source per call)."""
        first, last = node.lineno - 1, node.end_lineno - 1
        lines = [line.encode() for line in self.lines[first : last + 1]]
        if len(lines) != last - first + 1:
            return ast.unparse(node)
        if first == last:
            return lines[0][node.col_offset : node.end_col_offset].decode()
        lines[0] = lines[0][node.col_offset :]
        lines[-1] = lines[-1][: node.end_col_offset]
        return b"\n".join(lines).decode()

    def column(self, line: int, byte_offset: int) -> int:
        """ast columns are UTF-8 byte offsets; diagnostics count characters (1-based)."""
        if 0 < line <= len(self.lines):
            text = self.lines[line - 1]
            if not text.isascii():
                return len(text.encode()[:byte_offset].decode(errors="replace")) + 1
        return byte_offset + 1

    def add(
        self, rule: Rule, node: ast.AST, message: str, *, hint, fix, fix_data, severity=None
    ) -> None:
        options = self.options
        severity = (
            options.severity.get(rule.code)
            or severity
            or rule.severity_for(options.edition, options.pymilvus_version)
        )
        end_line = getattr(node, "end_lineno", None) or node.lineno
        end_col = getattr(node, "end_col_offset", None)
        self.diagnostics.append(
            Diagnostic(
                code=rule.code,
                name=rule.name,
                severity=severity,
                message=message,
                line=node.lineno,
                column=self.column(node.lineno, node.col_offset),
                end_line=end_line,
                end_column=self.column(
                    end_line, end_col if end_col is not None else node.col_offset
                ),
                fix=fix,
                hint=hint,
                edition=options.edition,
                fix_data=fix_data,
            )
        )


# Parts of compound nodes that may not run on every path through their parent.
_CONDITIONAL_FIELDS: dict[type, frozenset[str]] = {
    ast.If: frozenset({"body", "orelse"}),
    ast.For: frozenset({"body", "orelse"}),
    ast.AsyncFor: frozenset({"body", "orelse"}),
    ast.While: frozenset({"body", "orelse"}),
    ast.Try: frozenset({"body", "handlers", "orelse"}),
    ast.TryStar: frozenset({"body", "handlers", "orelse"}),
    ast.IfExp: frozenset({"body", "orelse"}),
    ast.ListComp: frozenset({"elt", "generators"}),
    ast.SetComp: frozenset({"elt", "generators"}),
    ast.GeneratorExp: frozenset({"elt", "generators"}),
    ast.DictComp: frozenset({"key", "value", "generators"}),
    ast.Match: frozenset({"cases"}),
}
_SCOPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef})
# Nodes whose children run in blocks of their own, or awaited (see Traversal._children).
_OWN_BLOCKS = frozenset({*_CONDITIONAL_FIELDS, ast.Match, ast.BoolOp, ast.Await})
_SPECIAL = _OWN_BLOCKS | _SCOPES
# Nodes with nothing below them (CHILD_FIELDS is empty) that many modules hold.
_LEAVES = (ast.Name, ast.Constant, ast.Pass, ast.Break, ast.Continue)
_STATEMENTS = frozenset(
    node for node in vars(ast).values() if isinstance(node, type) and issubclass(node, ast.stmt)
)
_EXIT = object()  # on the traversal's stack: the end of a flow
# For each rule set (its visit_Call methods' call_names and pymilvus_only, in order): for each
# call name, the positions of the visit_Call methods it goes to (see _routes).
_CALL_ROUTES: dict[tuple, dict[str | None, tuple[list | None, list | None]]] = {}


def _routes(visitors) -> tuple[list | None, list | None]:
    """(every handler, the handlers of visitors that see more than pymilvus' nodes) of
    (handler, pymilvus_only) pairs; the same list twice when none is left out; None for no
    handler."""
    visitors = list(visitors)
    everything = [handler for handler, _ in visitors] or None
    others = [handler for handler, only_pymilvus in visitors if not only_pymilvus] or None
    return everything, everything if others == everything else others


@cache
def _visit_methods(visitor_class: type) -> tuple[tuple[type, str], ...]:
    """(ast node type, method name) for each `visit_<Node>` of a visitor class (dir() is slow:
    once per class, not per file)."""
    return tuple(
        (getattr(ast, attr[6:]), attr)
        for attr in dir(visitor_class)
        if attr.startswith("visit_") and isinstance(getattr(ast, attr[6:], None), type)
    )


class Traversal:
    """One depth-first walk in source order that feeds every rule and builds the flows."""

    def __init__(self, ctx: Context, rules: list[Rule]):
        self.ctx = ctx
        self.handlers: dict[type, list] = {}  # node type -> visit_<Node> methods to call
        # visit_Call methods with what they are about (Rule.call_names, Rule.pymilvus_only),
        # and for each call name, made on first use and in the order of `handlers`: the ones
        # to run for a call that may be pymilvus', and those for any other call.
        self.call_visitors: list[tuple[object, frozenset[str] | None, bool]] = []
        self.call_handlers: dict[str | None, tuple[list, list]] = {}
        attribute_visitors: list[tuple[object, bool]] = []
        # Shared analyses (ctx.shared) first: a rule's visitor sees what they have recorded.
        for visitor in [*ctx._shared.values(), *rules]:
            only_pymilvus = getattr(visitor, "pymilvus_only", False)
            for node_type, method in _visit_methods(type(visitor)):
                handler = getattr(visitor, method)
                if handler is None:
                    continue  # the visitor knows it needs no `visit_<Node>` for this module
                if node_type is ast.Call:
                    names = getattr(visitor, "call_names", None)
                    self.call_visitors.append((handler, names, only_pymilvus))
                elif node_type is ast.Attribute:
                    attribute_visitors.append((handler, only_pymilvus))
                else:
                    self.handlers.setdefault(node_type, []).append(handler)
        self.attribute_handlers = _routes(attribute_visitors)
        # Names and constants are a third of a module's nodes and most rule sets visit none:
        # then the walk does not stack them.
        self.unvisited_leaves = frozenset(t for t in _LEAVES if t not in self.handlers)
        self.call_routes = _CALL_ROUTES.setdefault(
            tuple((names, only_pymilvus) for _, names, only_pymilvus in self.call_visitors), {}
        )
        self.flow_handlers = [rule.visit_flow for rule in rules if hasattr(rule, "visit_flow")]

    def _call_handlers(self, name: str | None) -> tuple[list | None, list | None]:
        # Which visitors a name goes to depends on the rule set only: worked out once per
        # process (by position in call_visitors), then bound to this file's visitors.
        positions = self.call_routes.get(name)
        if positions is None:
            positions = self.call_routes[name] = _routes(
                (position, only_pymilvus)
                for position, (_, names, only_pymilvus) in enumerate(self.call_visitors)
                if names is None or name in names
            )
        every, others = positions
        everything = self._bound(every)
        found = self.call_handlers[name] = (
            everything,
            everything if others is every else self._bound(others),
        )
        return found

    def _bound(self, positions: list | None) -> list | None:
        """This file's visit_Call methods at `positions` (of call_visitors)."""
        if positions is None:
            return None
        return [self.call_visitors[position][0] for position in positions]

    def run(self, tree: ast.Module) -> None:
        ctx, model = self.ctx, self.ctx.model
        by_type, flow_handlers = self.handlers, self.flow_handlers
        by_name, attribute_routes = self.call_handlers, self.attribute_handlers
        unvisited = self.unvisited_leaves
        module_flow = Flow(model.module_scope, tree)
        # Stack entries: (node, scope, flow, blocks, statement, awaited) or (_EXIT, flow).
        stack: list[tuple] = [(_EXIT, module_flow)]
        stack.extend(
            (child, model.module_scope, module_flow, (), None, False)
            for child in reversed(tree.body)
        )
        while stack:
            entry = stack.pop()
            node = entry[0]
            if node is _EXIT:
                if flow_handlers:
                    ctx.scope = entry[1].scope
                    for handle in flow_handlers:
                        handle(entry[1])
                continue
            node, scope, flow, blocks, statement, awaited = entry
            node_type = type(node)
            if node_type in _STATEMENTS:
                statement = node
            if node_type is ast.Call:
                func = node.func
                maybe_pymilvus = model.may_be_pymilvus(func, scope)
                event = classify_call(node, model, scope, blocks, awaited, maybe_pymilvus)
                if event is not None:
                    event.statement = statement
                    flow.events.append(event)
                name = (
                    func.attr
                    if type(func) is ast.Attribute
                    else func.id
                    if type(func) is ast.Name
                    else None
                )
                routes = by_name.get(name)
                if routes is None:
                    routes = self._call_handlers(name)
                visitors, others = routes
                if not maybe_pymilvus:
                    visitors = others
            elif node_type is ast.Attribute:
                visitors, others = attribute_routes
                if others is not visitors and not model.may_be_pymilvus(node, scope):
                    visitors = others
            else:
                visitors = by_type.get(node_type)
            if visitors is not None:
                ctx.scope, ctx.blocks, ctx.statement = scope, blocks, statement
                for handle in visitors:
                    handle(node)
            fields = CHILD_FIELDS[node_type]
            if fields and node_type not in _SPECIAL:
                # The common case inline (see _children): each child in this node's blocks.
                start = len(stack)
                for name, many in fields:
                    value = getattr(node, name)
                    if many:
                        stack += [
                            (item, scope, flow, blocks, statement, False)
                            for item in value
                            if item is not None and type(item) not in unvisited
                        ]
                    elif value is not None and type(value) not in unvisited:
                        stack.append((value, scope, flow, blocks, statement, False))
                stack[start:] = stack[start:][::-1]  # popped in source order
            elif fields != ():
                stack.extend(reversed(self._children(node, scope, flow, blocks, statement)))

    def _children(self, node, scope, flow, blocks, statement) -> list[tuple]:
        node_type = type(node)
        fields = CHILD_FIELDS[node_type]
        if not fields:
            if fields is not None:
                return []  # names, constants, pass, ...: nothing below them
            fields = fields_holding_nodes(node)
        if node_type in _SCOPES:
            return self._scope_children(node, scope, flow, blocks, statement)
        children: list[tuple] = []
        conditional = _CONDITIONAL_FIELDS.get(node_type)
        # Each item of a match's cases, and each operand of `and`/`or` but the first, runs
        # only on some paths: a block of its own.
        branches = node_type is ast.Match or node_type is ast.BoolOp
        awaited = node_type is ast.Await
        for name, many in fields:
            value = getattr(node, name)
            inner = blocks
            if conditional is not None and name in conditional:
                inner = (*blocks, (id(node), name))
            if many:
                for index, item in enumerate(value):
                    if item is None:
                        continue
                    item_blocks = inner
                    if branches and (index or node_type is ast.Match):
                        item_blocks = (*blocks, (id(node), f"{name}[{index}]"))
                    children.append((item, scope, flow, item_blocks, statement, False))
            elif value is not None:
                children.append((value, scope, flow, inner, statement, awaited))
        return children

    def _scope_children(self, node, scope, flow, blocks, statement) -> list[tuple]:
        """Decorators, defaults and bases run in the outer flow; the body gets a flow of its own."""
        inner_scope = self.ctx.model.scope_of(node)
        inner_flow = Flow(inner_scope, node)
        outer: list[ast.AST] = []
        if isinstance(node, ast.ClassDef):
            outer += [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
        else:
            outer += [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
            if not isinstance(node, ast.Lambda):
                outer += node.decorator_list
        body = [node.body] if isinstance(node, ast.Lambda) else node.body
        children = [(n, scope, flow, blocks, statement, False) for n in outer]
        children += [(n, inner_scope, inner_flow, (), None, False) for n in body]
        children.append((_EXIT, inner_flow))
        return children
