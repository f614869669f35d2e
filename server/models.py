"""What the milvus-cto tools return: pydantic models, so clients get output schemas.

A finding is the CLI's diagnostic (`checks.report_models.DiagnosticModel`, DESIGN.md §4) plus the hint
and the `milvus-guide://` URI of its rule in the edition that produced it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from checks.diagnostic import Diagnostic
from checks.report_models import DiagnosticModel


class Finding(DiagnosticModel):
    """One problem found in pymilvus code."""

    hint: str | None = Field(default=None, description="How to fix it, when the rule says more.")
    guide_uri: str = Field(
        description="milvus-guide:// resource with the rule's guide entry (why, examples, fix "
        "safety) in the edition used; read it as an MCP resource or with explain_rule."
    )

    @classmethod
    def of(cls, diagnostic: Diagnostic) -> Finding:
        return cls(**diagnostic.to_dict(), hint=diagnostic.hint, guide_uri=diagnostic.guide_uri)


class CheckResult(BaseModel):
    """The findings for one piece of pymilvus code."""

    edition: str = Field(description="Guide edition the code was checked against, e.g. 2026.11.")
    pymilvus_version: str = Field(description="Target pymilvus version the rules applied to.")
    diagnostics: list[Finding] = Field(
        description="Findings in source order; empty when the code is clean."
    )
    parse_error: str | None = Field(
        description="Why the code could not be checked (e.g. a syntax error); null otherwise."
    )


class FileCheckResult(CheckResult):
    """The findings for one file."""

    path: str = Field(description="Absolute path of the file that was checked.")


class AppliedFix(BaseModel):
    code: str = Field(description="Rule code of the finding that was fixed.")
    line: int = Field(description="1-based line of the finding in the original code.")
    description: str = Field(description="What the fix changed.")


class RewriteResult(BaseModel):
    """pymilvus code with fixes applied, and what is left to fix by hand."""

    code: str = Field(description="The rewritten code (the input unchanged if nothing applied).")
    diff: str = Field(description="Unified diff from the input to `code`; empty if unchanged.")
    applied: list[AppliedFix] = Field(description="Fixes that were applied.")
    remaining: list[Finding] = Field(
        description="Findings still present in `code`: no fix, an unsafe fix not enabled, or "
        "not selected. Read their guide entries and fix them by hand."
    )
    edition: str = Field(description="Guide edition used.")
    pymilvus_version: str = Field(description="Target pymilvus version used.")
    note: str | None = Field(
        default=None, description="Anything the caller should know about this rewrite."
    )


class Evidence(BaseModel):
    kind: str = Field(
        description="client-source, server-source, server-docs, issue, discussion, test."
    )
    ref: str = Field(description="Where: a source path, URL, issue or test file.")
    note: str = Field(description="What it shows.")


class RuleExplanation(BaseModel):
    """A rule's entry in the Milvus correction guide."""

    code: str = Field(description="Rule code, e.g. MV001.")
    name: str = Field(description="Rule name, e.g. search-before-load.")
    title: str = Field(description="Human-readable title.")
    edition: str = Field(description="Guide edition this entry comes from.")
    severity: Literal["error", "warning", "info"] = Field(description="Severity in this edition.")
    fix: Literal["safe", "unsafe", "none"] = Field(description="What rewrite_snippet can fix.")
    pymilvus: str = Field(description="pymilvus versions the rule applies to (PEP 440).")
    status: Literal["active", "retired"] = Field(description="Retired rules no longer report.")
    summary: str = Field(description="The rule in one sentence.")
    uri: str = Field(description="milvus-guide:// URI of this entry.")
    text: str = Field(
        description="The full entry in markdown: what it detects, why it matters, known "
        "limits, bad and good examples, fix safety, evidence, references."
    )
    evidence: list[Evidence] = Field(description="Sources and executed tests behind the rule.")
