"""Each tool call bounded in time and memory: large inputs are worked on in a child process.

A check or rewrite of a large input (over IN_PROCESS_BYTES) runs in a fresh Python process
limited to MEMORY_BYTES of address space and stopped after TIME_SECONDS, or as soon as the
call is cancelled: the server's own threads stay free, so small calls stay fast meanwhile, and
no abandoned work keeps running. Small inputs, the common case, run on a thread of the server.
At most MAX_WORKERS children run at once; further large calls wait for one.

The child imports only this checkout's code (`-P`: never the working directory's modules),
reads a pickled call on stdin and writes the pickled outcome on stdout.
"""

from __future__ import annotations

import functools
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from mcp.server.mcpserver.exceptions import ToolError

IN_PROCESS_BYTES = 50_000  # a rewrite of this much takes well under a second
TIME_SECONDS = 60.0
MEMORY_BYTES = 2 * 1024**3
MAX_WORKERS = 2

_CHILD = "import sys; sys.path.insert(0, sys.argv[1]); from server.workers import child; child()"
_limiter: anyio.CapacityLimiter | None = None


async def bounded(fn: Callable[..., Any], /, *args: Any, size: int, **kwargs: Any) -> Any:
    """`fn(*args, **kwargs)`: on a thread if `size` (bytes of input) is small, else in a child
    process within the time and memory budget; a ToolError says which budget ran out."""
    call = functools.partial(fn, *args, **kwargs)
    if size <= IN_PROCESS_BYTES:
        return await anyio.to_thread.run_sync(call)
    global _limiter
    _limiter = _limiter or anyio.CapacityLimiter(MAX_WORKERS)
    async with _limiter:
        status, value = await _in_child(call)
    if status == "ok":
        return value
    if status == "memory":
        raise ToolError(
            f"the input needs more than {MEMORY_BYTES // 1024**2} MB to process; "
            "send smaller parts, or run the milvus-cto CLI on the file"
        )
    if status == "time":
        raise ToolError(
            f"no answer within {TIME_SECONDS:g} s; send smaller parts, or run the milvus-cto "
            "CLI on the file"
        )
    if status == "recursion":
        raise ToolError("the code is nested too deeply to process")
    raise ToolError(f"internal error: {value}")


async def _in_child(call: functools.partial) -> tuple[str, Any]:
    package_root = str(Path(__file__).resolve().parent.parent)
    process = await anyio.open_process(
        [sys.executable, "-P", "-c", _CHILD, package_root],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        with anyio.move_on_after(TIME_SECONDS) as scope:
            await process.stdin.send(pickle.dumps((call, MEMORY_BYTES)))
            await process.stdin.aclose()
            chunks = [chunk async for chunk in process.stdout]
            await process.wait()
        if scope.cancelled_caught:
            return "time", None
    finally:  # done, out of time or cancelled: the child never outlives the call
        if process.returncode is None:
            process.kill()
        with anyio.CancelScope(shield=True):
            await process.aclose()
    if process.returncode == OVER_MEMORY:
        return "memory", None
    try:
        return pickle.loads(b"".join(chunks))
    except Exception:  # ended without an answer: a native allocation failed, or the OOM killer
        return "memory", None


def child() -> None:
    """In the child: run the call read from stdin, write its outcome to stdout."""
    import resource
    import threading

    call, memory = pickle.loads(sys.stdin.buffer.read())
    # The budget is resident memory, watched here: an address-space limit alone would turn a
    # parser's allocation failure into a misleading "nested too deeply". It stays as a
    # backstop against a spike between two looks.
    backstop = memory + 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (backstop, backstop))
    threading.Thread(target=_watch_memory, args=(memory,), daemon=True).start()
    try:
        outcome = ("ok", call())
    except MemoryError:
        outcome = ("memory", None)
    except RecursionError:
        outcome = ("recursion", None)
    except Exception as exc:
        outcome = ("error", f"{exc.__class__.__name__}: {exc}")
    sys.stdout.buffer.write(pickle.dumps(outcome))
    sys.stdout.buffer.flush()


OVER_MEMORY = 3  # the child's exit status when it went over its memory budget


def _watch_memory(limit: int) -> None:
    import os
    import time

    page = os.sysconf("SC_PAGE_SIZE")
    while True:
        with open("/proc/self/statm") as statm:
            resident = int(statm.read().split()[1]) * page
        if resident > limit:
            os._exit(OVER_MEMORY)
        time.sleep(0.02)
