"""MV153 async-client-outside-loop: AsyncMilvusClient built where no event loop runs.

pymilvus 2.6.4 keyed async connections by the running event loop (pymilvus#3095) and looked the
loop up when the client is built: at import time there is none, and the constructor raises
(RuntimeError "no running event loop" on 2.6.4, ConnectionConfigException from 2.6.5 on,
pymilvus#3099). pymilvus 2.6.10 defers the connection to the first call, as 3.0 does.

The releases are fetched as wheels (`pip download --no-deps`, cached under .cache/) and run on
this interpreter, which has their dependencies; nothing is installed.
"""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.evidence.conftest import REPO_ROOT, RESULT_MARKER, SCRIPTS_DIR

pytestmark = pytest.mark.evidence
WHEELS = REPO_ROOT / ".cache" / "pymilvus-wheels"
PROBE = SCRIPTS_DIR / "pymilvus26_mv153_async_client.py"


def unpacked(version: str) -> Path:
    target = WHEELS / f"pymilvus-{version}"
    if (target / "pymilvus" / "__init__.py").is_file():
        return target
    WHEELS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
         f"pymilvus=={version}", "-d", str(WHEELS)],
        check=True, timeout=300,
    )  # fmt: skip
    with zipfile.ZipFile(WHEELS / f"pymilvus-{version}-py3-none-any.whl") as wheel:
        wheel.extractall(target)
    return target


def run_probe(version: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(unpacked(version))
    proc = subprocess.run(
        [sys.executable, str(PROBE)], env=env, capture_output=True, text=True, timeout=120
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(RESULT_MARKER)]
    assert proc.returncode == 0 and lines, proc.stderr[-2000:]
    result = json.loads(lines[-1][len(RESULT_MARKER) :])
    assert result["pymilvus"] == version
    return result


def test_pymilvus_269_refuses_a_client_built_at_import_time():
    result = run_probe("2.6.9")
    assert result["import_time"]["raised"]
    assert result["import_time"]["error_type"] == "ConnectionConfigException"
    assert "no running event loop" in result["import_time"]["message"]
    assert result["import_time_with_alias"] == {"raised": False}  # alias= skips the lookup
    assert result["running_loop"] == {"raised": False}  # the fix


def test_pymilvus_2610_defers_the_connection():
    result = run_probe("2.6.10")
    assert result["import_time"] == {"raised": False}
    assert result["running_loop"] == {"raised": False}
