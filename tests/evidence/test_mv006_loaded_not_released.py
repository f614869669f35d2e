"""MV006 loaded-not-released: on Milvus Lite, a script that ends without release or close loses
nothing, so the rule is silent on `MilvusClient("<file>.db")` and `connections.connect(uri=...)`.

The same script (scripts/lite_mv006_script_end.py) runs in both environments: a MilvusClient
script and an ORM script, each run three times on one database file, the middle run releasing
and closing, the others simply ending. Every run sees the rows of all earlier runs (the data is
persisted, and the file opens again at once: no lock is left), exits 0, leaves no file and no
server process behind, and prints the same warnings whether it closed or not. On Milvus Lite 3
the server lives in the script's own process; on milvus-lite 2.4.12 it is a child process that
stops when the script's lock on the file goes with the script (`python -X dev` shows a
ResourceWarning for that child in every run, closed or not: pymilvus 2.4's `close()` does not
stop it either).
"""

import json
import subprocess
import sys

import pytest

from tests.evidence.conftest import RESULT_MARKER, SCRIPTS_DIR

pytestmark = pytest.mark.evidence
SCRIPT = "lite_mv006_script_end.py"
RUNS = ("run1_open", "run2_closed", "run3_open")


def assert_nothing_is_lost_at_the_end(cases: dict) -> None:
    for kind in ("client", "orm"):
        runs = [cases[f"{kind}_{run}"]["value"] for run in RUNS]
        assert [run["rc"] for run in runs] == [0, 0, 0], runs
        assert [run["seen"] for run in runs] == [
            {"count": 10, "hits": 3},
            {"count": 20, "hits": 3},
            {"count": 30, "hits": 3},
        ]
        assert all(run["files_left"] == [] for run in runs), runs
        assert all(run["servers_left_running"] in ([], None) for run in runs), runs
        open_, closed, again = (run["warnings"] for run in runs)
        assert open_ == closed == again


def test_lite3_script_that_ends_without_close_loses_nothing(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(SCRIPTS_DIR / SCRIPT), str(tmp_path / "milvus.db")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(RESULT_MARKER)]
    assert proc.returncode == 0 and lines, proc.stderr[-2000:]
    result = json.loads(lines[-1][len(RESULT_MARKER) :])
    assert result["milvus_lite"].startswith("3.")
    assert_nothing_is_lost_at_the_end(result["cases"])
    assert all(case["value"]["warnings"] == [] for case in result["cases"].values())


def test_lite24_script_that_ends_without_close_loses_nothing(run_lite24):
    result = run_lite24(SCRIPT)
    assert_nothing_is_lost_at_the_end(result.cases)
    warnings = result.cases["client_run1_open"]["value"]["warnings"]
    assert warnings == ["ResourceWarning: subprocess N is still running"]
