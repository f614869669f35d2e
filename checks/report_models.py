"""Pydantic models of what crosses a boundary: the CLI's JSON report (DESIGN.md §4).

Imported only when a report is rendered, never on the hook's no-finding path.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from checks.diagnostic import Diagnostic


class DiagnosticModel(BaseModel):
    code: str = Field(description="Stable rule code, e.g. MV001.")
    name: str = Field(description="Rule name in kebab-case, e.g. search-before-load.")
    severity: Literal["error", "warning", "info"] = Field(description="How bad it is.")
    message: str = Field(description="What is wrong and what to do, in one sentence.")
    line: int = Field(description="1-based start line (within the cell for notebooks).")
    column: int = Field(description="1-based start column, in characters.")
    end_line: int = Field(description="1-based end line.")
    end_column: int = Field(description="1-based end column (exclusive), in characters.")
    fix: Literal["safe", "unsafe", "none"] = Field(description="Fix available for this finding.")
    cell: int | None = Field(default=None, description="1-based notebook cell, for .ipynb files.")

    @classmethod
    def of(cls, diagnostic: Diagnostic) -> DiagnosticModel:
        return cls(**diagnostic.to_dict())


class FileReport(BaseModel):
    path: str
    error: str | None = None
    diagnostics: list[DiagnosticModel] = Field(default_factory=list)


class Report(BaseModel):
    edition: str
    pymilvus_version: str
    files: list[FileReport] = Field(default_factory=list)

    def to_json(self) -> str:
        data = self.model_dump(mode="json")
        for file in data["files"]:
            for diagnostic in file["diagnostics"]:
                if diagnostic["cell"] is None:
                    del diagnostic["cell"]
        import json

        return json.dumps(data, indent=2)
