"""Rendering results: text (like ruff's), JSON, SARIF 2.1.0 and GitHub annotations."""

from __future__ import annotations

import json

from checks.engine import FileResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def rules_table() -> str:
    """The README's rule table, from the rules' own metadata."""
    from checks.rules import ALL_RULES

    rows = [
        "| code | name | severity | fix | pymilvus | editions | summary |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in ALL_RULES:
        editions = sorted(rule.editions)
        main = rule.severity_for(editions[-1], "3.0")
        severity = main + "".join(
            f" ({edition}: {rule.severity_for(edition, '3.0')})"
            for edition in editions
            if rule.severity_for(edition, "3.0") != main
        )
        severity += "".join(f" ({v}: {s})" for v, s in rule.severity_by_version.items())
        rows.append(
            f"| {rule.code} | {rule.name} | {severity} | {rule.fix} | "
            f"{rule.pymilvus} | {', '.join(sorted(rule.editions))} | {rule.summary()} |"
        )
    return "\n".join(rows) + "\n"


def location(result: FileResult, diagnostic) -> str:
    cell = f"[cell {diagnostic.cell}]" if diagnostic.cell is not None else ""
    return f"{result.path}{cell}:{diagnostic.line}:{diagnostic.column}"


def render_text(results: list[FileResult], *, show_summary: bool = True) -> str:
    out: list[str] = []
    findings = errors = fixable = 0
    for result in results:
        if result.error:
            out.append(f"{result.path}: error: {result.error}")
        for d in result.diagnostics:
            findings += 1
            errors += d.severity == "error"
            fixable += d.fix == "safe"
            out.append(f"{location(result, d)}: {d.code} [{d.severity}] {d.message}")
            fix = {"safe": "safe fix", "unsafe": "unsafe fix"}.get(d.fix)
            if d.shown_hint:
                out.append(f"    hint: {d.shown_hint}{f' ({fix})' if fix else ''}")
            elif fix:
                out.append(f"    fix: {fix} (the message says what it does)")
            out.append(f"    guide: {d.guide_uri}")
    if show_summary:
        broken = sum(1 for r in results if r.error)
        if findings or broken:
            summary = f"Found {findings} finding{'s' * (findings != 1)} ({errors} error{'s' * (errors != 1)})"
            summary += f" in {len(results)} file{'s' * (len(results) != 1)}"
            if broken:
                summary += f"; {broken} file{'s' * (broken != 1)} could not be checked"
            if fixable:
                summary += f"; {fixable} fixable with --fix"
            out.append(summary + ".")
        else:
            out.append(f"All checks passed ({len(results)} file{'s' * (len(results) != 1)}).")
    return "\n".join(out) + "\n"


def render_json(results: list[FileResult], edition: str, version: str) -> str:
    from checks.report_models import DiagnosticModel, FileReport, Report

    report = Report(
        edition=edition,
        pymilvus_version=version,
        files=[
            FileReport(
                path=r.path,
                error=r.error,
                diagnostics=[DiagnosticModel.of(d) for d in r.diagnostics],
            )
            for r in results
        ],
    )
    return report.to_json() + "\n"


def render_sarif(results: list[FileResult], edition: str, version: str) -> str:
    from checks.rules import ALL_RULES

    rules = [rule for rule in ALL_RULES if edition in rule.editions]
    index = {rule.code: i for i, rule in enumerate(rules)}
    sarif_results = []
    notifications = []
    for result in results:
        if result.error:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": f"{result.path}: {result.error}"},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": result.path}}}],
                }
            )
        for d in result.diagnostics:
            entry = {
                "ruleId": d.code,
                "level": _SARIF_LEVEL[d.severity],
                "message": {"text": d.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": result.path},
                            "region": {
                                "startLine": d.line,
                                "startColumn": d.column,
                                "endLine": d.end_line,
                                "endColumn": d.end_column,
                            },
                        }
                    }
                ],
            }
            if d.code in index:
                entry["ruleIndex"] = index[d.code]
            sarif_results.append(entry)
    run = {
        "tool": {
            "driver": {
                "name": "milvus-cto",
                "informationUri": "https://github.com/milvus-cto/milvus-cto",
                "semanticVersion": _version(),
                "rules": [
                    {
                        "id": rule.code,
                        "name": rule.name,
                        "shortDescription": {"text": rule.summary()},
                        "helpUri": f"milvus-guide://{edition}/rules/{rule.code}",
                        "defaultConfiguration": {
                            "level": _SARIF_LEVEL[rule.severity_for(edition, version)]
                        },
                    }
                    for rule in rules
                ],
            }
        },
        "results": sarif_results,
        "properties": {"edition": edition, "pymilvusVersion": version},
    }
    if notifications:
        run["invocations"] = [
            {"executionSuccessful": True, "toolExecutionNotifications": notifications}
        ]
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"


def render_github(results: list[FileResult]) -> str:
    out = []
    for result in results:
        if result.error:
            out.append(f"::error file={_escape_property(result.path)}::{_escape(result.error)}")
        for d in result.diagnostics:
            properties = (
                f"file={_escape_property(result.path)},line={d.line},col={d.column},"
                f"endLine={d.end_line},endColumn={d.end_column},title={d.code} {d.name}"
            )
            out.append(f"::{_GITHUB_LEVEL[d.severity]} {properties}::{_escape(d.message)}")
    return "\n".join(out) + ("\n" if out else "")


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("milvus-cto")
    except PackageNotFoundError:
        return "0.0.0"
