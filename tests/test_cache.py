"""The CLI's result cache (checks.cache): a second run over unchanged files reads its results,
and nothing a result depends on can change without the result being checked again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checks import cache as result_cache
from checks import cli
from checks.cli import main

BAD = (
    "from pymilvus import MilvusClient\n"
    "client = MilvusClient('http://localhost:19530')\n"
    "hits = client.search('docs', data=[[0.1, 0.2]], top_k=3, consistency_level='strong')\n"
)
FINE = "from pymilvus import MilvusClient\nclient = MilvusClient('http://localhost:19530')\n"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project with a pyproject (the cache's default home), two pymilvus files and one
    that never mentions pymilvus; the cache in its default place."""
    monkeypatch.delenv(result_cache.ENV_DIRECTORY, raising=False)
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1"\n')
    (root / "pkg" / "bad.py").write_text(BAD)
    (root / "pkg" / "fine.py").write_text(FINE)
    (root / "pkg" / "plain.py").write_text("print('hello')\n")
    return root


@pytest.fixture
def checks_run(monkeypatch):
    """The paths the engine really checked, run by run (in process: no workers below 64 files)."""
    checked: list[str] = []
    real = cli.check_bytes

    def counting(data, path, options):
        checked.append(Path(path).name)
        return real(data, path, options)

    monkeypatch.setattr(cli, "check_bytes", counting)
    return checked


def run(capsys, *args: str) -> tuple[int, dict]:
    code = main([*args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def packs(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*.json") if p.parent != directory]


def entries(directory: Path) -> dict[str, list]:
    """The cached results in a cache directory, by file path."""
    found: dict[str, list] = {}
    for pack in packs(directory):
        found.update(json.loads(pack.read_bytes())["files"])
    return found


def test_a_second_run_reads_every_result_from_the_cache(project, capsys, checks_run):
    first = run(capsys, str(project))
    assert sorted(checks_run) == ["bad.py", "fine.py"]  # plain.py never mentions pymilvus
    checks_run.clear()
    assert run(capsys, str(project)) == first
    assert checks_run == []
    assert first[0] == 1 and any(f["diagnostics"] for f in first[1]["files"])


def test_the_cache_lives_in_the_project_root_and_git_ignores_it(project, capsys):
    run(capsys, str(project / "pkg"))
    directory = project / result_cache.DIRECTORY_NAME
    assert (directory / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (
        (directory / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert len(entries(directory)) == 2
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=project, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert result_cache.DIRECTORY_NAME not in status and "pkg/bad.py" in status


def test_what_a_result_depends_on_is_in_its_key(project, capsys, checks_run, monkeypatch):
    bad = str(project / "pkg" / "bad.py")
    run(capsys, bad)
    for args in (
        ["--pymilvus-version", "2.4"],
        ["--select", "MV102"],
        ["--ignore", "MV102"],
        ["--edition", "2026.01"],
    ):
        checks_run.clear()
        run(capsys, bad, *args)
        assert checks_run == ["bad.py"], args
    # The content: one byte more is a new file.
    checks_run.clear()
    Path(bad).write_text(BAD + "\n")
    run(capsys, bad)
    assert checks_run == ["bad.py"]
    # Severity overrides (config only) and anything else Options holds.
    from checks.engine import Options

    packs = {
        result_cache.ResultCache(project, options, str(project)).pack
        for options in (Options(), Options(severity={"MV102": "info"}), Options(select=("MV1",)))
    }
    assert len(packs) == 3
    assert result_cache.ResultCache(project, Options(), str(project / "pkg")).pack not in packs


def test_a_run_keeps_one_entry_per_file_and_forgets_deleted_files(project, capsys, checks_run):
    run(capsys, str(project))
    directory = project / result_cache.DIRECTORY_NAME
    bad, fine = str(project / "pkg" / "bad.py"), str(project / "pkg" / "fine.py")
    assert sorted(entries(directory)) == [bad, fine]
    # Checking one file keeps the other's result; a changed file replaces its entry.
    Path(bad).write_text(BAD + "# changed\n")
    run(capsys, bad)
    assert sorted(entries(directory)) == [bad, fine] and len(packs(directory)) == 1
    checks_run.clear()
    run(capsys, str(project))
    assert checks_run == []
    # A file that is gone leaves the pack at the next write.
    os.remove(fine)
    Path(bad).write_text(BAD)
    run(capsys, str(project))
    assert sorted(entries(directory)) == [bad]


def test_a_new_checker_version_starts_afresh_and_removes_the_old_results(
    project, capsys, checks_run, monkeypatch
):
    run(capsys, str(project))
    directory = project / result_cache.DIRECTORY_NAME
    (old,) = [p for p in directory.iterdir() if p.is_dir()]
    monkeypatch.setattr(result_cache, "checker_version", lambda *_: "0" * 24)
    checks_run.clear()
    run(capsys, str(project))
    assert sorted(checks_run) == ["bad.py", "fine.py"]
    assert [p.name for p in directory.iterdir() if p.is_dir()] == ["0" * 24]
    assert not old.exists()


def test_the_checker_version_covers_every_file_of_the_package(tmp_path, monkeypatch):
    package = tmp_path / "checks"
    (package / "api" / "data").mkdir(parents=True)
    monkeypatch.setattr(result_cache, "__file__", str(package / "cache.py"))

    def version() -> str:
        result_cache.checker_version.cache_clear()
        return result_cache.checker_version()

    (package / "cache.py").write_text("")
    (package / "api" / "data" / "pymilvus-3.0.2.api").write_text("one")
    first = version()
    (package / "api" / "data" / "pymilvus-3.0.2.api").write_text("two")
    assert version() != first
    result_cache.checker_version.cache_clear()


def test_the_checker_version_is_kept_by_file_identity_and_never_stale(tmp_path, monkeypatch):
    """A run stats the package instead of hashing it while no file changed; a file rewritten
    with the same size and mtime still counts as changed (its ctime moved)."""
    package = tmp_path / "checks"
    package.mkdir()
    memo = tmp_path / "cache"
    memo.mkdir()
    monkeypatch.setattr(result_cache, "__file__", str(package / "cache.py"))
    source = package / "rule.py"
    hashed = []
    real_blake2b = result_cache.hashlib.blake2b

    def counting_blake2b(*args, **kwargs):
        hashed.append(1)
        return real_blake2b(*args, **kwargs)

    monkeypatch.setattr(result_cache.hashlib, "blake2b", counting_blake2b)

    def version() -> str:
        result_cache.checker_version.cache_clear()  # as in a new process
        return result_cache.checker_version(memo)

    (package / "cache.py").write_text("")
    source.write_text("one")
    first = version()
    assert not (memo / result_cache._VERSION_MEMO).exists()  # files changed just now: not kept
    monkeypatch.setattr(result_cache, "_RACY_NS", 0)  # as if two seconds had passed
    assert version() == first and (memo / result_cache._VERSION_MEMO).is_file()
    hashed.clear()
    assert version() == first and hashed == []  # from the memo
    mtime = source.stat().st_mtime_ns
    time.sleep(0.05)  # past the clock tick of the last write: the ctime moves
    source.write_text("two")
    os.utime(source, ns=(mtime, mtime))
    assert version() != first and hashed
    result_cache.checker_version.cache_clear()


def test_no_cache_neither_reads_nor_writes(project, capsys, checks_run, monkeypatch):
    run(capsys, str(project), "--no-cache")
    assert not (project / result_cache.DIRECTORY_NAME).exists()
    run(capsys, str(project))
    checks_run.clear()
    run(capsys, str(project), "--no-cache")
    assert sorted(checks_run) == ["bad.py", "fine.py"]
    checks_run.clear()
    monkeypatch.setenv(result_cache.ENV_OFF, "1")
    run(capsys, str(project))
    assert sorted(checks_run) == ["bad.py", "fine.py"]


def test_cache_dir_and_its_environment_variable(project, tmp_path, capsys, monkeypatch):
    run(capsys, str(project), "--cache-dir", str(tmp_path / "elsewhere"))
    assert len(entries(tmp_path / "elsewhere")) == 2
    monkeypatch.setenv(result_cache.ENV_DIRECTORY, str(tmp_path / "from-env"))
    run(capsys, str(project))
    assert len(entries(tmp_path / "from-env")) == 2
    assert not (project / result_cache.DIRECTORY_NAME).exists()


@pytest.mark.parametrize(
    "damage",
    [b"", b"not json", b"[]", b'{"files": []}', b'{"files": {"x": 1}}', b"[" * 100_000],
)
def test_a_damaged_pack_is_a_miss(project, capsys, checks_run, damage):
    expected = run(capsys, str(project))
    for pack in packs(project / result_cache.DIRECTORY_NAME):
        pack.write_bytes(damage)
    checks_run.clear()
    assert run(capsys, str(project)) == expected
    assert sorted(checks_run) == ["bad.py", "fine.py"]
    checks_run.clear()
    assert run(capsys, str(project)) == expected  # rewritten whole
    assert checks_run == []


@pytest.mark.parametrize(
    "damage",
    [
        "not a list",
        ["digest only"],
        [None, 3, []],
        [None, None, [["MV102", "x", "error", "m", "1", 1, 1, 1, "safe", None, "", None]]],
        [None, None, [[]]],
        [None, None, {}],
    ],
)
def test_a_damaged_entry_is_a_miss(project, capsys, checks_run, damage):
    expected = run(capsys, str(project))
    for pack in packs(project / result_cache.DIRECTORY_NAME):
        files = json.loads(pack.read_bytes())["files"]
        for path, (digest, *_) in files.items():
            if isinstance(damage, list) and len(damage) == 3:
                files[path] = [digest, *damage[1:]]  # the right digest, a damaged result
            else:
                files[path] = damage
        pack.write_text(json.dumps({"files": files}))
    checks_run.clear()
    assert run(capsys, str(project)) == expected
    assert sorted(checks_run) == ["bad.py", "fine.py"]


def test_a_cache_dir_that_is_a_symbolic_link_is_not_used(project, tmp_path, capsys):
    target = tmp_path / "target"
    target.mkdir()
    (project / result_cache.DIRECTORY_NAME).symlink_to(target)
    code, _ = run(capsys, str(project))
    assert code == 1 and list(target.iterdir()) == []


def test_an_unwritable_cache_dir_only_costs_the_cache(project, tmp_path, capsys):
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    assert run(capsys, str(project), "--cache-dir", str(blocked / "cache"))[0] == 1


def test_concurrent_runs_agree_and_leave_no_temporary_files(project, tmp_path):
    for n in range(70):
        (project / "pkg" / f"copy{n}.py").write_text(BAD + f"# {n}\n")
    env = {**os.environ, result_cache.ENV_DIRECTORY: str(tmp_path / "shared")}
    command = [sys.executable, "-m", "checks", str(project), "--format", "json"]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, env=env, cwd=Path(__file__).parent.parent)
        for _ in range(4)
    ]
    outputs = {process.communicate(timeout=300)[0] for process in runs}
    assert len(outputs) == 1
    assert len(json.loads(outputs.pop())["files"]) == 73
    assert len(entries(tmp_path / "shared")) == 72
    leftovers = [p for p in (tmp_path / "shared").rglob("*") if p.name.startswith(".pack-")]
    assert leftovers == []
