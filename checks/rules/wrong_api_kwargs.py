"""MV102 wrong-api-kwargs."""

from __future__ import annotations

import ast

from checks.fixes import Fixer, cst
from checks.rules.base import Invalid, Rule
from checks.semantic import UNKNOWN, has_star_kwargs
from checks.signatures import MethodCall

# What each API does with a keyword of the other one: the right name, and what happens now.
# A crash happens whether or not the right keyword is given too; anything else is ignored then.
_CRASH_EXPR = "crashes with \"got multiple values for keyword argument 'expr'\""
_CRASH_PARAM = "crashes with \"got multiple values for keyword argument 'param'\""
_TOP_K = ("top_k", "topk", "k")
_LIMIT = ("limit", "ignores `{kw}` and returns 10 hits")
_IGNORED_LIMIT = ("limit", "ignores `{kw}`")
CLIENT_KWARGS: dict[str, dict[str, tuple[str, str]]] = {
    "search": {
        **dict.fromkeys(_TOP_K, _LIMIT),
        "expr": ("filter", _CRASH_EXPR),
        "param": ("search_params", _CRASH_PARAM),
        "params": ("search_params", "ignores `params`"),
    },
    "hybrid_search": dict.fromkeys(_TOP_K, _LIMIT),
    "query": {"expr": ("filter", _CRASH_EXPR), **dict.fromkeys(_TOP_K, _IGNORED_LIMIT)},
    "delete": {"expr": ("filter", "reads only `filter` or `ids` and fails without them")},
    # Checked on pymilvus 3.0.2: `expr` and `param` reach the gRPC call twice, `params` is dropped.
    "search_iterator": {
        "expr": ("filter", _CRASH_EXPR),
        "param": ("search_params", _CRASH_PARAM),
        "params": ("search_params", "ignores `params`"),
    },
    "query_iterator": {"expr": ("filter", _CRASH_EXPR)},
}
CRASHES = frozenset({_CRASH_EXPR, _CRASH_PARAM})
_NO_LIMIT = ("limit", "fails without its required `limit` argument")
_NO_EXPR = ("expr", "fails without its required `expr` argument")
_NO_PARAM = ("param", "fails without its required `param` argument")
ORM_KWARGS: dict[str, dict[str, tuple[str, str]]] = {
    "search": {
        "filter": ("expr", "ignores `filter` and returns unfiltered hits"),
        "search_params": _NO_PARAM,
        "params": _NO_PARAM,
        **dict.fromkeys(_TOP_K, _NO_LIMIT),
    },
    "hybrid_search": dict.fromkeys(_TOP_K, _NO_LIMIT),
    "query": {"filter": _NO_EXPR, **dict.fromkeys(_TOP_K, _IGNORED_LIMIT)},
    "delete": {"filter": _NO_EXPR},
    "search_iterator": {
        "filter": ("expr", "does not read `filter`"),
        "search_params": ("param", "does not read `search_params`"),
    },
    "query_iterator": {"filter": ("expr", "does not read `filter`")},
}
METHODS = frozenset(CLIENT_KWARGS) | frozenset(ORM_KWARGS)
NO_ITERATORS = frozenset({"AsyncMilvusClient", "Partition"})


def keywords_covered(options, receiver: str, method: str) -> frozenset[str]:
    """The keywords this rule reports on `receiver.method` under these options: other rules
    leave them alone (one keyword, one finding, with this rule's cross-API message)."""
    if not WrongApiKwargs.applies_to(options.edition, options.pymilvus_version):
        return frozenset()
    if receiver in ("MilvusClient", "AsyncMilvusClient"):
        return frozenset(CLIENT_KWARGS.get(method, ()))
    if receiver in ("Collection", "Partition"):
        return frozenset(ORM_KWARGS.get(method, ()))
    return frozenset()


class RenameKeyword(Fixer):
    """Rename the keyword to the one the receiver's API reads; the value stays as written."""

    local = True
    confined = True

    def leave_Arg(self, original_node, updated_node):
        if original_node.keyword is None or not self.pending:
            return updated_node
        start, end = self.span(original_node.keyword), self.span(original_node.value)
        diagnostic = self.pending.get((*start[:2], *end[2:])) if start and end else None
        if not diagnostic:
            return updated_node
        new = diagnostic[0].fix_data["rename_to"]
        self.fixed(diagnostic[0], f"rename `{original_node.keyword.value}=` to `{new}=`")
        return updated_node.with_changes(keyword=cst.Name(new))


class WrongApiKwargs(Rule):
    """A search/query keyword of the other pymilvus API: it crashes or is silently ignored."""

    code = "MV102"
    call_names = METHODS
    name = "wrong-api-kwargs"
    severity = "error"
    fix = "safe"
    fixer = RenameKeyword
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.search("docs", data=[[0.1] * 8], filter="id > 0", limit=5, search_params={})
        client.query("docs", filter="id > 0", limit=5)
        client.delete("docs", filter="id > 0")
        """,
        """
        from pymilvus import Collection
        col = Collection("docs")
        col.search([[0.1] * 8], "vec", {"metric_type": "L2"}, limit=5, expr="id > 0")
        col.query(expr="id > 0", limit=5)
        col.delete("id > 0")
        """,
        # Look-alikes: not Milvus.
        """
        import re, json
        from pymilvus import MilvusClient
        re.search("a", "b", flags=0)
        json.load(fp, parse_float=float)
        es.search(index="docs", filter={"term": {}}, top_k=5)
        vectorstore.similarity_search("q", k=4, expr="a > 1")
        """,
        # Another library's Collection, and a class of our own.
        """
        from chromadb import Collection
        from pymilvus import MilvusClient
        col = Collection("docs")
        col.query(filter="a", top_k=3)
        class Index:
            def search(self, **kw): ...
        Index().search(filter="x", top_k=1)
        """,
        # Keywords hidden in **kwargs, and a receiver we cannot resolve.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.search("docs", data=[[0.1] * 8], **options)
        def run(c):
            return c.search("docs", data=[[0.1] * 8], top_k=5)
        """,
        # ORM iterators and the client's own iterator keywords are right.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        it = client.search_iterator("docs", [[0.1] * 8], batch_size=100, filter="a > 1", limit=500)
        """,
        # A class of our own named Collection.
        """
        from pymilvus import MilvusClient
        class Collection:
            def search(self, *args, **kwargs): ...
        Collection().search([[0.1]], "v", {}, filter="x", top_k=3)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            hits = client.search("docs", data=[[0.1] * 8], top_k=3)
            """,
            line=3,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            hits = client.search("docs", data=[[0.1] * 8], limit=3)
            """,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            rows = client.query("docs", expr="id > 0", limit=5)
            client.search("docs", [[0.1] * 8], param={"metric_type": "L2"}, expr="id > 0")
            """,
            line=3,
            count=3,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            rows = client.query("docs", filter="id > 0", limit=5)
            client.search("docs", [[0.1] * 8], search_params={"metric_type": "L2"}, filter="id > 0")
            """,
        ),
        # Async client.
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def find(q):
                client = AsyncMilvusClient("http://localhost:19530")
                return await client.search("docs", data=[q], expr='lang == "en"')
            """,
            line=4,
            fixed="""
            from pymilvus import AsyncMilvusClient
            async def find(q):
                client = AsyncMilvusClient("http://localhost:19530")
                return await client.search("docs", data=[q], filter='lang == "en"')
            """,
        ),
        # ORM: `filter` is silently dropped.
        Invalid(
            """
            from pymilvus import Collection
            col = Collection("docs")
            col.search([[0.1] * 8], "vec", {"metric_type": "L2"}, limit=5, filter="id > 0")
            """,
            line=3,
            fixed="""
            from pymilvus import Collection
            col = Collection("docs")
            col.search([[0.1] * 8], "vec", {"metric_type": "L2"}, limit=5, expr="id > 0")
            """,
        ),
        Invalid(
            """
            import pymilvus as pm
            col = pm.Collection("docs")
            col.search(data=[[0.1] * 8], anns_field="vec", search_params={}, top_k=5)
            """,
            line=3,
            count=2,
            fixed="""
            import pymilvus as pm
            col = pm.Collection("docs")
            col.search(data=[[0.1] * 8], anns_field="vec", param={}, limit=5)
            """,
        ),
        # ORM Partition.
        Invalid(
            """
            from pymilvus import Collection, Partition
            part = Partition(Collection("docs"), "2024")
            part.query(filter="id > 0")
            """,
            line=3,
            fixed="""
            from pymilvus import Collection, Partition
            part = Partition(Collection("docs"), "2024")
            part.query(expr="id > 0")
            """,
        ),
        # The right keyword is already there: nothing to rename, only to remove.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.search("docs", [[0.1] * 8], "id > 0", 5, top_k=5)
            """,
            line=3,
        ),
        # self.client in a class.
        Invalid(
            """
            from pymilvus import MilvusClient
            class Store:
                def __init__(self):
                    self.client = MilvusClient("demo.db")
                def drop_old(self):
                    self.client.delete("docs", expr="year < 2020")
            """,
            line=6,
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        call = self.ctx.method_call(node, *METHODS) or _partition_call(self.ctx, node)
        if call is None:
            return
        if call.receiver in NO_ITERATORS and call.method.endswith("_iterator"):
            return
        wrong = (CLIENT_KWARGS if call.api == "client" else ORM_KWARGS).get(call.method)
        if not wrong:
            return
        method = f"{call.receiver}.{call.method}"
        # A renamed keyword could collide with one hidden in *args / **kwargs.
        hidden = has_star_kwargs(node) or any(isinstance(a, ast.Starred) for a in node.args)
        taken: set[str] = set()
        for kw in node.keywords:
            if kw.arg not in wrong:
                continue
            right, outcome = wrong[kw.arg]
            if right in taken or call.argument(right) is not None:
                outcome = outcome if outcome in CRASHES else f"ignores `{kw.arg}`"
                self.report(
                    kw,
                    f"Remove `{kw.arg}=`: `{right}=` is already given, and {method} {outcome}.",
                    hint=f"keep `{right}=` and delete `{kw.arg}=`",
                    fix="none",
                )
                continue
            taken.add(right)
            self.report(
                kw,
                f"Rename `{kw.arg}=` to `{right}=`: {method} {outcome.format(kw=kw.arg)}.",
                hint=f"{method} takes `{right}=`",
                fix="none" if hidden else None,
                fix_data={"rename_to": right},
            )


def _partition_call(ctx, node: ast.Call) -> MethodCall | None:
    """A method call (of one this rule checks) on an ORM Partition."""
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in METHODS:
        return None
    if not _is_partition(ctx, func.value):
        return None
    return MethodCall("orm", "Partition", func.attr, UNKNOWN, node)


def _is_partition(ctx, expr: ast.expr) -> bool:
    """An ORM Partition: `Partition(...)`, `collection.partition(...)`, or a name bound to one."""
    scope = ctx.scope
    binding = ctx.model.binding(expr, scope)
    if binding is not None:
        expr, scope = binding
    if not isinstance(expr, ast.Call):
        return False
    if ctx.model.qualname(expr.func, scope) == "pymilvus.Partition":
        return True
    func = expr.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "partition"
        and ctx.model.value_of(func.value, scope).kind == "collection"
    )
