"""Who the server is, in the standard library only: read before anything else is imported.

`server.__main__` answers a client's `initialize` from these constants while the MCP SDK,
the checker and the guide are still loading, and `server.app` gives the same values to the
SDK; `tests/test_server_startup.py` checks that both answers are equal.
"""

from __future__ import annotations

import os
import re

NAME = "milvus-cto"
TITLE = "milvus-cto: pymilvus checker and Milvus correction guide"
INSTRUCTIONS = (
    "Checks and fixes Python code that uses pymilvus, the Milvus vector database client. "
    "Call check_snippet (or check_file) on pymilvus code before trusting it; every finding "
    "links a milvus-guide:// entry explaining the Milvus behaviour and the correct code; "
    "rewrite_snippet applies the safe fixes. milvus-guide://current/guide is an overview "
    "of correct pymilvus usage."
)
# What the SDK declares for this server, and the protocol revisions it speaks
# (mcp_types.version): `initialize` negotiates a handshake revision, the client's when it is
# one of them, else the newest; Claude Code first probes with `server/discover` (2026-07-28).
CAPABILITIES = {
    "prompts": {"listChanged": False},
    "resources": {"listChanged": False, "subscribe": False},
    "tools": {"listChanged": False},
}
DISCOVER_CAPABILITIES = {
    "prompts": {"listChanged": True},
    "resources": {"listChanged": True, "subscribe": True},
    "tools": {"listChanged": True},
}
HANDSHAKE_PROTOCOL_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")
MODERN_PROTOCOL_VERSIONS = ("2026-07-28",)
META = "io.modelcontextprotocol/"


def version() -> str:
    """milvus-cto's version: installed metadata, else the checkout's pyproject.toml (the
    plugin runs from a checkout whose venv holds only the dependencies)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed(NAME)
    except PackageNotFoundError:
        pass
    pyproject = os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pyproject.toml"
    )
    try:
        with open(pyproject, encoding="utf-8") as f:
            found = re.search(r'^version\s*=\s*"([^"]+)"', f.read(), re.M)
    except OSError:
        found = None
    return found.group(1) if found else "0.0.0"


def early_result(method: str, params) -> dict | None:
    """The SDK's result for `initialize` or `server/discover`, or None to leave it to the SDK."""
    params = params if isinstance(params, dict) else {}
    if method == "initialize":
        return initialize_result(params)
    meta = params.get("_meta")
    modern = (
        isinstance(meta, dict) and meta.get(META + "protocolVersion") in MODERN_PROTOCOL_VERSIONS
    )
    return discover_result() if method == "server/discover" and modern else None


def discover_result() -> dict:
    return {
        "cacheScope": "private",
        "capabilities": DISCOVER_CAPABILITIES,
        "instructions": INSTRUCTIONS,
        "resultType": "complete",
        "supportedVersions": list(MODERN_PROTOCOL_VERSIONS),
        "ttlMs": 0,
        "_meta": {META + "serverInfo": {"name": NAME, "title": TITLE, "version": version()}},
    }


def initialize_result(params: dict) -> dict:
    requested = params.get("protocolVersion") if isinstance(params, dict) else None
    negotiated = (
        requested if requested in HANDSHAKE_PROTOCOL_VERSIONS else HANDSHAKE_PROTOCOL_VERSIONS[-1]
    )
    return {
        "capabilities": CAPABILITIES,
        "instructions": INSTRUCTIONS,
        "protocolVersion": negotiated,
        "serverInfo": {"name": NAME, "title": TITLE, "version": version()},
    }
