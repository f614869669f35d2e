"""MV131 index-field-type-mismatch."""

from __future__ import annotations

from checks.collection.checking import CollectionRule, label, search_params, searched_field
from checks.collection.facts import UNKNOWN
from checks.collection.indexes import SCALAR_TYPES, VECTOR_TYPES
from checks.rules.base import Invalid
from checks.semantic import dict_get

FLOAT_METRICS = frozenset({"L2", "IP", "COSINE"})
BINARY_METRICS = frozenset({"HAMMING", "JACCARD", "SUBSTRUCTURE", "SUPERSTRUCTURE", "MHJACCARD"})
BINARY_INDEXES = frozenset({"BIN_FLAT", "BIN_IVF_FLAT", "MINHASH_LSH", "AUTOINDEX"})
SPARSE_INDEXES = frozenset({"SPARSE_INVERTED_INDEX", "SPARSE_WAND", "AUTOINDEX"})
# Vector index types that take dense non-binary vectors only.
_NOT_DENSE = BINARY_INDEXES - {"AUTOINDEX"} | SPARSE_INDEXES - {"AUTOINDEX"}
# What fits each vector type: (metrics, index types or None for "any dense one").
_FITS = {
    "FLOAT_VECTOR": (FLOAT_METRICS, None),
    "FLOAT16_VECTOR": (FLOAT_METRICS, None),
    "BFLOAT16_VECTOR": (FLOAT_METRICS, None),
    "INT8_VECTOR": (FLOAT_METRICS, None),
    "BINARY_VECTOR": (BINARY_METRICS, BINARY_INDEXES),
    "SPARSE_FLOAT_VECTOR": (frozenset({"IP"}), SPARSE_INDEXES),
}


class IndexFieldTypeMismatch(CollectionRule):
    """An index type or metric that does not fit the field's type (L2 on binary, COSINE on sparse, HNSW on VARCHAR)."""

    code = "MV131"
    name = "index-field-type-mismatch"
    severity = "error"
    editions = frozenset({"2026.11"})
    methods = ("create_index", "create_collection", "search", "search_iterator")

    VALID = [
        """
        from pymilvus import MilvusClient, DataType, Function, FunctionType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("text", DataType.VARCHAR, max_length=1000, enable_analyzer=True)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_field("learned", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=4)
        schema.add_field("bits", DataType.BINARY_VECTOR, dim=64)
        schema.add_function(Function("bm25", FunctionType.BM25, ["text"], ["sparse"]))
        ip = client.prepare_index_params()
        ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        ip.add_index("learned", index_type="SPARSE_WAND", metric_type="IP")
        ip.add_index("dense", index_type="HNSW", metric_type="COSINE")
        ip.add_index("bits", index_type="BIN_IVF_FLAT", metric_type="HAMMING", params={"nlist": 64})
        ip.add_index("text", index_type="INVERTED")
        client.create_collection("docs", schema=schema, index_params=ip)
        client.search("docs", ["a query"], anns_field="sparse", search_params={"metric_type": "BM25"})
        client.search("docs", [[0.1] * 4], anns_field="dense", search_params={"metric_type": "COSINE"})
        """,
        # Types and metrics we cannot read.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vec", VECTOR_TYPE, dim=4)
        ip = client.prepare_index_params()
        ip.add_index("vec", index_type="HNSW", metric_type=METRIC)
        client.create_collection("docs", schema=schema, index_params=ip)
        """,
    ]
    INVALID = [
        # COSINE on a sparse vector.
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = client.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            ip = client.prepare_index_params()
            ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="COSINE")
            client.create_collection("docs", schema=schema, index_params=ip)
            """,
            line=7,
        ),
        # L2 on a binary vector, ORM.
        Invalid(
            """
            from pymilvus import Collection, CollectionSchema, DataType, FieldSchema
            schema = CollectionSchema([
                FieldSchema("id", DataType.INT64, is_primary=True),
                FieldSchema("fingerprint", DataType.BINARY_VECTOR, dim=256),
            ])
            col = Collection("docs", schema)
            col.create_index("fingerprint", {"index_type": "BIN_IVF_FLAT", "metric_type": "L2", "params": {"nlist": 64}})
            """,
            line=7,
        ),
        # A vector index with a metric on a VARCHAR field.
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = client.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
            schema.add_field("title", DataType.VARCHAR, max_length=128)
            ip = client.prepare_index_params()
            ip.add_index("vector", index_type="AUTOINDEX", metric_type="COSINE")
            ip.add_index("title", index_type="IVF_FLAT", metric_type="L2", params={"nlist": 128})
            client.create_collection("docs", schema=schema, index_params=ip)
            """,
            line=9,
        ),
        # BM25 output indexed, then searched, with another metric.
        Invalid(
            """
            from pymilvus import MilvusClient, DataType, Function, FunctionType
            client = MilvusClient("demo.db")
            schema = client.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True, auto_id=True)
            schema.add_field("text", DataType.VARCHAR, max_length=1000, enable_analyzer=True)
            schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(Function("bm25", FunctionType.BM25, ["text"], ["sparse"]))
            ip = client.prepare_index_params()
            ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
            client.create_collection("docs", schema=schema, index_params=ip)
            """,
            line=9,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient, DataType, Function, FunctionType
            client = MilvusClient("demo.db")
            schema = client.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True, auto_id=True)
            schema.add_field("text", DataType.VARCHAR, max_length=1000, enable_analyzer=True)
            schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(Function("bm25", FunctionType.BM25, ["text"], ["sparse"]))
            client.create_collection("docs", schema=schema)
            client.search("docs", ["query"], anns_field="sparse", search_params={"metric_type": "IP"})
            """,
            line=9,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.seen: set[int] = set()

    def judge(self, call, collection, schema, scope) -> None:
        if call.method in ("create_index", "create_collection"):
            if collection.indexes is not UNKNOWN:
                for index in collection.indexes:
                    if id(index.node) not in self.seen and index.field is not None:
                        self.seen.add(id(index.node))
                        self._index(index, schema.field(index.field), schema, collection)
            return
        params = search_params(call, self.ctx.model, scope)
        metric_node = dict_get(params, "metric_type") if params is not None else None
        metric = self.ctx.model.string(metric_node, scope) if metric_node is not None else None
        field = searched_field(call, schema, self.ctx.model, scope)
        if metric is None or field is None:
            return
        built = collection.index_on(field.name)
        if built is not UNKNOWN and built:
            return  # MV103 compares the search with the index
        problem = _metric_problem(metric.upper(), field, schema)
        if problem:
            self.report(
                metric_node,
                f"{problem} ({label(collection, field.name)}).",
                hint=_hint(field, schema),
            )

    def _index(self, index, field, schema, collection) -> None:
        if field is None or field.dtype is UNKNOWN:
            return
        index_type = (index.index_type or "").upper()
        where = label(collection, field.name)
        if field.dtype not in _FITS:  # a scalar field
            if index_type in VECTOR_TYPES - {"AUTOINDEX"}:
                self.report(
                    index.type_node or index.node,
                    f"Use a scalar index (INVERTED, STL_SORT, ...) on {where} instead of "
                    f"{index_type}: it is a {field.dtype} field, and vector indexes take vector "
                    "fields only.",
                    hint="drop the metric_type too: scalar indexes have none",
                )
            return
        types = _FITS[field.dtype][1]
        if index_type and (
            index_type in SCALAR_TYPES
            or (types is not None and index_type not in types)
            or (types is None and index_type in _NOT_DENSE)
        ):
            self.report(
                index.type_node or index.node,
                f"Use an index type for {field.dtype} on {where} instead of {index_type}: the "
                "server rejects it.",
                hint=_hint(field, schema),
            )
            return
        if index.metric is None:
            return
        problem = _metric_problem(index.metric.upper(), field, schema)
        if problem:
            self.report(
                index.metric_node or index.node, f"{problem} ({where}).", hint=_hint(field, schema)
            )


def _metric_problem(metric: str, field, schema) -> str | None:
    """Why a metric does not fit the field, or None when it fits (or we cannot tell)."""
    fits = _FITS.get(field.dtype)
    if fits is None:
        return None
    outputs = schema.function_outputs
    if field.dtype == "SPARSE_FLOAT_VECTOR":
        if outputs is UNKNOWN:
            return None
        bm25 = field.name in outputs
        if bm25 and metric != "BM25":
            return f"Use metric BM25 instead of {metric}: the field is filled by a BM25 function"
        if not bm25 and metric == "BM25":
            return None  # BM25 on a sparse field no function fills: not judged here
        if metric not in fits[0] | {"BM25"}:
            return f"Use metric IP instead of {metric}: sparse vectors take IP (or BM25)"
        return None
    if metric not in fits[0]:
        allowed = ", ".join(sorted(fits[0]))
        return f"Use one of {allowed} instead of {metric}: {field.dtype} does not take {metric}"
    return None


def _hint(field, schema) -> str:
    if field.dtype == "BINARY_VECTOR":
        return "binary vectors: BIN_FLAT or BIN_IVF_FLAT with HAMMING or JACCARD"
    if field.dtype == "SPARSE_FLOAT_VECTOR":
        return (
            "sparse vectors: SPARSE_INVERTED_INDEX or SPARSE_WAND, with IP (BM25 for BM25 outputs)"
        )
    return "dense vectors: HNSW, IVF_*, DISKANN or AUTOINDEX with L2, IP or COSINE"
