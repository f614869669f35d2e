"""Synthetic pymilvus code for the benchmark: generated here, never copied from anywhere.

    python bench/corpus.py OUT_DIR [--files 300] [--seed 7]   # a project tree
    python bench/corpus.py --clean [--lines 600]              # one file without findings
    python bench/corpus.py --fixable 100 --lines 50000        # one file full of fixable findings

The tree mixes what a real repository holds: MilvusClient applications, ORM scripts, async
services, a few files with the mistakes the checker exists for, code that names another
library's `Collection`, and plain Python that never mentions Milvus (about a third). Files
run from a few dozen to about nine hundred lines. Everything is built from templates with
names, dimensions, metrics and index types drawn from a seeded generator, so the same seed
gives the same bytes.
"""

from __future__ import annotations

import argparse
import random
import sys
import textwrap
from pathlib import Path

ENTITIES = (
    "document", "article", "product", "image", "ticket", "review", "passage", "song",
    "recipe", "paper", "listing", "message", "chunk", "patent", "video", "invoice",
)  # fmt: skip
TEXT_FIELDS = ("text", "title", "body", "summary", "caption", "content", "description")
DIMS = (128, 256, 384, 512, 768, 1024, 1536)
METRICS = ("COSINE", "IP", "L2")
PACKAGES = ("search", "ingest", "api", "retrieval", "jobs", "utils", "services", "pipelines")

# Share of each kind of file in a tree; the rest is plain Python.
KINDS = (("client", 0.33), ("orm", 0.12), ("async", 0.10), ("mistakes", 0.05), ("other", 0.05))


def _code(template: str, /, **names) -> str:
    return textwrap.dedent(template).strip("\n").format(**names) + "\n"


class Names:
    """The identifiers one file uses, drawn once so that its functions agree."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.entity = rng.choice(ENTITIES)
        self.text = rng.choice(TEXT_FIELDS)
        self.dim = rng.choice(DIMS)
        self.metric = rng.choice(METRICS)
        self.maxlen = rng.choice((256, 512, 1024, 2048, 8192))
        self.const = f"{self.entity.upper()}_COLLECTION"
        self.collection = f"{self.entity}s_{rng.randrange(1, 99)}"

    def fields(self) -> dict:
        return dict(
            entity=self.entity,
            Entity=self.entity.title(),
            text=self.text,
            dim=self.dim,
            metric=self.metric,
            maxlen=self.maxlen,
            const=self.const,
            collection=self.collection,
            ef=self.rng.choice((64, 128, 200, 256)),
            m=self.rng.choice((8, 16, 32)),
            efc=self.rng.choice((128, 200, 256, 360)),
            nlist=self.rng.choice((128, 256, 1024)),
            nprobe=self.rng.choice((8, 16, 32)),
            batch=self.rng.choice((128, 256, 500, 1000)),
            n=self.rng.randrange(2, 9),
        )


# --- Plain Python, the bulk of any project ----------------------------------------------------


def plain_helpers(rng: random.Random, index: int) -> str:
    """One of several helper shapes: dataclasses, text utilities, retries, maths, config."""
    name = rng.choice(ENTITIES)
    n = rng.randrange(2, 12)
    shapes = [
        f'''
        @dataclass
        class {name.title()}Record{index}:
            """A {name} as it comes from the upstream export."""

            id: int
            title: str
            tags: list[str] = field(default_factory=list)
            score: float = 0.0
            source: str | None = None

            def key(self) -> str:
                return f"{{self.id}}:{{self.title.lower()}}"

            def merge(self, other: "{name.title()}Record{index}") -> "{name.title()}Record{index}":
                tags = sorted(set(self.tags) | set(other.tags))
                return {name.title()}Record{index}(self.id, self.title, tags, max(self.score, other.score))
        ''',
        f'''
        def chunk_text_{index}(text: str, size: int = {n * 100}, overlap: int = {n * 10}) -> list[str]:
            """Split text into overlapping windows of about `size` characters."""
            if size <= overlap:
                raise ValueError("size must exceed overlap")
            words = text.split()
            chunks, current, length = [], [], 0
            for word in words:
                if length + len(word) + 1 > size and current:
                    chunks.append(" ".join(current))
                    keep = max(0, len(current) - {n})
                    current = current[keep:]
                    length = sum(len(w) + 1 for w in current)
                current.append(word)
                length += len(word) + 1
            if current:
                chunks.append(" ".join(current))
            return chunks
        ''',
        f'''
        def retry_{index}(attempts: int = {n}, delay: float = 0.{n}):
            """Retry a flaky call with exponential backoff."""

            def decorate(func):
                @functools.wraps(func)
                def wrapper(*args, **kwargs):
                    wait = delay
                    for attempt in range(attempts):
                        try:
                            return func(*args, **kwargs)
                        except (ConnectionError, TimeoutError) as exc:
                            if attempt == attempts - 1:
                                raise
                            logger.warning("retrying %s after %s", func.__name__, exc)
                            time.sleep(wait)
                            wait *= 2
                    return None

                return wrapper

            return decorate
        ''',
        f'''
        def normalize_{index}(vector: list[float]) -> list[float]:
            """Scale a vector to unit length (zero vectors stay zero)."""
            norm = math.sqrt(sum(x * x for x in vector))
            if norm == 0:
                return list(vector)
            return [x / norm for x in vector]


        def cosine_{index}(a: list[float], b: list[float]) -> float:
            if len(a) != len(b):
                raise ValueError(f"dimension mismatch: {{len(a)}} != {{len(b)}}")
            dot = sum(x * y for x, y in zip(a, b))
            return dot / ((math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))) or 1.0)
        ''',
        f'''
        def load_settings_{index}(path: str | None = None) -> dict:
            """Settings from a JSON file, then the environment."""
            settings = {{"batch_size": {n * 64}, "workers": {n}, "log_level": "INFO"}}
            if path and os.path.exists(path):
                with open(path, encoding="utf-8") as handle:
                    settings.update(json.load(handle))
            for key in list(settings):
                value = os.environ.get(f"APP_{{key.upper()}}")
                if value is not None:
                    settings[key] = type(settings[key])(value)
            return settings
        ''',
        f'''
        class LruCache{index}:
            """A small least-recently-used cache for embeddings."""

            def __init__(self, capacity: int = {n * 128}):
                self.capacity = capacity
                self.items: dict[str, list[float]] = {{}}
                self.order: list[str] = []

            def get(self, key: str) -> list[float] | None:
                if key not in self.items:
                    return None
                self.order.remove(key)
                self.order.append(key)
                return self.items[key]

            def put(self, key: str, value: list[float]) -> None:
                if key in self.items:
                    self.order.remove(key)
                elif len(self.items) >= self.capacity:
                    oldest = self.order.pop(0)
                    del self.items[oldest]
                self.items[key] = value
                self.order.append(key)
        ''',
        f'''
        def summarize_{index}(rows: list[dict], key: str = "category") -> dict[str, dict]:
            """Count, mean score and top titles per group."""
            groups: dict[str, list[dict]] = {{}}
            for row in rows:
                groups.setdefault(str(row.get(key, "unknown")), []).append(row)
            summary = {{}}
            for group, members in sorted(groups.items()):
                scores = [float(m.get("score", 0.0)) for m in members]
                summary[group] = {{
                    "count": len(members),
                    "mean": sum(scores) / len(scores) if scores else 0.0,
                    "top": [m.get("title") for m in sorted(members, key=lambda m: -m.get("score", 0))[:{n}]],
                }}
            return summary
        ''',
        f'''
        def parse_args_{index}(argv: list[str] | None = None) -> argparse.Namespace:
            parser = argparse.ArgumentParser(description="{name} pipeline")
            parser.add_argument("input", help="a JSONL file of {name}s")
            parser.add_argument("--batch-size", type=int, default={n * 100})
            parser.add_argument("--limit", type=int, default={n * 5})
            parser.add_argument("--dry-run", action="store_true")
            parser.add_argument("--verbose", "-v", action="count", default=0)
            return parser.parse_args(argv)


        def read_jsonl_{index}(path: str) -> list[dict]:
            rows = []
            with open(path, encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    line = line.strip()
                    if not line or line.startswith("#"):
                        continue
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        logger.error("line %d: %s", number, exc)
            return rows
        ''',
    ]
    return textwrap.dedent(rng.choice(shapes)).strip("\n") + "\n\n\n"


PLAIN_HEADER = '''
"""{doc}"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import math
import os
import time
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

'''


def plain_module(rng: random.Random, lines: int) -> str:
    doc = f"Helpers for the {rng.choice(ENTITIES)} pipeline."
    parts = [_code(PLAIN_HEADER, doc=doc) + "\n"]
    index = 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(plain_helpers(rng, index))
        index += 1
    return "".join(parts).rstrip("\n") + "\n"


# --- MilvusClient ------------------------------------------------------------------------------

CLIENT_HEADER = '''
"""{Entity} search on Milvus: schema, ingestion and retrieval with MilvusClient."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import math
import os
import time
from dataclasses import dataclass, field

from pymilvus import DataType, MilvusClient

logger = logging.getLogger(__name__)

{const} = "{collection}"
DIM = {dim}

'''

CLIENT_FUNCTIONS = [
    '''
    def connect_{entity}() -> MilvusClient:
        """A client for the configured Milvus deployment."""
        return MilvusClient(
            uri=os.environ.get("MILVUS_URI", "http://localhost:19530"),
            token=os.environ.get("MILVUS_TOKEN", ""),
        )
    ''',
    '''
    def create_{entity}_collection(client: MilvusClient) -> None:
        """Create the collection with an HNSW index, unless it exists."""
        if client.has_collection(collection_name={const}):
            return
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=True)
        schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)
        schema.add_field(field_name="embedding", datatype=DataType.FLOAT_VECTOR, dim=DIM)
        schema.add_field(field_name="{text}", datatype=DataType.VARCHAR, max_length={maxlen})
        schema.add_field(field_name="category", datatype=DataType.VARCHAR, max_length=64)
        index_params = client.prepare_index_params()
        index_params.add_index(
            field_name="embedding",
            index_type="HNSW",
            metric_type="{metric}",
            params={{"M": {m}, "efConstruction": {efc}}},
        )
        index_params.add_index(field_name="category", index_type="INVERTED")
        client.create_collection(
            collection_name={const},
            schema=schema,
            index_params=index_params,
        )
        logger.info("created %s", {const})
    ''',
    '''
    def insert_{entity}s(client: MilvusClient, records: list[dict], batch_size: int = {batch}) -> int:
        """Insert records in batches; returns how many rows were written."""
        rows = [
            {{
                "id": int(record["id"]),
                "embedding": record["vector"],
                "{text}": str(record.get("{text}", ""))[:{maxlen}],
                "category": record.get("category", "misc"),
            }}
            for record in records
        ]
        total = 0
        for start in range(0, len(rows), batch_size):
            result = client.insert(collection_name={const}, data=rows[start : start + batch_size])
            total += result["insert_count"]
        return total
    ''',
    '''
    def search_{entity}s(
        client: MilvusClient, vector: list[float], limit: int = 10, category: str | None = None
    ) -> list[dict]:
        """The nearest {entity}s to a query vector, optionally within one category."""
        expression = f'category == "{{category}}"' if category else ""
        results = client.search(
            collection_name={const},
            data=[vector],
            filter=expression,
            limit=limit,
            output_fields=["{text}", "category"],
            search_params={{"metric_type": "{metric}", "params": {{"ef": {ef}}}}},
        )
        return [
            {{"id": hit["id"], "score": hit["distance"], **hit["entity"]}} for hit in results[0]
        ]
    ''',
    """
    def {entity}s_by_category(client: MilvusClient, category: str, limit: int = 100) -> list[dict]:
        return client.query(
            collection_name={const},
            filter=f'category == "{{category}}"',
            output_fields=["id", "{text}"],
            limit=limit,
        )
    """,
    """
    def get_{entity}s(client: MilvusClient, ids: list[int]) -> list[dict]:
        if not ids:
            return []
        return client.get(collection_name={const}, ids=ids, output_fields=["{text}", "category"])
    """,
    """
    def delete_{entity}s(client: MilvusClient, ids: list[int]) -> int:
        result = client.delete(collection_name={const}, ids=ids)
        return result["delete_count"]
    """,
    '''
    def upsert_{entity}(client: MilvusClient, record: dict) -> None:
        """Replace one {entity} by id."""
        client.upsert(
            collection_name={const},
            data=[
                {{
                    "id": record["id"],
                    "embedding": record["vector"],
                    "{text}": record["{text}"],
                    "category": record.get("category", "misc"),
                }}
            ],
        )
    ''',
    """
    def count_{entity}s(client: MilvusClient) -> int:
        rows = client.query(collection_name={const}, filter="", output_fields=["count(*)"])
        return rows[0]["count(*)"]
    """,
    '''
    class {Entity}Store:
        """Everything the application does with the {entity} collection."""

        def __init__(self, uri: str, token: str = ""):
            self.client = MilvusClient(uri=uri, token=token)

        def search(self, vector: list[float], limit: int = 5) -> list[list[dict]]:
            return self.client.search(
                collection_name={const},
                data=[vector],
                limit=limit,
                output_fields=["{text}"],
                search_params={{"params": {{"ef": {ef}}}}},
            )

        def recent(self, since_id: int, limit: int = 50) -> list[dict]:
            return self.client.query(
                collection_name={const}, filter=f"id > {{since_id}}", limit=limit
            )

        def stats(self) -> dict:
            return self.client.get_collection_stats(collection_name={const})

        def close(self) -> None:
            self.client.close()
    ''',
]

CLIENT_MAIN = """
def main() -> None:
    client = connect_{entity}()
    try:
        create_{entity}_collection(client)
        records = [
            {{"id": i, "vector": [math.sin(i + j) for j in range(DIM)], "{text}": f"{entity} {{i}}"}}
            for i in range({n} * 100)
        ]
        logger.info("inserted %d", insert_{entity}s(client, records))
        for hit in search_{entity}s(client, records[0]["vector"], limit=5):
            print(hit["id"], round(hit["score"], 3))
    finally:
        client.close()


if __name__ == "__main__":
    main()
"""


def client_module(rng: random.Random, lines: int) -> str:
    names = Names(rng)
    fields = names.fields()
    parts = [_code(CLIENT_HEADER, **fields) + "\n"]
    milvus = list(CLIENT_FUNCTIONS)
    index = 0
    while sum(p.count("\n") for p in parts) < lines - 20:
        if milvus and (rng.random() < 0.6 or index > 12):
            parts.append(_code(milvus.pop(0), **fields) + "\n\n")
        else:
            parts.append(plain_helpers(rng, index))
            index += 1
    for template in milvus[:1]:  # `connect_` is used by main
        parts.append(_code(template, **fields) + "\n\n")
    if "def connect_" in "".join(parts) and "def search_" in "".join(parts):
        parts.append(_code(CLIENT_MAIN, **fields))
    return "".join(parts).rstrip("\n") + "\n"


def clean_module(lines: int = 600, seed: int = 1) -> str:
    """A MilvusClient module of about `lines` lines on which the checker finds nothing."""
    rng = random.Random(seed)
    names = Names(rng)
    fields = names.fields()
    parts = [_code(CLIENT_HEADER, **fields) + "\n"]
    parts += [_code(t, **fields) + "\n\n" for t in CLIENT_FUNCTIONS]
    index = 0
    while sum(p.count("\n") for p in parts) < lines - 20:
        parts.append(plain_helpers(rng, index))
        index += 1
    parts.append(_code(CLIENT_MAIN, **fields))
    return "".join(parts)


# --- AsyncMilvusClient -------------------------------------------------------------------------

ASYNC_MODULE = '''
"""An async {entity} service on AsyncMilvusClient."""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import logging
import math
import os
import time
from dataclasses import dataclass, field

from pymilvus import AsyncMilvusClient, DataType, MilvusClient

logger = logging.getLogger(__name__)
{const} = "{collection}"


class {Entity}Service:
    def __init__(self) -> None:
        self.client = AsyncMilvusClient(uri=os.environ.get("MILVUS_URI", "http://localhost:19530"))

    async def ensure_collection(self) -> None:
        if await self.client.has_collection({const}):
            return
        schema = MilvusClient.create_schema(auto_id=True)
        schema.add_field("pk", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim={dim})
        schema.add_field("{text}", DataType.VARCHAR, max_length={maxlen})
        index_params = MilvusClient.prepare_index_params()
        index_params.add_index("vector", index_type="IVF_FLAT", metric_type="{metric}", params={{"nlist": {nlist}}})
        await self.client.create_collection({const}, schema=schema, index_params=index_params)

    async def add(self, items: list[tuple[list[float], str]]) -> int:
        rows = [{{"vector": vector, "{text}": text}} for vector, text in items]
        result = await self.client.insert({const}, rows)
        return result["insert_count"]

    async def nearest(self, vector: list[float], limit: int = 10) -> list[dict]:
        results = await self.client.search(
            {const},
            data=[vector],
            limit=limit,
            output_fields=["{text}"],
            search_params={{"metric_type": "{metric}", "params": {{"nprobe": {nprobe}}}}},
        )
        return list(results[0])

    async def close(self) -> None:
        await self.client.close()


async def serve(queries: list[list[float]]) -> list[list[dict]]:
    service = {Entity}Service()
    try:
        await service.ensure_collection()
        return await asyncio.gather(*(service.nearest(q) for q in queries))
    finally:
        await service.close()

'''


def async_module(rng: random.Random, lines: int) -> str:
    fields = Names(rng).fields()
    parts = [_code(ASYNC_MODULE, **fields) + "\n\n"]
    index = 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(plain_helpers(rng, index))
        index += 1
    return "".join(parts).rstrip("\n") + "\n"


# --- ORM (connections / Collection) ------------------------------------------------------------

ORM_MODULE = '''
"""Load {entity}s into Milvus with the ORM API."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import math
import os
import time
from dataclasses import dataclass, field

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections, utility

logger = logging.getLogger(__name__)
{const} = "{collection}"


def get_collection() -> Collection:
    connections.connect(alias="default", uri=os.environ.get("MILVUS_URI", "http://localhost:19530"))
    if utility.has_collection({const}):
        return Collection({const})
    fields = [
        FieldSchema(name="pk", dtype=DataType.INT64, is_primary=True, auto_id=True),
        FieldSchema(name="embedding", dtype=DataType.FLOAT_VECTOR, dim={dim}),
        FieldSchema(name="{text}", dtype=DataType.VARCHAR, max_length={maxlen}),
    ]
    schema = CollectionSchema(fields, description="{entity}s")
    collection = Collection({const}, schema)
    collection.create_index(
        "embedding",
        {{"index_type": "IVF_FLAT", "metric_type": "{metric}", "params": {{"nlist": {nlist}}}}},
    )
    return collection


def ingest(collection: Collection, texts: list[str], vectors: list[list[float]]) -> None:
    for start in range(0, len(texts), {batch}):
        collection.insert([texts[start : start + {batch}], vectors[start : start + {batch}]])
    collection.flush()


def search(collection: Collection, vector: list[float], limit: int = 10) -> list:
    collection.load()
    results = collection.search(
        data=[vector],
        anns_field="embedding",
        param={{"metric_type": "{metric}", "params": {{"nprobe": {nprobe}}}}},
        limit=limit,
        output_fields=["{text}"],
    )
    return [(hit.id, hit.distance) for hit in results[0]]

'''


def orm_module(rng: random.Random, lines: int) -> str:
    fields = Names(rng).fields()
    parts = [_code(ORM_MODULE, **fields) + "\n\n"]
    index = 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(plain_helpers(rng, index))
        index += 1
    return "".join(parts).rstrip("\n") + "\n"


# --- Mistakes the checker is for, and look-alikes it must ignore --------------------------------

MISTAKES_MODULE = '''
"""A quick {entity} demo, written in a hurry."""

from pymilvus import DataType, MilvusClient

client = MilvusClient(host="localhost", port="19530")
schema = MilvusClient.create_schema(auto_id=False)
schema.add_field("id", DataType.INT64, is_primary=True)
schema.add_field("vector", DataType.FLOAT_VECTOR, dim={dim})
client.create_collection("{collection}", schema=schema)
client.insert("{collection}", [{{"id": i, "vector": [0.1] * {dim}}} for i in range(100)])
hits = client.search("{collection}", data=[[0.1] * {dim}], top_k=5, consistency_level="strong")
rows = client.query("{collection}", output_fields=["id"])
print(hits, rows)

'''

OTHER_MODULE = '''
"""A bookshelf app: its `Collection` is a set of books, nothing to do with Milvus."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import math
import os
import time
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


class Collection:
    def __init__(self, name: str):
        self.name = name
        self.books: list[str] = []

    def search(self, text: str, limit: int = 10) -> list[str]:
        return [b for b in self.books if text.lower() in b.lower()][:limit]

    def load(self, path: str) -> None:
        with open(path, encoding="utf-8") as handle:
            self.books = [line.strip() for line in handle if line.strip()]

'''


def mistakes_module(rng: random.Random, lines: int) -> str:
    return _code(MISTAKES_MODULE, **Names(rng).fields())


def other_module(rng: random.Random, lines: int) -> str:
    parts = [textwrap.dedent(OTHER_MODULE).strip("\n") + "\n\n\n"]
    index = 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(plain_helpers(rng, index))
        index += 1
    return "".join(parts).rstrip("\n") + "\n"


# --- One long module full of fixable mistakes (what --fix and --diff cost) --------------------

FIXABLE_HEADER = '''
"""Generated: {units} jobs with the mistakes the fixes exist for, among plain helpers."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import math
import os
import time
from dataclasses import dataclass, field

from pymilvus import Collection, DataType, MilvusClient, connections

logger = logging.getLogger(__name__)

'''

# Twelve findings of twelve rules per job: fixers that change one expression and fixers that
# insert or rewrite statements. --fix fixes eight of them, --unsafe-fixes ten. The filter
# `lang = "en"` names a field the schema lacks: its rewrite is refused (a step that must fail
# and stay out of the code), and MV101's migration stops at the raw ORM collection.
FIXABLE_UNIT = """
def build_{entity}s_{i}(rows: list[dict]) -> list:
    client = MilvusClient(uri="http://localhost:19530")
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", "FLOAT_VECTOR", dim={dim})
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="vector", index_type="FLAT", metric_type="{metric}")
    client.create_collection("{entity}s_{i}", schema=schema)
    client.create_index("{entity}s_{i}", index_params)
    client.insert("{entity}s_{i}", rows)
    hits = client.search("{entity}s_{i}", data=[[0.1] * {dim}], top_k=3, consistency_level="strong")
    again = client.search(
        "{entity}s_{i}", data=[0.1] * {dim}, limit=3, search_params={{"metric_type": "L2"}}
    )
    found = client.query("{entity}s_{i}", filter='lang = "en"', limit=5)
    return [hits, again, found]


def count_{entity}s_{i}(entities: list, schema) -> int:
    connections.connect(uri="http://localhost:19530")
    collection = Collection("orm_{entity}s_{i}", schema)
    collection.insert(entities)
    return collection.num_entities


def fresh_{entity}s_{i}(rows: list[dict]) -> list:
    client = MilvusClient(host="localhost", port=19530)
    client.create_collection("fresh_{entity}s_{i}", dimension={dim})
    client.insert("fresh_{entity}s_{i}", rows)
    return client.query("fresh_{entity}s_{i}", filter="id >= 0", output_fields=["count(*)"])


"""


def fixable_module(lines: int = 50_000, units: int = 100, seed: int = 1) -> str:
    """One module of about `lines` lines: `units` jobs of fixable mistakes among plain helpers."""
    rng = random.Random(seed)
    parts = [_code(FIXABLE_HEADER, units=units) + "\n"]
    job_lines = FIXABLE_UNIT.count("\n") - 1
    filler = max(0, lines - parts[0].count("\n") - units * job_lines) // max(units, 1)
    index = 0
    for i in range(units):
        names = dict(entity=rng.choice(ENTITIES), dim=rng.choice(DIMS), i=i)
        parts.append(FIXABLE_UNIT.lstrip("\n").format(metric=rng.choice(("COSINE", "IP")), **names))
        written = 0
        while written < filler:
            helper = plain_helpers(rng, index)
            parts.append(helper)
            written += helper.count("\n")
            index += 1
    return "".join(parts).rstrip("\n") + "\n"


BUILDERS = {
    "client": client_module,
    "orm": orm_module,
    "async": async_module,
    "mistakes": mistakes_module,
    "other": other_module,
    "plain": plain_module,
}


def _kind(rng: random.Random) -> str:
    roll = rng.random()
    for kind, share in KINDS:
        if roll < share:
            return kind
        roll -= share
    return "plain"


def _length(rng: random.Random) -> int:
    """Mostly modest files, a few long ones (as in real projects)."""
    return min(900, int(rng.lognormvariate(5.0, 0.6)))


def write_tree(root: Path, files: int = 300, seed: int = 7) -> list[Path]:
    """A project of `files` Python files under `root`, in a few packages; returns their paths."""
    rng = random.Random(seed)
    written = []
    for number in range(files):
        kind = _kind(rng)
        package = root / rng.choice(PACKAGES)
        if rng.random() < 0.3:
            package = package / rng.choice(PACKAGES)
        package.mkdir(parents=True, exist_ok=True)
        init = package / "__init__.py"
        if not init.exists():
            init.write_text('"""Package."""\n')
        path = package / f"{kind}_{rng.choice(ENTITIES)}_{number}.py"
        path.write_text(BUILDERS[kind](rng, _length(rng)), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, help="directory to fill with a project tree")
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clean", action="store_true", help="print one file without findings")
    parser.add_argument("--lines", type=int, default=600)
    parser.add_argument(
        "--fixable",
        type=int,
        metavar="JOBS",
        help="print one module of about --lines lines holding JOBS jobs of fixable mistakes",
    )
    args = parser.parse_args(argv)
    if args.fixable is not None:
        sys.stdout.write(fixable_module(args.lines, args.fixable, args.seed))
        return 0
    if args.clean:
        sys.stdout.write(clean_module(args.lines, args.seed))
        return 0
    if args.out is None:
        parser.error("give OUT_DIR or --clean")
    paths = write_tree(args.out, args.files, args.seed)
    print(f"{len(paths)} files, {sum(p.read_text().count(chr(10)) for p in paths)} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
