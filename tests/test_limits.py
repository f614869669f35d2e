"""Bounded inputs: past the size and nesting limits an input gets a clear error, never a crash.

The limits (checks/engine.py): sources over `MAX_SOURCE_BYTES` are refused; nesting is bounded
by CPython's parser (200 brackets, 100 indentation levels, expression chains of a few
thousand), and fixes by libcst's recursion (a couple of hundred levels), where the rewrite
gives up and leaves the finding in `remaining`.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import threading

import anyio
import pytest
from hook_runner import run_hook_main

from checks.engine import MAX_SOURCE_BYTES, check_source
from checks.fixes import rewrite_source

HEAD = (
    "from pymilvus import MilvusClient\n"
    'client = MilvusClient("http://localhost:19530")\n'
    'rows = client.query("docs", filter="id > 0", limit=3, consistency_level="strong")\n'
)  # MV007, with a safe fix

# Expressions nested `n` deep, in every shape the grammar nests.
SHAPES = {
    "binary operators": lambda n: "x = 1" + " + 1" * n,
    "attributes": lambda n: "x = a" + ".b" * n,
    "calls": lambda n: "x = f" + "()" * n,
    "subscripts": lambda n: "x = a" + "[0]" * n,
    "parentheses": lambda n: "x = " + "(" * n + "1" + ")" * n,
    "lists": lambda n: "x = " + "[" * n + "]" * n,
    "unary operators": lambda n: "x = " + "-" * n + "1",
    "not": lambda n: "x = " + "not " * n + "y",
    "conditional expressions": lambda n: "x = " + "1 if y else " * n + "2",
    "lambdas": lambda n: "x = " + "lambda: " * n + "1",
    "elif chains": lambda n: "if x:\n    pass\n" + "elif x:\n    pass\n" * n,
    "indentation": lambda n: "".join("    " * i + "if x:\n" for i in range(n)) + "    " * n + "0",
    "search filter": lambda n: (
        "client.search('docs', data=[[0.1]], limit=3, filter='a'"
        + " + 'b'" * n
        + ", consistency_level='strong')"
    ),
}
PARSER_LIMIT_MESSAGES = ("nested too deeply", "too many nested parentheses", "too many levels")


def deep(shape: str, n: int) -> str:
    return HEAD + SHAPES[shape](n) + "\n"


@pytest.mark.parametrize("shape", SHAPES)
def test_past_the_parsers_limit_is_a_clear_error(shape):
    result = check_source(deep(shape, 6000 if shape != "indentation" else 150))
    assert result.error is not None
    assert any(m in result.error for m in PARSER_LIMIT_MESSAGES), result.error
    assert "Traceback" not in result.error and "RecursionError" not in result.error


@pytest.mark.parametrize("shape", SHAPES)
def test_deep_code_the_parser_accepts_is_checked(shape):
    result = check_source(deep(shape, 90))
    assert result.error is None
    assert "MV007" in [d.code for d in result.diagnostics]


REWRITTEN = [
    *(
        (shape, n)
        for shape in ("binary operators", "attributes", "elif chains")
        for n in (90, 400, 2000)
    ),
    ("lists", 90),
    ("lists", 180),
]


@pytest.mark.parametrize(("shape", "n"), REWRITTEN)
def test_rewrite_never_raises_and_always_parses(shape, n):
    source = deep(shape, n)
    assert check_source(source).error is None
    result = rewrite_source(source)
    ast.parse(result.code)
    if result.applied:
        assert 'consistency_level="Strong"' in result.code
    else:  # too deep for libcst: the code is untouched and the finding remains
        assert result.code == source
        assert "MV007" in [d.code for d in result.remaining]


def test_rewrite_past_the_parsers_limit_reports_the_error():
    result = rewrite_source(deep("attributes", 6000))
    assert result.error and "nested too deeply" in result.error
    assert result.applied == []


def test_deep_code_in_a_worker_thread():
    # The MCP server runs the checker on worker threads, whose C stack may be smaller.
    results = []
    sources = [deep(shape, 6000 if shape != "indentation" else 150) for shape in SHAPES]
    sources += [deep(shape, 900) for shape in ("binary operators", "calls", "elif chains")]

    def work():
        for source in sources:
            results.append(check_source(source))
        results.append(rewrite_source(deep("subscripts", 400)))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert len(results) == len(sources) + 1


def test_source_over_the_size_limit_is_refused_at_once():
    source = HEAD + "x = 1\n" * (MAX_SOURCE_BYTES // 6 + 1)
    result = check_source(source)
    assert result.error == (f"input too large: {len(source)} characters (limit {MAX_SOURCE_BYTES})")
    rewritten = rewrite_source(source)
    assert rewritten.error == result.error and rewritten.code == source


def test_source_just_under_the_size_limit_is_checked():
    filler = "# " + "x" * 97 + "\n"
    source = HEAD + filler * ((MAX_SOURCE_BYTES - len(HEAD)) // len(filler))
    assert len(source) <= MAX_SOURCE_BYTES
    result = check_source(source)
    assert result.error is None
    assert [d.code for d in result.diagnostics] == ["MV007"]


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "checks", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_cli_reports_each_oversize_or_deep_file_and_checks_the_rest(tmp_path):
    (tmp_path / "huge.py").write_text(HEAD + "x = 1\n" * 400_000)
    (tmp_path / "deep.py").write_text(deep("attributes", 6000))
    (tmp_path / "deep_ok.py").write_text(deep("calls", 900))
    (tmp_path / "app.py").write_text(HEAD)
    proc = run_cli(str(tmp_path))
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    out = proc.stdout
    assert f"huge.py: error: file too large: {(tmp_path / 'huge.py').stat().st_size} bytes" in out
    assert "deep.py: error: cannot parse: the code is nested too deeply" in out
    assert "deep_ok.py:3:" in out and "app.py:3:" in out  # both still checked: MV007


def test_cli_fix_leaves_code_too_deep_for_libcst_alone(tmp_path):
    path = tmp_path / "deep.py"
    # The finding's own statement is too deep for libcst: it stays as it is.
    path.write_text(HEAD.replace("limit=3", "limit=3" + " + 1" * 900))
    before = path.read_text()
    proc = run_cli("--fix", str(path))
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1  # the MV007 finding remains
    assert path.read_text() == before
    # Deep code elsewhere does not stop the fix: libcst is given the finding's statement only.
    path.write_text(deep("binary operators", 900))
    proc = run_cli("--fix", str(path))
    assert proc.returncode == 0, proc.stdout
    assert path.read_text() == deep("binary operators", 900).replace('"strong"', '"Strong"')


def test_cli_stdin_over_the_limit(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "checks", "-"],
        input=b"x = 1\n" * (MAX_SOURCE_BYTES // 6 + 10),
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert b"file too large: more than" in proc.stdout
    assert b"Traceback" not in proc.stderr


def test_server_tools_refuse_or_answer_past_the_limits():
    tools = pytest.importorskip("server.tools")
    from mcp.server.mcpserver.exceptions import ToolError

    with pytest.raises(ToolError, match="limit is 1 MB"):
        anyio.run(tools.check_snippet, "x = 1\n" * 200_000)
    result = anyio.run(tools.check_snippet, deep("attributes", 6000))
    assert result.parse_error and "nested too deeply" in result.parse_error
    with pytest.raises(ToolError, match="nested too deeply"):
        anyio.run(tools.rewrite_snippet, deep("unary operators", 6000))
    rewritten = anyio.run(tools.rewrite_snippet, deep("binary operators", 2000))
    ast.parse(rewritten.code)


def run_hook(hook, payload: dict) -> tuple[int, str, str]:
    """The hook's main() in process, on this payload; (exit code, stdout, stderr)."""
    return run_hook_main(json.dumps(payload).encode())


def test_hook_on_huge_and_deep_writes_lets_them_through(tmp_path, monkeypatch):
    hook = pytest.importorskip("checks.hook")
    monkeypatch.setenv("CLAUDE_PLUGIN_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("MILVUS_CTO_HOOK_MODE", raising=False)
    for content in (HEAD + "x = 1\n" * 400_000, deep("attributes", 6000), deep("calls", 900)):
        payload = {
            "hook_event_name": "PreToolUse",
            "tool_name": "Write",
            "tool_input": {"file_path": str(tmp_path / "app.py"), "content": content},
        }
        code, out, err = run_hook(hook, payload)
        assert code == 0 and "Traceback" not in err
        if content.endswith(SHAPES["calls"](900) + "\n"):
            assert '"deny"' in out  # checked: MV007 blocks
        else:
            assert out == ""  # not checkable: let through (a syntax error is the edit's own)
