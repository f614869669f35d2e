"""`python -m server` as a real subprocess: stdio (raw JSON-RPC and the SDK client) and HTTP."""

from __future__ import annotations

import json
import select
import socket
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters

REPO = Path(__file__).resolve().parent.parent
CODE = (
    "from pymilvus import MilvusClient\n"
    "client = MilvusClient('demo.db')\n"
    "client.create_collection('docs', schema=schema)\n"
    "client.search('docs', data=[[0.1] * 8], limit=3)\n"
)


def _rpc(id_: int, method: str, params: dict | None = None) -> bytes:
    message = {"jsonrpc": "2.0", "id": id_, "method": method}
    if params is not None:
        message["params"] = params
    return (json.dumps(message) + "\n").encode()


def _reply(process: subprocess.Popen, timeout: float = 30) -> dict:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "no reply from the server"
    line = process.stdout.readline()
    assert line, process.stderr.read().decode()
    return json.loads(line)  # anything but JSON-RPC on stdout fails here


def test_stdio_speaks_only_json_rpc_on_stdout(tmp_path):
    """initialize, tools/list, resources/list and calls, as a client writes them."""
    initialize = {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    replies = {}
    try:
        for request in [
            _rpc(1, "initialize", initialize),
            b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n',
            _rpc(2, "tools/list"),
            _rpc(3, "resources/list"),
            _rpc(4, "tools/call", {"name": "check_snippet", "arguments": {"code": CODE}}),
            _rpc(5, "tools/call", {"name": "explain_rule", "arguments": {"code": "MV999"}}),
        ]:
            process.stdin.write(request)
            process.stdin.flush()
            if b'"id"' in request:
                reply = _reply(process)
                replies[reply["id"]] = reply
        process.stdin.close()
        assert process.wait(timeout=30) == 0
        assert process.stdout.read() == b""
        assert b"milvus-cto MCP server" not in process.stderr.read()  # banner: terminals only
    finally:
        process.kill()
        process.wait()
    assert replies[1]["result"]["serverInfo"]["name"] == "milvus-cto"
    tools = {t["name"]: t for t in replies[2]["result"]["tools"]}
    assert {"check_snippet", "check_file", "rewrite_snippet", "explain_rule"} == set(tools)
    assert all("outputSchema" in t for t in tools.values())
    uris = {r["uri"] for r in replies[3]["result"]["resources"]}
    assert {"milvus-guide://editions", "milvus-guide://current/rules/MV001"} <= uris
    assert {"milvus-guide://2026.01/guide", "milvus-guide://2026.11/guide"} <= uris
    call = replies[4]["result"]
    assert call["isError"] is False
    assert [d["code"] for d in call["structuredContent"]["diagnostics"]] == ["MV001"]
    error = replies[5]["result"]
    assert error["isError"] is True and "MV999" in error["content"][0]["text"]


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_stdio_with_the_sdk_client(anyio_backend, tmp_path):
    (tmp_path / "app.py").write_text(CODE)
    params = StdioServerParameters(command=sys.executable, args=["-m", "server"], cwd=tmp_path)
    async with Client(params) as client:
        assert len((await client.list_tools()).tools) == 4
        result = await client.call_tool("check_file", {"path": "app.py"})
        assert not result.is_error, result.content
        assert result.structured_content["diagnostics"][0]["code"] == "MV001"
        [content] = (await client.read_resource("milvus-guide://current/rules/MV001")).contents
        assert content.text.startswith("# MV001")
        prompt = await client.get_prompt("milvus-check", {"code_or_path": "app.py"})
        assert "check_file" in prompt.messages[0].content.text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_streamable_http_on_loopback(anyio_backend, tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "--http", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "server did not start listening"
                await anyio.sleep(0.1)
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            result = await client.call_tool("check_snippet", {"code": CODE})
            assert result.structured_content["diagnostics"][0]["code"] == "MV001"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("address", ["0.0.0.0:8000", "192.168.1.1:8000", "127.0.0.1", "x:y"])
def test_http_refuses_anything_but_a_loopback_address(address):
    done = subprocess.run(
        [sys.executable, "-m", "server", "--http", address],
        capture_output=True,
        timeout=30,
        cwd=REPO,
    )
    assert done.returncode == 2
    assert b"--http" in done.stderr and done.stdout == b""
