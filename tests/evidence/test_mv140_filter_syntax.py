"""MV140-MV144 by differential testing: our filter checks against Milvus 2.4's.

Every filter of scripts/filter_table.py runs in a query on milvus-lite 2.4.12 (the 2.4 filter
grammar and planner) and through checks.expr for Milvus 2.4, against the same collection. They
must agree: what it runs as written we leave alone; what it refuses, or runs only in part
("cut"), we report. Milvus Lite's parser recovers from syntax errors (ANTLR's default recovery,
errors on stderr) where the Milvus server's does not: internal/parser/planparserv2 in
milvus-io/milvus fails on any lexer or parser error and on input left after a complete
expression ("invalid expression"), so on a server every "cut" filter is refused. Constructs newer than 2.4 are proven from Plan.g4 and
the docs (guide/2026.11/rules/MV141.md cites them).
"""

import importlib.util

import pytest

from checks.expr import ExprSyntaxError, dialect_for, mistakes, parse
from checks.expr.semantics import FieldType, FieldTypes, check
from tests.evidence.conftest import SCRIPTS_DIR

pytestmark = pytest.mark.evidence

_spec = importlib.util.spec_from_file_location("filter_table", SCRIPTS_DIR / "filter_table.py")
filter_table = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(filter_table)
TABLE = filter_table.TABLE

MILVUS_24 = dialect_for("2.4")
COLLECTION = FieldTypes(
    {
        "id": FieldType("int"), "vec": FieldType("vector"), "age": FieldType("int"),
        "score": FieldType("float"), "name": FieldType("string"), "flag": FieldType("bool"),
        "meta": FieldType("json"), "tags": FieldType("array", "string"),
        "nums": FieldType("array", "int"),
    },
    dynamic=False,
)  # fmt: skip


def our_verdict(expression: str) -> str | None:
    """What checks.expr reports for Milvus 2.4 on collection "t" (None: nothing)."""
    try:
        parsed = parse(expression, MILVUS_24)
    except ExprSyntaxError as error:
        return mistakes.diagnose(expression, error, MILVUS_24).message
    problem = mistakes.too_new(parsed, expression, MILVUS_24, set()) or mistakes.lint(
        parsed, expression, MILVUS_24
    )
    if problem is not None:
        return problem.message
    findings = check(parsed.tree, COLLECTION, MILVUS_24.line)
    return findings[0].message if findings else None


@pytest.fixture(scope="module")
def server(run_lite24):
    return run_lite24("lite24_mv140_filter_syntax.py")


def test_the_table_covers_enough():
    verdicts = [verdict for _, verdict in TABLE]
    assert len(TABLE) >= 150
    assert len(set(expression for expression, _ in TABLE)) == len(TABLE)
    assert {"ok", "reject", "cut"} == set(verdicts)


@pytest.mark.parametrize(("expression", "verdict"), TABLE)
def test_we_agree_with_the_24_server(server, expression, verdict):
    """The server does what the table says, and our checks say the same."""
    outcome = server[expression]
    assert outcome["raised"] == (verdict == "reject"), outcome
    ours = our_verdict(expression)
    if verdict == "ok":
        assert ours is None, ours
    else:
        assert ours is not None, f"the server {verdict}s {expression!r}; we report nothing"


def test_a_cut_filter_means_something_else(server):
    """Milvus Lite 2.4 reads `AND` as a name and drops the rest: `age > 1 AND age < 0` finds the
    row that `age > 1 and age < 0` cannot (a Milvus server refuses the filter)."""
    assert server["rows: age > 1 and age < 0"] == {"raised": False, "value": 0}
    assert server["rows: age > 1 AND age < 0"] == {"raised": False, "value": 1}
