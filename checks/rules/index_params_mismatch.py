"""MV107 index-params-mismatch, and how an index definition is read (MV103 and MV104 too)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from checks.rules.base import Invalid, Rule
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


@dataclass
class IndexDef:
    """One index definition as written: literal parts, or None where the code does not show them."""

    node: ast.AST
    field: str | None  # None: not a literal
    index_type: str | None  # "" when not given (the server picks AUTOINDEX); None: not literal
    type_node: ast.AST | None = None
    metric: str | None = None  # None: not given, or not a literal
    metric_node: ast.AST | None = None  # None: not given
    params: list[tuple[str, ast.AST]] = field(default_factory=list)  # build params, node to report
    complete: bool = True  # False: **kwargs or a params dict we cannot see may hold more

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


def _params_hint(index_type: str, what: str) -> str:
    if what == "a search parameter":
        return "pass it in the search params at search time"
    if index_type in HNSW_TYPES:
        return f"{index_type} builds with `M` and `efConstruction`"
    if index_type == "FLAT":
        return "FLAT takes no build parameters"
    return f"{index_type} builds with `nlist` (and its own quantizer params)"


class IndexParamsMismatch(Rule):
    """Index build params of another index type, or an index type or metric Milvus does not know."""

    code = "MV107"
    name = "index-params-mismatch"
    severity = "warning"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        index_params = client.prepare_index_params()
        index_params.add_index("vector", index_type="HNSW", metric_type="COSINE", params={"M": 16, "efConstruction": 200})
        index_params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        index_params.add_index("bits", index_type="BIN_IVF_FLAT", metric_type="HAMMING", nlist=128)
        """,
        # Scalar indexes, with and without a type.
        """
        from pymilvus import MilvusClient
        index_params = MilvusClient.prepare_index_params()
        index_params.add_index("year", index_type="STL_SORT")
        index_params.add_index("tags", index_type="INVERTED")
        index_params.add_index("color", index_type="BITMAP")
        index_params.add_index("title", index_type="Trie")
        index_params.add_index("title", index_type="AUTOINDEX")
        index_params.add_index("price")
        """,
        """
        from pymilvus import Collection
        col = Collection("docs")
        col.create_index("vec", {"index_type": "IVF_PQ", "metric_type": "L2", "params": {"nlist": 1024, "m": 8}})
        col.create_index("year", index_name="year_idx")
        """,
        # Look-alikes: other libraries' create_index, a dict that never reaches Milvus.
        """
        import faiss
        from pymilvus import MilvusClient
        es.indices.create_index("docs", {"index_type": "HNSWX", "params": {"nlist": 1}})
        config = {"index_type": "HNSW", "metric_type": "dot", "params": {"nlist": 128}}
        """,
        # Values we cannot see.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        ip = client.prepare_index_params()
        ip.add_index("vector", index_type=INDEX_TYPE, metric_type=METRIC, params=PARAMS)
        ip.add_index("other", **settings)
        """,
        # IVF_HNSW takes both nlist and M.
        """
        from pymilvus import MilvusClient
        ip = MilvusClient.prepare_index_params()
        ip.add_index("vector", index_type="IVF_HNSW", metric_type="L2", params={"nlist": 64, "M": 16})
        """,
        # Another library's Collection and a class of our own.
        """
        from pymongo.collection import Collection
        from pymilvus import MilvusClient
        Collection(db, "docs").create_index("v", {"index_type": "HNSWX", "metric_type": "dot"})
        class Index:
            def add_index(self, *args, **kwargs): ...
        Index().add_index("v", index_type="HNSW", params={"nlist": 1})
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            index_params = client.prepare_index_params()
            index_params.add_index("vector", index_type="HNSW", metric_type="L2", params={"nlist": 128})
            """,
            line=4,
        ),
        Invalid(
            """
            from pymilvus import Collection
            INDEX = {"index_type": "IVF_FLAT", "metric_type": "IP", "params": {"M": 16, "efConstruction": 64}}
            col = Collection("docs")
            col.create_index("embedding", INDEX)
            """,
            line=2,
            count=2,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            index_params = MilvusClient.prepare_index_params()
            index_params.add_index(field_name="vector", index_type="HNSWX", metric_type="cosine")
            """,
            line=3,
            count=2,
        ),
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def setup():
                client = AsyncMilvusClient("http://localhost:19530")
                ip = client.prepare_index_params("vector", index_type="HNSW", metric_type="DOT", ef=64)
                await client.create_collection("docs", schema=schema, index_params=ip)
            """,
            line=4,
            count=2,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_collection("docs", dimension=768, metric_type="l2")
            """,
            line=3,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.seen: set[int] = set()  # a dict shared by several calls is reported once

    def visit_Call(self, node: ast.Call) -> None:
        for index in index_definitions(self.ctx.model, self.ctx.scope, node):
            self._check(index)

    def _check(self, index: IndexDef) -> None:
        index_type = (index.index_type or "").upper()
        if index_type and index_type not in VECTOR_TYPES | SCALAR_TYPES:
            self._report(
                index.type_node,
                f"Use a Milvus index type instead of `{index.index_type}`: "
                "the server rejects unknown index types.",
                hint="vector: HNSW, IVF_FLAT, DISKANN, AUTOINDEX...; scalar: INVERTED, STL_SORT...",
            )
        metric = index.metric
        if metric and metric not in METRICS:
            if metric.upper() in METRICS:
                message = (
                    f"Write `{metric.upper()}` instead of `{metric}`: "
                    "the server rejects metric names that are not upper-case."
                )
            else:
                message = f"Use a Milvus metric instead of `{metric}`: the server rejects it."
            self._report(index.metric_node, message, hint="float vectors: L2, IP or COSINE")
        for name, node in index.params:
            ignored_by, what = FOREIGN_PARAMS.get(name, ((), ""))
            if index_type in ignored_by:
                self._report(
                    node,
                    f"Remove `{name}` from the {index_type} build params: it is {what} "
                    f"and {index_type} ignores it.",
                    hint=_params_hint(index_type, what),
                )

    def _report(self, node: ast.AST | None, message: str, hint: str) -> None:
        if node is None or id(node) in self.seen:
            return
        self.seen.add(id(node))
        self.report(node, message, hint=hint)
