"""The CLI speaks in one line: unknown codes, configs of the wrong shape, odd pin files,
unknown keys; and `--version`, `--diff` as a user reads them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BAD = (
    "from pymilvus import MilvusClient\n"
    "client = MilvusClient('demo.db')\n"
    "client.search('docs', data=[[0.1] * 8], top_k=3)\n"
)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-P", "-m", "checks", *args], cwd=cwd, capture_output=True, text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "app.py").write_text(BAD)
    return tmp_path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "MV999"], "milvus-cto: error: select: unknown rule code 'MV999' (known: MV0"),
        (["--ignore", "MV1,XY"], "milvus-cto: error: ignore: unknown rule code 'XY' (known: MV0"),
    ],
)
def test_unknown_codes_on_the_command_line_exit_2(project, args, message):
    done = cli("app.py", *args, cwd=project)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(message) and done.stderr.count("\n") == 1, done.stderr


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        (
            '[tool.milvus-cto]\nselect = ["MV999"]\n',
            "[tool.milvus-cto]: select: unknown rule code 'MV999'",
        ),
        (
            '[tool.milvus-cto]\nseverity = { MV998 = "info" }\n',
            "severity: unknown rule code 'MV998'",
        ),
        (
            "[tool.milvus-cto]\nselect = 5\n",
            "[tool.milvus-cto]: select must be a list of rule codes, not 5",
        ),
        ('[tool.milvus-cto]\nedition = "2030.01"\n', "edition must be one of 2026.01, 2026.11"),
        ('[tool.milvus-cto]\npymilvus-version = "latest"\n', "pymilvus-version must be a version"),
        (
            "tool = 'milvus-cto'\n",
            "pyproject.toml: `tool` must be a table, not a str ('milvus-cto')",
        ),
        ("[tool]\nmilvus-cto = 3\n", "pyproject.toml: [tool.milvus-cto] must be a table"),
        ("[tool.milvus-cto\n", "pyproject.toml: not valid TOML"),
    ],
)
def test_a_config_that_cannot_be_used_exits_2_naming_the_file(project, pyproject, message):
    (project / "pyproject.toml").write_text(pyproject)
    done = cli("app.py", cwd=project)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "internal error" not in done.stderr, done.stderr
    assert str(project / "pyproject.toml") in done.stderr and message in done.stderr, done.stderr


def test_unknown_keys_warn_and_the_check_runs(project):
    (project / "pyproject.toml").write_text('[tool.milvus-cto]\nselct = ["MV1"]\n')
    done = cli("app.py", cwd=project)
    assert done.returncode == 1 and "MV102" in done.stdout
    assert done.stderr == (
        f"milvus-cto: warning: {project / 'pyproject.toml'} [tool.milvus-cto]: unknown key "
        "'selct' (known: select, ignore, pymilvus-version, edition, severity, exclude, hook)\n"
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("uv.lock", 'package = "pymilvus"\n', "uv.lock: [[package]] is not a list"),
        ("uv.lock", "[[package]\nname = 'pymilvus'\n", "uv.lock: not valid TOML"),
        ("poetry.lock", '[[package]]\nname = "pymilvus"\nversion = 3\n', None),
        ("pyproject.toml", 'project = "pymilvus"\n', "pyproject.toml: [project] is not a table"),
        (
            "pyproject.toml",
            '[project]\ndependencies = "pymilvus"\n',
            "[project] dependencies is not a list",
        ),
    ],
)
def test_a_pin_file_of_the_wrong_shape_is_named_and_skipped(project, name, text, message):
    (project / name).write_text(text)
    (project / "requirements.txt").write_text("pymilvus==2.5.4\n")
    done = cli("app.py", "--format", "json", cwd=project)
    assert done.returncode == 1, done.stderr
    assert '"pymilvus_version": "2.5.4"' in done.stdout  # the next pin file decides
    if message is None:
        assert done.stderr == ""
    else:
        assert done.stderr.startswith(f"milvus-cto: warning: {project / name}: ")
        assert message.split(": ", 1)[-1] in done.stderr
        assert done.stderr.endswith("; its pymilvus pin is ignored\n")
        assert done.stderr.count("\n") == 1


def test_version():
    done = cli("--version", cwd=ROOT)
    assert done.returncode == 0 and done.stdout.startswith("milvus-cto ")


def test_diff_prints_only_the_diff_with_git_style_headers(project):
    done = cli(str(project / "app.py"), "--diff", cwd=ROOT)
    assert done.returncode == 1
    shown = str(project / "app.py").lstrip("/")
    assert done.stdout.startswith(f"--- a/{shown}\n+++ b/{shown}\n@@ ")
    assert "+client.search('docs', data=[[0.1] * 8], limit=3)" in done.stdout
    assert "MV102 [error]" not in done.stdout + done.stderr  # no report beside the diff
    assert "would fix 1 finding in 1 file" in done.stderr
    done = cli("app.py", "--diff", cwd=project)
    assert done.stdout.startswith("--- a/app.py\n+++ b/app.py\n")


@pytest.mark.parametrize(
    ("message", "hint", "repeated"),
    [
        ("Rename `top_k=` to `limit=`: MilvusClient.search ignores `top_k` and returns 10 hits.",
         "MilvusClient.search takes `limit=`", True),
        ('Read \'docs\' with consistency_level="Strong" (or "Session"): rows may be missing.',
         'consistency_level="Strong" on this read', True),
        ("Use a valid consistency level instead of 'strong': exactly \"Strong\", \"Session\".",
         'consistency_level="Strong"', False),
        ("Load collection 'docs' before `search`: it was created without being loaded.",
         'insert `client.load_collection("docs")` before this statement', False),
        ("Raise `ef` from 8 to at least 10: the server rejects it.",
         "or leave ef out and let the server choose", False),
    ],
)  # fmt: skip
def test_a_hint_that_repeats_the_message_is_not_shown(message, hint, repeated):
    from checks.diagnostic import repeats

    assert repeats(message, hint) is repeated


def test_the_text_report_shows_the_fix_without_the_repeated_hint(project):
    done = cli("app.py", cwd=project)
    assert "MV102 [error] Rename `top_k=` to `limit=`" in done.stdout
    assert "hint:" not in done.stdout and "    fix: safe fix" in done.stdout
