"""What the hooks remember within one Claude Code session, in one small locked JSON file.

Two things survive between hook runs: which findings were already reported (PostToolUse says
each one once per file, code and line text per session), and which fixes autofix applied in
PreToolUse (the model never sees an `updatedInput`, so PostToolUse tells it). Hooks of one
session can run concurrently (several tool calls in one turn), hence the lock.

The file lives under `$CLAUDE_PLUGIN_DATA/hook-state/` when the plugin runs, else in the
temp dir; files of sessions idle for a week are removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator

MAX_AGE_SECONDS = 7 * 24 * 3600
MAX_KEYS = 5000  # a session reporting more than this starts forgetting the oldest


def state_dir() -> str:
    data = os.environ.get("CLAUDE_PLUGIN_DATA")
    if data:
        return os.path.join(data, "hook-state")
    return os.path.join(tempfile.gettempdir(), f"milvus-cto-{os.getuid()}")


def _session_file(session_id: str) -> str:
    # Session ids are UUIDs, but nothing guarantees it: keep the name inside the directory.
    name = re.sub(r"[^A-Za-z0-9._-]", "_", session_id or "no-session")[:128]
    return os.path.join(state_dir(), f"{name}.json")


@contextlib.contextmanager
def locked_state(session_id: str) -> Iterator[dict]:
    """The session's state as a dict; changes are written back when the block ends."""
    directory = state_dir()
    os.makedirs(directory, mode=0o700, exist_ok=True)
    path = _session_file(session_id)
    fresh = not os.path.exists(path)
    with open(path + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            state = _read(path)
            before = json.dumps(state, sort_keys=True)
            yield state
            if json.dumps(state, sort_keys=True) != before:
                _write(path, state)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    if fresh:
        _collect_garbage(directory)


def first_reports(session_id: str, keys: Iterable[str]) -> set[str]:
    """The keys not reported before in this session; they count as reported from now on."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return set()
    with locked_state(session_id) as state:
        seen = state.setdefault("reported", [])
        known = set(seen)
        new = [key for key in keys if _digest(key) not in known]
        seen.extend(_digest(key) for key in new)
        del seen[:-MAX_KEYS]
    return set(new)


def remember_fixes(session_id: str, tool_use_id: str, report: str) -> None:
    """Keep what autofix changed in a tool call until that call's PostToolUse takes it."""
    with locked_state(session_id) as state:
        pending = state.setdefault("fixes", {})
        pending[tool_use_id] = {"report": report, "time": time.time()}
        # A call denied later by another hook never reaches PostToolUse: drop stale entries.
        for key in [k for k, v in pending.items() if time.time() - v["time"] > 3600]:
            del pending[key]


def take_fixes(session_id: str, tool_use_id: str) -> str | None:
    with locked_state(session_id) as state:
        entry = state.get("fixes", {}).pop(tool_use_id, None)
    return entry["report"] if entry else None


def _digest(key: str) -> str:
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def _read(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            state = json.load(f)
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _write(path: str, state: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(state, f)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _collect_garbage(directory: str) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            with contextlib.suppress(OSError):
                if entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
