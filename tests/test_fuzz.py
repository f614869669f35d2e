"""Fuzzing: the checker, the rewriter and the hook never fail, whatever they are given.

- `check_source` (and the MCP tool `check_snippet`) on arbitrary text, on token soup and on
  random valid programs (hypothesmith) after a pymilvus import: it returns a result, with
  positions inside the source.
- `rewrite_source` on the rules' own examples, reformatted the ways real files differ (CRLF
  or CR line ends, tabs, no final newline, non-ASCII names that shift byte and character
  columns apart, trailing comments): the output parses, and rewriting it again changes nothing.
- The hook's `main()` on random JSON and on random hook-shaped payloads: exit 0, never 2,
  never a traceback; output, when there is any, is a hook answer.

Bounded for CI: no deadline, a few dozen examples per property, no example database.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
from pathlib import Path
from unittest import mock

import anyio
import hypothesmith
import pytest
from hook_runner import run_hook_main
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from checks.engine import Options, check_source
from checks.fixes import rewrite_source
from checks.rules import ALL_RULES
from checks.rules.base import Invalid, Valid, example_source

ROOT = Path(__file__).resolve().parent.parent
PRELUDE = "from pymilvus import Collection, MilvusClient, connections\n"
OPTIONS = [Options(), Options(edition="2026.01", pymilvus_version="2.4")]


def fuzz(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def assert_sane(result, source: str) -> None:
    """A result: an error message, or diagnostics whose spans lie inside the source."""
    assert result.error is None or (isinstance(result.error, str) and result.error)
    if result.error is not None:
        assert result.diagnostics == []
    lines = source.splitlines() or [""]
    for d in result.diagnostics:
        assert 1 <= d.line <= d.end_line <= len(lines), d
        assert 1 <= d.column <= len(lines[d.line - 1]) + 1, d
        assert 1 <= d.end_column <= len(lines[d.end_line - 1]) + 1, d
        assert d.line < d.end_line or d.column <= d.end_column, d


# --- check_source on anything ----------------------------------------------------------------

TOKENS = [
    "client", "MilvusClient", "Collection", "search", "query", "insert", "load", "(", ")", "[",
    "]", "{", "}", ":", ",", ".", "=", "==", "\n", "    ", "def", "class", "async", "await",
    "lambda", "if", "else", "for", "in", "with", "as", "return", "yield", "*", "**", "'docs'",
    '"Strong"', "limit", "filter", "expr", "top_k", "=", "1", "16384", "0.1", "None", "f'{x}'",
    "#", "\\", "\t", "\r\n", "é", "\x0c", ";", "@", "not", "and", "match", "case", "_",
]  # fmt: skip


@fuzz(300)
@given(st.text(), st.sampled_from(["", PRELUDE]))
def test_check_source_never_raises_on_text(text, prefix):
    source = prefix + text
    assert_sane(check_source(source), source)


@fuzz(300)
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join))
def test_check_source_never_raises_on_token_soup(text):
    source = PRELUDE + "client = MilvusClient('http://localhost:19530')\n" + text
    assert_sane(check_source(source), source)


@fuzz(100)
@given(st.text() | st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join))
def test_mcp_check_snippet_never_raises_on_text(text):
    tools = pytest.importorskip("server.tools")
    result = anyio.run(tools.check_snippet, PRELUDE + text)
    assert result.parse_error is None or result.diagnostics == []


@fuzz(40)
@given(hypothesmith.from_grammar(), st.sampled_from(OPTIONS))
def test_check_source_on_random_valid_programs(program, options):
    source = PRELUDE + program
    result = check_source(source, options)
    assert_sane(result, source)


@fuzz(30)
@given(hypothesmith.from_node(), st.sampled_from(OPTIONS))
def test_check_source_on_random_programs_from_libcst_nodes(program, options):
    source = PRELUDE + program
    assert_sane(check_source(source, options), source)


# --- rewrite_source on reformatted examples ----------------------------------------------------


def _examples() -> list[str]:
    sources = []
    for rule in ALL_RULES:
        for example in [*rule.INVALID, *rule.VALID]:
            code = example.code if isinstance(example, Invalid | Valid) else example
            sources.append(example_source(code))
    return sources


EXAMPLES = _examples()
# Identifiers the examples use, respelled with non-ASCII letters (same meaning, same binding
# everywhere, but every column after one of them differs between UTF-8 bytes and characters).
RESPELL = {"client": "clïent", "collection": "cöllection", "schema": "schéma", "rows": "röws"}


def respell(source: str) -> str:
    for old, new in RESPELL.items():
        source = re.sub(rf"\b{old}\b", new, source)
    return source


def tabs(source: str) -> str:
    return re.sub(r"(?m)^((?:    )+)", lambda m: "\t" * (len(m.group(1)) // 4), source)


def trailing_comments(source: str) -> str:
    return "".join(line + "  # é note\n" for line in source.splitlines())


@st.composite
def reformatted_examples(draw) -> tuple[str, str]:
    source = draw(st.sampled_from(EXAMPLES))
    if draw(st.booleans()):
        source += "\n" + draw(st.sampled_from(EXAMPLES))
    for change in draw(st.sets(st.sampled_from([respell, tabs, trailing_comments]))):
        source = change(source)
    try:
        ast.parse(source)
    except SyntaxError:
        assume(False)  # e.g. a comment appended inside a multi-line string
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if not draw(st.booleans()):
        source = source.rstrip("\n")
    return source.replace("\n", newline), newline


@fuzz(60)
@given(reformatted_examples(), st.sampled_from(OPTIONS))
def test_fixes_parse_and_are_idempotent_on_reformatted_code(example, options):
    source, newline = example
    assert_sane(check_source(source, options), source)
    result = rewrite_source(source, options, unsafe=True)
    ast.parse(result.code)
    if not result.applied:
        assert result.code == source
        return
    if newline != "\n":
        assert "\n" not in result.code.replace("\r\n", ""), "line ends were changed"
    if "clïent" in source:  # fixes keep names as written (MV101 may add a `client` of its own)
        assert "clïent" in result.code
    again = rewrite_source(result.code, options, unsafe=True)
    assert again.code == result.code and not again.applied


@fuzz(25)
@given(hypothesmith.from_grammar(), st.sampled_from(EXAMPLES))
def test_fixes_on_random_programs_around_an_example(program, example):
    source = PRELUDE + program + "\n" + example
    try:
        ast.parse(source)
    except SyntaxError:
        assume(False)  # e.g. the program ends in a line continuation
    result = rewrite_source(source, unsafe=True)
    ast.parse(result.code)
    again = rewrite_source(result.code, unsafe=True)
    assert again.code == result.code


# --- The hook ---------------------------------------------------------------------------------


def run_hook(payload: bytes) -> tuple[int, str, str]:
    """checks.hook.main() in process on these stdin bytes: (exit code, stdout, stderr)."""
    return run_hook_main(payload)


def assert_hook_answer(code: int, out: str, err: str, event=None) -> None:
    assert code == 0
    assert "Traceback" not in err and "Traceback" not in out
    if out:
        answer = json.loads(out)
        assert isinstance(answer, dict) and isinstance(answer.get("hookSpecificOutput"), dict)
        if event is not None:
            assert answer["hookSpecificOutput"]["hookEventName"] == event


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """Files the payloads point at: Python with and without findings, notebooks, oddities."""
    root = tmp_path_factory.mktemp("project")
    (root / "app.py").write_text(CLEAN)
    (root / "plain.py").write_text("print('hello')\n")
    (root / "crlf.py").write_bytes(CLEAN.replace("\n", "\r\n").encode())
    (root / "binary.py").write_bytes(b"\0\1\2pymilvus")
    (root / "latin1.py").write_bytes("# café pymilvus\n".encode("latin-1"))
    (root / "dir.py").mkdir()
    (root / "nb.ipynb").write_text(
        json.dumps(
            {
                "cells": [
                    {"id": "c1", "cell_type": "code", "source": EXAMPLES[2], "metadata": {}},
                    {"id": "c2", "cell_type": "markdown", "source": "# notes", "metadata": {}},
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    (root / "broken.ipynb").write_text('{"cells": [1, "two", {"id": 3}]}')
    (root / "notjson.ipynb").write_text("{")
    return root


NAMES = [
    "app.py", "plain.py", "crlf.py", "binary.py", "latin1.py", "dir.py", "nb.ipynb",
    "broken.ipynb", "notjson.ipynb", "new.py", "README.md", "deep/new.py", "",
]  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
CODE = (
    st.sampled_from(EXAMPLES)
    | st.text(max_size=80)
    | st.just("")
    | st.sampled_from([PRELUDE + "x = (", PRELUDE + "x = a" + ".b" * 6000, PRELUDE * 2])
)


CLEAN = (
    "from pymilvus import MilvusClient\n"
    'client = MilvusClient("http://localhost:19530")\n'
    'client.create_collection("docs", dimension=8)\n'
    'hits = client.search("docs", data=[[0.1] * 8], limit=3)\n'
    "client.close()\n"
)
INVALID = [
    example_source(e.code if isinstance(e, Invalid) else e) for r in ALL_RULES for e in r.INVALID
]


@st.composite
def edits(draw, root: Path) -> dict:
    """A payload as Claude Code sends it: consistent fields, real files, code with findings."""
    event = draw(st.sampled_from(["PreToolUse", "PostToolUse"]))
    tool = draw(st.sampled_from(["Write", "Edit", "NotebookEdit"]))
    code = draw(st.sampled_from(INVALID) | CODE)
    if tool == "Write":
        tool_input = {"file_path": str(root / draw(st.sampled_from(NAMES))), "content": code}
    elif tool == "Edit":
        name = draw(st.sampled_from(["app.py", "crlf.py", "plain.py", "new.py", "binary.py"]))
        on_disk = (root / name).read_text(errors="replace") if (root / name).is_file() else ""
        start = draw(st.integers(0, len(on_disk)))
        old = on_disk[start : start + draw(st.integers(0, 40))]
        tool_input = {
            "file_path": str(root / name),
            "old_string": old,
            "new_string": draw(st.sampled_from([code, old + "\n" + code, ""])),
            "replace_all": draw(st.booleans()),
        }
    else:
        tool_input = {
            "notebook_path": str(
                root / draw(st.sampled_from(["nb.ipynb", "broken.ipynb", "notjson.ipynb"]))
            ),
            "cell_id": draw(st.sampled_from(["c1", "c2", "cell-0", "cell-1", "cell-9", "zz"])),
            "new_source": code,
            "edit_mode": draw(st.sampled_from(["replace", "insert", "delete"])),
        }
        if draw(st.booleans()):
            tool_input["cell_type"] = draw(st.sampled_from(["code", "markdown"]))
    payload = {
        "session_id": draw(st.uuids().map(str) | st.sampled_from(["s1", "../../etc/x", ""])),
        "hook_event_name": event,
        "tool_name": tool,
        "tool_input": tool_input,
        "tool_use_id": draw(st.sampled_from(["toolu_1", "toolu_2"])),
        "cwd": str(root),
    }
    if event == "PostToolUse" and tool != "NotebookEdit":
        # After the tool ran: the file on disk holds the new code.
        written = root / "written.py"
        written.write_text(code if isinstance(code, str) else "", errors="surrogatepass")
        tool_input["file_path"] = str(written)
    if event == "PostToolUse":
        payload["tool_response"] = {
            "type": draw(st.sampled_from(["create", "update"])),
            "originalFile": draw(st.sampled_from([None, CLEAN]) | CODE),
            "original_file": draw(CODE),
            "updated_file": draw(CODE),
        }
    if draw(st.integers(0, 3)):
        return payload
    # Then damage it (one time in four): any field may hold any JSON value, or be missing.
    for key in draw(st.sets(st.sampled_from(sorted(payload)), max_size=2)):
        payload[key] = draw(JSON)
    damaged = payload["tool_input"]
    if isinstance(damaged, dict) and damaged:
        for key in draw(st.sets(st.sampled_from(sorted(damaged)), max_size=2)):
            if draw(st.booleans()):
                del damaged[key]
            else:
                damaged[key] = draw(JSON)
    return payload


@pytest.fixture
def hook_env(project, monkeypatch):
    monkeypatch.setenv("CLAUDE_PLUGIN_DATA", str(project / ".plugin-data"))
    monkeypatch.delenv("MILVUS_CTO_HOOK_MODE", raising=False)
    monkeypatch.chdir(project)
    return project


@fuzz(200)
@given(data=st.data())
def test_hook_on_random_hook_shaped_payloads(hook_env, data):
    payload = data.draw(edits(hook_env))
    mode = data.draw(st.sampled_from(["guard", "autofix", "review", "off"]))
    with mock.patch.dict(os.environ, {"MILVUS_CTO_HOOK_MODE": mode}):
        code, out, err = run_hook(json.dumps(payload).encode())
    event = payload["hook_event_name"]
    assert_hook_answer(code, out, err, event if isinstance(event, str) else None)
    # Well-formed JSON objects are not failures: nothing may go wrong inside the hook.
    assert err == "", err


@fuzz(60)
@given(JSON)
def test_hook_on_random_json(hook_env, value):
    assert_hook_answer(*run_hook(json.dumps(value).encode()))


@fuzz(40)
@given(st.binary(max_size=200))
def test_hook_on_random_bytes(hook_env, raw):
    # ".py" gets the bytes past the fast path, into the JSON parser.
    for payload in (raw, raw + b".py"):
        code, out, err = run_hook(payload)
        assert_hook_answer(code, out, err)


LAUNCHER = ROOT / ".claude" / "hooks" / "milvus-cto"


@pytest.mark.skipif(not LAUNCHER.is_file(), reason="no hook launcher yet")
@pytest.mark.parametrize(
    "stdin",
    [
        b"",
        b"null",
        b"[]",
        b'"x.py"',
        b'{"tool_input": {"file_path": "x.py"}}',
        b'{"hook_event_name": "PreToolUse", "tool_name": "Write", "tool_input": {"file_path": 7}}',
        b'{"hook_event_name": "PreToolUse", "tool_name": "Write", "tool_input": '
        b'{"file_path": "/nonexistent/dir/app.py", "content": "import pymilvus\\nx = ("}}',
        b"\xff\xfe.py{{{",
        b'{"a": ' * 5000 + b'".py"' + b"}" * 5000,
    ],
)
def test_hook_launcher_on_bad_payloads(stdin, tmp_path):
    env = dict(os.environ, CLAUDE_PROJECT_DIR=str(ROOT), CLAUDE_PLUGIN_DATA=str(tmp_path))
    env.pop("MILVUS_CTO_HOOK_MODE", None)
    proc = subprocess.run(
        ["sh", str(LAUNCHER), "hook"],
        input=stdin,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert_hook_answer(proc.returncode, proc.stdout.decode(), proc.stderr.decode())
