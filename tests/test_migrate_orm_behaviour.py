"""The MV101 migration keeps behaviour: the same program, ORM and migrated, on Milvus Lite.

The seed guide's ORM pattern, adapted to run on Milvus Lite (a database file instead of
host/port, dimension 8, generated deterministic data; HNSW as in the seed), runs as written, with
its deprecation warnings. Then `migrate_orm_to_client` rewrites it, and the result runs under
`python -W error::FutureWarning`, so a single PyMilvusDeprecationWarning would crash it. Both
must print the same hits: the same ids, in the same order. Each program runs in a subprocess of
its own (a fresh interpreter and Milvus Lite instance).

The result-handling code (`hit.id`, `hit.distance`, `hit.entity.get(...)`, `hit["entity"][...]`)
is the same in both programs: the codemod leaves it alone because MilvusClient returns the same
`Hit` objects, which the last test pins down.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from checks.codemods import migrate_orm_to_client

SEED_ORM = """\
import json
import random
import sys

from pymilvus import (
    connections, Collection, FieldSchema, CollectionSchema,
    DataType, utility
)

# Connect (the seed: host="localhost", port="19530"; here a Milvus Lite file)
connections.connect(uri=sys.argv[1])

# Define schema
fields = [
    FieldSchema(name="id", dtype=DataType.INT64, is_primary=True, auto_id=True),
    FieldSchema(name="text", dtype=DataType.VARCHAR, max_length=65535),
    FieldSchema(name="embedding", dtype=DataType.FLOAT_VECTOR, dim=8),
    FieldSchema(name="category", dtype=DataType.VARCHAR, max_length=256),
]
schema = CollectionSchema(fields, description="Document embeddings")

if utility.has_collection("documents"):
    utility.drop_collection("documents")

# Create collection with partitions
collection = Collection("documents", schema)
collection.create_partition("2026_q1")
collection.create_partition("2026_q2")

rng = random.Random(2026)
texts = [f"doc {i}" for i in range(200)]
embeddings = [[rng.random() for _ in range(8)] for _ in range(200)]
categories = ["api" if i % 3 else "guide" for i in range(200)]
query_embedding = [rng.random() for _ in range(8)]

# Bulk insert BEFORE creating index
data = [texts, embeddings, categories]
collection.insert(data, partition_name="2026_q1")

# Create index AFTER bulk insert
collection.create_index(
    "embedding",
    {
        "index_type": "HNSW",  # Best for recall, or IVF_FLAT for large scale
        "metric_type": "COSINE",
        "params": {"M": 16, "efConstruction": 256}
    }
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
    output_fields=["text", "category"],
    consistency_level="Strong",  # Or "Eventually" for speed
)
hits = [
    {
        "id": hit.id,
        "distance": round(hit.distance, 5),
        "text": hit.entity.get("text"),
        "category": hit["entity"]["category"],
    }
    for hit in results[0]
]
print("RESULT " + json.dumps({"rows": collection.num_entities, "hits": hits}))

# Release when done
collection.release()
connections.disconnect("default")
"""

# The same data reached through helpers: the connection made in one function, the collection
# fetched by name in others, query/delete/num_entities, utility calls, an inline Collection.
HELPERS_ORM = """\
import json
import random
import sys

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections, utility

NAME = "notes"


def connect(uri):
    connections.connect(alias="default", uri=uri)


def create(rows):
    schema = CollectionSchema([
        FieldSchema("pk", DataType.INT64, is_primary=True),
        FieldSchema("vec", DataType.FLOAT_VECTOR, dim=8),
        FieldSchema("tag", DataType.VARCHAR, max_length=16),
    ])
    notes = Collection(NAME, schema)
    columns = [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]]
    notes.insert(columns)
    index = {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 4}}
    notes.create_index("vec", index)
    notes.load()


def nearest(query, tag):
    notes = Collection(NAME)
    found = notes.search([query], "vec", {"metric_type": "L2", "params": {"nprobe": 4}}, 5,
                         f"tag == '{tag}'", output_fields=["tag"])
    return [[hit.id, hit.entity.get("tag")] for hit in found[0]]


connect(sys.argv[1])
if utility.has_collection(NAME):
    utility.drop_collection(NAME)
rng = random.Random(7)
rows = [(i, [rng.random() for _ in range(8)], "a" if i % 2 else "b") for i in range(60)]
create(rows)
before = nearest(rows[3][1], "a")
Collection(NAME).delete("pk in [3, 5, 7]")
after = nearest(rows[3][1], "a")
counted = Collection(NAME).query("pk < 10", output_fields=["pk"], consistency_level="Strong")
print("RESULT " + json.dumps({
    "before": before,
    "after": after,
    "queried": sorted(r["pk"] for r in counted),
    "listed": NAME in utility.list_collections(),
}))
connections.disconnect("default")
"""


def run(source: str, tmp_path: Path, name: str, *warning_flags: str) -> tuple[dict, str]:
    """Run a program on a fresh Milvus Lite file; return what it printed after RESULT, stderr."""
    script = tmp_path / f"{name}.py"
    script.write_text(source)
    proc = subprocess.run(
        [sys.executable, *warning_flags, str(script), str(tmp_path / f"{name}.db")],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, f"{name} failed:\n{proc.stderr[-4000:]}"
    [line] = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    return json.loads(line.removeprefix("RESULT ")), proc.stderr


def seed_hits_are_real(result: dict) -> bool:
    """Ten 'api' hits, distinct ids, 200 rows: two equal results are not two empty ones."""
    hits = result["hits"]
    return (
        result["rows"] == 200
        and len({h["id"] for h in hits}) == 10 == len(hits)
        and {h["category"] for h in hits} == {"api"}
    )


def helper_hits_are_real(result: dict) -> bool:
    return (
        len(result["before"]) == 5
        and 3 in [pk for pk, _ in result["before"]]
        and (3 not in [pk for pk, _ in result["after"]])
    )


@pytest.mark.parametrize(
    ("program", "is_real"),
    [(SEED_ORM, seed_hits_are_real), (HELPERS_ORM, helper_hits_are_real)],
    ids=["seed-guide", "helpers"],
)
def test_migrated_program_returns_the_same_hits_without_deprecation_warnings(
    program, is_real, tmp_path
):
    orm_result, orm_stderr = run(program, tmp_path, "orm", "-W", "always::FutureWarning")
    assert "PyMilvusDeprecationWarning" in orm_stderr  # the ORM original does warn
    assert is_real(orm_result), orm_result

    migration = migrate_orm_to_client(program)
    assert migration.remaining == []
    for orm_name in ("connections", "Collection(", "utility"):
        assert orm_name not in migration.code

    client_result, client_stderr = run(
        migration.code, tmp_path, "client", "-W", "error::FutureWarning"
    )
    assert "PyMilvusDeprecationWarning" not in client_stderr
    assert client_result == orm_result


def test_client_hits_support_orm_style_access(tmp_path):
    """MilvusClient.search returns `Hit`s: attribute access (`hit.id`, `hit.distance`,
    `hit.entity.get(f)`) and dict access (`hit["entity"][f]`, `hit[<pk name>]`) both work,
    without a warning. `hit["id"]` works only when the primary key is named "id"."""
    from pymilvus import CollectionSchema, DataType, FieldSchema, MilvusClient

    db = tmp_path / "hits.db"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = MilvusClient(str(db))
        schema = CollectionSchema(
            [
                FieldSchema("pk", DataType.INT64, is_primary=True),
                FieldSchema("vec", DataType.FLOAT_VECTOR, dim=4),
                FieldSchema("text", DataType.VARCHAR, max_length=16),
            ]
        )
        client.create_collection("docs", schema=schema)
        client.insert(
            "docs", [{"pk": i, "vec": [i, 1.0, 0.5, 0.1], "text": f"t{i}"} for i in range(5)]
        )
        index_params = client.prepare_index_params()
        index_params.add_index(field_name="vec", index_type="FLAT", metric_type="L2")
        client.create_index("docs", index_params)
        client.load_collection("docs")
        [hits] = client.search("docs", data=[[2, 1.0, 0.5, 0.1]], limit=2, output_fields=["text"])
        hit = hits[0]
        assert (hit.id, hit.distance, hit.entity.get("text")) == (2, 0.0, "t2")
        assert (hit["pk"], hit["distance"], hit["entity"]["text"]) == (2, 0.0, "t2")
        assert hit.get("text") == hit["text"] == "t2"  # fields also read straight off the hit
        assert hits.ids == [h.id for h in hits]
        with pytest.raises(KeyError):
            hit["id"]  # the dict is keyed by the primary key's own name, "pk"
        client.close()
