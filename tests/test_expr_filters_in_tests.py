"""Every filter written in the tests parses at the release its test file targets (issue 12).

The filters are found by the checker's own reader (checks.expr.calls.Filters, which the MV14x
rules use), in two kinds of code:

- each test module itself (the evidence tests and scripts call pymilvus for real); its calls on
  fixtures and parameters have receivers the checker cannot resolve, so a call whose method is a
  filter method (`search`, `query`, `delete`, the iterators) is read by its `filter=`/`expr=`
  keyword too;
- the code snippets the tests check: every string in a test module that is Python code naming
  pymilvus, after `textwrap.dedent`, `+` and `.replace(...)` of constants are applied as the test
  applies them.

Each filter must draw neither MV140 (the server cannot parse it, or it cannot mean what it says)
nor MV141 (too new) at the file's target: pymilvus 2.4 for the scripts run in the milvus-lite
2.4.12 environment (`lite24_*`), 2.6 for `pymilvus26_*`, and the suite's pymilvus 3.0 for the
rest. A filter that is wrong on purpose is listed in DELIBERATELY_INVALID with its reason; an
entry that no longer matches a filter fails the test, so the list cannot go stale. The
differential table's own rejected expressions (tests/evidence/scripts/filter_table.py) are data,
not calls, and its test holds each to its accept/reject column.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from checks import api
from checks.engine import Context, Options, Traversal
from checks.expr.calls import FILTER_METHODS, Filters
from checks.semantic import SemanticModel

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "tests"

# (test file, filter text) -> why the filter is wrong on purpose.
DELIBERATELY_INVALID = {
    ("tests/test_expr.py", "n == '\ue000é' and x = 1"): (
        "MV140 must land on the `=` after a hole and a non-ASCII character"
    ),
}


def target(path: Path) -> str:
    """The pymilvus release a test file's code runs on."""
    if path.name.startswith("lite24_"):
        return "2.4"
    if path.name.startswith("pymilvus26_"):
        return "2.6"
    return "3.0"


class _FilterReader:
    """Fed by the engine's traversal: the filter of every call the rules would read, plus the
    `filter=`/`expr=` of filter-method calls on receivers the model does not know."""

    def __init__(self, ctx: Context):
        self.filters = ctx.shared(Filters)
        self.found = []

    def visit_Call(self, node: ast.Call) -> None:
        use = self.filters.of(node)
        if (
            use is None
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in FILTER_METHODS
        ):
            argument = next((k.value for k in node.keywords if k.arg in ("filter", "expr")), None)
            use = self.filters.read(node, argument) if argument is not None else None
        if use is not None and use.first:
            problem = self.filters.syntax_problem(use) or self.filters.version_problem(use)
            self.found.append((use.filter.text, problem))


def filters_in(source: str, version: str) -> list:
    """(filter text, MV140/MV141 problem or None) for each filter of `source`."""
    tree = ast.parse(source)
    api.use(version)
    ctx = Context(SemanticModel(tree), source, Options(pymilvus_version=version))
    reader = _FilterReader(ctx)
    Traversal(ctx, [reader]).run(tree)
    return reader.found


def _strings(tree: ast.Module):
    """The string values a module builds from constants: literals, and `+`, `.replace(...)`,
    `dedent(...)` of them, with module-level names bound once to such a value."""
    names: dict[str, str] = {}

    def value(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return names.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = value(node.left), value(node.right)
            return left + right if left is not None and right is not None else None
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            parts = [value(a) for a in node.args]
            if None in parts or node.keywords:
                return None
            if name == "dedent" and len(parts) == 1:
                return textwrap.dedent(parts[0])
            if name == "replace" and isinstance(node.func, ast.Attribute) and len(parts) == 2:
                base = value(node.func.value)
                return None if base is None else base.replace(*parts)
        return None

    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            [name] = statement.targets
            text = value(statement.value)
            if isinstance(name, ast.Name) and text is not None:
                names[name.id] = text
    for node in ast.walk(tree):
        text = value(node)
        if text is not None:
            yield text


def _snippets(source: str):
    """The module itself, then every string in it that is Python code naming pymilvus."""
    tree = ast.parse(source)
    yield source
    seen = {source}
    for text in _strings(tree):
        text = textwrap.dedent(text).lstrip("\n")
        if "pymilvus" not in text or "\n" not in text.strip() or text in seen:
            continue
        seen.add(text)
        try:
            ast.parse(text)
        except SyntaxError:
            continue
        yield text


def _filters_of_the_tests():
    for path in sorted(TESTS.rglob("*.py")):
        name = path.relative_to(REPO).as_posix()
        for snippet in _snippets(path.read_text(encoding="utf-8")):
            for text, problem in filters_in(snippet, target(path)):
                yield name, text, problem


FOUND = list(_filters_of_the_tests())


def test_the_reader_finds_the_tests_filters():
    """The filters read are the tests' real ones: snippets, evidence tests, and scripts."""
    files = {name for name, _, _ in FOUND}
    assert len(FOUND) > 60
    assert "tests/evidence/test_mv118_ignored_keyword.py" in files  # calls on fixtures
    assert "tests/evidence/scripts/lite24_mv105_topk_over_max.py" in files
    assert "tests/test_hook.py" in files  # snippets built with + and .replace
    assert "tests/test_migrate_orm.py" in files  # dedented snippets


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [pytest.param(*found, id=f"{found[0]}:{found[1][:30]}") for found in FOUND],
)
def test_every_filter_in_the_tests_parses(name, text, problem):
    if (name, text) in DELIBERATELY_INVALID:
        assert problem is not None, f"{text!r} is listed as invalid but is valid"
    else:
        assert problem is None, f"{name}: {text!r}: {problem and problem.message}"


def test_every_deliberately_invalid_filter_is_still_there():
    found = {(name, text) for name, text, _ in FOUND}
    assert set(DELIBERATELY_INVALID) <= found, set(DELIBERATELY_INVALID) - found
