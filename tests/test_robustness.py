"""Hostile and unlucky inputs (issue 16): private hook state, one bad file among good ones, the
hook's edge cases. Each test reproduces a failure the adversarial run found."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hook_runner import run_hook_main
from processes import children_of
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


# --- --fix keeps what it should keep ----------------------------------------------------------

UNLOADED_IN_DEF = (
    "from pymilvus import MilvusClient\n"
    "\n"
    "def run(schema):\n"
    '    client = MilvusClient("milvus_demo.db")\n'
    '    client.create_collection("docs", schema=schema)\n'
    '    return client.search("docs", data=[[0.1] * 8], limit=3)\n'
)
LOAD_IN_DEF = '    client.load_collection("docs")\n'
FIXED_IN_DEF = UNLOADED_IN_DEF.replace("    return", LOAD_IN_DEF + "    return")


def fix(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "checks", "--fix", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
    )


@AS_ROOT
def test_fix_by_root_keeps_the_owner_group_and_mode(tmp_path):
    app = tmp_path / "app.py"
    app.write_text(UNLOADED_IN_DEF)
    os.chown(app, 4242, 4343)
    os.chmod(app, 0o640)
    assert fix(app).returncode == 0
    info = app.stat()
    assert app.read_text() == FIXED_IN_DEF
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (4242, 4343, 0o640)


def test_fix_keeps_hard_links(tmp_path):
    app, other = tmp_path / "app.py", tmp_path / "same.py"
    app.write_text(UNLOADED_IN_DEF)
    os.link(app, other)
    assert fix(app).returncode == 0
    assert app.stat().st_ino == other.stat().st_ino
    assert other.read_text() == FIXED_IN_DEF


def test_fix_refuses_a_read_only_file(tmp_path):
    app = tmp_path / "app.py"
    app.write_text(UNLOADED_IN_DEF)
    app.chmod(0o444)
    process = fix(app)
    assert process.returncode == 1
    assert f"milvus-cto: {app}: not fixed: the file is read-only" in process.stderr
    assert app.read_text() == UNLOADED_IN_DEF and stat.S_IMODE(app.stat().st_mode) == 0o444


def test_fix_keeps_carriage_returns_of_a_cr_only_file(tmp_path):
    app = tmp_path / "app.py"
    app.write_bytes(UNLOADED_IN_DEF.replace("\n", "\r").encode())
    assert fix(app).returncode == 0
    assert app.read_bytes() == FIXED_IN_DEF.replace("\n", "\r").encode()


def test_fix_leaves_a_file_whose_form_feed_the_rewriter_would_drop(tmp_path):
    app = tmp_path / "app.py"
    source = UNLOADED_IN_DEF.replace("\ndef run", "\n\x0cdef run")
    app.write_text(source)
    process = fix(app)
    assert process.returncode == 1
    assert "not fixed: a form feed before a statement" in process.stderr
    assert app.read_text() == source
    # A form feed on a line of its own is kept, and the file fixed.
    app.write_text(UNLOADED_IN_DEF.replace("\ndef run", "\n\x0c\ndef run"))
    assert fix(app).returncode == 0
    assert app.read_text() == FIXED_IN_DEF.replace("\ndef run", "\n\x0c\ndef run")


def test_fix_does_not_overwrite_a_line_written_while_it_ran(tmp_path, monkeypatch, capsys):
    from checks import fixes
    from checks.engine import Options
    from checks.sources import check_bytes

    app = tmp_path / "app.py"
    app.write_text(UNLOADED_IN_DEF)
    real = fixes.rewrite_source

    def slow_rewrite(*args, **kwargs):
        with app.open("a") as file:
            file.write("print('written meanwhile')\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(fixes, "rewrite_source", slow_rewrite)
    result = check_bytes(app.read_bytes(), str(app), Options())
    [reported] = fixes.fix_results([result], Options(), write=True)
    assert reported.diagnostics == result.diagnostics
    assert app.read_text() == UNLOADED_IN_DEF + "print('written meanwhile')\n"
    assert "not fixed: the file changed while the fixes ran" in capsys.readouterr().err


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    from checks import fixes

    app = tmp_path / "app.py"
    app.write_text(UNLOADED_IN_DEF)

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fixes.write_fixed(str(app), FIXED_IN_DEF.encode(), UNLOADED_IN_DEF.encode())
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"]
    assert app.read_text() == UNLOADED_IN_DEF


def test_a_kill_while_the_fixed_file_is_written_leaves_no_temporary_file(tmp_path):
    app = tmp_path / "app.py"
    app.write_text(UNLOADED_IN_DEF)
    script = (
        "import os, signal, sys\n"
        "from checks import fixes\n"
        "os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)\n"
        "fixes.write_fixed(sys.argv[1], b'new', open(sys.argv[1], 'rb').read())\n"
    )
    process = subprocess.run([sys.executable, "-c", script, str(app)], cwd=ROOT)
    assert process.returncode == -signal.SIGKILL
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"]
    assert app.read_text() == UNLOADED_IN_DEF


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killing_the_cli_stops_its_workers(tmp_path, sig):
    from checks.cli import PARALLEL_THRESHOLD
    from checks.workers import processes_available

    if processes_available() < 2:
        pytest.skip("one CPU: the CLI checks in its own process")

    module = "from pymilvus import MilvusClient\n" + "".join(
        f"def f{i}(c: MilvusClient):\n    return c.search('docs', data=[[0.1] * 8], limit={i})\n"
        for i in range(1500)
    )
    for index in range(PARALLEL_THRESHOLD * 2):
        (tmp_path / f"m{index}.py").write_text(module)
    cli = subprocess.Popen(
        [sys.executable, "-m", "checks", str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(children_of(cli.pid)) < processes_available() - 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        workers = children_of(cli.pid)
        assert workers, "no workers started"
        time.sleep(0.5)
        cli.send_signal(sig)
        assert cli.wait(timeout=10) == (143 if sig == signal.SIGTERM else -signal.SIGKILL)
        deadline = time.monotonic() + 5
        while alive(workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(workers)
    finally:
        cli.kill()
        for pid in alive(workers):
            os.kill(pid, signal.SIGKILL)


# --- MCP tools bounded in time and memory per call ------------------------------------------


def big_snippet(functions: int) -> str:
    body = UNLOADED_IN_DEF.split("\n", 2)[2]
    return "from pymilvus import MilvusClient\n\n" + "".join(
        body.replace("def run(", f"def run{i}(") for i in range(functions)
    )


def workers_of_this_process() -> set[int]:
    return {
        pid
        for pid in alive(children_of(os.getpid()))
        if b"server.workers" in Path(f"/proc/{pid}/cmdline").read_bytes()
    }


@pytest.mark.anyio
async def test_a_cancelled_large_rewrite_stops_its_worker_and_small_calls_stay_fast():
    import anyio
    from mcp import Client

    from server.app import mcp

    big = big_snippet(1000)  # ~250 KB: minutes of work without the bound
    async with Client(mcp) as client:
        async with anyio.create_task_group() as group:
            group.start_soon(client.call_tool, "rewrite_snippet", {"code": big})
            with anyio.fail_after(30):
                while not workers_of_this_process():
                    await anyio.sleep(0.05)
            workers = workers_of_this_process()
            start = time.monotonic()
            small = await client.call_tool("check_snippet", {"code": SEARCH_BEFORE_LOAD})
            assert time.monotonic() - start < 1.5
            assert [d["code"] for d in small.structured_content["diagnostics"]] == ["MV001"]
            group.cancel_scope.cancel()
        with anyio.fail_after(5):
            while alive(workers):
                await anyio.sleep(0.05)


@pytest.mark.anyio
@pytest.mark.parametrize("budget", ["TIME_SECONDS", "MEMORY_BYTES"])
async def test_a_large_rewrite_over_budget_ends_with_a_clear_error(monkeypatch, budget):
    from mcp import Client

    from server import workers
    from server.app import mcp

    monkeypatch.setattr(workers, budget, {"TIME_SECONDS": 1, "MEMORY_BYTES": 60 * 1024**2}[budget])
    async with Client(mcp) as client:
        start = time.monotonic()
        result = await client.call_tool("rewrite_snippet", {"code": big_snippet(1000)})
        assert time.monotonic() - start < 30
    assert result.is_error
    expected = "no answer within 1 s" if budget == "TIME_SECONDS" else "needs more than 60 MB"
    assert expected in result.content[0].text
    assert not workers_of_this_process()


@pytest.mark.anyio
async def test_a_large_snippet_within_budget_gets_its_answer():
    from mcp import Client

    from server import workers
    from server.app import mcp

    code = big_snippet(workers.IN_PROCESS_BYTES // 150)
    assert len(code) > workers.IN_PROCESS_BYTES
    async with Client(mcp) as client:
        checked = await client.call_tool("check_snippet", {"code": code})
        assert not checked.is_error, checked.content
        assert {d["code"] for d in checked.structured_content["diagnostics"]} == {"MV001"}


# --- Cost of a big file -----------------------------------------------------------------------


def cpu(fn, *args):
    start = time.process_time()
    result = fn(*args)
    return time.process_time() - start, result


def test_the_diff_of_many_fixes_in_a_big_file_costs_linear_time():
    from checks.fixes import unified_diff

    def changed(functions):
        before = big_snippet(functions)
        return before, before.replace("    return client.search", LOAD_IN_DEF + "    return")

    small, _ = cpu(unified_diff, *changed(1500))
    big, diff = cpu(unified_diff, *changed(6000))
    assert diff.count("\n+" + LOAD_IN_DEF) == 6000
    assert big < 10 * max(small, 0.05)  # linear: 4 times; difflib alone (size × changes): 16


def test_fixing_a_big_file_costs_about_as_much_as_checking_it():
    from checks.engine import Options, check_source
    from checks.fixes import rewrite_source

    # 12,000 lines; one function in 20 has a finding to fix.
    functions = big_snippet(2000).split("\ndef ")
    loaded = LOAD_IN_DEF + "    return client.search"
    code = "\ndef ".join(
        f if i % 20 == 1 else f.replace("    return client.search", loaded)
        for i, f in enumerate(functions)
    )
    checked, _ = cpu(check_source, code, Options())
    fixed, result = cpu(rewrite_source, code, Options())
    assert len(result.applied) == 100
    # The check, the check of the fixed code, libcst on the 100 functions holding fixes, one
    # parse and one compile: about 2.5 checks (libcst on the whole module at every step cost
    # about ten; compiling the input too, and the cyclic collector walking the module's tree
    # while it was parsed, about three).
    assert fixed < 3 * checked, (fixed, checked)


def count_work(monkeypatch) -> dict[str, int]:
    """From now on, count the module checks (whoever asks: the command line, a rewrite) and
    the characters libcst parses."""
    import checks.engine
    from checks.fixes import cst

    counts = {"checks": 0, "parsed": 0}
    check, parse = checks.engine._check_source, cst.parse_module

    def counted_check(*args, **kwargs):
        counts["checks"] += 1
        return check(*args, **kwargs)

    def counted_parse(source, *args, **kwargs):
        counts["parsed"] += len(source)
        return parse(source, *args, **kwargs)

    monkeypatch.setattr(checks.engine, "_check_source", counted_check)
    monkeypatch.setattr(cst, "parse_module", counted_parse)
    return counts


def fix_counting_work(monkeypatch, code: str, unsafe: bool = False):
    """rewrite_source on `code`, counting the module checks it runs and the characters libcst
    parses."""
    from checks.fixes import rewrite_source

    counts = count_work(monkeypatch)
    return rewrite_source(code, unsafe=unsafe), counts


# Module checks a rewrite of `fixable_module` costs after the first: a round of every local
# fix, refused by MV140's rewrites; the round without them. (The MV140 fixes alone make the
# code of the first attempt: not checked again.) With --unsafe-fixes, MV003's and MV101's
# whole-module steps, one check each.
FIX_CHECKS = {False: 2, True: 4}


@pytest.mark.parametrize("unsafe", [False, True])
def test_fixing_costs_a_few_checks_whatever_the_number_of_fixes(monkeypatch, unsafe):
    from bench.corpus import fixable_module

    results = {}
    for jobs in (3, 30):
        # Each job: twelve findings of twelve rules; one fix (MV140) must be refused.
        code = fixable_module(lines=jobs * 120, units=jobs)
        results[jobs] = (code, *fix_counting_work(monkeypatch, code, unsafe))
        monkeypatch.undo()
    for jobs, (code, result, counts) in results.items():
        fixed = {fix.code for fix in result.applied}
        assert {"MV001", "MV007", "MV009", "MV010", "MV102", "MV103", "MV113"} <= fixed
        assert {"MV116", "MV122"} <= fixed and "MV140" not in fixed
        assert ("MV003" in fixed) is unsafe
        assert [d.code for d in result.remaining].count("MV140") == jobs
        # libcst reads each top-level statement holding a fix a few times, not the module
        # once per fix (MV101's migration reads the whole module: with --unsafe-fixes, twice).
        assert counts["parsed"] < (4 if unsafe else 2) * len(code), counts
        # The first check, then the rounds': one per fix (and round) would be hundreds.
        assert counts["checks"] == 1 + FIX_CHECKS[unsafe], counts


@pytest.mark.parametrize("mode", ["--diff", "--fix", "--fix --unsafe-fixes"])
def test_the_command_line_fixes_from_its_own_check(tmp_path, monkeypatch, capsys, mode):
    """--diff and --fix start from the check the command line made (its fix data kept for the
    fixes): a 50,000-line module checked again before fixing paid a whole check more."""
    from bench.corpus import fixable_module
    from checks import cli

    path = tmp_path / "jobs.py"
    path.write_text(fixable_module(lines=30 * 120, units=30))
    counts = count_work(monkeypatch)
    assert cli.main([*mode.split(), "--no-cache", str(path)]) == 1
    assert counts["checks"] == 1 + FIX_CHECKS["unsafe" in mode], counts
    err = capsys.readouterr().err
    fixed = 300 if "unsafe" in mode else 270
    assert f"fixed {fixed} findings" in err or f"would fix {fixed} findings" in err, err


def test_a_file_changed_after_its_check_is_fixed_from_a_new_one(tmp_path, monkeypatch, capsys):
    """The fixes start from the command line's check only if the file still holds the bytes it
    checked: another job written in between is checked, then fixed, too."""
    from bench.corpus import fixable_module
    from checks import cli

    path = tmp_path / "jobs.py"
    path.write_text(fixable_module(lines=3 * 120, units=3))
    apply_fixes = cli.apply_fixes

    def written_in_between(*args, **kwargs):
        path.write_text(fixable_module(lines=4 * 120, units=4))
        return apply_fixes(*args, **kwargs)

    monkeypatch.setattr(cli, "apply_fixes", written_in_between)
    counts = count_work(monkeypatch)
    assert cli.main(["--diff", "--no-cache", str(path)]) == 1
    assert counts["checks"] == 2 + FIX_CHECKS[False], counts
    out, err = capsys.readouterr()
    assert "would fix 36 findings" in err, err  # 9 of each job's 12, as from a fresh check
    assert out.count('+    client.load_collection("') == 4
