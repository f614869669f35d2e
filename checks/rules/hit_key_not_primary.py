"""MV137 hit-key-not-primary."""

from __future__ import annotations

import ast

from checks.collection.checking import label, string_list
from checks.flow import Flow
from checks.rules.base import Invalid, Rule
from checks.semantic import Scope


class HitKeyNotPrimary(Rule):
    """A search hit read as `hit["id"]` when the collection's primary key has another name."""

    code = "MV137"
    name = "hit-key-not-primary"
    severity = "error"
    call_names = frozenset({"get"})
    pymilvus = ">=2.4"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("doc_id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
        client.create_collection("docs", schema=schema)
        res = client.search("docs", [[0.1] * 4], limit=3)
        for hits in res:
            for hit in hits:
                print(hit["doc_id"], hit["distance"], hit.id)
        """,
        # Quick setup names the key "id"; an "id" output field is there too.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        client.create_collection("quick", dimension=4)
        res = client.search("quick", [[0.1] * 4], limit=3)
        print([hit["id"] for hit in res[0]])
        schema = client.create_schema()
        schema.add_field("pk", DataType.INT64, is_primary=True)
        schema.add_field("id", DataType.VARCHAR, max_length=64)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
        client.create_collection("docs", schema=schema)
        found = client.search("docs", [[0.1] * 4], limit=3, output_fields=["id"])
        print(found[0][0]["id"])
        """,
        # Results we cannot follow.
        """
        from pymilvus import MilvusClient, DataType
        client = MilvusClient("demo.db")
        schema = client.create_schema()
        schema.add_field("doc_id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
        client.create_collection("docs", schema=schema)
        res = client.search("docs", [[0.1] * 4], limit=3)
        res = rerank(res)
        for hits in res:
            for hit in hits:
                print(hit["id"])
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = client.create_schema()
            schema.add_field("doc_id", DataType.INT64, is_primary=True)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
            schema.add_field("text", DataType.VARCHAR, max_length=256)
            client.create_collection("docs", schema=schema)
            res = client.search("docs", [[0.1] * 4], limit=3, output_fields=["text"])
            for hits in res:
                for hit in hits:
                    print(hit["id"], hit["entity"]["text"])
            """,
            line=11,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient("demo.db")
            schema = client.create_schema(auto_id=True)
            schema.add_field("pk", DataType.INT64, is_primary=True)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
            client.create_collection("docs", schema=schema)
            def top_ids(q):
                res = client.search("docs", [q], limit=3)
                return [hit.get("id") for hit in res[0]], res[0][0]["id"]
            """,
            line=9,
            count=2,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.collections = ctx.collections
        self.reads: list[tuple[ast.AST, ast.expr, Scope]] = []  # (node to report, hit, scope)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, ast.Load) and _is_id(node.slice):
            self.reads.append((node, node.value, self.ctx.scope))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and node.args
            and _is_id(node.args[0])
        ):
            self.reads.append((node, func.value, self.ctx.scope))

    def visit_flow(self, flow: Flow) -> None:
        if not isinstance(flow.node, ast.Module):
            return
        for node, hit, scope in self.reads:
            search = self._search_of_hit(hit, scope)
            if search is None:
                continue
            call, call_scope = search
            primary = self._other_primary(call, call_scope)
            if primary is not None:
                collection, name = primary
                self.report(
                    node,
                    f'Read the key as `hit["{name}"]` (or `hit.id`): the primary key of '
                    f"{label(collection)} is `{name}`, and search hits carry it under that name, "
                    'so `"id"` raises KeyError.',
                    hint="hits look like {pk_name: ..., 'distance': ..., 'entity': {...}}",
                )

    def _search_of_hit(self, hit: ast.expr, scope: Scope, depth: int = 2):
        """The search call whose one hit `hit` is (`res[i][j]`, or loops over `res` and its
        hits): `depth` levels of indexing or iteration down from the search's result."""
        for _ in range(depth):
            if isinstance(hit, ast.Subscript):
                hit = hit.value
            elif isinstance(hit, ast.Name):
                loop = self.ctx.model.loop_iterable(hit, scope)
                if loop is None:
                    return None
                hit, scope = loop
            else:
                return None
        return self._search_result(hit, scope)

    def _search_result(self, result: ast.expr, scope: Scope):
        model = self.ctx.model
        if isinstance(result, ast.Name):
            bound = model.binding(result, scope)
            if bound is None:
                return None
            result, scope = bound
        if isinstance(result, ast.Await):
            result = result.value
        if isinstance(result, ast.Call) and model.method_call(result, scope, "search"):
            return result, scope
        return None

    def _other_primary(self, call: ast.Call, scope: Scope):
        search = self.ctx.model.method_call(call, scope, "search")
        collection = self.collections.of_call(search, scope)
        schema = collection.schema if collection is not None else None
        if schema is None or not schema.complete or schema.primary is None:
            return None
        name = schema.primary.name
        if name == "id" or schema.field("id") is not None:
            return None
        given = search.argument("output_fields")
        if given is not None:
            listed = string_list(self.ctx.model, given, scope)
            if listed is None or {"id", "*", "$meta"} & {name for name, _ in listed}:
                return None
        return collection, name


def _is_id(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value == "id"
