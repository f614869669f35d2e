"""MV002 index-before-insert (edition 2026.01 only)."""

from __future__ import annotations

from checks.flow import Flow, dominates
from checks.rules.base import Invalid, Rule


class IndexBeforeInsert(Rule):
    """Index created before the bulk insert into the same collection (2026.01 advice)."""

    code = "MV002"
    name = "index-before-insert"
    severity = "warning"
    fix = "safe"
    # Retired in 2026.11: Milvus 2.x builds indexes per sealed segment, any order works.
    editions = frozenset({"2026.01"})

    VALID = [
        """
        from pymilvus import Collection
        collection = Collection("documents", schema)
        collection.insert(data)
        collection.create_index("embedding", {"index_type": "HNSW", "metric_type": "COSINE"})
        collection.load()
        """,
        # Different collections.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_index("a", index_params)
        client.insert("b", rows)
        """,
        # Index created only on one path.
        """
        from pymilvus import Collection
        collection = Collection("documents", schema)
        if fresh:
            collection.create_index("embedding", params)
        collection.insert(data)
        """,
        # Not pymilvus.
        """
        from elasticsearch import Elasticsearch
        es = Elasticsearch()
        es.indices.create(index="docs")
        es.index(index="docs", document={})
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import Collection
            collection = Collection("documents", schema)
            collection.create_index("embedding", {"index_type": "HNSW", "metric_type": "COSINE"})
            collection.insert(data)
            collection.load()
            """,
            line=3,
            edition="2026.01",
            fixed="""
            from pymilvus import Collection
            collection = Collection("documents", schema)
            collection.insert(data)
            collection.create_index("embedding", {"index_type": "HNSW", "metric_type": "COSINE"})
            collection.load()
            """,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_index("docs", index_params)
            for batch in batches:
                client.insert("docs", batch)
            """,
            line=3,
            edition="2026.01",
        ),
    ]

    def visit_flow(self, flow: Flow) -> None:
        events = flow.events
        for position, index in enumerate(events):
            if index.op != "index" or index.collection is None:
                continue
            later_writes = [
                e
                for e in events[position + 1 :]
                if e.op == "write" and e.method != "delete" and e.collection == index.collection
            ]
            if not later_writes or not dominates(index, later_writes[0]):
                continue
            last_write = later_writes[-1]
            between = events[position + 1 : events.index(last_write)]
            movable = last_write.blocks == index.blocks and not any(
                e.op in ("read", "load", "unknown", "escape", "index")
                and e.collection in (index.collection, None)
                for e in between
            )
            self.report(
                index.call,
                f"Create the index on '{index.collection}' after the bulk insert, not before it.",
                hint="move this create_index after the last insert (2026.01 advice)",
                fix="safe" if movable else "none",
                fix_data={
                    "statement_line": index.statement.lineno,
                    "after_statement_line": last_write.statement.lineno,
                },
            )
