"""MV003 flat-index."""

from __future__ import annotations

import ast

from checks import signatures
from checks.fixes import (
    Fixer,
    append_element,
    argument,
    cst,
    dict_entry,
    has_star_kwargs,
    keyword_argument,
    literal_int,
    string_like,
    string_value,
)
from checks.flow import loop_blocks
from checks.rules.base import Invalid, Rule
from checks.semantic import dict_get

HNSW_PARAMS = '{"M": 16, "efConstruction": 256}'
MIN_EF = 64  # the server's default is max(limit, 16): too small for good recall


class UseHnswIndex(Fixer):
    """Build HNSW (M=16, efConstruction=256) instead of FLAT, and give the searches of that
    index in the same scope an `ef` of max(64, limit + offset), where their limit is literal.

    The index is rewritten only where its build params are absent or an empty literal; a search
    is matched by the same receiver (and collection name) and vector field.
    """

    whole = True  # it also rewrites the searches of the index

    @classmethod
    def local_to(cls, statement: ast.stmt) -> bool:
        # Indexes and searches match within one function: a function's finding stays in it.
        return isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))

    def __init__(self, diagnostics):
        super().__init__(diagnostics)
        self.scopes = []
        self.planned = {}  # id(original dict or add_index call) -> diagnostic
        self.indexes = []  # (scope, receiver code, collection name or None, field, diagnostic)
        self.index_params = {}  # (scope, variable) -> (field, diagnostic), add_index form
        self.searches = {}  # id(original search call) -> (ef, diagnostic)
        self.rewritten = {}  # diagnostic id -> number of searches given an ef

    # Scopes: indexes and searches match only within one function body (or module level).
    def visit_Module(self, node):
        self.scopes.append(node)

    def visit_FunctionDef(self, node):
        self.scopes.append(node)

    def leave_FunctionDef(self, original_node, updated_node):
        self.scopes.pop()
        return updated_node

    # Plans, decided on the original tree before any of it is rewritten.
    def visit_Dict(self, node):
        entry = dict_entry(node, "index_type")
        diagnostic = entry and self.diagnostic_for(entry.value)
        if diagnostic is None:
            return
        params = dict_entry(node, "params")
        if params is None or (isinstance(params.value, cst.Dict) and not params.value.elements):
            self.planned[id(node)] = diagnostic
        else:
            self.declined(diagnostic)

    def visit_Call(self, node):
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        receiver = self.code(func.value)
        method = func.attr.value
        if method == "add_index":
            self._plan_add_index(node, receiver)
        elif method == "create_index":
            self._link_index(node, receiver)
        elif method == "create_collection":
            params = argument(node, None, "index_params")
            self._link_client(node, receiver, params)
        elif method == "search" and not has_star_kwargs(node):
            self._plan_search(node, receiver)

    def _plan_add_index(self, node, receiver):
        index_type = argument(node, 1, "index_type")
        diagnostic = index_type and self.diagnostic_for(index_type.value)
        if diagnostic is None:
            return
        params = argument(node, None, "params")
        if has_star_kwargs(node) or not (
            params is None or (isinstance(params.value, cst.Dict) and not params.value.elements)
        ):
            self.declined(diagnostic)
            return
        self.planned[id(node)] = diagnostic
        field = argument(node, 0, "field_name")
        if isinstance(func_value := node.func.value, cst.Name) and field is not None:
            key = (self.scopes[-1], func_value.value)
            self.index_params[key] = (string_value(field.value), diagnostic)

    def _link_index(self, node, receiver):
        params = argument(node, 1, "index_params")
        if params is not None and isinstance(params.value, cst.Dict):  # ORM: field, dict
            found = self.diagnostics_within(params.value)
            field = argument(node, 0, "field_name")
            if found and field is not None:
                field_name = string_value(field.value)
                self.indexes.append((self.scopes[-1], receiver, None, field_name, found[0]))
        else:
            self._link_client(node, receiver, params)

    def _link_client(self, node, receiver, params):
        """`client.create_index(name, ip)` / `create_collection(name, ..., index_params=ip)`."""
        if params is None or not isinstance(params.value, cst.Name):
            return
        found = self.index_params.get((self.scopes[-1], params.value.value))
        name = argument(node, 0, "collection_name")
        if found and name is not None and string_value(name.value) is not None:
            field, diagnostic = found
            entry = (self.scopes[-1], receiver, string_value(name.value), field, diagnostic)
            self.indexes.append(entry)

    def _plan_search(self, node, receiver):
        for scope, index_receiver, collection, field, diagnostic in self.indexes:
            if scope is not self.scopes[-1] or receiver != index_receiver:
                continue
            if collection is None:  # ORM: search(data, anns_field, param, limit, expr, ...)
                anns_field, param, limit = (argument(node, i, n) for i, n in ORM_SEARCH)
                if anns_field is None or string_value(anns_field.value) != field:
                    continue
            else:  # MilvusClient: search(collection_name, data, filter, limit, ..., search_params=)
                name, anns_field, param, limit = (argument(node, i, n) for i, n in CLIENT_SEARCH)
                if name is None or string_value(name.value) != collection:
                    continue
                if anns_field is not None and string_value(anns_field.value) != field:
                    continue
                limit = limit or cst.Integer("10")
            offset = argument(node, None, "offset")
            top = literal_int(limit.value if isinstance(limit, cst.Arg) else limit)
            extra = 0 if offset is None else literal_int(offset.value)
            if top is None or extra is None or not _takes_ef(param, collection is not None):
                continue
            client = collection is not None
            self.searches[id(node)] = (max(MIN_EF, top + extra), diagnostic, client)
            return

    # Rewrites.
    def leave_SimpleString(self, original_node, updated_node):
        diagnostic = self.diagnostic_for(original_node)
        if diagnostic is None or diagnostic not in self.planned.values():
            return updated_node
        self.rewritten[id(diagnostic)] = 0
        return string_like(original_node, "HNSW") or updated_node

    def leave_Dict(self, original_node, updated_node):
        if id(original_node) not in self.planned:
            return updated_node
        return _set_entry(updated_node, "params", cst.parse_expression(HNSW_PARAMS))

    def leave_Call(self, original_node, updated_node):
        if id(original_node) in self.planned:
            params = cst.parse_expression(HNSW_PARAMS)
            args = [a for a in updated_node.args if not (a.keyword and a.keyword.value == "params")]
            if len(args) == len(updated_node.args):
                args = append_element(args, keyword_argument("params", params))
            else:
                args = [
                    a.with_changes(value=params) if a.keyword and a.keyword.value == "params" else a
                    for a in updated_node.args
                ]
            return updated_node.with_changes(args=args)
        planned = self.searches.get(id(original_node))
        if planned is None or id(planned[1]) not in self.rewritten:
            return updated_node
        ef, diagnostic, client = planned
        self.rewritten[id(diagnostic)] += 1
        return _with_ef(updated_node, ef, client)

    def leave_Module(self, original_node, updated_node):
        for diagnostic in self.planned.values():
            if id(diagnostic) in self.rewritten:
                count = self.rewritten[id(diagnostic)]
                searches = f", ef on {count} search{'es' * (count != 1)}" if count else ""
                self.fixed(diagnostic, f"FLAT → HNSW (M=16, efConstruction=256){searches}")
        return updated_node

    def code(self, node) -> str:
        return cst.Module(body=[]).code_for_node(node)


ORM_SEARCH = ((1, "anns_field"), (2, "param"), (3, "limit"))
CLIENT_SEARCH = (
    (0, "collection_name"),
    (None, "anns_field"),
    (None, "search_params"),
    (3, "limit"),
)


def _takes_ef(param, client: bool) -> bool:
    """A search param we can add `ef` to: a dict literal without one (or, on MilvusClient, none)."""
    if param is None:
        return client
    if not isinstance(param.value, cst.Dict):
        return False
    params = dict_entry(param.value, "params")
    if params is None:
        return dict_entry(param.value, "ef") is None
    return isinstance(params.value, cst.Dict) and dict_entry(params.value, "ef") is None


def _set_entry(mapping, key: str, value):
    entry = dict_entry(mapping, key)
    if entry is not None:
        elements = [e.with_changes(value=value) if e is entry else e for e in mapping.elements]
        return mapping.with_changes(elements=elements)
    new = cst.DictElement(
        key=cst.SimpleString(f'"{key}"'),
        value=value,
        whitespace_before_colon=cst.SimpleWhitespace(""),
        whitespace_after_colon=cst.SimpleWhitespace(" "),
    )
    return mapping.with_changes(elements=append_element(mapping.elements, new))


def _with_ef(call, ef: int, client: bool):
    ef_value = cst.Integer(str(ef))
    # MilvusClient takes search_params by keyword here (position 2 is its filter); the ORM's
    # param is its third positional argument.
    param = argument(call, None, "search_params") if client else argument(call, 2, "param")
    if param is None:
        value = cst.parse_expression(f'{{"params": {{"ef": {ef}}}}}')
        return call.with_changes(
            args=append_element(call.args, keyword_argument("search_params", value))
        )
    params = dict_entry(param.value, "params")
    if params is None:
        new_value = _set_entry(param.value, "params", cst.parse_expression(f'{{"ef": {ef}}}'))
    else:
        new_value = _set_entry(param.value, "params", _set_entry(params.value, "ef", ef_value))
    return call.with_changes(
        args=[a.with_changes(value=new_value) if a is param else a for a in call.args]
    )


class FlatIndex(Rule):
    """FLAT index: brute-force search, fine only for small collections or exact recall."""

    code = "MV003"
    name = "flat-index"
    severity = "info"
    pymilvus_only = True
    severity_by_edition = {"2026.01": "warning"}
    fix = "unsafe"
    fixer = UseHnswIndex

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        index_params = client.prepare_index_params()
        index_params.add_index(field_name="vector", index_type="HNSW", metric_type="COSINE")
        """,
        # BIN_FLAT: HNSW is no replacement for binary vectors.
        """
        from pymilvus import Collection
        col = Collection("docs", schema)
        col.create_index("bits", {"index_type": "BIN_FLAT", "metric_type": "HAMMING"})
        """,
        # A FLAT that is not a Milvus index.
        """
        import faiss
        config = {"index_type": "FLAT"}
        other.create_index("v", {"index_type": "FLAT"})
        """,
        # An index dict changed in place before use: what reaches create_index is not certain.
        """
        from pymilvus import Collection
        col = Collection("docs", schema)
        params = {"index_type": "FLAT", "metric_type": "L2"}
        params["index_type"] = "HNSW"
        col.create_index("embedding", params)
        """,
        # Unknown receiver.
        """
        from pymilvus import MilvusClient
        params.add_index(field_name="vector", index_type="FLAT")
        """,
        # FLAT on fields the module declares as scalars: not a vector index (and not MV003's
        # problem: FLAT is no scalar index type at all).
        """
        from pymilvus import Collection, CollectionSchema, DataType, FieldSchema
        schema = CollectionSchema([
            FieldSchema(name="chunk_id", dtype=DataType.VARCHAR, max_length=64, is_primary=True),
            FieldSchema(name="episode_id", dtype=DataType.INT64),
            FieldSchema(name="language", dtype=DataType.VARCHAR, max_length=16),
            FieldSchema(name="embedding", dtype=DataType.FLOAT_VECTOR, dim=768),
        ])
        collection = Collection("podcast_chunks", schema)
        for field in ["episode_id", "language"]:
            collection.create_index(field_name=field, index_params={"index_type": "FLAT"})
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            index_params = client.prepare_index_params()
            index_params.add_index(field_name="vector", index_type="FLAT", metric_type="L2")
            """,
            line=4,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            index_params = client.prepare_index_params()
            index_params.add_index(field_name="vector", index_type="HNSW", metric_type="L2", params={"M": 16, "efConstruction": 256})
            """,
        ),
        Invalid(
            """
            from pymilvus import Collection
            collection = Collection("documents", schema)
            collection.create_index("embedding", {"index_type": "FLAT", "metric_type": "COSINE", "params": {}})
            """,
            line=3,
            fixed="""
            from pymilvus import Collection
            collection = Collection("documents", schema)
            collection.create_index("embedding", {"index_type": "HNSW", "metric_type": "COSINE", "params": {"M": 16, "efConstruction": 256}})
            """,
        ),
        Invalid(
            """
            from pymilvus import Collection
            FLAT_PARAMS = {"index_type": "FLAT", "metric_type": "L2"}
            collection = Collection("documents", schema)
            collection.create_index(field_name="embedding", index_params=FLAT_PARAMS)
            """,
            line=2,
        ),
        # One of the names the loop indexes is a vector field.
        Invalid(
            """
            from pymilvus import Collection, CollectionSchema, DataType, FieldSchema
            schema = CollectionSchema([
                FieldSchema(name="id", dtype=DataType.INT64, is_primary=True),
                FieldSchema(name="embedding", dtype=DataType.FLOAT_VECTOR, dim=8),
            ])
            collection = Collection("docs", schema)
            for field in ["id", "embedding"]:
                collection.create_index(field, {"index_type": "FLAT", "metric_type": "L2"})
            """,
            line=8,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            index_params = client.prepare_index_params()
            index_params.add_index(field_name="vector", index_type="FLAT", metric_type="L2")
            """,
            edition="2026.01",
            line=4,
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        if func.attr == "add_index" and self.ctx.value_of(func.value).kind == "index_params":
            index_type = signatures.argument(node, "IndexParams.add_index", "index_type")
            field = signatures.argument(node, "IndexParams.add_index", "field_name")
            if self._is_flat(index_type) and not self._on_scalar_field(field):
                self._report(index_type, "add_index")
            return
        create = self.ctx.method_call(node, "create_index")
        if create is not None and create.api == "orm":
            params = self.ctx.model.dict_literal(create.argument("index_params"), self.ctx.scope)
            index_type = dict_get(params, "index_type") if params is not None else None
            field = create.argument("field_name")
            if self._is_flat(index_type) and not self._on_scalar_field(field):
                self._report(index_type, "dict")

    _scalar_fields: frozenset[str] | None = None

    def _on_scalar_field(self, field: ast.expr | None) -> bool:
        """The indexed field is, on every value it can take here, a field this module declares
        only with scalar data types (FieldSchema(...) / schema.add_field(...))."""
        names = self._field_names(field)
        if not names:
            return False
        if self._scalar_fields is None:
            self._scalar_fields = _scalar_fields(self.ctx)
        return names <= self._scalar_fields

    def _field_names(self, field: ast.AST | None) -> frozenset[str]:
        """The literal field name, or every name a loop variable takes over a literal list."""
        if field is None:
            return frozenset()
        value = self.ctx.literal(field)
        if isinstance(value, str):
            return frozenset({value})
        if not isinstance(field, ast.Name):
            return frozenset()
        loops = loop_blocks(self.ctx.model)
        for block in reversed(self.ctx.blocks):
            loop = loops.get(block)
            if isinstance(loop, (ast.For, ast.AsyncFor)) and (
                isinstance(loop.target, ast.Name) and loop.target.id == field.id
            ):
                iterable = loop.iter
                bound = self.ctx.model.binding(iterable, self.ctx.scope)
                if bound is not None and not self.ctx.model.mutated(iterable):
                    iterable = bound[0]
                if not isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
                    return frozenset()
                values = [self.ctx.literal(e) for e in iterable.elts]
                if values and all(isinstance(v, str) for v in values):
                    return frozenset(values)
                return frozenset()
        return frozenset()

    def _is_flat(self, node: ast.AST | None) -> bool:
        return (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.upper() == "FLAT"
        )

    def _report(self, node: ast.AST, form: str) -> None:
        self.report(
            node,
            "Use HNSW (or AUTOINDEX) instead of FLAT: FLAT scans every vector on each search.",
            hint='index_type="HNSW" with params M=16, efConstruction=256 (changes recall/speed trade-off)',
            fix_data={"form": form},
        )


def _scalar_fields(ctx) -> frozenset[str]:
    """Field names declared in this module, each only with scalar (non-vector) DataTypes.

    Declarations: every `FieldSchema(...)` / `<schema>.add_field(...)` the collection model reads
    (`field_definition`). A name also declared with a vector type, or with a type the model
    cannot read, is not scalar.
    """
    collections = ctx.collections
    kinds: dict[str, set[bool]] = {}
    for node, scope in ctx.model.nodes:
        if not isinstance(node, ast.Call):
            continue
        field = collections.field_definition(node, scope)
        if field is not None:
            dtype = field.dtype
            scalar = isinstance(dtype, str) and not dtype.endswith("VECTOR")
            kinds.setdefault(field.name, set()).add(scalar)
    return frozenset(name for name, seen in kinds.items() if seen == {True})
