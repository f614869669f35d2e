"""Hostile and unlucky inputs (issue 16): private hook state, one bad file among good ones, the
hook's edge cases. Each test reproduces a failure the adversarial run found."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hook_runner import run_hook_main
from test_hook import CORRECT, LOAD_LINE, SEARCH_BEFORE_LOAD, ClaudeCode

from checks import hook_state

ROOT = Path(__file__).resolve().parent.parent
AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make another user's files")


# --- Per-user state in a private place ------------------------------------------------------


@pytest.fixture
def no_plugin_data(tmp_path, monkeypatch):
    monkeypatch.delenv("CLAUDE_PLUGIN_DATA", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return tmp_path


def test_state_without_plugin_data_is_private_and_outside_the_shared_temp_dir(no_plugin_data):
    directory = Path(hook_state.state_dir())
    assert directory.is_relative_to(no_plugin_data / "home")
    assert hook_state.first_reports("s1", ["a"]) == {"a"}
    assert hook_state.first_reports("s1", ["a"]) == set()
    info = directory.lstat()
    assert stat.S_ISDIR(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o700
    assert info.st_uid == os.geteuid()


def test_a_state_dir_that_is_a_symlink_is_never_followed(tmp_path, monkeypatch):
    victim = tmp_path / "victim-project"
    victim.mkdir()
    data = tmp_path / "data"
    data.mkdir()
    (data / "hook-state").symlink_to(victim)
    monkeypatch.setenv("CLAUDE_PLUGIN_DATA", str(data))
    with pytest.raises(hook_state.StateError):
        hook_state.remember_fixes("s1", "toolu_1", "fixed")
    # Without usable state every finding is reported, and nothing lands in the link's target.
    assert hook_state.first_reports("s1", ["a"]) == {"a"}
    assert hook_state.first_reports("s1", ["a"]) == {"a"}
    assert hook_state.take_fixes("s1", "toolu_1") is None
    assert list(victim.iterdir()) == []


@AS_ROOT
def test_a_state_dir_made_by_another_user_is_refused(tmp_path, monkeypatch):
    data = tmp_path / "data"
    (data / "hook-state").mkdir(parents=True, mode=0o777)
    os.chown(data / "hook-state", 4242, 4242)
    (data / "hook-state" / "s1.json").write_text(json.dumps({"reported": [], "fixes": {}}))
    monkeypatch.setenv("CLAUDE_PLUGIN_DATA", str(data))
    with pytest.raises(hook_state.StateError, match="owned by uid 4242"):
        hook_state.remember_fixes("s1", "toolu_1", "fixed")
    assert hook_state.first_reports("s1", ["a"]) == {"a"}


def test_a_state_dir_of_ours_left_open_to_others_is_closed(tmp_path, monkeypatch):
    data = tmp_path / "data"
    (data / "hook-state").mkdir(parents=True)
    os.chmod(data / "hook-state", 0o777)
    monkeypatch.setenv("CLAUDE_PLUGIN_DATA", str(data))
    assert hook_state.first_reports("s1", ["a"]) == {"a"}
    assert stat.S_IMODE((data / "hook-state").stat().st_mode) == 0o700


def test_clean_up_removes_only_old_files_it_made(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAUDE_PLUGIN_DATA", str(tmp_path))
    hook_state.first_reports("old", ["a"])
    directory = tmp_path / "hook-state"
    outside = tmp_path / "precious.py"
    outside.write_text("keep me")
    (directory / "notes.txt").write_text("not ours")
    (directory / "link.json").symlink_to(outside)
    week_ago = time.time() - hook_state.MAX_AGE_SECONDS - 60
    for path in directory.iterdir():
        os.utime(path, (week_ago, week_ago), follow_symlinks=False)
    os.utime(outside, (week_ago, week_ago))
    hook_state.first_reports("new", ["a"])  # a new session collects garbage
    names = {p.name for p in directory.iterdir()}
    assert "old.json" not in names and "old.json.lock" not in names
    assert {"notes.txt", "link.json", "new.json"} <= names
    assert outside.read_text() == "keep me"


@pytest.mark.parametrize(
    "damaged",
    [
        "not json",
        "[]",
        '{"reported": 5, "fixes": []}',
        '{"reported": [1, 2], "fixes": {"toolu_1": "x"}}',
        '{"reported": ["abc"], "fixes": {"toolu_1": {"report": 3, "time": "soon"}}}',
        "[" * 100_000,
    ],
)
def test_damaged_state_is_replaced(tmp_path, monkeypatch, damaged):
    monkeypatch.setenv("CLAUDE_PLUGIN_DATA", str(tmp_path))
    (tmp_path / "hook-state").mkdir(mode=0o700)
    (tmp_path / "hook-state" / "s1.json").write_text(damaged)
    assert hook_state.take_fixes("s1", "toolu_1") is None
    assert hook_state.first_reports("s1", ["a", "b"]) == {"a", "b"}
    assert hook_state.first_reports("s1", ["a"]) == set()  # reporting still works
    hook_state.remember_fixes("s1", "toolu_2", "fixed")
    assert hook_state.take_fixes("s1", "toolu_2") == "fixed"


# --- The hook's edge cases ------------------------------------------------------------------


def hook_payload(project: Path, event: str, tool: str, **tool_input) -> bytes:
    return json.dumps(
        {
            "session_id": "robust",
            "tool_use_id": "toolu_01",
            "hook_event_name": event,
            "tool_name": tool,
            "cwd": str(project),
            "tool_input": tool_input,
        }
    ).encode()


def write_search_before_load(project: Path) -> bytes:
    return hook_payload(
        project,
        "PreToolUse",
        "Write",
        file_path=str(project / "app.py"),
        content=SEARCH_BEFORE_LOAD,
    )


@pytest.fixture
def project(tmp_path, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    monkeypatch.setenv("CLAUDE_PLUGIN_DATA", str(tmp_path / "data"))
    for name in ("MILVUS_CTO_HOOK_MODE", "MILVUS_CTO_HOOK_BUDGET"):
        monkeypatch.delenv(name, raising=False)
    return project


def test_hook_reads_the_old_file_in_its_declared_encoding(project):
    # A latin-1 file with an error that was already there: an edit elsewhere is not refused.
    source = "# -*- coding: latin-1 -*-\n# café\n" + SEARCH_BEFORE_LOAD + "x = 1\n"
    app = project / "app.py"
    app.write_bytes(source.encode("latin-1"))
    edit = hook_payload(
        project, "PreToolUse", "Edit", file_path=str(app), old_string="x = 1", new_string="x = 2"
    )
    assert run_hook_main(edit) == (0, "", "")
    # ... and an error the edit introduces still is.
    app.write_bytes(("# -*- coding: latin-1 -*-\n# café\n" + CORRECT).encode("latin-1"))
    edit = hook_payload(
        project, "PreToolUse", "Edit", file_path=str(app), old_string=LOAD_LINE, new_string=""
    )
    _, out, err = run_hook_main(edit)
    assert json.loads(out)["hookSpecificOutput"]["permissionDecision"] == "deny", err


def test_hook_reads_a_file_with_a_bom(project):
    app = project / "app.py"
    app.write_bytes(b"\xef\xbb\xbf" + SEARCH_BEFORE_LOAD.encode() + b"x = 1\n")
    edit = hook_payload(
        project, "PreToolUse", "Edit", file_path=str(app), old_string="x = 1", new_string="x = 2"
    )
    assert run_hook_main(edit) == (0, "", "")


def test_autofix_without_usable_state_blocks_instead_of_letting_the_error_through(
    project, tmp_path, monkeypatch
):
    (tmp_path / "data").write_text("a file where the state directory should be")
    monkeypatch.setenv("MILVUS_CTO_HOOK_MODE", "autofix")
    write = write_search_before_load(project)
    _, out, err = run_hook_main(write)
    output = json.loads(out)["hookSpecificOutput"]
    assert output["permissionDecision"] == "deny"
    assert "MV001" in output["permissionDecisionReason"]
    assert "autofix acts as guard" in err


@pytest.mark.parametrize("budget", ["0", "-1", "nan", "inf", "-inf", "ten", "1e400"])
def test_an_invalid_budget_falls_back_to_the_default_with_a_message(project, monkeypatch, budget):
    monkeypatch.setenv("MILVUS_CTO_HOOK_BUDGET", budget)
    write = write_search_before_load(project)
    _, out, err = run_hook_main(write)
    assert json.loads(out)["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert err == (
        f"milvus-cto hook: MILVUS_CTO_HOOK_BUDGET={budget!r} is not a number of seconds between "
        "0 and 3600; using 10\n"
    )


def run_hook_process(cc: ClaudeCode, payload: bytes, timeout: float = 30, **env):
    start = time.monotonic()
    process = subprocess.run(
        ["sh", str(ROOT / ".claude" / "hooks" / "milvus-cto"), "hook"],
        input=payload,
        capture_output=True,
        cwd=cc.project,
        env={**cc.env, **env},
        timeout=timeout,
    )
    return process, time.monotonic() - start


def test_replace_all_that_would_grow_to_gigabytes_ends_at_once(tmp_path):
    cc = ClaudeCode(tmp_path)
    project = cc.project
    app = project / "app.py"
    app.write_text(CORRECT + "a = 0\n" * 2000)
    edit = hook_payload(
        project,
        "PreToolUse",
        "Edit",
        file_path=str(app),
        old_string="a",
        new_string="b" * 1_000_000,
        replace_all=True,
    )
    process, took = run_hook_process(cc, edit, MILVUS_CTO_HOOK_BUDGET="5")
    assert process.returncode == 0 and process.stdout == b""
    assert took < 5, took


def test_a_fifo_at_the_edited_path_does_not_block_the_hook(tmp_path):
    cc = ClaudeCode(tmp_path)
    project = cc.project
    os.mkfifo(project / "app.py")
    for payload in (
        hook_payload(
            project, "PreToolUse", "Edit", file_path=str(project / "app.py"),
            old_string="x", new_string="from pymilvus import MilvusClient",
        ),
        hook_payload(
            project, "PreToolUse", "Write", file_path=str(project / "app.py"),
            content=SEARCH_BEFORE_LOAD,
        ),
    ):  # fmt: skip
        process, took = run_hook_process(cc, payload, MILVUS_CTO_HOOK_BUDGET="3")
        assert process.returncode == 0
        assert took < 3, took


def test_a_directory_at_the_edited_path_is_no_old_file(tmp_path):
    cc = ClaudeCode(tmp_path)
    (cc.project / "app.py").mkdir()
    write = hook_payload(
        cc.project, "PreToolUse", "Write", file_path=str(cc.project / "app.py"),
        content=SEARCH_BEFORE_LOAD,
    )  # fmt: skip
    process, _ = run_hook_process(cc, write)
    assert process.returncode == 0 and process.stderr == b""
    assert b"MV001" in process.stdout  # checked as a new file, like any Write


def test_the_budget_covers_reading_the_payload_and_the_file(tmp_path, monkeypatch):
    # Whatever blocks after the payload is known to concern pymilvus, the alarm ends it.
    from checks import hook

    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.setenv("MILVUS_CTO_HOOK_BUDGET", "0.5")
    monkeypatch.setattr(hook, "before_and_after_pre", lambda payload: time.sleep(30))
    write = write_search_before_load(project)
    start = time.monotonic()
    code, out, err = run_hook_main(write)
    assert time.monotonic() - start < 5
    assert (code, out) == (0, "")
    assert err == "milvus-cto hook: OutOfTime: no answer within 0.5 s; the edit was not checked\n"


# --- One bad file never costs the others ------------------------------------------------------


def notebook(*sources) -> str:
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "source": s} for s in sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


BAD_NOTEBOOKS = {
    "ints.ipynb": (
        notebook("import pymilvus", [1, 2, 3]),
        "a cell's source is neither text nor a list of lines (cell 2)",
    ),
    "deep.ipynb": (
        '{"pymilvus": 1, "cells": ' + "[" * 200_000 + "]" * 200_000 + "}",
        "not a notebook: its JSON is nested too deeply",
    ),
    "dict.ipynb": (
        notebook({"pymilvus": 1}),
        "a cell's source is neither text nor a list of lines (cell 1)",
    ),
}


def test_cli_reports_each_bad_notebook_and_checks_the_rest(tmp_path):
    for name, (text, _) in BAD_NOTEBOOKS.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "app.py").write_text(SEARCH_BEFORE_LOAD)
    (tmp_path / "good.ipynb").write_text(notebook(SEARCH_BEFORE_LOAD))
    process = subprocess.run(
        [sys.executable, "-m", "checks", "--format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert process.returncode == 1, process.stderr
    assert process.stderr == ""
    files = {Path(f["path"]).name: f for f in json.loads(process.stdout)["files"]}
    for name, (_, message) in BAD_NOTEBOOKS.items():
        assert message in files[name]["error"], files[name]
    assert [d["code"] for d in files["app.py"]["diagnostics"]] == ["MV001"]
    assert [d["code"] for d in files["good.ipynb"]["diagnostics"]] == ["MV001"]


def test_a_checker_bug_costs_one_file_only(tmp_path, monkeypatch):
    from checks import sources
    from checks.engine import Options

    def broken(source, options, path):
        raise TypeError("a bug")

    monkeypatch.setattr(sources, "check_source", broken)
    result = sources.check_bytes(b"from pymilvus import MilvusClient\n", "app.py", Options())
    assert result.error == "internal error: TypeError: a bug"


# --- MCP check_file: one bad notebook, a client whose roots/list fails -----------------------


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_check_file_answers_a_bad_notebook_with_its_error(tmp_path, monkeypatch):
    from mcp import Client

    from server.app import mcp

    monkeypatch.chdir(tmp_path)
    for name, (text, _) in BAD_NOTEBOOKS.items():
        (tmp_path / name).write_text(text)
    async with Client(mcp) as client:
        for name, (_, message) in BAD_NOTEBOOKS.items():
            result = await client.call_tool("check_file", {"path": name})
            assert not result.is_error, result.content
            assert message in result.structured_content["parse_error"]


@pytest.mark.anyio
@pytest.mark.parametrize("failure", ["error", "silence"])
async def test_check_file_works_in_the_working_directory_when_roots_list_fails(
    tmp_path, monkeypatch, failure
):
    import anyio
    from mcp import Client
    from mcp.types import ErrorData

    from server import roots as server_roots
    from server.app import mcp

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(server_roots, "ROOTS_TIMEOUT", 0.5)
    (tmp_path / "app.py").write_text(SEARCH_BEFORE_LOAD)

    async def list_roots(_context):
        if failure == "silence":
            await anyio.sleep(60)
        return ErrorData(code=-32603, message="roots are not available")

    # The initialize handshake: the server asks for the roots in the middle of the call.
    async with Client(mcp, mode="legacy", list_roots_callback=list_roots) as client:
        with anyio.fail_after(10):
            result = await client.call_tool("check_file", {"path": "app.py"})
        assert not result.is_error, result.content
        assert [d["code"] for d in result.structured_content["diagnostics"]] == ["MV001"]
        outside = await client.call_tool("check_file", {"path": "/etc/hostname"})
        assert outside.is_error and "refusing to read" in outside.content[0].text
