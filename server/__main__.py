"""Run the milvus-cto MCP server.

    python -m server                       # stdio (what Claude Code and most clients start)
    python -m server --http 127.0.0.1:8765 # streamable HTTP on loopback, at /mcp

Stdout is the protocol channel on stdio: nothing else is ever printed there. A one-line banner
goes to stderr, and only when stderr is a terminal.

Start-up on stdio, in the standard library only until the client is answered: Claude Code
waits for every MCP server's `initialize` answer before a session starts, and importing the
MCP SDK, the checker and the guide takes seconds. So the first line is read and answered at
once from `server.identity`; then the SDK loads and gets the same request
replayed, its own (equal) answer to it is dropped, and the conversation goes on. Without the
SDK yet (the plugin's first session, its venv still being built), this process answers,
waits for the venv and becomes the server there (`--replay LINE --answered`). Claude Code
2.1.330 opens with `server/discover` (protocol 2026-07-28), other clients with `initialize`:
both are answered early.

End of input: when stdin closes, requests already read are still answered before the server
exits (bounded by DRAIN_SECONDS), so a client that sends a call and closes gets its result.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

DRAIN_SECONDS = 60.0  # at end of input, how long in-flight requests may still take
FIRST_RUN_SECONDS = 120  # the plugin's first session: how long to wait for its venv


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m server",
        description="milvus-cto MCP server: checks pymilvus code, serves the Milvus guide.",
    )
    parser.add_argument(
        "--http",
        metavar="HOST:PORT",
        help="serve streamable HTTP on a loopback address (e.g. 127.0.0.1:8765) instead of stdio",
    )
    # The plugin's first session (the launcher, before its venv exists): answer initialize,
    # wait for the venv, then run there with --answered.
    parser.add_argument("--venv-python", help=argparse.SUPPRESS)
    parser.add_argument("--replay", metavar="LINE", help=argparse.SUPPRESS)
    parser.add_argument("--answered", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.http:
        address = _loopback(parser, args.http)
        from server.app import mcp

        host, port = address
        shown = f"[{host}]" if ":" in host else host
        _banner(f"milvus-cto MCP server {mcp.version} on http://{shown}:{port}/mcp")
        mcp.run("streamable-http", host=host, port=port)
        return 0
    first = args.replay.encode() if args.replay is not None else None
    return serve_stdio(first, args.answered, args.venv_python)


def serve_stdio(
    first: bytes | None = None, answered: bool = False, venv_python: str | None = None
) -> int:
    """`first`: the client's first line, read by an earlier process (`answered`: and answered
    by it). `venv_python`: this process lacks the SDK; the server runs there once setup_env
    has built it."""
    if first is None:
        first = _read_line(0)
        reply = early_reply(first) if first else None
        if reply is not None:
            os.write(1, reply)
            answered = True
    if venv_python:
        import subprocess

        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        setup = os.path.join(root, ".claude", "hooks", "setup_env.py")
        waited = subprocess.run(
            [sys.executable, "-P", setup, "--wait", str(FIRST_RUN_SECONDS)],
            stdin=subprocess.DEVNULL,
            stdout=2,
        )
        if waited.returncode != 0 or not os.access(venv_python, os.X_OK):
            return 1
        command = [venv_python, "-P", "-m", "server", "--replay", first.decode()]
        os.execv(venv_python, [*command, "--answered"] if answered else command)
    # The wire leaves fd 1, which then points at stderr: nothing loaded from here on can print
    # into the protocol.
    wire = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    from server.app import mcp

    _banner(f"milvus-cto MCP server {mcp.version} on stdio")
    lines = Incoming(first, 0)
    outgoing = Outgoing(wire, lines, drop_id=_request(first)["id"] if answered else None)
    import anyio
    from mcp.server.stdio import stdio_server

    async def run() -> None:
        async with stdio_server(stdin=anyio.wrap_file(lines), stdout=anyio.wrap_file(outgoing)) as (
            read,
            write,
        ):
            server = mcp._lowlevel_server  # what MCPServer.run_stdio_async runs, on our streams
            await server.run(read, write, server.create_initialization_options())

    anyio.run(run)
    return 0


def early_reply(line: bytes) -> bytes | None:
    """The answer to an `initialize` or `server/discover` request, or None."""
    request = _request(line)
    if request is None:
        return None
    from server.identity import early_result

    result = early_result(request["method"], request.get("params"))
    if result is None:
        return None
    answer = {"jsonrpc": "2.0", "id": request["id"], "result": result}
    return json.dumps(answer, separators=(",", ":")).encode() + b"\n"


def _request(line: bytes) -> dict | None:
    try:
        message = json.loads(line)
    except ValueError:
        return None
    if not isinstance(message, dict) or not isinstance(message.get("id"), (int, str)):
        return None
    return message if message.get("method") in ("initialize", "server/discover") else None


def _read_line(fd: int) -> bytes:
    """One line from fd, read without buffering past it (an exec'd successor reads the rest)."""
    chunks = []
    while True:
        byte = os.read(fd, 1)
        if not byte:
            break
        chunks.append(byte)
        if byte == b"\n":
            break
    return b"".join(chunks)


class Incoming:
    """The client's lines for the SDK: the first line (already read), then stdin. At end of
    input it waits until every request read has been answered, so that closing stdin right
    after a call does not drop the call."""

    def __init__(self, first: bytes, fd: int):
        self._pending = [first] if first else []
        self._file = os.fdopen(os.dup(fd), "rb")
        os.dup2(os.open(os.devnull, os.O_RDONLY), fd)  # nothing else reads the wire
        self._open: set = set()
        self._answered = threading.Condition()

    def readline(self) -> str:
        line = self._pending.pop(0) if self._pending else self._file.readline()
        if not line:
            self._drain()
            return ""
        self._track(line)
        return line.decode("utf-8", "replace")

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def _track(self, line: bytes) -> None:
        try:
            message = json.loads(line)
        except ValueError:
            return
        if not isinstance(message, dict) or "method" not in message:
            return
        if "id" in message:
            with self._answered:
                self._open.add(_key(message["id"]))
        elif message["method"] == "notifications/cancelled":  # the SDK does not answer those
            params = message.get("params")
            if isinstance(params, dict) and "requestId" in params:
                self.answered(_key(params["requestId"]))

    def answered(self, key: tuple) -> None:
        with self._answered:
            self._open.discard(key)
            self._answered.notify_all()

    def _drain(self) -> None:
        deadline = time.monotonic() + DRAIN_SECONDS
        with self._answered:
            while self._open and time.monotonic() < deadline:
                self._answered.wait(deadline - time.monotonic())


class Outgoing:
    """The SDK's lines to the client. Drops the SDK's answer to an `initialize` this process
    answered already, and tells `Incoming` which requests are answered."""

    def __init__(self, wire, incoming: Incoming, drop_id=None):
        self._wire = wire
        self._incoming = incoming
        self._drop = None if drop_id is None else _key(drop_id)
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        answered = None
        try:
            message = json.loads(data)
            if isinstance(message, dict) and "method" not in message and "id" in message:
                answered = _key(message["id"])
        except ValueError:
            pass
        with self._lock:
            if answered is not None and answered == self._drop:
                self._drop = None  # answered before the SDK loaded, with the same result
            else:
                self._wire.write(data)
        if answered is not None:
            self._incoming.answered(answered)
        return len(text)

    def flush(self) -> None:
        pass


def _key(message_id) -> tuple:
    return (type(message_id).__name__, message_id)


def _loopback(parser, value: str) -> tuple[str, int]:
    import ipaddress

    host, _, port = value.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        parser.error(f"--http expects HOST:PORT, e.g. 127.0.0.1:8765 (got {value!r})")
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        parser.error(f"--http serves on loopback only (127.0.0.1, ::1, localhost), not {host!r}")
    return host, int(port)


def _banner(text: str) -> None:
    if sys.stderr.isatty():
        print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
