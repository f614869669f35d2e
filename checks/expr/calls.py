"""The filters of a module's pymilvus calls, read and parsed once for every rule that asks.

`ctx.shared(Filters).of(call)` gives a `FilterUse` for a call that passes a filter:
`filter=` of MilvusClient/AsyncMilvusClient search, query, delete, search_iterator and
query_iterator; `expr=` of the ORM Collection's; `expr=`/`filter=` of AnnSearchRequest; by
keyword or by position (checks.signatures). The argument may be a literal form (see
checks.expr.source) or a name bound once to one; anything else is not read. A filter bound to a
name and used by several calls is reported once, at its first use.
"""

from __future__ import annotations

import ast

from checks.expr.dialects import Dialect, dialect_for
from checks.record import FrozenRecord, Record
from checks.semantic import keyword

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~3 ms per hook run

if TYPE_CHECKING:
    from collections.abc import Iterator

    from checks.collection import Schema
    from checks.engine import Context
    from checks.expr import mistakes, semantics
    from checks.expr.parser import ExprSyntaxError, Parsed
    from checks.expr.source import FilterText
    from checks.semantic import Scope
    from checks.signatures import MethodCall

# The lexer, parser, mistakes and semantic checks are imported when a call passes a filter:
# a module without one never loads them (the hook path).

FILTER_METHODS = frozenset({"search", "query", "delete", "search_iterator", "query_iterator"})
_PARAMS = ("filter_params", "expr_params")


class Place(FrozenRecord):
    """A span in the file in `ast` terms (byte columns), for Rule.report."""

    __slots__ = ("col_offset", "end_col_offset", "end_lineno", "lineno")

    lineno: int
    col_offset: int
    end_lineno: int
    end_col_offset: int

    def __init__(self, lineno: int, col_offset: int, end_lineno: int, end_col_offset: int) -> None:
        self.lineno = lineno
        self.col_offset = col_offset
        self.end_lineno = end_lineno
        self.end_col_offset = end_col_offset

    def _key(self) -> tuple:
        return (self.lineno, self.col_offset, self.end_lineno, self.end_col_offset)


class FilterUse(Record):
    __slots__ = (
        "argument",
        "call",
        "error",
        "filter",
        "first",
        "has_params",
        "lines",
        "method",
        "parsed",
        "scope",
    )
    call: ast.Call
    argument: ast.expr  # what the call passes
    filter: FilterText  # read from the argument, or from the one value its name is bound to
    has_params: bool  # filter_params= / expr_params= given (template variables are filled)
    first: bool  # the first call using this filter text (report once)
    parsed: Parsed | None
    error: ExprSyntaxError | None
    lines: list[str]
    method: MethodCall | None  # None for AnnSearchRequest (its collection is not named)
    scope: Scope | None

    def __init__(
        self,
        call: ast.Call,
        argument: ast.expr,
        filter: FilterText,
        has_params: bool,
        first: bool,
        parsed: Parsed | None = None,
        error: ExprSyntaxError | None = None,
        lines: list[str] | None = None,
        method: MethodCall | None = None,
        scope: Scope | None = None,
    ) -> None:
        self.call = call
        self.argument = argument
        self.filter = filter
        self.has_params = has_params
        self.first = first
        self.parsed = parsed
        self.error = error
        self.lines = [] if lines is None else lines
        self.method = method
        self.scope = scope

    def _key(self) -> tuple:
        return (
            self.call,
            self.argument,
            self.filter,
            self.has_params,
            self.first,
            self.parsed,
            self.error,
            self.lines,
            self.method,
            self.scope,
        )

    def place(self, start: int, end: int) -> Place:
        line, column = self.filter.place(start)
        end_line, end_column = self.filter.place(end)
        if (end_line, end_column) <= (line, column):
            end_line, end_column = line, column + 1
        return Place(line, self._bytes(line, column), end_line, self._bytes(end_line, end_column))

    def near_hole(self, start: int, end: int) -> bool:
        """Whether a span touches a hole (the code's value may well make it right)."""
        return any(start - 1 <= hole.offset <= end for hole in self.filter.holes)

    @property
    def hole_offsets(self) -> set[int]:
        return {hole.offset for hole in self.filter.holes}

    def _bytes(self, line: int, column: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return len(text[:column].encode()) if not text.isascii() else column


class Filters:
    """What the module's filters are; built lazily, one call at a time, once per call."""

    # Filters are read from calls of known clients and collections, and AnnSearchRequest:
    # the traversal feeds `visit_Call` only calls that may be pymilvus' (checks.rules.base.Rule).
    pymilvus_only = True

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.dialect: Dialect = dialect_for(ctx.options.pymilvus_version)
        self._uses: dict[int, FilterUse | None] = {}
        self._field_findings: dict[int, list[semantics.Finding]] = {}
        self._seen_literals: set[int] = set()

    def of(self, call: ast.Call) -> FilterUse | None:
        key = id(call)
        if key not in self._uses:
            self._uses[key] = self._read(call)
        return self._uses[key]

    def first_use(self, call: ast.Call) -> FilterUse | None:
        """The filter `call` passes, when `call` is its first use (a filter is reported once)."""
        use = self.of(call)
        return use if use is not None and use.first else None

    def visit_Call(self, node: ast.Call) -> None:
        # Fed by the traversal when a rule asks for Filters in its `__init__` (field_problems).
        self.of(node)

    def _read(self, call: ast.Call) -> FilterUse | None:
        argument = self._argument(call)
        return None if argument is None else self.read(call, argument)

    def read(self, call: ast.Call, argument: ast.expr) -> FilterUse | None:
        """The filter that `argument` of `call` spells: a literal form, or a name bound once to
        one (`of` finds the argument; tests read the filters of calls it cannot resolve)."""
        source = argument
        if isinstance(argument, ast.Name):
            bound = self.ctx.model.binding(argument, self.ctx.scope)
            if bound is None or self.ctx.model.mutated(argument):
                return None
            source = bound[0]
            if not isinstance(source, ast.expr):
                return None
        from checks.expr.parser import ExprSyntaxError, parse
        from checks.expr.source import read_filter

        text = read_filter(source, self.ctx.lines)
        if text is None or not text.text.strip():
            return None
        first = id(source) not in self._seen_literals
        self._seen_literals.add(id(source))
        has_params = any(keyword(call, name) is not None for name in _PARAMS)
        use = FilterUse(call, argument, text, has_params, first, lines=self.ctx.lines)
        use.method = self.ctx.method_call(call, *FILTER_METHODS)
        use.scope = self.ctx.scope
        try:
            use.parsed = parse(text.text, self.dialect)
        except ExprSyntaxError as error:
            # Kept without traceback and context: their frames would hold the check in a cycle.
            error.__traceback__ = error.__context__ = None
            use.error = error
        return use

    def _argument(self, call: ast.Call) -> ast.expr | None:
        method = self.ctx.method_call(call, *FILTER_METHODS)
        if method is not None:
            return method.argument("filter" if method.api == "client" else "expr")
        func = call.func
        last = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        # Resolve only what may be it: an alias (`from pymilvus import AnnSearchRequest as R`)
        # is a Name bound by an import, cheap to look up; most calls are neither.
        if (
            last is not None
            and (last == "AnnSearchRequest" or (isinstance(func, ast.Name) and last[:1].isupper()))
            and self.ctx.qualname(func) == "pymilvus.AnnSearchRequest"
        ):
            from checks.signatures import argument

            return argument(call, "AnnSearchRequest", "expr") or argument(
                call, "AnnSearchRequest", "filter"
            )
        return None

    def field_problems(self, kind: str) -> Iterator[tuple[FilterUse, semantics.Finding]]:
        """MV143/MV144: each filter of the module that parses, at its first use, with the first
        finding of `kind` ("unknown-field", "type-mismatch") its collection's fields give. For a
        rule that asks for Filters in `__init__` (the traversal then reads every call), from
        `visit_flow` at module level (the collection model is complete only then)."""
        for use in self._uses.values():
            if use is None or not use.first or use.parsed is None:
                continue
            finding = next((f for f in self.field_findings(use) if f.kind == kind), None)
            if finding is not None:
                yield use, finding

    def field_findings(self, use: FilterUse) -> list[semantics.Finding]:
        """MV143/MV144: the filter held against its collection's fields, once the module has
        been read (ask from `visit_flow` at module level: the model is complete only then)."""
        key = id(use)
        if key not in self._field_findings:
            self._field_findings[key] = self._check_fields(use)
        return self._field_findings[key]

    def field_names(self, use: FilterUse) -> tuple[str, ...]:
        """The fields of the collection a filter is checked against (for suggestions)."""
        collection = self.ctx.collections.of_call(use.method, use.scope) if use.method else None
        schema = collection.schema if collection is not None else None
        return schema.names if schema is not None else ()

    def _check_fields(self, use: FilterUse) -> list[semantics.Finding]:
        from checks.expr import semantics

        if use.parsed is None or use.method is None or use.scope is None:
            return []
        collection = self.ctx.collections.of_call(use.method, use.scope)
        schema = collection.schema if collection is not None else None
        types = field_types(schema) if schema is not None else None
        if types is None:
            return []
        if "add_collection_field" in self.ctx.source:
            types.complete = False  # fields added later (2.6+), which the model does not track
        findings = semantics.check(use.parsed.tree, types, self.dialect.line)
        return [f for f in findings if not use.near_hole(f.start, f.end)]

    # What is wrong with a filter, once per use ------------------------------------------------
    def syntax_problem(self, use: FilterUse) -> mistakes.Problem | None:
        """MV140: the server cannot parse it, or cuts it short, or it cannot mean what it says."""
        from checks.expr import mistakes

        quote = self._quote(use)
        if use.error is not None:
            problem = mistakes.diagnose(use.filter.text, use.error, self.dialect, quote)
            if use.near_hole(problem.start, problem.end):
                return None
            return problem
        if use.parsed is None:
            return None
        problem = self._too_new(use)
        if problem is not None and problem.syntax:
            return problem
        return mistakes.lint(use.parsed, use.filter.text, self.dialect) or self._unfilled(use)

    def _unfilled(self, use: FilterUse) -> mistakes.Problem | None:
        """A template variable `{name}` the call gives no value for."""
        from checks.expr import mistakes

        if not self.dialect.has("template"):
            return None  # MV141 says templates are too new
        given = self._params(use.call)
        for node in use.parsed.tree.walk():
            if node.kind != "template":
                continue
            if given is None:
                return mistakes.Problem(
                    node.start,
                    node.end,
                    f"Give `{{{node.value}}}` a value: this call passes no `filter_params` "
                    "(for a Python value, write an f-string)",
                )
            if given is not ... and node.value not in given:
                return mistakes.Problem(
                    node.start, node.end, f"Add `{node.value}` to `filter_params`: it has no value"
                )
        return None

    def _params(self, call: ast.Call):
        """The keys of filter_params/expr_params: a set, `...` when not visible, None if absent."""
        for name in _PARAMS:
            argument = keyword(call, name)
            if argument is not None:
                mapping = self.ctx.model.dict_literal(argument.value, self.ctx.scope)
                if mapping is None:
                    return ...
                return {key.value for key in mapping.keys}
        return None if not any(k.arg is None for k in call.keywords) else ...

    def version_problem(self, use: FilterUse) -> mistakes.Problem | None:
        """MV141: a construct newer than the target's Milvus release."""
        problem = self._too_new(use)
        return None if problem is None or problem.syntax else problem

    def _too_new(self, use: FilterUse) -> mistakes.Problem | None:
        from checks.expr import mistakes

        if use.parsed is None:
            return None
        problem = mistakes.too_new(
            use.parsed, use.filter.text, self.dialect, use.hole_offsets, self._quote(use)
        )
        if problem is None or use.near_hole(problem.start, problem.end):
            return None
        return problem

    def _quote(self, use: FilterUse) -> str:
        """A quote for a JSON key that the enclosing Python literal does not use."""
        body = self.ctx.text(use.filter.template or use.filter.node).lstrip("rRbBuUfF(\n ")
        return "'" if body.startswith('"') else '"'


def field_types(schema: Schema) -> semantics.FieldTypes | None:
    """What the collection model knows of a schema, as the filter checks read it."""
    from checks.collection.facts import UNKNOWN
    from checks.expr import semantics

    fields = {}
    for definition in schema.fields:
        fields[definition.name] = semantics.FieldType(
            _kind(definition.dtype), _kind(definition.element_type)
        )
    dynamic = None if schema.dynamic is UNKNOWN else bool(schema.dynamic)
    return semantics.FieldTypes(fields, dynamic, complete=bool(schema.complete))


def _kind(dtype) -> str | None:
    """A DataType name as a filter sees it; None when not known."""
    from checks.collection.facts import INTEGERS, STRINGS, VECTORS

    if not isinstance(dtype, str):
        return None
    if dtype in INTEGERS:
        return "int"
    if dtype in ("FLOAT", "DOUBLE"):
        return "float"
    if dtype in STRINGS:
        return "string"
    if dtype in VECTORS:
        return "vector"
    return {"BOOL": "bool", "JSON": "json", "ARRAY": "array"}.get(dtype, "other")
