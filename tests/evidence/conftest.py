"""Executable evidence for the guide's rules: run the mistake, assert what really happens.

Two environments:

- pymilvus 3.x + Milvus Lite 3.x, the project's own: in process, for client-side behaviour.
  Milvus Lite 3 is a Python engine, not the server; it accepts much that the server rejects.
- pymilvus 2.4.15 + milvus-lite 2.4.12, which embeds the Milvus 2.4 server code: for server-side
  errors. milvus-lite 2.4 only works with pymilvus 2.4, so it gets a virtual environment of its
  own, built on first use at <repo>/.cache/lite24-venv (or $MILVUS_CTO_LITE24_VENV) from
  scripts/lite24-requirements.txt, and reused while it still matches. The scripts in scripts/
  run there, by subprocess, and print a JSON result that the tests assert on. Building it needs
  PyPI; without it these tests fail with the reason (they are never skipped).
"""

import contextlib
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

EVIDENCE_DIR = Path(__file__).resolve().parent
SCRIPTS_DIR = EVIDENCE_DIR / "scripts"
REPO_ROOT = EVIDENCE_DIR.parents[1]
# MILVUS_CTO_LITE24_VENV moves it elsewhere (a CI cache directory, a scratch build).
LITE24_VENV = Path(os.environ.get("MILVUS_CTO_LITE24_VENV") or REPO_ROOT / ".cache" / "lite24-venv")
LITE24_REQUIREMENTS = SCRIPTS_DIR / "lite24-requirements.txt"
LITE24_VERSIONS = {"pymilvus": "2.4.15", "milvus_lite": "2.4.12"}
STAMP_NAME = "evidence-stamp.json"  # written last: its presence means the build completed

VENV_BUILD_TIMEOUT = 900  # seconds, for `pip install` on a slow network
SCRIPT_TIMEOUT = 180  # seconds per evidence script (each takes a few seconds)
RESULT_MARKER = "EVIDENCE-RESULT "  # keep in sync with scripts/_evidence.py

_lite24_report: list[str] = []


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "evidence: executable evidence behind a rule of the guide (runs real Milvus Lite)",
    )


def pytest_terminal_summary(terminalreporter):
    for line in _lite24_report:
        terminalreporter.write_line(line)


# --- pymilvus 3.x + Milvus Lite 3.x, in process -------------------------------------------


@pytest.fixture
def client(tmp_path):
    """A MilvusClient on a fresh Milvus Lite database file."""
    from pymilvus import MilvusClient

    db = tmp_path / "evidence.db"
    milvus = MilvusClient(str(db))
    yield milvus
    milvus.close()
    _stop_lite_server(db)


@dataclass
class Docs:
    """A loaded collection with rows, for tests that only read."""

    client: object  # pymilvus.MilvusClient
    db: Path  # the Milvus Lite file, for an ORM connection to the same data
    name: str
    rows: list[dict]
    query: list[list[float]]  # one query vector, nested as search() wants it


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    """Quick setup ("id" primary key, "vector" dim 8, COSINE, loaded) with 30 rows.

    Each row also has a dynamic field "cat", "api" or "doc"; no row has cat == "none".
    """
    from pymilvus import MilvusClient

    db = tmp_path_factory.mktemp("docs") / "evidence.db"
    milvus = MilvusClient(str(db))
    rnd = random.Random(20261124)
    rows = [
        {"id": i, "vector": [rnd.random() for _ in range(8)], "cat": "api" if i % 2 else "doc"}
        for i in range(30)
    ]
    milvus.create_collection("docs", dimension=8)
    milvus.insert("docs", rows)
    yield Docs(milvus, db, "docs", rows, [[rnd.random() for _ in range(8)]])
    milvus.close()
    _stop_lite_server(db)


def _stop_lite_server(db: Path):
    """Milvus Lite 3 keeps one in-process server per .db file until exit; stop this one now."""
    with contextlib.suppress(ImportError, AttributeError):
        from milvus_lite.server_manager import server_manager_instance

        server_manager_instance.release_server(str(db))


# --- pymilvus 2.4.15 + milvus-lite 2.4.12, in their own venv ------------------------------


@dataclass
class ScriptResult:
    """What an evidence script printed: the outcome of each case, plus the run's stderr."""

    cases: dict
    versions: dict
    stderr: str

    def __getitem__(self, name: str) -> dict:
        return self.cases[name]


@pytest.fixture(scope="session")
def lite24_python() -> Path:
    """The interpreter of the Milvus Lite 2.4 venv, built on first use."""
    with _lock(LITE24_VENV.with_name(LITE24_VENV.name + ".lock")):
        if _lite24_ready():
            stamp = json.loads((LITE24_VENV / STAMP_NAME).read_text())
            _lite24_report.append(
                f"evidence: reused {LITE24_VENV} (built in {stamp['build_seconds']:.1f} s)"
            )
        else:
            seconds = _build_lite24()
            _lite24_report.append(f"evidence: built {LITE24_VENV} in {seconds:.1f} s")
    return _venv_python(LITE24_VENV)


@pytest.fixture(scope="session")
def run_lite24(lite24_python, tmp_path_factory):
    """Run scripts/<name> in the Milvus Lite 2.4 venv on a fresh database; return its result."""

    def run(script: str) -> ScriptResult:
        workdir = tmp_path_factory.mktemp(Path(script).stem)
        try:
            proc = subprocess.run(
                [str(lite24_python), str(SCRIPTS_DIR / script), str(workdir / "milvus.db")],
                cwd=workdir,
                env=_clean_env(),
                capture_output=True,
                text=True,
                timeout=SCRIPT_TIMEOUT,
            )
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"{script} did not finish within {SCRIPT_TIMEOUT} s\n{exc.stderr}")
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(RESULT_MARKER)]
        if proc.returncode != 0 or not lines:
            pytest.fail(
                f"{script} exited {proc.returncode} without a result\n"
                f"--- stdout\n{proc.stdout[-3000:]}\n--- stderr\n{proc.stderr[-3000:]}"
            )
        result = json.loads(lines[-1][len(RESULT_MARKER) :])
        versions = {k: result[k] for k in ("python", "pymilvus", "milvus_lite")}
        assert {k: versions[k] for k in LITE24_VERSIONS} == LITE24_VERSIONS
        return ScriptResult(cases=result["cases"], versions=versions, stderr=proc.stderr)

    return run


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _requirements_digest() -> str:
    return hashlib.sha256(LITE24_REQUIREMENTS.read_bytes()).hexdigest()


def _clean_env() -> dict:
    """The environment minus what would make the venv's Python import the wrong packages."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.pop("VIRTUAL_ENV", None)
    env["PYTHONNOUSERSITE"] = "1"
    # Milvus Lite 2.4 puts its unix socket in the temp dir; socket paths are limited to ~104 bytes
    if len(tempfile.gettempdir()) > 40 and os.path.isdir("/tmp"):
        env["TMPDIR"] = "/tmp"
    return env


def _lite24_ready() -> bool:
    """The venv exists, was built from the current requirements, and imports the pinned pair."""
    stamp = LITE24_VENV / STAMP_NAME
    python = _venv_python(LITE24_VENV)
    if not (stamp.is_file() and python.exists()):
        return False
    try:
        if json.loads(stamp.read_text()).get("requirements_sha256") != _requirements_digest():
            return False
        probe = subprocess.run(
            [
                str(python),
                "-c",
                "import warnings; warnings.simplefilter('ignore');"
                "import pymilvus, milvus_lite; from importlib.metadata import version;"
                "print(version('pymilvus'), version('milvus-lite'))",
            ],
            env=_clean_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return False
    expected = f"{LITE24_VERSIONS['pymilvus']} {LITE24_VERSIONS['milvus_lite']}"
    return probe.returncode == 0 and probe.stdout.strip() == expected


def _build_lite24() -> float:
    """Create the venv from scratch; fail the requesting tests with the reason if it cannot."""
    started = time.monotonic()
    if LITE24_VENV.exists():
        shutil.rmtree(LITE24_VENV)
    LITE24_VENV.parent.mkdir(parents=True, exist_ok=True)
    _step([sys.executable, "-m", "venv", str(LITE24_VENV)], "create the virtual environment")
    _step(
        [
            str(_venv_python(LITE24_VENV)),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--progress-bar",
            "off",
            "-r",
            str(LITE24_REQUIREMENTS),
        ],
        "install pymilvus 2.4.15 + milvus-lite 2.4.12 (needs network access to PyPI)",
    )
    seconds = time.monotonic() - started
    stamp = {
        "requirements_sha256": _requirements_digest(),
        "build_seconds": round(seconds, 1),
        "built_with": sys.executable,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    (LITE24_VENV / STAMP_NAME).write_text(json.dumps(stamp, indent=2) + "\n")
    if not _lite24_ready():
        pytest.fail(
            f"built {LITE24_VENV}, but it does not import pymilvus 2.4.15 + milvus-lite 2.4.12"
        )
    return seconds


def _step(cmd: list[str], what: str):
    try:
        proc = subprocess.run(
            cmd, env=_clean_env(), capture_output=True, text=True, timeout=VENV_BUILD_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"could not {what}: no result after {VENV_BUILD_TIMEOUT} s", pytrace=False)
    if proc.returncode != 0:
        output = (proc.stdout + proc.stderr)[-4000:]
        pytest.fail(
            f"The Milvus Lite 2.4 evidence environment ({LITE24_VENV}) could not be built:\n"
            f"could not {what}; `{' '.join(cmd)}` exited {proc.returncode}.\n{output}",
            pytrace=False,
        )


@contextlib.contextmanager
def _lock(path: Path):
    """An exclusive file lock, so that pytest-xdist workers build the venv once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: no lock; run without xdist there
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
