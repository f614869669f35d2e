"""The CLI's result cache: a second run over unchanged files reads its results.

Where and how to turn it off, as ruff does it: `.milvus_cto_cache/` in the project's root (the
directory of the pyproject.toml that configures the run, else the working directory), made
with a `.gitignore` of `*` and a `CACHEDIR.TAG`; `--no-cache` (or `MILVUS_CTO_NO_CACHE=1`)
turns it off, `--cache-dir DIR` (or `MILVUS_CTO_CACHE_DIR`) moves it.

As ruff does too, one file holds the results of a project's files under one set of settings
(a *pack*: read once at the start of a run, written once at its end when anything changed),
not one file per result: creating and renaming a file per result cost more than reading the
results. A pack is named by everything a result depends on besides the file itself: the
options (edition, target pymilvus version, select, ignore, severities) and the project; it
sits in a directory named by the Python version (the ast differs between releases) and the
checker's own code (every file of the `checks` package, by content). Each of its entries is
one file's result (its findings, or its one-line error) under the file's absolute path, with
a digest of the bytes it was computed from: a file whose bytes differ is checked again, so a
stale result is never served. Packs are written to a temporary file and renamed into place,
merged with what another run wrote meanwhile: concurrent runs never read half a pack, and at
worst one run's new results are lost (checked again next time). An entry or pack that does
not read back as results is a miss. Packs are JSON, never pickle: a cache directory can arrive
with a cloned repository, and reading it must not run anything. Each checker version writes a
directory of its own and removes the other versions' when it makes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import time
from functools import cache
from pathlib import Path

from checks.diagnostic import Diagnostic
from checks.engine import FileResult, Options

DIRECTORY_NAME = ".milvus_cto_cache"
ENV_DIRECTORY = "MILVUS_CTO_CACHE_DIR"
ENV_OFF = "MILVUS_CTO_NO_CACHE"
MAX_PACK_BYTES = 256_000_000  # a pack larger than this is not read (all misses, then rewritten)
_VERSION_LENGTH = 24  # hex digits of a version directory's name
_VERSION_MEMO = "checker-version.json"  # in the cache's root: see checker_version
_RACY_NS = 2_000_000_000
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# The result cache of milvus-cto.\n"
_FIELDS = ("code", "name", "severity", "message", "line", "column", "end_line", "end_column")


def content_digest(data: bytes) -> str:
    """What a cached result is tied to: the digest of the bytes it was computed from."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


@cache
def checker_version(memo: Path | None = None) -> str:
    """A digest of the checker's own code and data: every file of the `checks` package.

    With `memo` (a cache directory of ours), the digest is kept there beside each file's
    identity (size, mtime, ctime, inode, device) and read back while every identity is the same:
    a run then stats the package instead of reading it (a tenth of a warm run). No identity is
    kept while a file changed in the last two seconds (it could change again within the same
    timestamp); a file cannot change without its ctime changing."""
    package = Path(__file__).resolve().parent
    files = []
    for directory, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if not name.endswith((".pyc", ".pyo")):
                path = os.path.join(directory, name)
                files.append((Path(path).relative_to(package).as_posix(), path))
    python = f"{sys.implementation.name} {sys.version_info[:2]}"
    identities = None
    if memo is not None:
        with contextlib.suppress(OSError):
            identities = [python, *(_identity(path) for _, path in files)]
            kept = _read_json(memo / _VERSION_MEMO)
            if kept.get("identities") == identities and isinstance(kept.get("version"), str):
                return kept["version"]
    digest = hashlib.blake2b(digest_size=_VERSION_LENGTH // 2)
    digest.update(python.encode())
    for relative, path in files:
        with open(path, "rb") as handle:
            digest.update(relative.encode() + b"\0" + handle.read() + b"\0")
    version = digest.hexdigest()
    settled = time.time_ns() - _RACY_NS
    if identities is not None and all(max(i[1], i[2]) < settled for i in identities[1:]):
        _write_json(memo / _VERSION_MEMO, {"identities": identities, "version": version})
    return version


def _identity(path: str) -> list[int]:
    info = os.stat(path)
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


class ResultCache:
    """The results of one project's files under one set of settings: `get` and `put` by
    path and bytes, `save` once at the end of a run."""

    def __init__(self, root: Path, options: Options, project: str = "", version: str = ""):
        self.root = root
        self.directory = root / (version or checker_version())
        settings = {k: getattr(options, k) for k in options.__slots__ if k != "version_source"}
        settings["project"] = os.path.abspath(project) if project else ""
        name = json.dumps(settings, sort_keys=True, default=str).encode()
        self.pack = self.directory / (hashlib.blake2b(name, digest_size=16).hexdigest() + ".json")
        self._entries: dict[str, list] = _read_pack(self.pack)
        self._new: dict[str, list] = {}

    @classmethod
    def open(cls, root: Path, options: Options, project: str = "") -> ResultCache | None:
        """The cache in `root`, made if missing; None when it cannot be used (read-only, or a
        path that is a symbolic link or someone else's: never write through those)."""
        try:
            _make_root(root)
            version = checker_version(root)
            made = _mkdir(root / version)
        except OSError:
            return None
        self = cls(root, options, project, version)
        if made:
            self._remove_other_versions()
        return self

    def get(self, path: str, data: bytes) -> FileResult | None:
        """The result kept for this file with exactly these bytes, else None."""
        entry = self._entries.get(os.path.abspath(path))
        if not isinstance(entry, list) or len(entry) != 3:
            return None
        digest, error, rows = entry
        if digest != content_digest(data):
            return None
        try:
            return _decode(error, rows, path)
        except (ValueError, TypeError):
            return None

    def put(self, path: str, digest: str, result: FileResult) -> None:
        """Keep `result`, computed from bytes whose `content_digest` is `digest`."""
        rows = [
            [*(getattr(d, f) for f in _FIELDS), d.fix, d.hint, d.edition, d.cell]
            for d in result.diagnostics
        ]
        self._new[os.path.abspath(path)] = [digest, result.error, rows]

    def save(self) -> None:
        """Write the pack when this run added results: over what another run may have written
        since it was read, less the files that no longer exist."""
        if not self._new:
            return
        entries = {**_read_pack(self.pack), **self._new}
        for path in [p for p in entries if p not in self._new]:
            if not os.path.isfile(path):
                del entries[path]
        _write_json(self.pack, {"files": entries})
        self._entries, self._new = entries, {}

    def _remove_other_versions(self) -> None:
        import shutil

        try:
            entries = list(os.scandir(self.root))
        except OSError:
            return
        for entry in entries:
            name = entry.name
            if (
                name != self.directory.name
                and len(name) == _VERSION_LENGTH
                and all(c in "0123456789abcdef" for c in name)
                and entry.is_dir(follow_symlinks=False)
            ):
                shutil.rmtree(entry.path, ignore_errors=True)


def _read_pack(path: Path) -> dict[str, list]:
    """The entries of a pack; {} when there is none or it is not one (damaged, foreign, a
    link, too large). Entries are checked one by one when used."""
    files = _read_json(path).get("files")
    return files if isinstance(files, dict) else {}


def _read_json(path: Path) -> dict:
    """A JSON object of ours; {} for anything else (missing, damaged, a link, too large)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return {}
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_PACK_BYTES:
                return {}
            found = json.loads(handle.read(MAX_PACK_BYTES))
    except (OSError, ValueError, RecursionError):
        return {}
    return found if isinstance(found, dict) else {}


def _write_json(path: Path, data: dict) -> None:
    """Write through a temporary file renamed into place: nobody reads half of it."""
    import tempfile

    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".pack-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"))
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


# The type of each column of a stored diagnostic: _FIELDS, then fix, hint, edition, cell.
_TYPES = (str, str, str, str, int, int, int, int, str, (str, type(None)), str, (int, type(None)))


def _decode(error, rows, path: str) -> FileResult:
    """The result an entry holds; ValueError for anything else (a damaged or foreign entry)."""
    if not (error is None or isinstance(error, str)) or not isinstance(rows, list):
        raise ValueError("not a cache entry")
    diagnostics = []
    for row in rows:
        if not (
            isinstance(row, list)
            and len(row) == len(_TYPES)
            and all(isinstance(v, t) for v, t in zip(row, _TYPES, strict=True))
        ):
            raise ValueError("not a cache entry")
        *fields, fix, hint, edition, cell = row
        diagnostics.append(Diagnostic(*fields, fix=fix, hint=hint, edition=edition, cell=cell))
    return FileResult(path, diagnostics, error)


def _make_root(root: Path) -> None:
    if _mkdir(root):
        for name, text in ((".gitignore", "# Made by milvus-cto.\n*\n"), ("CACHEDIR.TAG", _TAG)):
            try:
                with open(root / name, "x", encoding="utf-8") as handle:
                    handle.write(text)
            except FileExistsError:
                pass


def _mkdir(directory: Path) -> bool:
    """Make a directory of ours (True if this call made it); refuse a symbolic link, a
    non-directory or another user's directory (OSError)."""
    try:
        directory.mkdir(mode=0o755, parents=True)
        return True
    except FileExistsError:
        pass
    info = os.lstat(directory)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise PermissionError(f"{directory} is not a directory of ours")
    return False
