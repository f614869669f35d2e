"""MV006 on Milvus Lite: what a script that ends without release or close leaves behind.

Runs in both evidence environments (pymilvus 3.0.2 + Milvus Lite 3, and pymilvus 2.4.15 +
milvus-lite 2.4.12, whose server is a child process holding a lock on the database file).
`python lite_mv006_script_end.py DB` runs this file again as a child script on DB, for a
MilvusClient and for an ORM connection, three times each: without release or close, with
`release` + `close()`/`disconnect()`, and without again. Each child inserts
ten rows, loads, counts every row and searches, then ends. Recorded per run: its exit status,
the rows it counted (those of every earlier run: persisted, and the file could be opened again),
the warnings it printed under `python -X dev` (digits masked), the files the run left next to
the database (a lock file, for instance), and the Lite server processes still running after it.
"""

import json
import re
import subprocess
import sys
import time
from pathlib import Path

DIM = 8


def child(db: str, kind: str, run: int, close: bool) -> None:
    import random

    rnd = random.Random(run)
    ids = [run * 100 + i for i in range(10)]
    vectors = [[rnd.random() for _ in range(DIM)] for _ in ids]
    if kind == "client":
        from pymilvus import MilvusClient

        client = MilvusClient(db)
        if not client.has_collection("docs"):
            client.create_collection("docs", dimension=DIM)
        rows = [{"id": i, "vector": v} for i, v in zip(ids, vectors, strict=True)]
        client.insert("docs", rows)
        client.load_collection("docs")
        rows = client.query("docs", filter="id >= 0", output_fields=["count(*)"])
        hits = client.search("docs", data=[vectors[0]], limit=3)
        count, found = rows[0]["count(*)"], len(hits[0])
        if close:
            client.release_collection("docs")
            client.close()
    else:
        from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

        connections.connect(uri=db)
        from pymilvus import utility

        if not utility.has_collection("docs"):
            fields = [
                FieldSchema("id", DataType.INT64, is_primary=True),
                FieldSchema("vector", DataType.FLOAT_VECTOR, dim=DIM),
            ]
            collection = Collection("docs", CollectionSchema(fields))
            collection.create_index("vector", {"index_type": "FLAT", "metric_type": "L2"})
        collection = Collection("docs")
        collection.insert([ids, vectors])
        collection.load()
        rows = collection.query(expr="id >= 0", output_fields=["count(*)"])
        hits = collection.search([vectors[0]], "vector", {"metric_type": "L2"}, limit=3)
        count, found = rows[0]["count(*)"], len(hits[0])
        if close:
            collection.release()
            connections.disconnect("default")
    print("CHILD " + json.dumps({"count": count, "hits": found}), flush=True)


def warnings_of(stderr: str) -> list[str]:
    """Warnings a run printed, except the ORM's deprecation notices and 2.4's pkg_resources."""
    lines = [line for line in stderr.splitlines() if "Warning" in line]
    lines = [line for line in lines if not re.search(r"Deprecation|pkg_resources", line)]
    return sorted({re.sub(r"\d+", "N", line.split(": ", 1)[-1]) for line in lines})


def still_running(stderr: str) -> list[int] | None:
    """The Lite 2.4 server processes a run left behind (its ResourceWarning names each server
    still running at exit), a few seconds after the run; None where /proc cannot tell."""
    pids = [int(pid) for pid in re.findall(r"subprocess (\d+) is still running", stderr)]
    if not Path("/proc").is_dir():
        return None
    deadline = time.monotonic() + 10
    while True:
        alive = [pid for pid in pids if _alive(pid)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped (init reaps it, in a container maybe never)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return re.search(r"^State:\s+Z", status, re.M) is None


def parent(db: str) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from _evidence import case, emit, quiet

    quiet()
    folder = Path(db).parent
    for kind in ("client", "orm"):
        path = str(folder / f"{kind}.db")
        for run, close in enumerate((False, True, False), start=1):
            before = set(folder.iterdir())
            proc = subprocess.run(
                [
                    sys.executable,
                    "-X",
                    "dev",
                    __file__,
                    path,
                    "--child",
                    kind,
                    str(run),
                    str(close),
                ],
                capture_output=True,
                text=True,
                timeout=120,
            )
            lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("CHILD ")]
            seen = json.loads(lines[-1][len("CHILD ") :]) if lines else None
            left = sorted(
                p.name for p in set(folder.iterdir()) - before if p.name != Path(path).name
            )
            outcome = {
                "rc": proc.returncode,
                "seen": seen,
                "warnings": warnings_of(proc.stderr),
                "files_left": left,
                "servers_left_running": still_running(proc.stderr),
                "stderr": proc.stderr[-600:] if proc.returncode else "",
            }
            case(f"{kind}_run{run}_{'closed' if close else 'open'}", lambda o=outcome: o)
    emit()


if __name__ == "__main__":
    if "--child" in sys.argv:
        at = sys.argv.index("--child")
        kind, run, close = sys.argv[at + 1], int(sys.argv[at + 2]), sys.argv[at + 3] == "True"
        child(sys.argv[1], kind, run, close)
    else:
        parent(sys.argv[1])
