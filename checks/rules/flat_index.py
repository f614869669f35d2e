"""MV003 flat-index."""

from __future__ import annotations

import ast

from checks.model import dict_get, positional_or_keyword
from checks.rules.base import Invalid, Rule


class FlatIndex(Rule):
    """FLAT index: brute-force search, fine only for small collections or exact recall."""

    code = "MV003"
    name = "flat-index"
    severity = "info"
    severity_by_edition = {"2026.01": "warning"}
    fix = "unsafe"

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
        # Unknown receiver.
        """
        from pymilvus import MilvusClient
        params.add_index(field_name="vector", index_type="FLAT")
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
        owner = self.ctx.value_of(func.value)
        if func.attr == "add_index" and owner.kind == "index_params":
            index_type = positional_or_keyword(node, 1, "index_type")
            if self._is_flat(index_type):
                self._report(index_type, "add_index")
        elif func.attr == "create_index" and owner.kind == "collection":
            params = self.ctx.model.dict_literal(
                positional_or_keyword(node, 1, "index_params"), self.ctx.scope
            )
            index_type = dict_get(params, "index_type") if params is not None else None
            if self._is_flat(index_type):
                self._report(index_type, "dict")

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
