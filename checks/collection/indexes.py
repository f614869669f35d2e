"""How an index definition is read: `add_index`, `prepare_index_params`, ORM `create_index`,
`Index(...)` and quick setup. The collection model files each one under its collection; MV107
checks each one as written.
"""

from __future__ import annotations

import ast

from checks.record import Record
from checks.semantic import Scope, SemanticModel, has_star_kwargs
from checks.signatures import argument

# Index types and metrics Milvus knows (research R27; pkg/util/metric), compared upper-cased
# for types (lenient: a case the server rejects is not reported) and exactly for metrics.
HNSW_TYPES = frozenset({"HNSW", "HNSW_SQ", "HNSW_PQ", "HNSW_PRQ"})
IVF_TYPES = frozenset(
    {"IVF_FLAT", "IVF_SQ8", "IVF_PQ", "IVF_RABITQ", "SCANN", "GPU_IVF_FLAT", "GPU_IVF_PQ"}
)
VECTOR_TYPES = HNSW_TYPES | IVF_TYPES | {
    "FLAT", "IVF_HNSW", "DISKANN", "AISAQ", "AUTOINDEX", "GPU_CAGRA", "GPU_BRUTE_FORCE",
    "BIN_FLAT", "BIN_IVF_FLAT", "SPARSE_INVERTED_INDEX", "SPARSE_WAND", "MINHASH_LSH",
}  # fmt: skip
SCALAR_TYPES = frozenset(
    {"INVERTED", "BITMAP", "STL_SORT", "TRIE", "MARISA-TRIE", "NGRAM", "RTREE", "HYBRID"}
)
METRICS = frozenset({
    "L2", "IP", "COSINE", "HAMMING", "JACCARD", "MHJACCARD", "SUBSTRUCTURE", "SUPERSTRUCTURE",
    "BM25", "MAX_SIM", "MAX_SIM_IP", "MAX_SIM_L2", "MAX_SIM_COSINE", "MAX_SIM_JACCARD",
    "MAX_SIM_HAMMING",
})  # fmt: skip
# Build parameters that belong elsewhere: name -> (index types that ignore it, what it is).
FOREIGN_PARAMS = {
    "nlist": (HNSW_TYPES | {"FLAT"}, "an IVF build parameter"),
    "M": (IVF_TYPES | {"FLAT"}, "an HNSW build parameter"),
    "efConstruction": (IVF_TYPES | {"FLAT"}, "an HNSW build parameter"),
    "ef": (HNSW_TYPES | IVF_TYPES | {"FLAT"}, "a search parameter"),
    "nprobe": (HNSW_TYPES | IVF_TYPES | {"FLAT"}, "a search parameter"),
}
_NOT_PARAMS = frozenset({"field_name", "index_type", "index_name", "metric_type", "params"})
# Signatures (checks.signatures); AsyncMilvusClient takes these the same way.
PREPARE_INDEX_PARAMS = "MilvusClient.prepare_index_params"
CREATE_COLLECTION = "MilvusClient.create_collection"


class IndexDef(Record):
    """One index definition as written: literal parts, or None where the code does not show them."""

    __slots__ = (
        "complete",
        "field",
        "index_type",
        "metric",
        "metric_node",
        "node",
        "params",
        "type_node",
    )

    node: ast.AST
    field: str | None  # None: not a literal
    index_type: str | None  # "" when not given (the server picks AUTOINDEX); None: not literal
    type_node: ast.AST | None
    metric: str | None  # None: not given, or not a literal
    metric_node: ast.AST | None  # None: not given
    params: list[tuple[str, ast.AST]]  # build params, node to report
    complete: bool  # False: **kwargs or a params dict we cannot see may hold more

    def __init__(
        self,
        node: ast.AST,
        field: str | None,
        index_type: str | None,
        type_node: ast.AST | None = None,
        metric: str | None = None,
        metric_node: ast.AST | None = None,
        params: list[tuple[str, ast.AST]] | None = None,
        complete: bool = True,
    ) -> None:
        self.node = node
        self.field = field
        self.index_type = index_type
        self.type_node = type_node
        self.metric = metric
        self.metric_node = metric_node
        self.params = [] if params is None else params
        self.complete = complete

    def _key(self) -> tuple:
        return (
            self.node,
            self.field,
            self.index_type,
            self.type_node,
            self.metric,
            self.metric_node,
            self.params,
            self.complete,
        )

    @property
    def kind(self) -> str:
        """ "scalar", "vector" or "unknown" (AUTOINDEX or no type, and no metric)."""
        index_type = (self.index_type or "").upper()
        if index_type in SCALAR_TYPES:
            return "scalar"
        if self.metric_node is not None or index_type in VECTOR_TYPES - {"AUTOINDEX"}:
            return "vector"
        return "unknown"


def read_index_call(model: SemanticModel, call: ast.Call, scope: Scope, api: str):
    """`add_index(field, index_type, ..., metric_type=, params=, **build)`, and
    `prepare_index_params(field, **same)` (`api`: "IndexParams.add_index" or
    "MilvusClient.prepare_index_params", where index_type is keyword-only)."""
    field_arg = argument(call, api, "field_name")
    type_arg = argument(call, api, "index_type")
    metric_arg = argument(call, api, "metric_type")
    index = IndexDef(
        call,
        model.string(field_arg, scope),
        "" if type_arg is None else model.string(type_arg, scope),
        type_arg,
        model.string(metric_arg, scope),
        metric_arg,
        complete=not has_star_kwargs(call)
        and not any(isinstance(a, ast.Starred) for a in call.args),
    )
    index.params = [(kw.arg, kw) for kw in call.keywords if kw.arg and kw.arg not in _NOT_PARAMS]
    params_arg = argument(call, api, "params")
    if params_arg is not None:
        _read_params(model, params_arg, scope, index)
    return index


def read_index_dict(model: SemanticModel, call: ast.Call, field_arg, dict_arg, scope: Scope):
    """An ORM index: `create_index(field, {"index_type": ..., "metric_type": ..., "params": {}})`."""
    index = IndexDef(call, model.string(field_arg, scope), None)
    mapping = model.dict_literal(dict_arg, scope)
    if mapping is None:
        index.complete = False
        return index
    index.index_type = ""
    for key, value in zip(mapping.keys, mapping.values, strict=True):
        name = key.value
        if name == "index_type":
            index.index_type, index.type_node = model.string(value, scope), value
        elif name == "metric_type":
            index.metric, index.metric_node = model.string(value, scope), value
        elif name == "params":
            _read_params(model, value, scope, index)
        elif isinstance(name, str) and name != "index_name":
            index.params.append((name, key))
    return index


def _read_params(model: SemanticModel, expr: ast.AST, scope: Scope, index: IndexDef) -> None:
    mapping = model.dict_literal(expr, scope)
    if mapping is None:
        index.complete = False
        return
    index.params += [(k.value, k) for k in mapping.keys if isinstance(k.value, str)]


def index_definitions(model: SemanticModel, scope: Scope, node: ast.Call) -> list[IndexDef]:
    """The index definitions a call makes (none for other calls)."""
    func = node.func
    if not isinstance(func, ast.Attribute):
        if model.qualname(func, scope) == "pymilvus.Index":  # Index(collection, field, params)
            field_arg = argument(node, "Index", "field_name")
            dict_arg = argument(node, "Index", "index_params")
            return [read_index_dict(model, node, field_arg, dict_arg, scope)]
        return []
    owner = model.value_of(func.value, scope)
    if func.attr == "add_index" and owner.kind == "index_params":
        return [read_index_call(model, node, scope, "IndexParams.add_index")]
    if func.attr == "prepare_index_params" and model.value_of(node, scope).kind == "index_params":
        if argument(node, PREPARE_INDEX_PARAMS, "field_name") is None:
            return []
        return [read_index_call(model, node, scope, PREPARE_INDEX_PARAMS)]
    if func.attr == "create_index" and owner.kind == "collection":
        field_arg = argument(node, "Collection.create_index", "field_name")
        dict_arg = argument(node, "Collection.create_index", "index_params")
        return [read_index_dict(model, node, field_arg, dict_arg, scope)]
    if func.attr == "create_collection" and owner.kind == "client":
        quick = quick_setup_index(model, scope, node)
        return [quick] if quick is not None else []
    return []


def quick_setup_index(model: SemanticModel, scope: Scope, call: ast.Call) -> IndexDef | None:
    """`create_collection(name, dimension=...)` without a schema: AUTOINDEX on "vector", COSINE."""
    if has_star_kwargs(call) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    schema = argument(call, CREATE_COLLECTION, "schema")
    if argument(call, CREATE_COLLECTION, "dimension") is None or not (
        schema is None or (isinstance(schema, ast.Constant) and schema.value is None)
    ):
        return None
    field_arg = argument(call, CREATE_COLLECTION, "vector_field_name")
    metric_arg = argument(call, CREATE_COLLECTION, "metric_type")
    return IndexDef(
        call,
        "vector" if field_arg is None else model.string(field_arg, scope),
        "AUTOINDEX",
        metric="COSINE" if metric_arg is None else model.string(metric_arg, scope),
        metric_node=metric_arg if metric_arg is not None else call,
    )
