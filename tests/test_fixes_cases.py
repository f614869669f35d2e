"""Before/after pairs for each fixer, beyond the rules' own examples: layouts, comments, and
the cases where a fixer must decline (the code then comes back unchanged, finding kept)."""

from __future__ import annotations

import textwrap

import pytest

from checks.engine import Options
from checks.fixes import rewrite_source


def fix(source: str, *, edition: str = "2026.11", unsafe: bool = False, select=()):
    options = Options(edition=edition, select=tuple(select))
    return rewrite_source(textwrap.dedent(source), options, unsafe=unsafe)


def assert_fixed(before: str, after: str, code: str, **kwargs):
    result = fix(before, **kwargs)
    assert result.code == textwrap.dedent(after)
    assert code in {a.code for a in result.applied}
    assert code not in {d.code for d in result.remaining}


def assert_declined(source: str, code: str, **kwargs):
    result = fix(source, **kwargs)
    assert code not in {a.code for a in result.applied}
    assert code in {d.code for d in result.remaining}
    if not result.applied:
        assert result.code == textwrap.dedent(source)


# MV001 ------------------------------------------------------------------------------------


def test_mv001_load_goes_before_the_comment_block_of_the_read():
    assert_fixed(
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", schema=schema)  # no index_params: not loaded

        # Search the new collection
        hits = client.search("docs", data=[[0.1] * 8], limit=3)
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", schema=schema)  # no index_params: not loaded
        client.load_collection("docs")

        # Search the new collection
        hits = client.search("docs", data=[[0.1] * 8], limit=3)
        """,
        "MV001",
        select=["MV001"],
    )


def test_mv001_read_in_a_loop_body_gets_the_load_in_that_body():
    assert_fixed(
        """
        from pymilvus import MilvusClient
        def main(queries):
            client = MilvusClient("demo.db")
            client.create_collection(collection_name="docs", schema=schema)
            for q in queries:
                print(client.query(collection_name="docs", filter=q))  # first read
        """,
        """
        from pymilvus import MilvusClient
        def main(queries):
            client = MilvusClient("demo.db")
            client.create_collection(collection_name="docs", schema=schema)
            for q in queries:
                client.load_collection("docs")
                print(client.query(collection_name="docs", filter=q))  # first read
        """,
        "MV001",
        select=["MV001"],
    )


def test_mv001_read_in_a_loop_header_gets_the_load_before_the_loop():
    assert_fixed(
        """
        from pymilvus import Collection
        col = Collection("docs", schema)
        col.create_index("vec", index_params)
        for hit in col.search([[0.1] * 8], "vec", {}, limit=3)[0]:
            print(hit.id)
        """,
        """
        from pymilvus import Collection
        col = Collection("docs", schema)
        col.create_index("vec", index_params)
        col.load()
        for hit in col.search([[0.1] * 8], "vec", {}, limit=3)[0]:
            print(hit.id)
        """,
        "MV001",
        select=["MV001"],
    )


def test_mv001_read_after_semicolon_and_in_one_line_suite():
    assert_fixed(
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", schema=schema); n = client.get("docs", ids=[1])
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", schema=schema); client.load_collection("docs"); n = client.get("docs", ids=[1])
        """,
        "MV001",
        select=["MV001"],
    )
    assert_fixed(
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", schema=schema)
        with open("out") as out: out.write(str(client.get("docs", ids=[1])))
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", schema=schema)
        with open("out") as out: client.load_collection("docs"); out.write(str(client.get("docs", ids=[1])))
        """,
        "MV001",
        select=["MV001"],
    )


def test_mv001_keeps_crlf_tabs_and_non_ascii():
    before = (
        "from pymilvus import MilvusClient\r\n"
        "def f():\r\n"
        "\tclient = MilvusClient('démo.db')\r\n"
        "\tclient.create_collection('docs', schema=schema)\r\n"
        "\treturn client.search('docs', data=[[0.1] * 8], filter='name == \"é\"')\r\n"
    )
    result = rewrite_source(before, Options(select=("MV001",)))
    assert result.code == before.replace("\treturn", "\tclient.load_collection('docs')\r\n\treturn")


def test_mv001_keeps_crlf_on_a_last_line_without_a_line_end():
    """The fixer gets only the statement holding the finding; without a line end of its own it
    still takes the file's (found by tests/test_fuzz.py)."""
    before = (
        'from pymilvus import MilvusClient\r\nclient = MilvusClient("demo.db")\r\n'
        'client.create_collection("docs", schema=schema)\r\n'
        'hits = client.search("docs", data=[[0.1] * 8], limit=3)'
    )
    result = rewrite_source(before, Options(select=("MV001",)))
    assert result.code == before.replace("hits =", 'client.load_collection("docs")\r\nhits =')


# MV002 ------------------------------------------------------------------------------------

MV002 = dict(edition="2026.01", select=["MV002"])


def test_mv002_moves_the_statement_with_its_comments():
    assert_fixed(
        """
        from pymilvus import Collection
        collection = Collection("documents", schema)

        # Index first (wrong for 2026.01)
        collection.create_index("embedding", params)  # HNSW

        # Bulk insert
        rows = load_rows()
        collection.insert(rows)
        collection.load()
        """,
        """
        from pymilvus import Collection
        collection = Collection("documents", schema)

        # Bulk insert
        rows = load_rows()
        collection.insert(rows)

        # Index first (wrong for 2026.01)
        collection.create_index("embedding", params)  # HNSW
        collection.load()
        """,
        "MV002",
        **MV002,
    )


@pytest.mark.parametrize(
    "between",
    [
        "if not rows:\n    raise SystemExit",  # may leave the block
        "params = other_params",  # what the call uses changes
        "params['nlist'] = 64",  # mutated
        "collection = other",  # the receiver is rebound
    ],
)
def test_mv002_declines_to_cross_what_it_cannot(between):
    source = (
        "from pymilvus import Collection\n"
        'collection = Collection("documents", schema)\n'
        'collection.create_index("embedding", params)\n'
        f"{between}\n"
        "collection.insert(rows)\n"
    )
    result = rewrite_source(source, Options(edition="2026.01", select=("MV002",)))
    assert result.code == source


def test_mv002_declines_across_blocks():
    assert_declined(
        """
        from pymilvus import Collection
        collection = Collection("documents", schema)
        collection.create_index("embedding", params)
        with batches() as rows:
            collection.insert(rows)
        """,
        "MV002",
        **MV002,
    )


# MV003 ------------------------------------------------------------------------------------


def test_mv003_multiline_dict_and_matching_searches():
    assert_fixed(
        """
        from pymilvus import Collection
        collection = Collection("documents", schema)
        collection.create_index(
            "embedding",
            {
                "index_type": "FLAT",
                "metric_type": "COSINE",
            },
        )
        collection.load()
        a = collection.search([q], "embedding", {"metric_type": "COSINE"}, limit=10)
        b = collection.search(
            data=[q],
            anns_field="embedding",
            param={"metric_type": "COSINE", "params": {}},
            limit=100,
            offset=5,
        )
        c = collection.search([q], "other_vector", {"metric_type": "COSINE"}, limit=10)
        d = collection.search([q], "embedding", {"metric_type": "COSINE"}, limit=n)
        """,
        """
        from pymilvus import Collection
        collection = Collection("documents", schema)
        collection.create_index(
            "embedding",
            {
                "index_type": "HNSW",
                "metric_type": "COSINE",
                "params": {"M": 16, "efConstruction": 256},
            },
        )
        collection.load()
        a = collection.search([q], "embedding", {"metric_type": "COSINE", "params": {"ef": 64}}, limit=10)
        b = collection.search(
            data=[q],
            anns_field="embedding",
            param={"metric_type": "COSINE", "params": {"ef": 105}},
            limit=100,
            offset=5,
        )
        c = collection.search([q], "other_vector", {"metric_type": "COSINE"}, limit=10)
        d = collection.search([q], "embedding", {"metric_type": "COSINE"}, limit=n)
        """,
        "MV003",
        unsafe=True,
        select=["MV003"],
    )


def test_mv003_client_searches_of_that_collection_get_ef():
    assert_fixed(
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        ip = client.prepare_index_params()
        ip.add_index(field_name="vector", index_type='FLAT', metric_type="L2", params={})
        client.create_collection("docs", schema=schema, index_params=ip)
        client.search("docs", data=[[0.1] * 8], limit=3)
        client.search("docs", data=[[0.1] * 8], limit=300, search_params={"metric_type": "L2"})
        client.search("other", data=[[0.1] * 8], limit=3)
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        ip = client.prepare_index_params()
        ip.add_index(field_name="vector", index_type='HNSW', metric_type="L2", params={"M": 16, "efConstruction": 256})
        client.create_collection("docs", schema=schema, index_params=ip)
        client.search("docs", data=[[0.1] * 8], limit=3, search_params={"params": {"ef": 64}})
        client.search("docs", data=[[0.1] * 8], limit=300, search_params={"metric_type": "L2", "params": {"ef": 300}})
        client.search("other", data=[[0.1] * 8], limit=3)
        """,
        "MV003",
        unsafe=True,
        select=["MV003"],
    )


def test_mv003_client_search_with_a_positional_filter_gets_ef_by_keyword():
    # Position 2 of MilvusClient.search is `filter`, not the ORM's `param`.
    assert_fixed(
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        ip = client.prepare_index_params()
        ip.add_index(field_name="vector", index_type="FLAT", metric_type="L2")
        client.create_index("docs", ip)
        hits = client.search("docs", [[0.1] * 8], "id > 0", 3)
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        ip = client.prepare_index_params()
        ip.add_index(field_name="vector", index_type="HNSW", metric_type="L2", params={"M": 16, "efConstruction": 256})
        client.create_index("docs", ip)
        hits = client.search("docs", [[0.1] * 8], "id > 0", 3, search_params={"params": {"ef": 64}})
        """,
        "MV003",
        unsafe=True,
        select=["MV003"],
    )


@pytest.mark.parametrize("params", ['params={"nlist": 128}', "params=build_params", "**extra"])
def test_mv003_declines_with_params_it_cannot_see_or_replace(params):
    assert_declined(
        f"""
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        ip = client.prepare_index_params()
        ip.add_index(field_name="vector", index_type="FLAT", {params})
        """,
        "MV003",
        unsafe=True,
        select=["MV003"],
    )


def test_mv003_is_unsafe():
    assert_declined(
        """
        from pymilvus import Collection
        collection = Collection("documents", schema)
        collection.create_index("embedding", {"index_type": "FLAT", "metric_type": "L2"})
        """,
        "MV003",
        select=["MV003"],
    )


# MV004, MV007 -----------------------------------------------------------------------------


def test_mv004_int_level_and_quote_style():
    assert_fixed(
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.insert('docs', rows)
        a = client.query('docs', filter='id > 0', consistency_level=3)
        b = client.search('docs', data=[[0.1] * 8], consistency_level='Bounded')
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.insert('docs', rows)
        a = client.query('docs', filter='id > 0', consistency_level="Strong")
        b = client.search('docs', data=[[0.1] * 8], consistency_level='Strong')
        """,
        "MV004",
        select=["MV004"],
    )


def test_mv007_then_mv004_reach_a_fixpoint():
    """The misspelt "eventual" becomes "Eventually", which is then a stale read: "Strong"."""
    assert_fixed(
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.insert('docs', rows)
        b = client.search('docs', data=[[0.1] * 8], consistency_level='eventual')
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.insert('docs', rows)
        b = client.search('docs', data=[[0.1] * 8], consistency_level='Strong')
        """,
        "MV007",
    )


# MV102, MV113, MV116 ----------------------------------------------------------------------


def test_mv113_keeps_comments_and_the_closing_line():
    assert_fixed(
        """
        from pymilvus import MilvusClient
        client = MilvusClient(
            host="10.0.0.5",  # the server
            port=19530
        )
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(
            uri="http://10.0.0.5:19530",  # the server
        )
        """,
        "MV113",
    )
    assert_fixed(
        """
        from pymilvus import MilvusClient
        client = MilvusClient(
            host="10.0.0.5",
            port=19530,
            token=TOKEN,
        )
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(
            uri="http://10.0.0.5:19530",
            token=TOKEN,
        )
        """,
        "MV113",
        select=["MV113"],
    )


def test_mv102_and_mv116_in_a_multiline_call_with_comments():
    assert_fixed(
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri="http://localhost:19530")
        hits = client.search(
            "docs",
            data=([0.1, 0.2]),  # one vector
            top_k=3,  # how many
            expr="id > 0",
        )
        """,
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri="http://localhost:19530")
        hits = client.search(
            "docs",
            data=([[0.1, 0.2]]),  # one vector
            limit=3,  # how many
            filter="id > 0",
        )
        """,
        "MV102",
    )
