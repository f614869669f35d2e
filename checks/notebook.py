"""Jupyter notebooks: code cells joined into one module, findings mapped back to cells.

Cells are joined (not checked one by one) so that an import in the first cell and a search in
the fifth are one flow, as they are when the notebook runs top to bottom. IPython lines
(`!pip ...`, `%time ...`) become blank lines so that line numbers still match.
"""

from __future__ import annotations

import json

from checks.record import Record


class NotebookError(ValueError):
    pass


class NotebookModule(Record):
    __slots__ = ("line_map", "source")
    source: str
    # For each line of `source` (0-based): (cell number, 1-based; line in that cell, 1-based).
    line_map: list[tuple[int, int]]

    def __init__(self, source: str, line_map: list[tuple[int, int]]) -> None:
        self.source = source
        self.line_map = line_map

    def _key(self) -> tuple:
        return (self.source, self.line_map)

    def locate(self, line: int) -> tuple[int, int]:
        if 0 < line <= len(self.line_map):
            return self.line_map[line - 1]
        return (0, line)


def cell_source(source: str | list[str]) -> str:
    """A cell's text: nbformat stores a string or a list of strings (lines)."""
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    raise NotebookError("not a notebook: a cell's source is neither text nor a list of lines")


def python_lines(cell_text: str) -> list[str]:
    return ["" if line.lstrip().startswith(("!", "%")) else line for line in cell_text.splitlines()]


def notebook_module(text: str) -> NotebookModule:
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"not a notebook: invalid JSON at line {exc.lineno}") from exc
    except RecursionError:
        raise NotebookError("not a notebook: its JSON is nested too deeply") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("not a notebook: no cells")
    lines: list[str] = []
    line_map: list[tuple[int, int]] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        try:
            text = cell_source(cell.get("source", ""))
        except NotebookError as exc:
            raise NotebookError(f"{exc} (cell {number})") from None
        for index, line in enumerate(python_lines(text), start=1):
            lines.append(line)
            line_map.append((number, index))
    return NotebookModule("\n".join(lines) + "\n", line_map)
