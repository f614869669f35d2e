"""MV118 ignored-keyword."""

from __future__ import annotations

import ast

from checks import api
from checks.api.calls import ApiCalls, Called
from checks.rules.base import Invalid, Rule, Valid
from checks.rules.wrong_api_kwargs import RenameKeyword, keywords_covered


class IgnoredKeyword(Rule):
    """A keyword pymilvus takes into **kwargs and never reads: silently ignored."""

    code = "MV118"
    name = "ignored-keyword"
    severity = "warning"  # error when the keyword is a near-miss or another method's
    pymilvus_only = True
    fix = "unsafe"
    fixer = RenameKeyword
    pymilvus = ">=2.4"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema(enable_dynamic_field=True, auto_id=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=8, mmap_enabled=True)
        client.create_collection("docs", schema=schema, consistency_level="Strong")
        client.search("docs", [[0.1] * 8], limit=3, group_by_field="id", offset=2)
        client.query("docs", filter="id > 0", limit=10, consistency_level="Bounded")
        """,
        # Index parameters are the index's own: any key may be meant.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        params = client.prepare_index_params()
        params.add_index("v", index_type="HNSW", metric_type="L2", M=16, efConstruction=200)
        """,
        # Unknown receivers, wrappers, and the user's own **kwargs.
        """
        from pymilvus import MilvusClient
        class Store(MilvusClient):
            def search(self, *args, rerank=False, **kwargs): ...
        store = Store("demo.db")
        store.search("docs", [[0.1]], rerank=True)
        def run(client, **options):
            return client.query("docs", partitionNames=["a"], **options)
        """,
        """
        import re
        from pymilvus import MilvusClient
        re.search("a", "b", flags=re.I)
        es.search(index="docs", search_field="title")
        """,
        # 3.0's search takes a ranker (2.4's drops it: see INVALID).
        Valid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            hits = client.search("docs", [[0.1] * 8], limit=3, ranker=None)
            """,
            pymilvus_version="3.0",
        ),
        # A keyword 2.4 reads that 3.0 also reads.
        Valid(
            """
            from pymilvus import Collection
            col = Collection("docs")
            col.search([[0.1]], "v", {}, limit=3, consistency_level="Strong", _async=True)
            """,
            pymilvus_version="2.4",
        ),
    ]
    INVALID = [
        # The dynamic field stays off.
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = client.create_schema(auto_id=False, enable_dynamic_fields=True)
            schema.add_field("id", DataType.INT64, is_primary=True)
            """,
            line=3,
            fixed="""
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = client.create_schema(auto_id=False, enable_dynamic_field=True)
            schema.add_field("id", DataType.INT64, is_primary=True)
            """,
        ),
        # Every partition is read.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            rows = client.query("docs", filter="id > 0", partitionNames=["2024"], limit=5)
            """,
            line=3,
            pymilvus_version="2.4",
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            rows = client.query("docs", filter="id > 0", limits=2000)
            """,
            line=3,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            rows = client.query("docs", filter="id > 0", limit=2000)
            """,
        ),
        # query does no vector search: all three are search's.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            rows = client.query("docs", data=[[0.1] * 8], anns_field="v", search_params={})
            """,
            line=3,
            count=3,
        ),
        Invalid(
            """
            from pymilvus import FieldSchema, DataType
            title = FieldSchema("title", DataType.VARCHAR, max_length=200, is_nullable=True)
            """,
            line=2,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.insert("docs", [{"id": 1, "v": [0.1] * 8}], progress_bar=True)
            """,
            line=3,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            hits = client.search("docs", [[0.1] * 8], limit=3, search_field="v")
            hits = client.search("docs", [[0.1] * 8], group_by_field="g", group_strict_size=True)
            """,
            line=3,
            count=2,
        ),
        # pymilvus#2264: one keyword named `kwargs`.
        Invalid(
            """
            from pymilvus import Collection
            col = Collection("docs")
            col.search([[0.1] * 8], "v", {}, limit=3, kwargs={"_async": True})
            """,
            line=3,
        ),
        # pymilvus 2.4's MilvusClient.search has no `ranker`: it lands in **kwargs, unread.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            hits = client.search("docs", [[0.1] * 8], limit=3, ranker=None)
            """,
            line=3,
            pymilvus_version="2.4",
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        if not node.keywords:
            return
        called = self.ctx.shared(ApiCalls).call(node)
        if called is None or not called.signature.kwargs or called.signature.reads is None:
            return
        covered = keywords_covered(self.ctx.options, called.target.name, called.member)
        given = {kw.arg for kw in node.keywords}
        for kw in node.keywords:
            if kw.arg is None or kw.arg in covered or not called.signature.ignores(kw.arg):
                continue
            self._report(called, kw, given)

    def _report(self, called: Called, kw: ast.keyword, given: set[str]) -> None:
        signature, name = called.signature, kw.arg
        release = api.current().version
        ignored = f"pymilvus {release} takes `{name}=` into **kwargs of {called.display} and never reads it"
        if name == "kwargs":
            self.report(
                kw,
                f"Unpack the dict instead of passing `kwargs=`: {ignored}.",
                hint=f"{called.display}(..., **{{...}})",
                fix="none",
                severity="error",
            )
            return
        meant = _near_miss(name, [*signature.names, *signature.reads])
        if meant is not None:
            taken = meant in given
            self.report(
                kw,
                f"Rename `{name}=` to `{meant}=`: {ignored}, so it has no effect.",
                hint=f"{called.display}(..., {meant}=...)",
                fix="none" if taken else None,
                fix_data=None if taken else {"rename_to": meant},
                severity="error",
            )
            return
        owners = _other_methods_taking(called, name)
        if owners:
            self.report(
                kw,
                f"Remove `{name}=`: it is a parameter of {' and '.join(owners)}, not of "
                f"{called.display}; {ignored}.",
                hint=f"{called.display} takes: {', '.join(signature.names) or 'no parameters'}",
                fix="none",
                severity="error",
            )
            return
        self.report(
            kw,
            f"Remove `{name}=` or use a parameter {called.display} has: {ignored}.",
            hint=f"{called.display} takes: {', '.join(signature.names) or 'no parameters'}",
            fix="none",
        )


def _near_miss(name: str, candidates: list[str]) -> str | None:
    """A parameter or read key the keyword is a slip of: case, `_`, plural, word order."""
    public = [c for c in candidates if not c.startswith("_") and "-" not in c and c != name]
    folded = _fold(name)
    for candidate in public:
        if _fold(candidate) == folded:
            return candidate
    words = sorted(name.lower().split("_"))
    for candidate in public:
        if sorted(candidate.split("_")) == words:
            return candidate
    for candidate in public:  # vector_field -> vector_field_name
        if candidate.startswith(name + "_") and len(name) >= 5:
            return candidate
    return api.closest(name, public, cutoff=0.84)


def _fold(name: str) -> str:
    folded = name.lower().replace("_", "")
    return folded[:-1] if folded.endswith("s") else folded


def _other_methods_taking(called: Called, name: str) -> list[str]:
    """Public methods of the same class that declare `name` as a parameter."""
    if called.target.kind == "module":
        return []
    model = api.current()
    info = model.cls(called.target.name)
    owners = []
    for method in sorted(info.methods):
        if method.startswith("_") or method == called.member:
            continue
        signature = model.method(called.target.name, method)
        if signature is not None and name in signature.names:
            owners.append(f"{called.target.display}.{method}")
    return owners[:2]
