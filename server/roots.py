"""Which files check_file may read: under the server's working directory or a client root.

The client's roots are asked for only when it declared the roots capability; otherwise, or when
its `roots/list` fails or does not answer within ROOTS_TIMEOUT, the working directory alone is
allowed. Paths are resolved (symlinks included) before the check, so
a link cannot lead outside.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import anyio
from mcp.server.mcpserver import Context, ListRoots
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.message import ServerMessageMetadata
from mcp.types import ListRootsRequest, ListRootsResult
from mcp_types.version import is_version_at_least

ROOTS_TIMEOUT = 5.0  # seconds a client gets to list its roots
INPUT_REQUIRED_VERSION = "2026-07-28"  # from here on, the call itself carries the question


async def client_roots(ctx: Context) -> ListRootsResult | ListRoots | None:
    """Resolver for check_file: the client's roots, if it can list them."""
    capabilities = ctx.client_capabilities
    if capabilities is None or capabilities.roots is None:
        return None
    version = ctx.protocol_version
    if version is not None and is_version_at_least(version, INPUT_REQUIRED_VERSION):
        return ListRoots()  # asked within the call; the client answers when it retries
    try:  # a request to the client mid-call: its failure must not fail check_file
        with anyio.fail_after(ROOTS_TIMEOUT):
            return await ctx.session.send_request(
                ListRootsRequest(),
                ListRootsResult,
                metadata=ServerMessageMetadata(related_request_id=ctx.request_id),
            )
    except Exception:
        return None


def allowed_dirs(roots: ListRootsResult | None) -> list[Path]:
    dirs = [Path.cwd().resolve()]
    for root in roots.roots if roots else ():
        parsed = urlparse(str(root.uri))
        if parsed.scheme == "file" and parsed.netloc in ("", "localhost"):
            dirs.append(Path(url2pathname(unquote(parsed.path))).resolve())
    return dirs


def allowed_file(path: str, roots: ListRootsResult | None) -> Path:
    """The file `path` names, if it may be read; else a ToolError saying why not."""
    if not path.strip() or "\0" in path:
        raise ToolError("path must be a non-empty file path")
    dirs = allowed_dirs(roots)
    file = (dirs[0] / Path(path).expanduser()).resolve()
    if not any(file.is_relative_to(d) for d in dirs):
        where = ", ".join(str(d) for d in dirs)
        raise ToolError(
            f"refusing to read {file}: check_file only reads files under the server's "
            f"working directory or the client's roots ({where})"
        )
    if not file.exists():
        raise ToolError(f"no such file: {file}")
    if not file.is_file():
        raise ToolError(f"not a regular file: {file} (check_file checks one file)")
    return file
