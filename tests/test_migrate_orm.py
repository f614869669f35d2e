"""MV101's migration codemod, ORM -> MilvusClient: before/after pairs of dedented source.

Every migrated pair also checks the guarantees: the output parses and a second run changes
nothing. Every unmigratable case checks that the code comes back byte-identical (or, when the
rest of the module migrates, that each of its statements is still there verbatim) and that
`remaining` says where and why.
"""

from __future__ import annotations

import ast
import sys
from textwrap import dedent, indent

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings

from checks.codemods import MigrationResult, apply_edits, migrate_orm_to_client


def migrate(before: str) -> MigrationResult:
    result = migrate_orm_to_client(dedent(before))
    ast.parse(result.code)
    again = migrate_orm_to_client(result.code)
    assert again.code == result.code, "migrating twice changed the code"
    assert again.migrated == []
    return result


def assert_migrates(before: str, after: str) -> MigrationResult:
    result = migrate(before)
    assert result.code == dedent(after)
    assert result.migrated
    return result


def assert_untouched(before: str, *reasons: str) -> MigrationResult:
    """Nothing changes; each reason is part of some `remaining` message."""
    result = migrate(before)
    assert result.code == dedent(before)
    assert result.migrated == []
    messages = " | ".join(message for _, message in result.remaining)
    for reason in reasons:
        assert reason in messages
    return result


# --- connect / disconnect ---------------------------------------------------------------------


def test_connect_host_port_becomes_uri_and_disconnect_becomes_close():
    assert_migrates(
        """
        from pymilvus import connections, utility

        connections.connect(host="localhost", port="19530")
        print(utility.list_collections())
        connections.disconnect("default")
        """,
        """
        from pymilvus import MilvusClient

        client = MilvusClient(uri="http://localhost:19530")
        print(client.list_collections())
        client.close()
        """,
    )


def test_connect_with_expressions_builds_an_f_string_and_maps_credentials():
    assert_migrates(
        """
        import os
        from pymilvus import connections, utility

        connections.connect("default", host=os.environ["MILVUS_HOST"], port=PORT, user="root", password=os.getenv("PW"), db_name="prod")
        utility.drop_collection("docs")
        """,
        """
        import os
        from pymilvus import MilvusClient

        client = MilvusClient(
            uri=f'http://{os.environ["MILVUS_HOST"]}:{PORT}',
            user="root",
            password=os.getenv("PW"),
            db_name="prod",
        )
        client.drop_collection("docs")
        """,
    )


def test_connect_uri_token_and_secure():
    assert_migrates(
        """
        from pymilvus import connections, utility
        connections.connect(alias="default", uri=URI, token=TOKEN)
        utility.has_collection("docs", using="default")
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri=URI, token=TOKEN)
        client.has_collection("docs")
        """,
    )
    assert_migrates(
        """
        from pymilvus import connections, utility
        connections.connect(host="milvus.example.com", port=443, secure=True)
        names = utility.list_collections(timeout=5)
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri="https://milvus.example.com:443")
        names = client.list_collections(timeout=5)
        """,
    )


def test_a_named_alias_is_followed_and_calls_on_another_alias_are_not():
    assert_migrates(
        """
        from pymilvus import connections, Collection
        connections.connect(alias=ALIAS, uri="demo.db")
        col = Collection("docs", using=ALIAS)
        col.load()
        connections.disconnect(ALIAS)
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri="demo.db")
        client.load_collection(collection_name="docs")
        client.close()
        """,
    )
    # Without using=, an ORM call means the "default" connection: not this one.
    assert_untouched(
        """
        from pymilvus import connections, utility
        connections.connect("other", uri="demo.db")
        utility.has_collection("docs")
        """,
        "`using=` names a connection other than the migrated one",
    )


def test_connect_only_module_migrates():
    assert_migrates(
        """
        from pymilvus import connections
        connections.connect()
        print("OK")
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient()
        print("OK")
        """,
    )


def test_client_name_avoids_names_the_module_uses():
    assert_migrates(
        """
        from pymilvus import connections, utility
        client = "http"
        connections.connect(uri="demo.db")
        utility.has_collection("docs")
        """,
        """
        from pymilvus import MilvusClient
        client = "http"
        milvus_client = MilvusClient(uri="demo.db")
        milvus_client.has_collection("docs")
        """,
    )


# --- collections ------------------------------------------------------------------------------

SCHEMA = """
    from pymilvus import connections, Collection, FieldSchema, CollectionSchema, DataType

    connections.connect(uri="demo.db")
    fields = [
        FieldSchema(name="id", dtype=DataType.INT64, is_primary=True, auto_id=True),
        FieldSchema(name="text", dtype=DataType.VARCHAR, max_length=256),
        FieldSchema(name="vector", dtype=DataType.FLOAT_VECTOR, dim=8),
    ]
    schema = CollectionSchema(fields)
"""
SCHEMA_AFTER = (
    SCHEMA.replace("connections, Collection, ", "")
    .replace('connections.connect(uri="demo.db")', 'client = MilvusClient(uri="demo.db")')
    .replace("from pymilvus import ", "from pymilvus import MilvusClient, ")
)


def test_create_with_schema_partitions_columns_to_rows_and_index_params():
    assert_migrates(
        SCHEMA
        + """
    # Create
    docs = Collection("docs", schema)  # get or create
    docs.create_partition("2026_q1")
    docs.insert([texts, vectors], partition_name="2026_q1")
    docs.create_index("vector", {"index_type": "HNSW", "metric_type": "COSINE", "params": {"M": 16}})
    docs.load()
    """,
        SCHEMA_AFTER
        + """
    # Create
    if not client.has_collection("docs"):  # get or create
        client.create_collection(collection_name="docs", schema=schema)
    client.create_partition(collection_name="docs", partition_name="2026_q1")
    client.insert(
        collection_name="docs",
        data=[{"text": text, "vector": vector} for text, vector in zip(texts, vectors)],
        partition_name="2026_q1",
    )
    index_params = client.prepare_index_params()
    index_params.add_index(
        field_name="vector",
        index_type="HNSW",
        metric_type="COSINE",
        params={"M": 16},
    )
    client.create_index(collection_name="docs", index_params=index_params)
    client.load_collection(collection_name="docs")
    """,
    )


def test_column_insert_through_a_name_and_a_non_auto_primary_key():
    assert_migrates(
        """
        from pymilvus import connections, Collection, FieldSchema, CollectionSchema, DataType
        connections.connect(uri="demo.db")
        schema = CollectionSchema([
            FieldSchema("pk", DataType.INT64, is_primary=True),
            FieldSchema("vec", DataType.FLOAT_VECTOR, dim=8),
        ])
        col = Collection("docs", schema=schema, consistency_level="Strong")
        data = [ids, vectors]
        col.insert(data)
        col.flush()
        """,
        """
        from pymilvus import MilvusClient, FieldSchema, CollectionSchema, DataType
        client = MilvusClient(uri="demo.db")
        schema = CollectionSchema([
            FieldSchema("pk", DataType.INT64, is_primary=True),
            FieldSchema("vec", DataType.FLOAT_VECTOR, dim=8),
        ])
        if not client.has_collection("docs"):
            client.create_collection(
                collection_name="docs",
                schema=schema,
                consistency_level="Strong",
            )
        data = [ids, vectors]
        client.insert(
            collection_name="docs",
            data=[{"pk": pk, "vec": vec} for pk, vec in zip(*data)],
        )
        client.flush(collection_name="docs")
        """,
    )


def test_row_inserts_pass_through_without_a_schema():
    # `rows` is not bound here: rows or columns? The whole collection stays on the ORM.
    assert_untouched(
        """
        from pymilvus import connections, Collection
        connections.connect(uri="demo.db")
        col = Collection("docs")
        col.insert([{"id": 1, "vector": [0.1] * 8}])
        col.upsert(rows)
        """,
        "the insert data `rows` is not bound in this module",
    )
    assert_migrates(
        """
        from pymilvus import connections, Collection
        connections.connect(uri="demo.db")
        col = Collection("docs")
        rows = [{"id": i, "vector": [0.1] * 8} for i in range(3)]
        col.insert([{"id": 1, "vector": [0.1] * 8}])
        col.upsert(rows)
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri="demo.db")
        rows = [{"id": i, "vector": [0.1] * 8} for i in range(3)]
        client.insert(collection_name="docs", data=[{"id": 1, "vector": [0.1] * 8}])
        client.upsert(collection_name="docs", data=rows)
        """,
    )


def test_search_query_delete_release_drop_keyword_forms():
    assert_migrates(
        """
        from pymilvus import connections, Collection
        connections.connect(uri="demo.db")
        collection = Collection("docs")
        collection.load()
        results = collection.search(
            data=[query],
            anns_field="vector",
            param={"metric_type": "COSINE", "params": {"ef": 64}},
            limit=5,
            expr="tag == 'a'",
            output_fields=["text"],
            consistency_level="Strong",  # read your writes
        )
        for hit in results[0]:
            print(hit.id, hit.distance, hit.entity.get("text"))
        rows = collection.query(expr="id > 0", output_fields=["text"], limit=3)
        collection.delete("id in [1, 2]")
        collection.release()
        collection.drop()
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri="demo.db")
        client.load_collection(collection_name="docs")
        results = client.search(
            collection_name="docs",
            data=[query],
            anns_field="vector",
            search_params={"metric_type": "COSINE", "params": {"ef": 64}},
            limit=5,
            filter="tag == 'a'",
            output_fields=["text"],
            consistency_level="Strong",  # read your writes
        )
        for hit in results[0]:
            print(hit.id, hit.distance, hit.entity.get("text"))
        rows = client.query(
            collection_name="docs",
            filter="id > 0",
            output_fields=["text"],
            limit=3,
        )
        client.delete(collection_name="docs", filter="id in [1, 2]")
        client.release_collection(collection_name="docs")
        client.drop_collection(collection_name="docs")
        """,
    )


def test_search_positional_form_and_partition_load():
    assert_migrates(
        """
        from pymilvus import connections, Collection
        connections.connect(uri="demo.db")
        col = Collection("docs")
        col.load(partition_names=["p1"])
        res = col.search([q], "vector", {"metric_type": "L2"}, 10, "id > 0", ["p1"])
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri="demo.db")
        client.load_partitions(collection_name="docs", partition_names=["p1"])
        res = client.search(
            collection_name="docs",
            data=[q],
            anns_field="vector",
            search_params={"metric_type": "L2"},
            limit=10,
            filter="id > 0",
            partition_names=["p1"],
        )
        """,
    )


def test_existing_collection_statement_goes_and_its_comment_moves_down():
    assert_migrates(
        """
        from pymilvus import connections, Collection
        connections.connect(uri="demo.db")
        # the collection made by ingest.py
        col = Collection("docs")
        print(col.num_entities, col.name)
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri="demo.db")
        # the collection made by ingest.py
        print(client.get_collection_stats(collection_name="docs")["row_count"], "docs")
        """,
    )


def test_inline_collection_calls():
    assert_migrates(
        """
        from pymilvus import connections, Collection
        connections.connect(uri="demo.db")
        Collection("docs").load()
        hits = Collection(name).search([q], "vector", {}, 3)
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri="demo.db")
        client.load_collection(collection_name="docs")
        hits = client.search(
            collection_name=name,
            data=[q],
            anns_field="vector",
            search_params={},
            limit=3,
        )
        """,
    )


def test_name_bound_once_is_reused_and_anything_else_is_hoisted():
    assert_migrates(
        """
        from pymilvus import connections, Collection
        connections.connect(uri="demo.db")
        NAME = "docs"
        a = Collection(NAME)
        b = Collection(config.collection_name)
        a.load()
        b.load()
        b.release()
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri="demo.db")
        NAME = "docs"
        b_name = config.collection_name
        client.load_collection(collection_name=NAME)
        client.load_collection(collection_name=b_name)
        client.release_collection(collection_name=b_name)
        """,
    )


def test_index_params_bound_to_a_name_are_spread():
    assert_migrates(
        """
        from pymilvus import connections, Collection
        connections.connect(uri="demo.db")
        index_params = {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 128}}
        col = Collection("docs")
        col.create_index(field_name="vector", index_params=index_params, index_name="vec_idx")
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri="demo.db")
        index_params = {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 128}}
        milvus_index_params = client.prepare_index_params()
        milvus_index_params.add_index(field_name="vector", **index_params, index_name="vec_idx")
        client.create_index(collection_name="docs", index_params=milvus_index_params)
        """,
    )


def test_a_variable_bound_in_both_branches_of_an_existence_check():
    assert_migrates(
        """
        from pymilvus import connections, Collection, utility
        connections.connect(uri="demo.db")  # local file
        if utility.has_collection(NAME):
            collection = Collection(NAME)
        else:
            collection = Collection(NAME, schema)
        collection.load()
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri="demo.db")  # local file
        if client.has_collection(NAME):
            pass
        else:
            if not client.has_collection(NAME):
                client.create_collection(collection_name=NAME, schema=schema)
        client.load_collection(collection_name=NAME)
        """,
    )


class ReusedIds:
    """`id()` as CPython hands ids out, made deterministic: an id is unique only among objects
    alive at the same time, and a freed object's memory, so its id, goes to the next new
    object of its size (here: of its type).

    An object counts as freed once this table holds the only reference to it.
    """

    def __init__(self):
        self.objects: dict[int, object] = {}  # fake id -> the live object
        self.keys: dict[int, int] = {}  # real id of a live object -> its fake id
        self.free: dict[int, type] = {}  # fake id of a freed object -> its type
        self.count = 0

    def __call__(self, obj) -> int:
        if (key := self.keys.get(id(obj))) is not None:
            return key
        for k in list(self.objects):
            if sys.getrefcount(self.objects[k]) == 2:  # the dict's reference and the argument
                del self.keys[id(self.objects[k])]
                self.free[k] = type(self.objects.pop(k))
        reusable = [k for k, kind in self.free.items() if kind is type(obj)]
        if reusable:
            key = min(reusable)
            del self.free[key]
        else:
            key, self.count = self.count, self.count + 1
        self.objects[key], self.keys[id(obj)] = obj, key
        return key


def test_a_removed_statement_never_takes_another_statement_with_it(monkeypatch):
    """The removed `col = Collection(name)` leaves a placeholder that is dropped from its
    block. A statement built later can get the freed placeholder's id (in a real process it
    depends on what ran before: the migrated-program test failed at random in the full suite):
    it must not be dropped too. It was: here the docstring; in that test `connect(...)`, the
    call that creates the client. ReusedIds makes the reuse certain."""
    before = """
        \"\"\"Load the docs collection.\"\"\"
        from pymilvus import connections, Collection

        connections.connect(uri="demo.db")


        def load(name):
            col = Collection(name)
            col.load()
        """
    expected = migrate_orm_to_client(dedent(before)).code
    assert '"""Load the docs collection."""' in expected
    monkeypatch.setattr(apply_edits, "id", ReusedIds(), raising=False)
    assert migrate_orm_to_client(dedent(before)).code == expected


def test_a_name_shadowed_where_the_collection_is_used_is_hoisted():
    assert_migrates(
        """
        from pymilvus import connections, Collection
        connections.connect(uri="demo.db")
        NAME = "docs"
        col = Collection(NAME)
        def f(NAME):
            col.load()
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri="demo.db")
        NAME = "docs"
        col_name = NAME
        def f(NAME):
            client.load_collection(collection_name=col_name)
        """,
    )


def test_schema_level_primary_and_auto_id_and_field_names_that_are_not_identifiers():
    assert_migrates(
        """
        from pymilvus import connections, Collection, CollectionSchema, FieldSchema, DataType
        connections.connect(uri="demo.db")
        fields = [FieldSchema("pk", DataType.INT64), FieldSchema("my vec", DataType.FLOAT_VECTOR, dim=2), FieldSchema("n", DataType.INT8)]
        schema = CollectionSchema(fields, primary_field="pk", auto_id=True)
        col = Collection(f"docs_{suffix}", schema)
        col.insert([[[0.1, 0.2], [0.3, 0.4]], [1, 2]])
        """,
        """
        from pymilvus import MilvusClient, CollectionSchema, FieldSchema, DataType
        client = MilvusClient(uri="demo.db")
        fields = [FieldSchema("pk", DataType.INT64), FieldSchema("my vec", DataType.FLOAT_VECTOR, dim=2), FieldSchema("n", DataType.INT8)]
        schema = CollectionSchema(fields, primary_field="pk", auto_id=True)
        col_name = f"docs_{suffix}"
        if not client.has_collection(col_name):
            client.create_collection(collection_name=col_name, schema=schema)
        client.insert(
            collection_name=col_name,
            data=[
                dict(zip(["my vec", "n"], row))
                for row in zip([[0.1, 0.2], [0.3, 0.4]], [1, 2])
            ],
        )
        """,
    )


def test_a_schema_edited_after_the_fact_blocks_column_inserts():
    assert_untouched(
        """
        from pymilvus import connections, Collection, CollectionSchema, FieldSchema, DataType
        connections.connect(uri="demo.db")
        fields = [FieldSchema("id", DataType.INT64, is_primary=True)]
        fields.append(FieldSchema("v", DataType.FLOAT_VECTOR, dim=2))
        col = Collection("docs", CollectionSchema(fields))
        col.insert([ids, vectors])
        """,
        "the field list `fields` is changed or used beyond call arguments",
    )


# --- scopes -----------------------------------------------------------------------------------


def test_connect_and_uses_in_one_function_stay_local():
    assert_migrates(
        """
        from pymilvus import connections, Collection

        def main():
            connections.connect(uri="demo.db")
            col = Collection("docs")
            col.load()
            connections.disconnect("default")
        """,
        """
        from pymilvus import MilvusClient

        def main():
            client = MilvusClient(uri="demo.db")
            client.load_collection(collection_name="docs")
            client.close()
        """,
    )


def test_connect_in_a_helper_makes_the_client_global():
    assert_migrates(
        """
        from pymilvus import connections, utility

        def connect():
            connections.connect(host=HOST, port=PORT)

        def reset(name):
            if utility.has_collection(name):
                utility.drop_collection(name)
        """,
        """
        from pymilvus import MilvusClient

        def connect():
            global client
            client = MilvusClient(uri=f"http://{HOST}:{PORT}")

        def reset(name):
            if client.has_collection(name):
                client.drop_collection(name)
        """,
    )


# --- aliases ----------------------------------------------------------------------------------


def test_aliases_and_module_imports_are_resolved():
    assert_migrates(
        """
        import pymilvus as pm
        from pymilvus import Collection as C, connections as conn
        from pymilvus.orm import utility as u

        conn.connect(uri="demo.db")
        if not u.has_collection("docs"):
            pm.Collection("docs", pm.CollectionSchema(fields))
        col = C("docs")
        col.load()
        """,
        """
        import pymilvus as pm
        from pymilvus import MilvusClient

        client = MilvusClient(uri="demo.db")
        if not client.has_collection("docs"):
            if not client.has_collection("docs"):
                client.create_collection(
                    collection_name="docs",
                    schema=pm.CollectionSchema(fields),
                )
        client.load_collection(collection_name="docs")
        """,
    )


def test_top_level_utility_exports_migrate_and_timestamp_helpers_stay():
    assert_migrates(
        """
        from pymilvus import connections, has_collection, utility
        connections.connect(uri="demo.db")
        if has_collection("docs"):
            ts = utility.mkts_from_unixtime(1700000000)
        """,
        """
        from pymilvus import MilvusClient, utility
        client = MilvusClient(uri="demo.db")
        if client.has_collection("docs"):
            ts = utility.mkts_from_unixtime(1700000000)
        """,
    )


# --- what is left alone -----------------------------------------------------------------------


def test_a_collection_passed_to_a_function_is_left_whole():
    result = assert_untouched(
        """
        from pymilvus import connections, Collection
        connections.connect(uri="demo.db")
        col = Collection("docs")
        col.load()
        run_benchmark(col)
        """,
        "collection `col` not migrated: `col` is used as a value",
    )
    lines = sorted(line for line, _ in result.remaining)
    assert lines == [3, 4, 5, 6]  # the connection, the collection and each of its statements


def test_partial_migration_keeps_the_orm_connection_and_never_half_migrates():
    before = """
        from pymilvus import connections, Collection, utility
        connections.connect(uri="demo.db")
        good = Collection("good")
        good.load()
        bad = Collection("bad")
        mr = bad.insert(rows)
        print(mr.primary_keys)
        utility.has_collection("good")
        connections.disconnect("default")
        """
    result = assert_migrates(
        before,
        """
        from pymilvus import MilvusClient, connections, Collection
        connections.connect(uri="demo.db")
        client = MilvusClient(uri="demo.db")
        client.load_collection(collection_name="good")
        bad = Collection("bad")
        mr = bad.insert(rows)
        print(mr.primary_keys)
        client.has_collection("good")
        connections.disconnect("default")
        client.close()
        """,
    )
    messages = dict(result.remaining)
    assert "the result of `.insert(...)` is used" in messages[7]
    assert "kept" in messages[3]


def test_unmigratable_calls_are_reported_with_reasons():
    assert_untouched(
        """
        from pymilvus import connections, Collection
        connections.connect(uri="demo.db")
        col = Collection("docs")
        col.create_index("vector", build_params())
        """,
        "the index params are not a dict literal",
    )
    assert_untouched(
        """
        from pymilvus import connections, Collection
        connections.connect(uri="demo.db")
        col = Collection("docs")
        col.insert([ids, vectors])
        """,
        "column data needs the schema's field order",
    )
    assert_untouched(
        """
        from pymilvus import connections, Collection
        connections.connect(uri="demo.db")
        col = Collection("docs")
        col.search([q], "vector", {}, 10, filter="id > 0")
        """,
        "argument `filter` has no mapping",
    )
    assert_untouched(
        SCHEMA
        + """
    col = Collection("docs", schema)
    col.insert([ids, texts, vectors])
    """,
        "3 columns for 2 fields (text, vector)",
    )


def test_a_statement_with_orm_code_that_stays_is_not_touched_at_all():
    # `f"{col.num_entities}"` would need new string literals inside the f-string's quotes, so
    # `col` stays; the utility call on the same line then stays too, though it alone could go.
    result = assert_untouched(
        """
        from pymilvus import connections, Collection, utility
        connections.connect(uri="demo.db")
        col = Collection("docs")
        print(f"{col.num_entities} rows in {utility.list_collections()}")
        """,
        "collection `col` not migrated: `col.num_entities` is inside an f-string",
        "`utility.list_collections(...)` not migrated: it shares a statement with ORM code",
    )
    assert sorted({line for line, _ in result.remaining}) == [3, 4, 5]
    # Utility calls alone in an f-string are fine: they bring no new string literal.
    assert_migrates(
        """
        from pymilvus import connections, utility
        connections.connect(uri="demo.db")
        print(f"{utility.list_collections()}")
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri="demo.db")
        print(f"{client.list_collections()}")
        """,
    )


def test_no_connect_or_several_connects_leave_everything():
    assert_untouched(
        """
        from pymilvus import Collection
        col = Collection("docs")
        col.load()
        """,
        "no `connections.connect(...)` in this module",
    )
    assert_untouched(
        """
        from pymilvus import connections, utility
        try:
            connections.connect(uri=PRIMARY)
        except Exception:
            connections.connect(uri=FALLBACK)
        utility.list_collections()
        """,
        "several `connections.connect(...)` calls (lines 4, 6)",
    )
    assert_untouched(
        """
        from pymilvus import connections, utility
        connections.connect(**settings)
        utility.list_collections()
        """,
        "star arguments",
    )


def test_other_connections_and_stored_collections_are_left():
    assert_untouched(
        """
        from pymilvus import connections, utility
        connections.connect(uri="demo.db")
        utility.has_collection("docs", using="other")
        """,
        "`using=` names a connection other than the migrated one",
    )
    assert_untouched(
        """
        from pymilvus import connections, Collection
        connections.connect(uri="demo.db")

        class Store:
            def __init__(self):
                self.col = Collection("docs")
        """,
        "the Collection object is used in a way this codemod cannot follow",
    )


def test_a_blocked_collection_lists_every_statement_it_keeps():
    result = assert_untouched(
        """
        from pymilvus import connections, Collection
        connections.connect(uri="demo.db")
        col = Collection("docs", schema)
        col.insert([vectors])
        print(col.insert([vectors]).primary_keys)
        col.load()
        """,
        "the result of `.insert(...)` is used",
    )
    assert sorted(line for line, _ in result.remaining) == [3, 4, 5, 6, 7]


def test_a_local_milvus_client_name_blocks_the_migration():
    assert_untouched(
        """
        from mylib import MilvusClient
        from pymilvus import connections, utility
        connections.connect(uri="demo.db")
        utility.list_collections()
        """,
        "`MilvusClient` names something else in this module",
    )


def test_output_that_python_would_reject_is_never_returned():
    # ORM calls before the connect in the same function: `global client` would come too late.
    assert_untouched(
        """
        from pymilvus import connections, utility
        def setup():
            utility.has_collection("docs")
            connections.connect(uri="demo.db")
        def names():
            return utility.list_collections()
        """,
        "would not compile (name 'client' is used prior to global declaration)",
    )


def test_code_that_does_not_use_pymilvus_orm_comes_back_byte_identical():
    source = """
        import json
        from elasticsearch import Elasticsearch
        from pymilvus import MilvusClient

        class Collection:
            def search(self, q): ...

        es = Elasticsearch()
        es.search(index="docs", query={"match_all": {}})
        col = Collection()
        col.search("q")
        client = MilvusClient("demo.db")
        data = json.load(open("x.json"))
        """
    result = assert_untouched(source)
    assert result.remaining == []


def test_syntax_errors_come_back_unchanged():
    source = "from pymilvus import connections\nconnections.connect(\n"
    result = migrate_orm_to_client(source)
    assert result.code == source
    assert result.remaining and "syntax error" in result.remaining[0][1]


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(hypothesmith.from_grammar())
def test_random_programs_never_raise_and_come_back_unchanged(source):
    result = migrate_orm_to_client("from pymilvus import connections, Collection\n" + source)
    assert result.code.endswith(source)
    assert not any("internal error" in message for _, message in result.remaining)


@pytest.mark.parametrize("indent", ["    ", "  ", "\t"])
def test_indentation_of_the_module_is_kept(indent):
    source = (
        "from pymilvus import connections, Collection\n"
        "def main():\n"
        f'{indent}connections.connect(uri="demo.db")\n'
        f'{indent}col = Collection("docs")\n'
        f'{indent}col.create_index("v", {{"index_type": "FLAT", "metric_type": "L2"}})\n'
    )
    result = migrate_orm_to_client(source)
    assert result.code == (
        "from pymilvus import MilvusClient\n"
        "def main():\n"
        f'{indent}client = MilvusClient(uri="demo.db")\n'
        f"{indent}index_params = client.prepare_index_params()\n"
        f'{indent}index_params.add_index(field_name="v", index_type="FLAT", metric_type="L2")\n'
        f'{indent}client.create_index(collection_name="docs", index_params=index_params)\n'
    )


SEED = """\
from pymilvus import connections, Collection, FieldSchema, CollectionSchema, DataType, utility

connections.connect(host="localhost", port="19530")
fields = [
    FieldSchema(name="id", dtype=DataType.INT64, is_primary=True, auto_id=True),
    FieldSchema(name="text", dtype=DataType.VARCHAR, max_length=65535),
    FieldSchema(name="embedding", dtype=DataType.FLOAT_VECTOR, dim=1536),
]
schema = CollectionSchema(fields, description="Document embeddings")
if utility.has_collection("documents"):
    utility.drop_collection("documents")
collection = Collection("documents", schema)
collection.create_partition("2026_q1")
data = [texts, embeddings]
collection.insert(data, partition_name="2026_q1")
collection.create_index(
    "embedding",
    {
        "index_type": "HNSW",  # Best for recall
        "metric_type": "COSINE",
        "params": {"M": 16, "efConstruction": 256}
    }
)
collection.load()
results = collection.search(
    data=[query_embedding],
    anns_field="embedding",
    param={"metric_type": "COSINE", "params": {"ef": 128}},
    limit=10,
    expr="category == 'api'",
    consistency_level="Strong",  # Or "Eventually" for speed
)
print(collection.num_entities)
collection.release()
connections.disconnect("default")
"""
WRAPPERS = {
    "module": lambda src: src,
    "function": lambda src: "def main():\n" + indent(src, "    "),
    "if-block": lambda src: "if RUN:\n" + indent(src, "  "),
    "method": lambda src: "class Job:\n    def run(self):\n" + indent(src, "        "),
    "tabs": lambda src: "def main():\n" + indent(src, "\t"),
}


@pytest.mark.parametrize("wrap", list(WRAPPERS.values()), ids=list(WRAPPERS))
def test_the_seed_pattern_migrates_the_same_at_any_depth(wrap):
    result = migrate(wrap(SEED))
    compile(result.code, "<migrated>", "exec")
    assert result.remaining == []
    assert len(result.migrated) == len(migrate(SEED).migrated) == 12
    for orm_name in ("connections", "Collection(", "utility"):
        assert orm_name not in result.code
    assert "# Best for recall" in result.code and '# Or "Eventually" for speed' in result.code
