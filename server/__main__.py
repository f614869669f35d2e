"""Run the milvus-cto MCP server.

    python -m server                       # stdio (what Claude Code and most clients start)
    python -m server --http 127.0.0.1:8765 # streamable HTTP on loopback, at /mcp

Stdout is the protocol channel on stdio: nothing else is ever printed there. A one-line banner
goes to stderr, and only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m server",
        description="milvus-cto MCP server: checks pymilvus code, serves the Milvus guide.",
    )
    parser.add_argument(
        "--http",
        metavar="HOST:PORT",
        help="serve streamable HTTP on a loopback address (e.g. 127.0.0.1:8765) instead of stdio",
    )
    args = parser.parse_args(argv)
    address = _loopback(parser, args.http) if args.http else None

    from server.app import mcp

    if address is None:
        _banner(f"milvus-cto MCP server {mcp.version} on stdio")
        mcp.run("stdio")
    else:
        host, port = address
        shown = f"[{host}]" if ":" in host else host
        _banner(f"milvus-cto MCP server {mcp.version} on http://{shown}:{port}/mcp")
        mcp.run("streamable-http", host=host, port=port)
    return 0


def _loopback(parser: argparse.ArgumentParser, value: str) -> tuple[str, int]:
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
