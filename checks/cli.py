"""The command line: `python -m checks` / `milvus-cto` (DESIGN.md §4).

Exit codes: 0 no findings, 1 findings (or a file that could not be checked), 2 usage or
internal error, with a one-line message on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import stat
import sys
from pathlib import Path

from checks import workers
from checks.cache import DIRECTORY_NAME as CACHE_DIRECTORY
from checks.cache import ENV_DIRECTORY as CACHE_ENV
from checks.cache import ENV_OFF as CACHE_OFF
from checks.cache import ResultCache, content_digest
from checks.config import ConfigError, load_config, resolve_options
from checks.engine import MAX_SOURCE_BYTES, FileResult, Options, preload
from checks.sources import check_bytes, iter_files, mentions_milvus

FORMATS = ("text", "json", "sarif", "github")
PARALLEL_THRESHOLD = 64  # below this many files, worker start-up costs more than it saves


class UsageError(Exception):
    pass


class CheckedForFix(FileResult):
    """--fix / --diff: a file's result with its findings' fix data and the digest of the bytes
    checked (`checks.cache.content_digest`): the fixes start from this check when the file
    still holds those bytes, instead of checking it again."""

    __slots__ = ("digest",)

    def __init__(self, result: FileResult, digest: str) -> None:
        super().__init__(result.path, result.diagnostics, result.error)
        self.digest = digest


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="milvus-cto",
        description="Check pymilvus code for mistakes coding agents make, and fix what is safe.",
    )
    parser.add_argument("paths", nargs="*", default=["."], help="files or directories; - for stdin")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    parser.add_argument(
        "--diff", action="store_true", help="print the fixes as a diff, write nothing"
    )
    parser.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--select", type=_codes, help="only these codes or prefixes (MV001,MV1)")
    parser.add_argument("--ignore", type=_codes, help="skip these codes or prefixes")
    parser.add_argument("--pymilvus-version", help="the pymilvus version the code targets (X.Y)")
    parser.add_argument("--edition", help="guide edition (default: the current one)")
    parser.add_argument("--stdin-filename", help="the name of the file read from stdin")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help=f"neither read nor write the result cache (env {CACHE_OFF}=1)",
    )
    parser.add_argument(
        "--cache-dir",
        help=f"where results are cached (env {CACHE_ENV}; default: {CACHE_DIRECTORY}/ in the "
        "project's root)",
    )
    parser.add_argument("--version", action=_ShowVersion)
    return parser


class _ShowVersion(argparse.Action):
    """--version, looked up only when asked for (importlib.metadata costs ~20 ms a run)."""

    def __init__(self, option_strings, dest, **kwargs):
        kwargs.update(nargs=0, default=argparse.SUPPRESS, help="show the version and exit")
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"milvus-cto {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("milvus-cto")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "(not installed)"


def _codes(text: str) -> list[str]:
    return [code.strip().upper() for code in text.split(",") if code.strip()]


def main(argv: list[str] | None = None) -> int:
    # SIGTERM unwinds like Ctrl-C, so that --fix removes its temporary file and the workers
    # are stopped (Python's default would end the process on the spot).
    with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
        signal.signal(signal.SIGTERM, _terminated)
    try:
        return run(build_parser().parse_args(argv))
    except (UsageError, ConfigError) as exc:
        print(f"milvus-cto: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 2
    except Exception as exc:  # the one place a bug becomes a message instead of a traceback
        print(f"milvus-cto: internal error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    stdin = args.paths == ["-"]
    if "-" in args.paths and not stdin:
        raise UsageError("- (stdin) cannot be combined with paths")
    for path in [] if stdin else args.paths:
        if not os.path.exists(path):  # before the config lookup resolves it
            link = " (a broken or looping symbolic link)" if os.path.lexists(path) else ""
            raise UsageError(f"path not found: {path}{link}")
    start = Path(args.stdin_filename or ".") if stdin else Path(args.paths[0])
    config = load_config(start)
    warnings: list[str] = []
    try:
        options = resolve_options(
            start,
            edition=args.edition,
            pymilvus_version=args.pymilvus_version,
            select=args.select,
            ignore=args.ignore,
            config=config,
            warnings=warnings,
        )
    finally:
        for warning in dict.fromkeys(warnings):
            print(f"milvus-cto: warning: {warning}", file=sys.stderr)
    data = None
    if stdin:
        name = args.stdin_filename or "-"
        data = sys.stdin.buffer.read(MAX_SOURCE_BYTES + 1)
        if len(data) > MAX_SOURCE_BYTES:
            results = [FileResult(name, error=_too_large(None))]
        else:
            results = [check_bytes(data, name, options)]
    else:
        files = list(iter_files([Path(p) for p in args.paths], config.exclude))
        fixing = args.fix or args.diff
        results = check_files(files, options, open_cache(args, config, options), fixing)
    report_to = sys.stdout
    if args.fix or args.diff:
        results = apply_fixes(results, args, options, stdin=data)
        # stdout carries the diff, or the fixed code read from stdin: the report goes aside.
        if args.diff:
            # The diff is the output, as with ruff: what the fixes leave is a one-line count.
            _summarise_remaining(results)
            return 1 if any(r.diagnostics or r.error for r in results) else 0
        if stdin:
            report_to = sys.stderr
    # File names that are not UTF-8 (surrogate escapes) must not turn a report into a crash.
    if hasattr(report_to, "reconfigure"):
        report_to.reconfigure(errors="backslashreplace")
    report_to.write(render(results, args.format, options))
    return 1 if any(r.diagnostics or r.error for r in results) else 0


def _summarise_remaining(results: list[FileResult]) -> None:
    """After a diff, one line for what the report would say (the diff is the output)."""
    findings = sum(len(r.diagnostics) for r in results)
    unchecked = sum(1 for r in results if r.error)
    if findings or unchecked:
        parts = [f"{findings} finding{'s' * (findings != 1)} before fixing"] if findings else []
        parts += [f"{unchecked} file{'s' * (unchecked != 1)} not checked"] if unchecked else []
        print(f"milvus-cto: {', '.join(parts)}; run without --diff for the report", file=sys.stderr)


def open_cache(args: argparse.Namespace, config, options: Options) -> ResultCache | None:
    """The result cache (checks.cache), as ruff keeps one; None with --no-cache or when the
    cache directory cannot be used."""
    if args.no_cache or os.environ.get(CACHE_OFF, "").lower() in ("1", "true", "yes"):
        return None
    project = config.project_dir or os.getcwd()
    root = args.cache_dir or os.environ.get(CACHE_ENV)
    root = Path(root) if root else Path(project) / CACHE_DIRECTORY
    return ResultCache.open(root, options, project)


def check_files(
    files: list[tuple[Path, bool]], options: Options, cache=None, fixing: bool = False
) -> list[FileResult]:
    """Each file's result, in order: from the cache, else checked (over processes when many);
    the cache keeps what was checked. `fixing`: what was checked comes with its fix data and
    digest (`CheckedForFix`), for the fixes to start from."""
    results: list[FileResult | None] = [None] * len(files)
    todo = []
    for index, (path, explicit) in enumerate(files):
        found = cached_result(path, explicit, cache) if cache is not None else None
        if found is None:
            todo.append(index)
        else:
            results[index] = found
    checked = _check_all(files, todo, options, fixing)
    for index, (digest, result) in zip(todo, checked, strict=True):
        results[index] = result
        if cache is not None and digest is not None:
            cache.put(result.path, digest, result)
        if fixing and digest is not None and result.diagnostics:
            results[index] = CheckedForFix(result, digest)
    if cache is not None:
        cache.save()
    return results


def _check_all(files: list[tuple[Path, bool]], todo: list[int], options: Options, fixing: bool):
    """(digest of the bytes checked, result) of each file of `todo`, in order."""
    processes = workers.processes_available()
    if len(todo) < PARALLEL_THRESHOLD or processes < 2:
        return [check_file(*files[index], options, fixing) for index in todo]
    preload(options)  # before the fork: the workers inherit it
    # Biggest first, so that no process is left with a big file at the end.
    order = sorted(todo, key=lambda index: -_size(files[index][0]))
    try:
        checked = workers.run(
            lambda n: check_file(*files[order[n]], options, fixing), len(order), processes
        )
    except workers.WorkerFailed as exc:
        # A worker was killed (out of memory, a signal) with results for files no one else
        # has: check them all here, so that every file still gets its report.
        print(f"milvus-cto: {exc}; checking its files in this process", file=sys.stderr)
        checked = [check_file(*files[index], options, fixing) for index in order]
    by_index = dict(zip(order, checked, strict=True))
    return [by_index[index] for index in todo]


def _terminated(signum, frame):
    raise SystemExit(128 + signum)


def read_input(path: Path, explicit: bool) -> bytes | FileResult:
    """A file's bytes to check, or its result when there is nothing to check."""
    try:
        mode = os.stat(path).st_mode
        # A FIFO or device found while walking would block or never end: skip it. Named
        # explicitly (`<(cmd)`, /dev/stdin) it is read, up to the size limit.
        if not explicit and not stat.S_ISREG(mode):
            return FileResult(str(path))
        with open(path, "rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        return FileResult(str(path), error=f"cannot read: {exc.strerror or exc}")
    if len(data) > MAX_SOURCE_BYTES:
        return FileResult(str(path), error=_too_large(path if stat.S_ISREG(mode) else None))
    # Files found by walking a directory are skipped unread when they never mention Milvus.
    if not explicit and not mentions_milvus(data):
        return FileResult(str(path))
    return data


def cached_result(path: Path, explicit: bool, cache) -> FileResult | None:
    data = read_input(path, explicit)
    if isinstance(data, FileResult):
        return data
    return cache.get(str(path), data)


def check_file(
    path: Path, explicit: bool, options: Options, fixing: bool = False
) -> tuple[str | None, FileResult]:
    """A file's result, with the digest of the bytes it was checked from (None: not read);
    the findings' fix data only when `fixing` (only the fixes read it)."""
    data = read_input(path, explicit)
    if isinstance(data, FileResult):
        return None, data
    result = check_bytes(data, str(path), options)
    if not fixing:
        for diagnostic in result.diagnostics:
            diagnostic.fix_data = {}
    return content_digest(data), result


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _too_large(path: Path | None) -> str:
    size = f"{path.stat().st_size} bytes" if path else f"more than {MAX_SOURCE_BYTES} bytes"
    return f"file too large: {size} (limit {MAX_SOURCE_BYTES})"


def apply_fixes(results, args, options, *, stdin: bytes | None) -> list[FileResult]:
    """--fix writes the files (atomically; never one with a syntax error), --diff prints diffs."""
    from checks.fixes import fix_results

    return fix_results(
        results, options, write=args.fix and not args.diff, unsafe=args.unsafe_fixes, stdin=stdin
    )


def render(results: list[FileResult], fmt: str, options: Options) -> str:
    from checks import report

    if fmt == "json":
        return report.render_json(results, options.edition, options.pymilvus_version)
    if fmt == "sarif":
        return report.render_sarif(results, options.edition, options.pymilvus_version)
    if fmt == "github":
        return report.render_github(results)
    return report.render_text(results)
