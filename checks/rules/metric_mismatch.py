"""MV103 metric-mismatch, and the search reader MV104 shares."""

from __future__ import annotations

import ast

from checks.collection import UNKNOWN, CollectionModel
from checks.collection.checking import label, search_params
from checks.collection.indexes import IndexDef
from checks.fixes import ReplaceExpression, string_like
from checks.flow import Flow
from checks.record import Record
from checks.rules.base import Invalid, Rule
from checks.semantic import Scope, dict_get, has_star_kwargs
from checks.signatures import MethodCall


class UseIndexMetric(ReplaceExpression):
    """Search with the metric the index was built with."""

    description = "metric_type {old} → {new}"

    def replacement(self, diagnostic, node):
        return string_like(node, diagnostic.fix_data["metric_type"])


class Search(Record):
    """A search call on a known receiver, with what its literal arguments say."""

    __slots__ = (
        "anns_field",
        "call",
        "collection",
        "field",
        "label",
        "limit",
        "method",
        "offset",
        "params",
        "scope",
    )

    method: MethodCall
    scope: Scope
    call: ast.Call
    collection: str | None
    anns_field: ast.AST | None  # the argument, None when not given
    field: str | None  # its literal value
    params: ast.Dict | None  # search_params / param, when visible
    limit: int | None  # None: not a literal
    offset: int | None  # 0 when not given; None: not a literal
    label: str | None  # the collection, for messages (set by searched_index)

    def __init__(
        self,
        method: MethodCall,
        scope: Scope,
        call: ast.Call,
        collection: str | None,
        anns_field: ast.AST | None,
        field: str | None,
        params: ast.Dict | None,
        limit: int | None,
        offset: int | None,
        label: str | None = None,
    ) -> None:
        self.method = method
        self.scope = scope
        self.call = call
        self.collection = collection
        self.anns_field = anns_field
        self.field = field
        self.params = params
        self.limit = limit
        self.offset = offset
        self.label = label

    def _key(self) -> tuple:
        return (
            self.method,
            self.scope,
            self.call,
            self.collection,
            self.anns_field,
            self.field,
            self.params,
            self.limit,
            self.offset,
            self.label,
        )


def read_search(ctx, call: ast.Call) -> Search | None:
    """MilvusClient/AsyncMilvusClient `search(name, ...)` or ORM `Collection.search(...)`,
    read once per call whichever rule asks first (MV103, MV104, MV152)."""
    return ctx.shared(_Searches).of(call)


class _Searches:
    def __init__(self, ctx):
        self.ctx = ctx
        self._read: dict[int, Search | None] = {}

    def of(self, call: ast.Call) -> Search | None:
        key = id(call)
        if key not in self._read:
            self._read[key] = _read_search(self.ctx, call)
        return self._read[key]


def _read_search(ctx, call: ast.Call) -> Search | None:
    search = ctx.method_call(call, "search")
    if search is None:
        return None
    if has_star_kwargs(call) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    model, scope = ctx.model, ctx.scope
    client = search.api == "client"
    if client:
        collection = model.string(search.argument("collection_name"), scope)
    else:
        collection = search.owner.name
    anns_field = search.argument("anns_field")
    params = search_params(search, model, scope)
    limit_arg = search.argument("limit")
    limit = 10 if limit_arg is None and client else _int(ctx, limit_arg)
    offset_arg = search.argument("offset")
    if offset_arg is None and params is not None:
        offset_arg = dict_get(params, "offset")
    offset = 0 if offset_arg is None else _int(ctx, offset_arg)
    field_name = model.string(anns_field, scope) if anns_field is not None else None
    return Search(search, scope, call, collection, anns_field, field_name, params, limit, offset)


def searched_index(collections: CollectionModel, search: Search) -> list[IndexDef] | None:
    """The definitions of the index a search uses, or None when the module does not say."""
    collection = collections.of_call(search.method, search.scope)
    search.label = label(collection) if collection is not None else None
    if collection is None or collection.indexes is UNKNOWN:
        return None
    defs = collection.indexes
    if not defs or any(not d.complete or d.field is None for d in defs):
        return None
    wanted = search.field
    if search.anns_field is None:  # the only indexed vector field
        fields = {d.field for d in defs if d.kind != "scalar"}
        wanted = fields.pop() if len(fields) == 1 else None
    if wanted is None:
        return None
    return [d for d in defs if d.field == wanted] or None


def _int(ctx, expr: ast.AST | None) -> int | None:
    value = ctx.literal(expr)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class MetricMismatch(Rule):
    """A search metric_type that differs from the metric the field's index was built with."""

    code = "MV103"
    name = "metric-mismatch"
    severity = "error"
    pymilvus_only = True
    fix = "safe"
    fixer = UseIndexMetric
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        ip = client.prepare_index_params()
        ip.add_index("vector", index_type="HNSW", metric_type="COSINE")
        client.create_collection("docs", schema=schema, index_params=ip)
        client.search("docs", [[0.1] * 8], search_params={"metric_type": "COSINE"})
        client.search("docs", [[0.1] * 8], search_params={"params": {"ef": 64}})
        """,
        # Two vector fields and no anns_field: which index is meant is not said.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        ip = client.prepare_index_params()
        ip.add_index("text_vec", index_type="HNSW", metric_type="COSINE")
        ip.add_index("image_vec", index_type="HNSW", metric_type="L2")
        client.create_index("docs", ip)
        client.search("docs", [[0.1] * 8], search_params={"metric_type": "L2"})
        client.search("docs", [[0.1] * 8], anns_field="image_vec", search_params={"metric_type": "L2"})
        """,
        # The index is built elsewhere, or by code we cannot see.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        ip = client.prepare_index_params()
        ip.add_index("vector", index_type="HNSW", metric_type="COSINE")
        add_more_indexes(ip)
        client.create_index("docs", ip)
        client.search("docs", [[0.1] * 8], search_params={"metric_type": "L2"})
        client.search("other", [[0.1] * 8], search_params={"metric_type": "L2"})
        """,
        # A scalar index next to the vector one does not make the field ambiguous.
        """
        from pymilvus import Collection
        col = Collection("docs")
        col.create_index("embedding", {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 128}})
        col.create_index("year", {"index_type": "STL_SORT"})
        col.search([[0.1] * 8], "embedding", {"metric_type": "L2", "params": {"nprobe": 16}}, limit=5)
        """,
        # Look-alikes: not Milvus.
        """
        import re
        from pymilvus import MilvusClient
        from opensearchpy import OpenSearch
        client = MilvusClient("demo.db")
        client.create_collection("docs", dimension=8)
        es = OpenSearch()
        es.search("docs", body={}, search_params={"metric_type": "L2"})
        re.search("L2", "COSINE")
        """,
        # Metrics from variables and a search_params dict that changes are not compared.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", dimension=8, metric_type=METRIC)
        params = {"metric_type": "L2"}
        params["metric_type"] = "COSINE"
        client.search("docs", [[0.1] * 8], search_params=params)
        """,
        # Another library's Collection.
        """
        from qdrant_client import Collection
        from pymilvus import MilvusClient
        col = Collection("docs")
        col.create_index("v", {"metric_type": "COSINE"})
        col.search([[0.1]], "v", {"metric_type": "L2"}, limit=5)
        """,
        # json.load and a class of our own named Collection.
        """
        import json
        from pymilvus import MilvusClient
        class Collection:
            def create_index(self, *args): ...
            def search(self, *args, **kwargs): ...
        col = Collection()
        col.create_index("v", {"metric_type": "COSINE"})
        col.search([[0.1]], "v", json.load(fp), 5)
        col.search([[0.1]], "v", {"metric_type": "L2"}, 5)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            index_params = client.prepare_index_params()
            index_params.add_index(field_name="vector", index_type="HNSW", metric_type="COSINE")
            client.create_collection("docs", schema=schema, index_params=index_params)
            hits = client.search("docs", [[0.1] * 8], limit=5, search_params={"metric_type": "L2"})
            """,
            line=6,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            index_params = client.prepare_index_params()
            index_params.add_index(field_name="vector", index_type="HNSW", metric_type="COSINE")
            client.create_collection("docs", schema=schema, index_params=index_params)
            hits = client.search("docs", [[0.1] * 8], limit=5, search_params={"metric_type": "COSINE"})
            """,
        ),
        # Quick setup indexes "vector" with COSINE unless told otherwise.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_collection("docs", dimension=768)
            SEARCH_PARAMS = {"metric_type": "IP", "params": {}}
            def find(q):
                return client.search("docs", data=[q], search_params=SEARCH_PARAMS)
            """,
            line=4,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_collection("docs", dimension=768)
            SEARCH_PARAMS = {"metric_type": "COSINE", "params": {}}
            def find(q):
                return client.search("docs", data=[q], search_params=SEARCH_PARAMS)
            """,
        ),
        # ORM.
        Invalid(
            """
            from pymilvus import Collection
            col = Collection("documents")
            col.create_index("embedding", {"index_type": "HNSW", "metric_type": "L2", "params": {"M": 16}})
            col.load()
            res = col.search([[0.1] * 8], "embedding", {"metric_type": "IP", "params": {"ef": 64}}, limit=10)
            """,
            line=5,
            fixed="""
            from pymilvus import Collection
            col = Collection("documents")
            col.create_index("embedding", {"index_type": "HNSW", "metric_type": "L2", "params": {"M": 16}})
            col.load()
            res = col.search([[0.1] * 8], "embedding", {"metric_type": "L2", "params": {"ef": 64}}, limit=10)
            """,
        ),
        # Async client, index built with create_index, field named.
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def run(q):
                client = AsyncMilvusClient("http://localhost:19530")
                ip = client.prepare_index_params("dense", index_type="IVF_FLAT", metric_type="IP", params={"nlist": 128})
                await client.create_index("docs", ip)
                await client.load_collection("docs")
                return await client.search("docs", [q], anns_field="dense", search_params={"metric_type": "COSINE"})
            """,
            line=7,
        ),
        # The search is in another function than the index.
        Invalid(
            """
            from pymilvus import MilvusClient
            DOCS = "docs"
            class Store:
                def __init__(self):
                    self.client = MilvusClient("demo.db")
                    self.client.create_collection(DOCS, dimension=8, metric_type="L2")
                def find(self, q):
                    return self.client.search(DOCS, [q], search_params={"metric_type": "COSINE"})
            """,
            line=8,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.collections = ctx.collections
        self.searches: list[tuple[Search, ast.AST, str]] = []

    def visit_Call(self, node: ast.Call) -> None:
        search = read_search(self.ctx, node)
        if search is None or search.params is None:
            return
        metric_node = dict_get(search.params, "metric_type")
        metric = self.ctx.model.string(metric_node, self.ctx.scope) if metric_node else None
        if metric:
            self.searches.append((search, metric_node, metric))

    def visit_flow(self, flow: Flow) -> None:
        if not isinstance(flow.node, ast.Module):
            return
        for search, metric_node, metric in self.searches:
            self._check(search, metric_node, metric)

    def _check(self, search: Search, metric_node: ast.AST, metric: str) -> None:
        defs = searched_index(self.collections, search)
        if defs is None:
            return
        metrics = {d.metric.upper() if d.metric else None for d in defs}
        if None in metrics or len(metrics) != 1:
            return
        expected = metrics.pop()
        if metric.upper() == expected:
            return
        literal = isinstance(metric_node, ast.Constant)
        self.report(
            metric_node,
            f"Search with `{expected}` instead of `{metric}`: the index on `{defs[0].field}` "
            f"in {search.label} was built with {expected}, and the server rejects "
            "any other metric.",
            hint="or drop metric_type from the search: the server then uses the index's",
            fix=None if literal else "none",
            fix_data={"metric_type": expected},
        )
