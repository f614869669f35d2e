"""What the hooks remember within one Claude Code session, in one small locked JSON file.

Two things survive between hook runs: which findings were already reported (PostToolUse says
each one once per file, code and line text per session), and which fixes autofix applied in
PreToolUse (the model never sees an `updatedInput`, so PostToolUse tells it). Hooks of one
session can run concurrently (several tool calls in one turn), hence the lock.

The hooks also keep parsed TOML files there (`TomlMemo`): a project's pyproject.toml is read
on every edit, and parsing it cost more than the memo.

The files live in a private directory: `$CLAUDE_PLUGIN_DATA/hook-state/` when the plugin runs,
else `milvus-cto/hook-state/` in the user's cache directory, else `milvus-cto-<uid>` in the temp
dir. Whichever it is, the last directory is created with mode 0700 in one step, and used only
when it is a real directory (not a link) owned by this user and closed to others: another user
who made it first, or linked it elsewhere, gets it refused (`StateError`), never trusted. Every
file in it is opened relative to that directory without following links. Files of sessions idle
for a week are removed; the clean-up touches only names this module makes. A state file that
is damaged (not JSON, or JSON of the wrong shape) is replaced.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import time
from collections.abc import Iterable, Iterator

MAX_AGE_SECONDS = 7 * 24 * 3600
MAX_KEYS = 5000  # a session reporting more than this starts forgetting the oldest
_OWN_FILE = re.compile(
    r"[A-Za-z0-9._-]{1,128}\.json(\.lock)?|\.[A-Za-z0-9._-]{1,128}\.json\.\w+\.tmp"
)
_NO_FOLLOW = os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class StateError(OSError):
    """The state directory cannot be used safely (not ours, a link, open to others, unwritable)."""


def state_dir() -> str:
    data = os.environ.get("CLAUDE_PLUGIN_DATA")
    if data:
        return os.path.join(data, "hook-state")
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if os.path.isabs(cache) and os.path.isdir(os.path.dirname(cache)):
        return os.path.join(cache, "milvus-cto", "hook-state")
    import tempfile

    return os.path.join(tempfile.gettempdir(), f"milvus-cto-{os.getuid()}")


def _session_file(session_id: str) -> str:
    # Session ids are UUIDs, but nothing guarantees it: keep the name inside the directory.
    return re.sub(r"[^A-Za-z0-9._-]", "_", session_id or "no-session")[:128] + ".json"


def open_private_dir(directory: str) -> int:
    """A descriptor of `directory`, made 0700 if missing; StateError unless it is safe to use."""
    parent = os.path.dirname(directory)
    try:
        os.makedirs(parent, mode=0o700, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(directory, 0o700)  # one step: nobody can slip in between create and chmod
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | _NO_FOLLOW)
    except OSError as exc:
        raise StateError(f"state directory {directory} unusable: {exc.strerror or exc}") from None
    info = os.fstat(fd)
    problem = None
    if info.st_uid != os.geteuid():
        problem = f"owned by uid {info.st_uid}, not {os.geteuid()}"
    elif stat.S_IMODE(info.st_mode) & 0o077:
        try:  # ours but open to others (made by an older release or by hand): close it
            os.fchmod(fd, 0o700)
        except OSError:
            problem = "open to other users"
    if problem:
        os.close(fd)
        raise StateError(f"state directory {directory} not used: {problem}")
    return fd


@contextlib.contextmanager
def locked_state(session_id: str) -> Iterator[dict]:
    """The session's state as a dict; changes are written back when the block ends.

    Raises StateError when the state directory cannot be used safely."""
    directory = open_private_dir(state_dir())
    try:
        name = _session_file(session_id)
        fresh = not _exists(name, directory)
        try:
            lock = os.open(
                name + ".lock", os.O_WRONLY | os.O_CREAT | _NO_FOLLOW, 0o600, dir_fd=directory
            )
        except OSError as exc:
            raise StateError(f"state lock unusable: {exc.strerror or exc}") from None
        import fcntl  # here, not at the top: the TOML memo needs no lock (nor hashlib)

        with os.fdopen(lock, "w"):
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = _read(name, directory)
            before = json.dumps(state, sort_keys=True)
            yield state
            if json.dumps(state, sort_keys=True) != before:
                _write(name, directory, state)
        if fresh:
            _collect_garbage(directory)
    finally:
        os.close(directory)


def first_reports(session_id: str, keys: Iterable[str]) -> set[str]:
    """The keys not reported before in this session; they count as reported from now on.

    Without usable state every key is new: reporting a finding twice beats hiding it."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return set()
    try:
        with locked_state(session_id) as state:
            seen = state["reported"]
            known = set(seen)
            new = [key for key in keys if _digest(key) not in known]
            seen.extend(_digest(key) for key in new)
            del seen[:-MAX_KEYS]
    except StateError:
        return set(keys)
    return set(new)


def remember_fixes(session_id: str, tool_use_id: str, report: str) -> None:
    """Keep what autofix changed in a tool call until that call's PostToolUse takes it.

    Raises StateError when it cannot be kept (the caller must then not fix silently)."""
    with locked_state(session_id) as state:
        pending = state["fixes"]
        pending[tool_use_id] = {"report": report, "time": time.time()}
        # A call denied later by another hook never reaches PostToolUse: drop stale entries.
        for key in [k for k, v in pending.items() if time.time() - v["time"] > 3600]:
            del pending[key]


def take_fixes(session_id: str, tool_use_id: str) -> str | None:
    try:
        with locked_state(session_id) as state:
            entry = state["fixes"].pop(tool_use_id, None)
    except StateError:
        return None
    return entry["report"] if entry else None


TOML_MEMO = "toml-memo.json"  # no session has this name: session ids are UUIDs
TOML_MEMO_ENTRIES = 16
RACY_NS = 2_000_000_000  # a file changed this recently may change again unseen by its mtime


class TomlMemo:
    """Parsed TOML files by path and identity (device, inode, size, mtime, ctime), for
    checks.versions.read_toml. A file whose identity differs is parsed again, so nothing stale
    is served; a file modified in the last two seconds is not kept (it could change again
    within the same timestamp: git's "racily clean" files). Only data JSON keeps exactly is
    kept (a TOML date or time is not). Without a usable state directory it keeps nothing."""

    def __init__(self) -> None:
        self._directory: int | None = None
        self._entries: dict | None = None
        self._changed = False

    def _open(self) -> dict:
        if self._entries is None:
            self._entries = {}
            try:
                self._directory = open_private_dir(state_dir())
            except StateError:
                return self._entries
            entries = _read_json(TOML_MEMO, self._directory).get("files")
            self._entries = entries if isinstance(entries, dict) else {}
        return self._entries

    def get(self, path: str, identity: tuple) -> dict | None:
        entry = self._open().get(path)
        if (
            isinstance(entry, dict)
            and entry.get("identity") == list(identity)
            and isinstance(entry.get("data"), dict)
        ):
            return entry["data"]
        return None

    def put(self, path: str, identity: tuple, data: dict) -> None:
        entries = self._open()
        if self._directory is None or time.time_ns() - identity[3] < RACY_NS:
            return
        try:
            if json.loads(json.dumps(data)) != data:  # NaN, or what JSON turns into another type
                return
        except (TypeError, ValueError):  # dates and times
            return
        entries.pop(path, None)
        entries[path] = {"identity": list(identity), "data": data}
        for old in list(entries)[:-TOML_MEMO_ENTRIES]:
            del entries[old]
        self._changed = True

    def close(self) -> None:
        if self._directory is None:
            return
        try:
            if self._changed:
                _write(TOML_MEMO, self._directory, {"files": self._entries})
        except OSError:
            pass  # a memo that cannot be written costs the next run a parse
        finally:
            os.close(self._directory)
            self._directory = None


def _read_json(name: str, directory: int) -> dict:
    try:
        fd = os.open(name, os.O_RDONLY | _NO_FOLLOW, dir_fd=directory)
        with open(fd, encoding="utf-8") as f:
            found = json.load(f)
    except (OSError, ValueError, RecursionError):
        return {}
    return found if isinstance(found, dict) else {}


def _digest(key: str) -> str:
    import hashlib

    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def _exists(name: str, directory: int) -> bool:
    try:
        os.stat(name, dir_fd=directory, follow_symlinks=False)
    except OSError:
        return False
    return True


def _read(name: str, directory: int) -> dict:
    """The state, each part checked for its shape: what is damaged starts empty again."""
    state = _read_json(name, directory)
    reported = state.get("reported")
    if not isinstance(reported, list) or not all(isinstance(k, str) for k in reported):
        reported = []
    fixes = state.get("fixes")
    if not isinstance(fixes, dict):
        fixes = {}
    fixes = {
        key: entry
        for key, entry in fixes.items()
        if isinstance(entry, dict)
        and isinstance(entry.get("report"), str)
        and isinstance(entry.get("time"), (int, float))
        and not isinstance(entry.get("time"), bool)
    }
    return {"reported": reported, "fixes": fixes}


def _write(name: str, directory: int, state: dict) -> None:
    temporary = f".{name}.{os.urandom(6).hex()}.tmp"
    fd = os.open(
        temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW, 0o600, dir_fd=directory
    )
    try:
        with open(fd, "w", encoding="utf-8") as f:
            json.dump(state, f)
        os.replace(temporary, name, src_dir_fd=directory, dst_dir_fd=directory)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=directory)
        raise


def _collect_garbage(directory: int) -> None:
    """Remove this module's files (by name, regular, ours) untouched for MAX_AGE_SECONDS."""
    cutoff = time.time() - MAX_AGE_SECONDS
    uid = os.geteuid()
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            if not _OWN_FILE.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and info.st_uid == uid and info.st_mtime < cutoff:
                    os.unlink(entry.name, dir_fd=directory)
