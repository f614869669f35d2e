"""MV008 load-without-index."""

from __future__ import annotations

from checks.flow import Event, Flow, certainly_runs, on_milvus_lite
from checks.rules.base import Invalid, Rule


class LoadWithoutIndex(Rule):
    """A collection this module creates without an index is loaded: a server refuses the load."""

    code = "MV008"
    name = "load-without-index"
    severity = "error"

    VALID = [
        # The index is created before the load (here, or in another function).
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        client.create_collection("docs", schema=schema)
        client.create_index("docs", index_params)
        client.load_collection("docs")
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        def setup():
            client.create_collection("docs", schema=schema)
        def build_index():
            client.create_index("docs", index_params)
        def warm():
            client.load_collection("docs")
        """,
        # Quick setup and index_params create the index (and load) themselves.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        client.create_collection("docs", dimension=8)
        client.load_collection("docs")
        client.create_collection("more", schema=schema, index_params=index_params)
        client.load_collection("more")
        """,
        # Milvus Lite loads a collection without an index.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus_demo.db")
        client.create_collection("docs", schema=schema)
        client.load_collection("docs")
        """,
        # Created only when missing: an existing collection may have its index.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        if not client.has_collection("docs"):
            client.create_collection("docs", schema=schema)
        client.load_collection("docs")
        """,
        # The client is handed to code we cannot see, which may create the index.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("http://localhost:19530")
        client.create_collection("docs", schema=schema)
        add_indexes(client, "docs")
        client.load_collection("docs")
        """,
        # ORM: the Index class builds the index.
        """
        from pymilvus import Collection, CollectionSchema, Index, connections
        connections.connect(host="localhost", port="19530")
        collection = Collection("docs", CollectionSchema(fields))
        Index(collection, "vec", {"index_type": "IVF_FLAT", "metric_type": "IP", "params": {}})
        collection.load()
        """,
        # ORM: Collection(name) without a schema opens an existing collection.
        """
        from pymilvus import Collection, connections
        connections.connect(host="localhost", port="19530")
        col = Collection("docs")
        col.load()
        """,
        # Another library's Collection, and an unknown receiver.
        """
        from chromadb import Collection
        from pymilvus import MilvusClient
        col = Collection("docs", schema)
        col.load()
        store.load_collection("docs")
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            client = MilvusClient(uri="http://localhost:19530")
            schema = client.create_schema()
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=8)
            client.create_collection("docs", schema=schema)
            client.insert("docs", rows)
            client.load_collection("docs")
            """,
            line=8,
        ),
        # Across functions, ORM.
        Invalid(
            """
            from pymilvus import Collection, connections
            def create():
                connections.connect(host="localhost", port="19530")
                return Collection("docs", schema)
            def serve():
                col = Collection("docs")
                col.load()
            """,
            line=7,
        ),
        # index_params=None is no index.
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def main():
                client = AsyncMilvusClient("http://localhost:19530")
                await client.create_collection("docs", schema=schema, index_params=None)
                await client.load_collection("docs")
            """,
            line=5,
        ),
    ]

    def __init__(self, ctx):
        super().__init__(ctx)
        self._flows: list[Flow] = []

    def visit_flow(self, flow: Flow) -> None:
        self._flows.append(flow)
        if flow.scope is self.ctx.model.module_scope:  # the module's flow ends last
            self._decide()

    def _decide(self) -> None:
        created: dict[str, Event] = {}
        ruled_out: set[str] = set()
        for flow in self._flows:
            for event in flow.events:
                op, name = event.op, event.collection
                if op in ("index", "escape", "unknown") or (op == "create" and event.loads):
                    if name is None:
                        return  # an index we cannot place may be on any collection
                    ruled_out.add(name)
                elif op == "create" and name is not None:
                    if certainly_runs(self.ctx.model, event):
                        created.setdefault(name, event)
                    else:
                        ruled_out.add(name)
        candidates = created.keys() - ruled_out
        for flow in self._flows:
            for event in flow.events:
                name = event.collection
                if event.op != "load" or event.api == "other" or name not in candidates:
                    continue
                origin = created[name]
                if any(e is origin for e in flow.events) and _before(event, origin):
                    continue  # loaded before it is created here: an existing collection
                candidates.discard(name)
                if on_milvus_lite(self.ctx.model, flow.scope, event):
                    continue
                self.report(
                    event.call,
                    f"Create an index on the vector field of '{name}' before loading it: the "
                    'module creates it without one, and a server refuses the load ("there is '
                    'no vector index on field ..., please create index firstly").',
                    hint="prepare_index_params() + add_index(field_name=..., "
                    'index_type="AUTOINDEX", metric_type=...) + create_index(...) before the load',
                )


def _before(a: Event, b: Event) -> bool:
    return (a.call.lineno, a.call.col_offset) < (b.call.lineno, b.call.col_offset)
