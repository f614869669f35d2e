"""Fixed code behaves like the hand-written correct code, on Milvus Lite.

The seed guide's pattern (ORM, adapted to Milvus Lite: a database file instead of
host/port, dimension 8, generated data) is the hand-written correct version. Each seed mistake
is introduced into it; `rewrite_source` must remove the finding, and the fixed program must run
and return the same hits as the correct one. Programs run in process with the ORM's deprecation
warnings silenced (MV101 is not what these tests are about).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import warnings

import pytest

from checks.engine import Options, check_source
from checks.fixes import rewrite_source

CORRECT = """\
import random
from pymilvus import connections, Collection, FieldSchema, CollectionSchema, DataType, utility

connections.connect(uri=DB)

fields = [
    FieldSchema(name="id", dtype=DataType.INT64, is_primary=True, auto_id=True),
    FieldSchema(name="text", dtype=DataType.VARCHAR, max_length=65535),
    FieldSchema(name="embedding", dtype=DataType.FLOAT_VECTOR, dim=8),
    FieldSchema(name="category", dtype=DataType.VARCHAR, max_length=256),
]
schema = CollectionSchema(fields, description="Document embeddings")

# Create collection with partitions
collection = Collection("documents", schema)
collection.create_partition("2026_q1")
collection.create_partition("2026_q2")

rnd = random.Random(7)
texts = [f"t{i}" for i in range(100)]
embeddings = [[rnd.random() for _ in range(8)] for _ in range(100)]
categories = ["api" if i % 2 else "doc" for i in range(100)]
query_embedding = embeddings[0]

# Bulk insert
data = [texts, embeddings, categories]
collection.insert(data, partition_name="2026_q1")

# Create index after the bulk insert
collection.create_index(
    "embedding",
    {
        "index_type": "HNSW",
        "metric_type": "COSINE",
        "params": {"M": 16, "efConstruction": 256},
    },
)

# MUST load collection before search
collection.load()

# Search with partition and filter
results = collection.search(
    data=[query_embedding],
    anns_field="embedding",
    param={"metric_type": "COSINE", "params": {"ef": 128}},
    limit=10,
    expr="category == 'api'",
    partition_names=["2026_q1"],
    output_fields=["text"],
    consistency_level="Strong",
)
HITS = [(hit.entity.get("text"), round(hit.distance, 5)) for hit in results[0]]

# Release when done
collection.release()
connections.disconnect("default")
"""


def _introduce(old: str, new: str) -> str:
    assert CORRECT.count(old) == 1, old
    return CORRECT.replace(old, new)


def _index_before_insert() -> str:
    start = CORRECT.index("# Create index after")
    end = CORRECT.index("# MUST load")
    index = CORRECT[start:end]
    program = CORRECT.replace(index, "")
    return program.replace("rnd = random.Random(7)", index + "rnd = random.Random(7)")


def _flat_index() -> str:
    program = _introduce('"index_type": "HNSW"', '"index_type": "FLAT"')
    program = program.replace('"params": {"M": 16, "efConstruction": 256}', '"params": {}')
    return program.replace('"params": {"ef": 128}', '"params": {}')


# (rule, edition, unsafe, the mistaken program)
MISTAKES = {
    "MV001": ("MV001", "2026.11", False, _introduce("collection.load()\n", "")),
    "MV002": ("MV002", "2026.01", False, _index_before_insert()),
    "MV003": ("MV003", "2026.11", True, _flat_index()),
    "MV004": (
        "MV004",
        "2026.11",
        False,
        _introduce('consistency_level="Strong"', 'consistency_level="Eventually"'),
    ),
    # Not a seed mistake, but a silent one: the ORM ignores `filter=` and returns unfiltered hits.
    "MV102": (
        "MV102",
        "2026.11",
        False,
        _introduce("expr=\"category == 'api'\"", "filter=\"category == 'api'\""),
    ),
    "MV103": (
        "MV103",
        "2026.11",
        False,
        _introduce('param={"metric_type": "COSINE"', 'param={"metric_type": "L2"'),
    ),
    "MV104": (
        "MV104",
        "2026.11",
        False,
        _introduce('"params": {"ef": 128}', '"params": {"ef": 5}'),
    ),
    "MV007": (
        "MV007",
        "2026.11",
        False,
        _introduce('consistency_level="Strong"', 'consistency_level="strong"'),
    ),
}


def run(program: str, tmp_path, *, deprecations: str = "ignore") -> list[tuple[str, float]]:
    """Execute a program on a fresh Milvus Lite file; return its HITS.

    `deprecations="error"` turns PyMilvusDeprecationWarning (a FutureWarning) into an error.
    """
    db = tmp_path / f"run{len(list(tmp_path.iterdir()))}.db"
    namespace = {"DB": str(db), "__name__": "__seed__"}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter(deprecations, FutureWarning)
            exec(compile(program, "<seed>", "exec"), namespace)
    finally:
        with contextlib.suppress(Exception):
            from pymilvus import connections

            connections.disconnect("default")
        with contextlib.suppress(ImportError, AttributeError):
            from milvus_lite.server_manager import server_manager_instance

            server_manager_instance.release_server(str(db))
    return namespace["HITS"]


@pytest.fixture(scope="module")
def expected(tmp_path_factory):
    hits = run(CORRECT, tmp_path_factory.mktemp("correct"))
    assert len(hits) == 10 and all(text for text, _ in hits)
    return hits


def test_correct_version_is_left_alone():
    for edition in ("2026.01", "2026.11"):
        result = rewrite_source(CORRECT, Options(edition=edition))
        assert result.code == CORRECT and result.applied == []


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_fixed_mistake_behaves_like_the_correct_version(mistake, expected, tmp_path):
    code, edition, unsafe, program = MISTAKES[mistake]
    options = Options(edition=edition)
    assert code in {d.code for d in check_source(program, options).diagnostics}

    result = rewrite_source(program, options, unsafe=unsafe)

    assert code in {fix.code for fix in result.applied}
    assert code not in {d.code for d in result.remaining}
    assert run(result.code, tmp_path) == expected


@pytest.mark.parametrize("mistake", ["MV102", "MV103"])
def test_silent_mistake_really_changes_results(mistake, expected, tmp_path):
    """Unfixed, these run on Milvus Lite but return other hits (the ORM drops `filter=`; Lite
    searches with the wrong metric where a server would refuse): the fixes matter."""
    assert run(MISTAKES[mistake][3], tmp_path) != expected


# MV101: the ORM → MilvusClient migration (unsafe) -------------------------------------------


def test_migrated_seed_runs_without_deprecations_and_gives_the_same_hits(expected, tmp_path):
    """The seed pattern, migrated, in a fresh interpreter under -W error::FutureWarning."""
    result = rewrite_source(CORRECT, Options(), unsafe=True)
    assert "MV101" in {fix.code for fix in result.applied}
    assert result.remaining == []
    assert "connections" not in result.code and "Collection(" not in result.code
    script = tmp_path / "migrated.py"
    script.write_text(
        f"DB = {str(tmp_path / 'migrated.db')!r}\n"
        + result.code
        + "import json\nprint(json.dumps(HITS))\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error::FutureWarning", str(script)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert [tuple(hit) for hit in json.loads(done.stdout.splitlines()[-1])] == expected


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_every_fix_then_migration_gives_the_same_hits(mistake, expected, tmp_path):
    """Each mistake, fixed with the unsafe fixes too (so migrated to MilvusClient)."""
    code, edition, _, program = MISTAKES[mistake]
    result = rewrite_source(program, Options(edition=edition), unsafe=True)
    assert code not in {d.code for d in result.remaining}
    migrated = edition == "2026.11"  # MV101 belongs to the current edition
    assert migrated == ("MV101" in {fix.code for fix in result.applied})
    deprecations = "error" if migrated else "ignore"
    assert run(result.code, tmp_path, deprecations=deprecations) == expected
