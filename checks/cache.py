"""The CLI's per-file result cache: a second run over unchanged files reads its results.

Where and how to turn it off, as ruff does it: `.milvus_cto_cache/` in the project's root (the
directory of the pyproject.toml that configures the run, else the working directory), made
with a `.gitignore` of `*` and a `CACHEDIR.TAG`; `--no-cache` (or `MILVUS_CTO_NO_CACHE=1`)
turns it off, `--cache-dir DIR` (or `MILVUS_CTO_CACHE_DIR`) moves it.

An entry is one file's result (its findings, or its one-line error) under a key that covers
everything that result depends on: the file's bytes and path, the options (edition, target
pymilvus version, select, ignore, severities), the Python version (the ast differs between
releases) and the checker's own code (every file of the `checks` package, by content). Change
any of them and the key changes, so a stale result is never served. Entries are written to a
temporary file and renamed into place: concurrent runs never read half an entry, and one that
does not read back as a result is a miss. Entries are JSON, never pickle: a cache directory can
arrive with a cloned repository, and reading it must not run anything. Each checker version
writes a directory of its own and removes the other versions' when it makes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import tempfile
from functools import cache
from pathlib import Path

from checks.diagnostic import Diagnostic
from checks.engine import FileResult, Options

DIRECTORY_NAME = ".milvus_cto_cache"
ENV_DIRECTORY = "MILVUS_CTO_CACHE_DIR"
ENV_OFF = "MILVUS_CTO_NO_CACHE"
MAX_ENTRY_BYTES = 1_000_000
_VERSION_LENGTH = 24  # hex digits of a version directory's name
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# The result cache of milvus-cto.\n"
_FIELDS = ("code", "name", "severity", "message", "line", "column", "end_line", "end_column")


@cache
def checker_version() -> str:
    """A digest of the checker's own code and data: every file of the `checks` package."""
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=_VERSION_LENGTH // 2)
    digest.update(f"{sys.implementation.name} {sys.version_info[:2]}".encode())
    for directory, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = Path(directory, name)
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


class ResultCache:
    """Results by key, in one version directory of a cache directory."""

    def __init__(self, root: Path, options: Options):
        self.root = root
        self.directory = root / checker_version()
        settings = {k: getattr(options, k) for k in options.__slots__ if k != "version_source"}
        self._salt = json.dumps(settings, sort_keys=True, default=str).encode()

    @classmethod
    def open(cls, root: Path, options: Options) -> ResultCache | None:
        """The cache in `root`, made if missing; None when it cannot be used (read-only, or a
        path that is a symbolic link or someone else's: never write through those)."""
        try:
            _make_root(root)
            made = _mkdir(root / checker_version())
        except OSError:
            return None
        self = cls(root, options)
        if made:
            self._remove_other_versions()
        return self

    def key(self, path: str, data: bytes) -> str:
        digest = hashlib.blake2b(self._salt, digest_size=20)
        digest.update(b"\0" + os.path.abspath(path).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def get(self, key: str, path: str) -> FileResult | None:
        try:
            fd = os.open(self.directory / key, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    return None
                return _decode(handle.read(MAX_ENTRY_BYTES), path)
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def put(self, key: str, result: FileResult) -> None:
        entry = {
            "error": result.error,
            "diagnostics": [
                [*(getattr(d, f) for f in _FIELDS), d.fix, d.hint, d.edition, d.cell]
                for d in result.diagnostics
            ],
        }
        try:
            fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".entry-")
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(entry, handle, separators=(",", ":"))
            os.replace(temporary, self.directory / key)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)

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


# The type of each column of a stored diagnostic: _FIELDS, then fix, hint, edition, cell.
_TYPES = (str, str, str, str, int, int, int, int, str, (str, type(None)), str, (int, type(None)))


def _decode(data: bytes, path: str) -> FileResult:
    """The result an entry holds; ValueError for anything else (a damaged or foreign file)."""
    entry = json.loads(data)
    error, rows = entry["error"], entry["diagnostics"]
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
