"""Reading what the user asked to check: files, notebooks, directories, stdin.

Every problem with one input (undecodable bytes, a binary file, a broken notebook, a file too
large) becomes that file's `error`; nothing here raises for a single bad file.
"""

from __future__ import annotations

import fnmatch
import io
import os
import tokenize
from collections.abc import Iterator
from pathlib import Path

from checks.engine import MAX_SOURCE_BYTES, MENTIONS_MILVUS, FileResult, Options, check_source
from checks.notebook import NotebookError, notebook_module

PYTHON_SUFFIXES = (".py", ".pyi")
NOTEBOOK_SUFFIX = ".ipynb"
SKIPPED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", "env", ".env", "node_modules", "__pycache__",
    "build", "dist", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    "site-packages", ".ipynb_checkpoints", ".cache", ".eggs", ".milvus_cto_cache",
})  # fmt: skip


class InputError(ValueError):
    """A problem with one input's bytes; the message says what, without a traceback."""


def decode(data: bytes) -> str:
    if len(data) > MAX_SOURCE_BYTES:
        raise InputError(f"file too large: {len(data)} bytes (limit {MAX_SOURCE_BYTES})")
    if b"\0" in data:
        raise InputError("binary file (contains NUL bytes)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot decode as Python source: {exc}") from exc


def check_bytes(data: bytes, path: str, options: Options) -> FileResult:
    """Check one input given as bytes; a notebook when `path` ends in .ipynb."""
    try:
        text = decode(data)
    except InputError as exc:
        return FileResult(path, error=str(exc))
    try:
        if path.endswith(NOTEBOOK_SUFFIX):
            return check_notebook(text, path, options)
        return check_source(text, options, path)
    except Exception as exc:  # a checker bug (or RecursionError) costs this file, not the run
        return FileResult(path, error=f"internal error: {exc.__class__.__name__}: {exc}")


def check_notebook(text: str, path: str, options: Options) -> FileResult:
    try:
        module = notebook_module(text)
    except NotebookError as exc:
        return FileResult(path, error=str(exc))
    result = check_source(module.source, options, path)
    for diagnostic in result.diagnostics:
        diagnostic.cell, diagnostic.line = module.locate(diagnostic.line)
        _, diagnostic.end_line = module.locate(diagnostic.end_line)
    if result.error and result.error.startswith("syntax error at line "):
        head, _, rest = result.error[len("syntax error at line ") :].partition(":")
        if head.isdigit():
            cell, line = module.locate(int(head))
            result.error = f"syntax error in cell {cell} at line {line}:{rest}"
    return result


def iter_files(paths: list[Path], exclude: tuple[str, ...] = ()) -> Iterator[tuple[Path, bool]]:
    """(file, named explicitly) for each input; directories walked without following links."""
    for path in paths:
        if path.is_dir():
            yield from ((f, False) for f in _walk(path, exclude))
        else:
            yield path, True


def _walk(root: Path, exclude: tuple[str, ...]) -> Iterator[Path]:
    """Python files and notebooks under `root`, depth first, sorted by name; directories and
    files that are symbolic links are left out, as are unreadable directories."""
    patterns = exclude + _gitignore_patterns(root)
    # os.scandir, not os.walk and pathlib: the entries know whether they are links without a
    # stat each, and only the files yielded become Paths.
    pending = [os.fspath(root)]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        subdirectories = []
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir():
                if entry.name not in SKIPPED_DIRS and not _excluded(
                    Path(entry.path), root, patterns
                ):
                    subdirectories.append(entry.path)
            elif entry.name.endswith((*PYTHON_SUFFIXES, NOTEBOOK_SUFFIX)):
                path = Path(entry.path)
                if not _excluded(path, root, patterns):
                    yield path
        pending.extend(reversed(subdirectories))


def _gitignore_patterns(root: Path) -> tuple[str, ...]:
    try:
        lines = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ()
    return tuple(
        line.strip().rstrip("/")
        for line in lines
        if line.strip() and not line.startswith(("#", "!"))
    )


def _excluded(path: Path, root: Path, patterns: tuple[str, ...]) -> bool:
    if not patterns:
        return False
    relative = path.relative_to(root).as_posix()
    return any(
        fnmatch.fnmatch(relative, p.lstrip("/")) or fnmatch.fnmatch(path.name, p) for p in patterns
    )


def mentions_milvus(data: bytes) -> bool:
    return MENTIONS_MILVUS.search(data) is not None
