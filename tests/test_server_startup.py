"""`python -m server` answers `initialize` before it loads the MCP SDK, the checker or the guide,
with exactly what the SDK would answer; and it answers what it read before stdin closed."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from server import identity

ROOT = Path(__file__).resolve().parent.parent
CODE = (
    "from pymilvus import MilvusClient\n"
    "client = MilvusClient('demo.db')\n"
    "client.search('docs', data=[[0.1] * 8], top_k=3)\n"
)


def initialize(version: str = "2025-06-18", id_=1) -> bytes:
    params = {
        "protocolVersion": version,
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "0"},
    }
    return (
        json.dumps({"jsonrpc": "2.0", "id": id_, "method": "initialize", "params": params}).encode()
        + b"\n"
    )


def start(argv: list[str], cwd: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )  # fmt: skip


def reply(process: subprocess.Popen, timeout: float = 60) -> dict:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "no reply from the server"
    line = process.stdout.readline()
    assert line, process.stderr.read().decode()
    return json.loads(line)


def sdk_answer(request: bytes, tmp_path: Path) -> dict:
    """What the MCP SDK itself answers, run the plain way."""
    done = subprocess.run(
        [sys.executable, "-P", "-c", "from server.app import mcp; mcp.run('stdio')"],
        input=request, capture_output=True, cwd=tmp_path, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    return json.loads(done.stdout.splitlines()[0])


@pytest.mark.parametrize("version", ["2024-11-05", "2025-06-18", "2025-11-25", "1999-01-01"])
def test_the_early_answer_is_the_sdks_answer(version, tmp_path):
    request = initialize(version)
    early = json.loads(subprocess.run(
        [sys.executable, "-P", "-m", "server"], input=request, capture_output=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120,
    ).stdout.splitlines()[0])  # fmt: skip
    assert early == sdk_answer(request, tmp_path)


# What Claude Code 2.1.330 sends first: a stateless probe of protocol 2026-07-28.
DISCOVER = {
    "jsonrpc": "2.0", "id": "server-discover-probe-1", "method": "server/discover",
    "params": {"_meta": {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "claude-code", "version": "2.1.330"},
        "io.modelcontextprotocol/clientCapabilities": {"roots": {"listChanged": True}},
    }},
}  # fmt: skip


def test_the_early_discover_answer_is_the_sdks_answer(tmp_path):
    request = json.dumps(DISCOVER).encode() + b"\n"
    early = subprocess.run(
        [sys.executable, "-P", "-m", "server"], input=request, capture_output=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120,
    ).stdout.splitlines()  # fmt: skip
    assert len(early) == 1  # answered once: the SDK's own answer was dropped
    assert json.loads(early[0]) == sdk_answer(request, tmp_path)


def test_the_protocol_versions_are_the_sdks():
    from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSIONS

    assert identity.HANDSHAKE_PROTOCOL_VERSIONS == HANDSHAKE_PROTOCOL_VERSIONS
    assert identity.MODERN_PROTOCOL_VERSIONS == MODERN_PROTOCOL_VERSIONS


def test_initialize_is_answered_before_the_sdk_loads(tmp_path):
    """An `mcp` package that takes 20 s to import: the answer comes anyway, at once."""
    slow = tmp_path / "slow"
    (slow / "mcp").mkdir(parents=True)
    (slow / "mcp" / "__init__.py").write_text("import time\ntime.sleep(20)\n")
    process = start([sys.executable, "-P", "-m", "server"], tmp_path,
                    PYTHONPATH=f"{ROOT}{os.pathsep}{slow}")  # fmt: skip
    try:
        began = time.monotonic()
        process.stdin.write(initialize())
        process.stdin.flush()
        answer = reply(process, timeout=15)
        assert time.monotonic() - began < 10
        assert answer["result"]["serverInfo"]["name"] == "milvus-cto"
    finally:
        process.kill()
        process.wait()


def test_a_call_sent_before_stdin_closes_is_answered(tmp_path):
    call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
            "params": {"name": "check_snippet", "arguments": {"code": CODE}}}  # fmt: skip
    lines = [
        initialize(),
        b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n',
        json.dumps(call).encode() + b"\n",
    ]
    done = subprocess.run(
        [sys.executable, "-P", "-m", "server"], input=b"".join(lines), capture_output=True,
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120,
    )  # fmt: skip
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in replies] == [1, 2]  # initialize once, then the call
    assert "MV102" in json.dumps(replies[1]["result"])
    assert done.returncode == 0


def test_the_first_session_answers_then_hands_over_to_the_venv(tmp_path):
    """Before the plugin's venv exists, a Python without the SDK answers initialize, waits
    for the venv (here: one that appears), and the server runs there."""
    data = tmp_path / "data"
    venv_python = data / "venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    venv_python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    venv_python.chmod(0o755)
    env = {"CLAUDE_PLUGIN_DATA": str(data), "MILVUS_CTO_PYTHON": ""}
    process = start(
        [sys.executable, "-P", "-I", "-c",
         "import sys; sys.path.insert(0, sys.argv[1]); from server.__main__ import main; "
         "sys.exit(main(['--venv-python', sys.argv[2]]))", str(ROOT), str(venv_python)],
        tmp_path, **env,
    )  # fmt: skip
    try:
        process.stdin.write(initialize())
        process.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
        process.stdin.write(b'{"jsonrpc":"2.0","id":2,"method":"tools/list"}\n')
        process.stdin.flush()
        assert reply(process)["id"] == 1
        tools = reply(process, timeout=120)
        assert tools["id"] == 2 and "check_snippet" in json.dumps(tools)
    finally:
        process.kill()
        process.wait()
