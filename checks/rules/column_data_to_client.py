"""MV114 column-data-to-client."""

from __future__ import annotations

import ast

from checks.collection import UNKNOWN
from checks.fixes import ReplaceExpression
from checks.flow import Flow
from checks.rules.base import Invalid, Rule
from checks.semantic import Scope
from checks.signatures import MethodCall

MAX_INLINE_ROWS = 20  # literal columns up to this many rows become dict literals


class ConvertColumnsToRows(ReplaceExpression):
    """Replace the column lists with one dict per row, keyed by the schema's field names."""

    description = "columns → rows: `{new}`"


class ColumnDataToClient(Rule):
    """ORM-style column lists passed to MilvusClient insert/upsert, which takes row dicts."""

    code = "MV114"
    call_names = frozenset({"insert", "upsert"})
    pymilvus_only = True
    name = "column-data-to-client"
    severity = "error"
    fix = "unsafe"
    fixer = ConvertColumnsToRows
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.insert("docs", [{"id": 1, "vector": [0.1, 0.2]}, {"id": 2, "vector": [0.3, 0.4]}])
        client.insert("docs", {"id": 3, "vector": [0.5, 0.6]})
        client.upsert("docs", [dict(zip(("id", "vector"), r)) for r in zip(ids, vectors)])
        """,
        # Data of unknown shape.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.insert("docs", rows)
        client.insert("docs", [row])
        client.insert("docs", [make_row(1), make_row(2)])
        client.insert("docs", [ids, vectors_from_model])
        """,
        # A single column is not a column layout we can be sure of.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.insert("docs", [[{"id": 1}]])
        """,
        # A bound list changed in place, or bound twice: what reaches insert is not certain.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        ids = [1, 2]
        vectors = [[0.1, 0.2], [0.3, 0.4]]
        data = [ids, vectors]
        data.append(texts)
        client.insert("docs", data)
        batch = [ids, vectors]
        batch = [row_a, row_b]
        client.insert("docs", batch)
        """,
        # The ORM takes column lists.
        """
        from pymilvus import Collection
        col = Collection("docs")
        ids = [1, 2]
        vectors = [[0.1, 0.2], [0.3, 0.4]]
        col.insert([ids, vectors])
        """,
        # Look-alikes: not Milvus.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        sheet.insert("A1", [[1, 2], [3, 4]])
        np.insert(arr, [[1, 2], [3, 4]])
        """,
        """
        import pymilvus
        from qdrant_client import QdrantClient
        client = QdrantClient()
        client.upsert("docs", [[1, 2], [3, 4]])
        """,
    ]
    INVALID = [
        # The seed guide's shape, carried over to MilvusClient: columns bound to a name first.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            client.create_collection("docs", dimension=2)
            ids = [1, 2, 3]
            vectors = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]
            data = [ids, vectors]
            client.insert("docs", data)
            """,
            line=7,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            client.create_collection("docs", dimension=2)
            ids = [1, 2, 3]
            vectors = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]
            data = [ids, vectors]
            client.insert("docs", [dict(zip(("id", "vector"), row)) for row in zip(ids, vectors)])
            """,
        ),
        # Field names known from quick setup: id + vector.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            client.create_collection("docs", dimension=2)
            client.insert("docs", [[1, 2], [[0.1, 0.2], [0.3, 0.4]]])
            """,
            line=4,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            client.create_collection("docs", dimension=2)
            client.insert("docs", [{"id": 1, "vector": [0.1, 0.2]}, {"id": 2, "vector": [0.3, 0.4]}])
            """,
        ),
        # Columns held in names; the auto_id primary key has no column.
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("./milvus.db")
            schema = MilvusClient.create_schema(auto_id=True)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=8)
            schema.add_field("text", DataType.VARCHAR, max_length=512)
            client.create_collection("docs", schema=schema)
            texts = ["a", "b"]
            vectors = [embed(t) for t in texts]
            client.insert(collection_name="docs", data=[vectors, texts])
            """,
            line=10,
            fixed="""
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("./milvus.db")
            schema = MilvusClient.create_schema(auto_id=True)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=8)
            schema.add_field("text", DataType.VARCHAR, max_length=512)
            client.create_collection("docs", schema=schema)
            texts = ["a", "b"]
            vectors = [embed(t) for t in texts]
            client.insert(collection_name="docs", data=[dict(zip(("embedding", "text"), row)) for row in zip(vectors, texts)])
            """,
        ),
        # No schema in the module: reported without a fix.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            ids = [1, 2, 3]
            vectors = [[0.1] * 8 for _ in ids]
            client.insert("docs", [ids, vectors])
            """,
            line=5,
        ),
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def load():
                client = AsyncMilvusClient("http://localhost:19530")
                await client.upsert("docs", [[1, 2], [[0.1, 0.2], [0.3, 0.4]], ["a", "b"]])
            """,
            line=4,
        ),
        # ORM Collection migrated to the client, FieldSchema list kept.
        Invalid(
            """
            from pymilvus import CollectionSchema, DataType, FieldSchema, MilvusClient
            fields = [
                FieldSchema("pk", DataType.INT64, is_primary=True),
                FieldSchema("vec", DataType.FLOAT_VECTOR, dim=2),
            ]
            client = MilvusClient("./milvus.db")
            client.create_collection("docs", schema=CollectionSchema(fields))
            client.insert("docs", [[1], [[0.5, 0.5]]])
            """,
            line=8,
            fixed="""
            from pymilvus import CollectionSchema, DataType, FieldSchema, MilvusClient
            fields = [
                FieldSchema("pk", DataType.INT64, is_primary=True),
                FieldSchema("vec", DataType.FLOAT_VECTOR, dim=2),
            ]
            client = MilvusClient("./milvus.db")
            client.create_collection("docs", schema=CollectionSchema(fields))
            client.insert("docs", [{"pk": 1, "vec": [0.5, 0.5]}])
            """,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.collections = ctx.collections
        self.found: list[tuple[MethodCall, ast.List, Scope]] = []

    def visit_Call(self, node: ast.Call) -> None:
        write = self.ctx.method_call(node, "insert", "upsert")
        if write is None or write.api != "client":
            return
        data = write.argument("data")
        columns = self._columns_list(data)
        if columns is None or len(columns.elts) < 2:
            return
        if all(self._is_list(element) for element in columns.elts):
            self.found.append((write, data, columns, self.ctx.scope))

    def visit_flow(self, flow: Flow) -> None:
        if not isinstance(flow.node, ast.Module):
            return
        for write, data, columns, scope in self.found:
            replacement, names = self._rows(write, columns, scope)
            self.report(
                data,
                f"Pass one dict per row to `{write.method}`: MilvusClient takes row dicts, not "
                "ORM-style column lists.",
                hint="e.g. [dict(zip(field_names, row)) for row in zip(*columns)]",
                fix=None if replacement else "none",
                fix_data={"fields": names, "replacement": replacement} if replacement else None,
            )

    def _columns_list(self, data: ast.expr | None) -> ast.List | None:
        """The list display passed as data: inline, or the one list a name is bound to (the
        seed guide's `data = [texts, embeddings, categories]`), unless it is changed in place."""
        if isinstance(data, ast.Name):
            bound = self.ctx.model.binding(data, self.ctx.scope)
            if bound is None or self.ctx.model.mutated(data):
                return None
            data = bound[0]
        return data if isinstance(data, ast.List) else None

    def _is_list(self, element: ast.expr) -> bool:
        """A list literal or list comprehension, inline or bound to a name."""
        bound = self.ctx.model.binding(element, self.ctx.scope)
        if bound is not None:
            element = bound[0]
        return isinstance(element, (ast.List, ast.ListComp))

    def _rows(self, write: MethodCall, data: ast.List, scope: Scope) -> tuple[str | None, list]:
        """The rows as source text, when the schema names the columns; else (None, [])."""
        names = self._column_names(write, scope)
        if names is None:
            return None, []
        columns = data.elts
        if len(names) != len(columns):
            return None, []
        if all(isinstance(c, ast.List) for c in columns):
            lengths = {len(c.elts) for c in columns}
            if len(lengths) != 1 or not all(_homogeneous(c) for c in columns):
                return None, []  # rows rather than columns, or ragged: do not guess
            (count,) = lengths
            if count <= MAX_INLINE_ROWS:
                values = [self._texts(data, c.elts) for c in columns]
                pairs = list(zip(names, values, strict=True))
                rows = []
                for i in range(count):
                    rows.append("{" + ", ".join(f"{_quote(n)}: {v[i]}" for n, v in pairs) + "}")
                return "[" + ", ".join(rows) + "]", names
        keys = "(" + ", ".join(_quote(n) for n in names) + ("," if len(names) == 1 else "") + ")"
        zipped = ", ".join(self._texts(data, columns))
        return f"[dict(zip({keys}, row)) for row in zip({zipped})]", names

    def _column_names(self, write: MethodCall, scope: Scope) -> list[str] | None:
        """The fields a row must carry, in schema order: all but an auto_id primary key and
        the outputs of functions; None when the schema is not certain."""
        collection = self.collections.of_call(write, scope)
        schema = collection.schema if collection is not None else None
        if schema is None or not schema.complete or schema.primary is None:
            return None
        generated = schema.function_outputs
        if generated is UNKNOWN or schema.pk_auto_id is UNKNOWN:
            return None
        auto_pk = schema.primary.name if schema.pk_auto_id else None
        return [n for n in schema.names if n != auto_pk and n not in generated]

    def _texts(self, parent: ast.expr, nodes: list[ast.expr]) -> list[str]:
        """The source of several nodes inside `parent`, reading the file's text only once."""
        padded = "\n" * (parent.lineno - 1) + " " * parent.col_offset + self.ctx.text(parent)
        return [ast.get_source_segment(padded, node) or ast.unparse(node) for node in nodes]


def _homogeneous(column: ast.List) -> bool:
    """Every value of the column is the same kind of thing: numbers, strings, or lists."""
    kinds = set()
    for value in column.elts:
        if isinstance(value, ast.UnaryOp):
            value = value.operand
        if isinstance(value, ast.Constant):
            kinds.add(
                type(value.value).__name__ if not isinstance(value.value, int | float) else "n"
            )
        elif isinstance(value, (ast.List, ast.ListComp, ast.BinOp)):
            kinds.add("list")
        else:
            kinds.add("other")
    return len(kinds) <= 1


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
