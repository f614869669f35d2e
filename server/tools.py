"""The milvus-cto tools: thin calls into the checker (`checks/`) and the guide (`guide/`).

Plain functions: the docstring is the tool's description, the type hints its schema. The
checker is synchronous and CPU-bound: `server.workers.bounded` runs it on a thread for small
inputs and in a child process, bounded in time and memory and stopped on cancellation, for
large ones. The tools never execute the code they are given, and raise `ToolError` with a
message meant for the model on any bad argument.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Annotated

from mcp.server.mcpserver import Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ListRootsResult
from pydantic import Field

from checks import guide
from checks.config import ConfigError, resolve_options
from checks.engine import Options, check_source
from checks.fixes import rewrite_source
from checks.rules import RULES_BY_CODE
from checks.sources import check_bytes
from server.models import (
    AppliedFix,
    CheckResult,
    Evidence,
    FileCheckResult,
    Finding,
    RewriteResult,
    RuleExplanation,
)
from server.resources import rule_text
from server.roots import allowed_file, client_roots
from server.workers import bounded

MAX_CODE_BYTES = 1_000_000  # 1 MB of UTF-8: larger inputs are refused with a tool error

Code = Annotated[
    str,
    Field(description="Python source that uses pymilvus (at most 1 MB). It is parsed, never run."),
]
Version = Annotated[
    str | None,
    Field(
        description="Target pymilvus version, e.g. '2.5' or '3.0'. Default: the project's "
        "[tool.milvus-cto] setting or pymilvus requirement, else the installed pymilvus."
    ),
]
EditionId = Annotated[
    str | None,
    Field(description="Guide edition, e.g. '2026.11' or 'current' (the default)."),
]


async def check_snippet(
    code: Code,
    pymilvus_version: Version = None,
    edition: EditionId = None,
    select: Annotated[
        list[str] | None,
        Field(
            description="Only these rule codes or prefixes, e.g. ['MV001', 'MV1']. Default: all."
        ),
    ] = None,
) -> CheckResult:
    """Check Python code that uses pymilvus (the Milvus vector database client) for mistakes.

    Finds what fails against a Milvus server or silently returns wrong results: search before
    load, kwargs of the other pymilvus API, metric or index-parameter mismatches, invalid
    consistency levels, deprecated ORM calls and more. Each finding has a severity, a message,
    its position, whether rewrite_snippet can fix it, and the milvus-guide:// URI of its entry
    in the versioned Milvus correction guide. Static analysis only: nothing is executed.
    """
    _limit(code)
    options = _options(Path.cwd(), edition, pymilvus_version, select)
    result = await bounded(check_source, code, options, "<snippet>", size=len(code))
    return _check_result(options, result)


async def check_file(
    path: Annotated[
        str,
        Field(
            description="Path of a .py, .pyi or .ipynb file using pymilvus, absolute or relative "
            "to the server's working directory; it must lie under the working directory or "
            "one of the client's roots."
        ),
    ],
    roots: Annotated[ListRootsResult | None, Resolve(client_roots)],
) -> FileCheckResult:
    """Check a Python file or notebook that uses pymilvus (Milvus) for mistakes.

    Same checks as check_snippet, reading the file from disk; the pymilvus version and guide
    edition come from the nearest pyproject.toml's [tool.milvus-cto] settings or the project's
    pymilvus requirement. Only files under the server's working directory or the client's
    roots can be read.
    """
    file = allowed_file(path, roots)
    size = file.stat().st_size
    if size > MAX_CODE_BYTES:
        raise ToolError(f"{file} is {size} bytes; the limit is 1 MB ({MAX_CODE_BYTES} bytes)")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ToolError(f"cannot read {file}: {exc.strerror or exc}") from None
    options = _options(file.parent, None, None, None)
    result = await bounded(check_bytes, data, str(file), options, size=len(data))
    return FileCheckResult(path=str(file), **_check_result(options, result).model_dump())


async def rewrite_snippet(
    code: Code,
    pymilvus_version: Version = None,
    rules: Annotated[
        list[str] | None,
        Field(description="Only fix these rule codes or prefixes. Default: every fixable rule."),
    ] = None,
    unsafe: Annotated[
        bool,
        Field(
            description="Also apply unsafe fixes (they may change behaviour, e.g. an index type "
            "or an ORM-to-MilvusClient migration). Review the diff."
        ),
    ] = False,
) -> RewriteResult:
    """Fix pymilvus (Milvus client) code: apply the checker's automatic fixes and return it.

    Returns the rewritten code (always valid Python), a unified diff, the fixes applied, and
    the findings that remain for a manual fix. Safe fixes only unless unsafe is true. Code
    with a syntax error is refused: fix the syntax first.
    """
    _limit(code)
    options = _options(Path.cwd(), None, pymilvus_version, None)
    selected = _codes(rules)
    try:
        rewritten = await bounded(
            rewrite_source,
            code,
            options,
            rules=list(selected) or None,
            unsafe=unsafe,
            size=len(code),
        )
    except RecursionError:
        raise ToolError("the code is nested too deeply to rewrite") from None
    if rewritten.error is not None:
        raise ToolError(f"the code cannot be rewritten ({rewritten.error}); fix that first")
    try:
        ast.parse(rewritten.code)
    except (SyntaxError, ValueError):  # never expected: fixes are checked step by step
        return _unchanged(code, options, "The fixes produced invalid code; discarded.")
    return RewriteResult(
        code=rewritten.code,
        diff=rewritten.diff,
        applied=[
            AppliedFix(code=f.code, line=f.line, description=f.description)
            for f in rewritten.applied
        ],
        remaining=[Finding.of(d) for d in rewritten.remaining],
        edition=options.edition,
        pymilvus_version=options.pymilvus_version,
        note=_unsafe_note(rewritten.remaining) if not unsafe else None,
    )


def explain_rule(
    code: Annotated[str, Field(description="Rule code from a finding, e.g. 'MV001'.")],
    edition: EditionId = None,
) -> RuleExplanation:
    """Explain a milvus-cto rule about pymilvus/Milvus code: its entry in the correction guide.

    Returns what the rule detects, why it matters (the Milvus error or the silent wrong
    result), known limits, bad and good pymilvus examples, fix safety, evidence and references.
    The same text is the milvus-guide://<edition>/rules/<code> resource.
    """
    try:
        doc = guide.rule_doc(edition or guide.CURRENT, code)
    except guide.GuideError as exc:
        raise ToolError(str(exc)) from None
    return RuleExplanation(
        code=doc.code,
        name=doc.name,
        title=doc.title,
        edition=doc.edition,
        severity=doc.severity,
        fix=doc.fix,
        pymilvus=doc.pymilvus,
        status=doc.status,
        summary=doc.summary,
        uri=doc.uri,
        text=rule_text(doc),
        evidence=[Evidence(kind=e.kind, ref=e.ref, note=e.note) for e in doc.evidence],
    )


def _limit(code: str) -> None:
    size = len(code.encode("utf-8", "surrogatepass"))
    if size > MAX_CODE_BYTES:
        raise ToolError(
            f"code is {size} bytes; the limit is 1 MB ({MAX_CODE_BYTES} bytes). "
            "Check smaller parts, or run the milvus-cto CLI on the file."
        )


def _codes(codes: list[str] | None) -> tuple[str, ...]:
    """Rule codes or prefixes, upper-cased; each must name at least one known rule."""
    selected = tuple(c.strip().upper() for c in codes or ())
    unknown = [c for c in selected if not c or not any(k.startswith(c) for k in RULES_BY_CODE)]
    if unknown:
        known = ", ".join(RULES_BY_CODE)
        raise ToolError(f"unknown rule code(s) {', '.join(map(repr, unknown))}; known: {known}")
    return selected


def _options(start: Path, edition, version, select) -> Options:
    if edition is not None:
        try:
            edition = guide.resolve_edition(edition).id
        except guide.GuideError as exc:
            raise ToolError(str(exc)) from None
    try:
        return resolve_options(
            start, edition=edition, pymilvus_version=version, select=_codes(select)
        )
    except ConfigError as exc:
        raise ToolError(str(exc)) from None


def _check_result(options: Options, result) -> CheckResult:
    return CheckResult(
        edition=options.edition,
        pymilvus_version=options.pymilvus_version,
        diagnostics=[Finding.of(d) for d in result.diagnostics],
        parse_error=result.error,
    )


def _unsafe_note(remaining) -> str | None:
    codes = sorted({d.code for d in remaining if d.fix == "unsafe"})
    if not codes:
        return None
    return (
        f"{', '.join(codes)} have unsafe fixes that were not applied; read their guide entries, "
        "then call again with unsafe=true if the change is right for this code."
    )


def _unchanged(code: str, options: Options, note: str) -> RewriteResult:
    checked = check_source(code, options, "<snippet>")
    return RewriteResult(
        code=code,
        diff="",
        applied=[],
        remaining=[Finding.of(d) for d in checked.diagnostics],
        edition=options.edition,
        pymilvus_version=options.pymilvus_version,
        note=note,
    )
