"""`--fix`, `--diff` and `--unsafe-fixes` on the command line."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from checks.cli import main
from checks.engine import Options
from checks.fixes import rewrite_source

REPO = Path(__file__).resolve().parents[1]
BROKEN = textwrap.dedent(
    """\
    from pymilvus import MilvusClient
    client = MilvusClient("demo.db")
    client.create_collection("docs", schema=schema)
    hits = client.search("docs", data=[[0.1] * 8], consistency_level="strong")
    """
)
FIXED = BROKEN.replace("hits =", 'client.load_collection("docs")\nhits =').replace(
    '"strong"', '"Strong"'
)
FLAT = textwrap.dedent(
    """\
    from pymilvus import Collection
    collection = Collection("documents", schema)
    collection.create_index("embedding", {"index_type": "FLAT", "metric_type": "L2"})
    """
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args) -> int:
    return main([*args, "--pymilvus-version", "3.0"])


def test_fix_writes_the_file_in_place(project, capsys):
    path = project / "app.py"
    path.write_text(BROKEN)
    path.chmod(0o640)
    code = run("--fix", "--select", "MV001,MV007", str(path))
    assert path.read_text() == FIXED
    assert oct(path.stat().st_mode & 0o777) == "0o640"
    assert sorted(os.listdir(project)) == ["app.py", "pyproject.toml"]  # no temporary left
    captured = capsys.readouterr()
    assert "fixed 2 findings in 1 file" in captured.err
    assert code == 0 and "MV001" not in captured.out


def test_fix_is_what_rewrite_source_returns(project, capsys):
    path = project / "app.py"
    path.write_text(BROKEN)
    run("--fix", str(path))
    assert path.read_text() == rewrite_source(BROKEN, Options(pymilvus_version="3.0")).code


def test_fix_reports_what_is_left(project, capsys):
    path = project / "app.py"
    path.write_text(BROKEN + 'client.query("docs")\n')  # MV115: no automatic fix
    code = run("--fix", "--select", "MV0,MV115", str(path))
    out = capsys.readouterr().out
    assert code == 1 and "MV115" in out and "MV001" not in out
    assert 'load_collection("docs")' in path.read_text()


def test_diff_prints_and_writes_nothing(project, capsys):
    path = project / "app.py"
    path.write_text(BROKEN)
    code = run("--diff", "--select", "MV001,MV007", str(path))
    captured = capsys.readouterr()
    assert path.read_text() == BROKEN
    shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)[1:]
    assert captured.out.startswith(f"--- a/{shown}\n+++ b/{shown}\n")  # never a//abs/path
    assert '+client.load_collection("docs")' in captured.out
    # The diff is the output: no report beside it, one line on what it leaves.
    assert "MV001" not in captured.out + captured.err and "would fix 2 findings" in captured.err
    assert "2 findings before fixing; run without --diff for the report" in captured.err
    assert code == 1


def test_fix_and_diff_together_only_print(project, capsys):
    path = project / "app.py"
    path.write_text(BROKEN)
    run("--fix", "--diff", str(path))
    assert path.read_text() == BROKEN
    assert "+client.load_collection" in capsys.readouterr().out


def test_syntax_error_is_never_written(project, capsys):
    path = project / "app.py"
    path.write_text(BROKEN + "def broken(:\n")
    before = path.stat().st_mtime_ns
    assert run("--fix", str(path)) == 1
    assert path.read_text() == BROKEN + "def broken(:\n"
    assert path.stat().st_mtime_ns == before


def test_select_ignore_noqa_and_config_are_honoured(project, capsys):
    path = project / "app.py"
    path.write_text(BROKEN)
    run("--fix", "--ignore", "MV001", str(path))
    assert "load_collection" not in path.read_text() and '"Strong"' in path.read_text()

    path.write_text(BROKEN.replace('"strong")', '"strong")  # noqa: MV001'))
    run("--fix", str(path))
    assert "load_collection" not in path.read_text()


def test_config_is_honoured(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.milvus-cto]\nignore = ["MV007"]\n')
    path = tmp_path / "app.py"
    path.write_text(BROKEN)
    run("--fix", str(path))
    assert "load_collection" in path.read_text() and '"strong"' in path.read_text()


def test_unsafe_fixes_need_the_flag(project, capsys):
    path = project / "index.py"
    path.write_text(FLAT)
    run("--fix", str(path))
    assert path.read_text() == FLAT
    run("--fix", "--unsafe-fixes", str(path))
    assert '"index_type": "HNSW"' in path.read_text()
    assert '"params": {"M": 16, "efConstruction": 256}' in path.read_text()


def test_directory_walk_fixes_each_file(project, capsys):
    (project / "pkg").mkdir()
    for name in ("a.py", "b.py"):
        (project / "pkg" / name).write_text(BROKEN)
    (project / "pkg" / "clean.py").write_text("print('hello')\n")
    run("--fix", "--select", "MV001,MV007", str(project / "pkg"))
    assert (project / "pkg" / "a.py").read_text() == FIXED
    assert (project / "pkg" / "b.py").read_text() == FIXED
    assert (project / "pkg" / "clean.py").read_text() == "print('hello')\n"
    assert "in 2 files" in capsys.readouterr().err


def test_symlink_stays_a_link_and_bom_crlf_stay(project, capsys):
    real = project / "real.py"
    real.write_bytes(b"\xef\xbb\xbf" + BROKEN.replace("\n", "\r\n").encode())
    link = project / "link.py"
    link.symlink_to(real)
    run("--fix", "--select", "MV001,MV007", str(link))
    assert link.is_symlink()
    assert real.read_bytes() == b"\xef\xbb\xbf" + FIXED.replace("\n", "\r\n").encode()


def _stdin(*args, text: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "checks", "-", "--pymilvus-version", "3.0", *args],
        input=text,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_stdin_fix_prints_the_code_and_reports_aside(project):
    done = _stdin("--fix", "--select", "MV001,MV007", text=BROKEN, cwd=project)
    assert done.stdout == FIXED
    assert done.returncode == 0, done.stderr
    clean = _stdin("--fix", text="print('x')\n", cwd=project)
    assert clean.stdout == "print('x')\n"


def test_stdin_diff(project):
    done = _stdin("--diff", "--stdin-filename", "app.py", text=BROKEN, cwd=project)
    assert done.stdout.startswith("--- a/app.py\n+++ b/app.py\n")
    assert "findings before fixing" in done.stderr and done.returncode == 1
