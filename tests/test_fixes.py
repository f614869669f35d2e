"""Every rule's fixer, through `rewrite_source`: the guarantees of issue 4, rule by rule.

For each rule with a fixer: an INVALID example with `fixed=` is rewritten to exactly that;
every fixable finding of an INVALID example is fixed, the output parses, re-checking no longer
reports it and fixing again changes nothing; VALID examples come back byte-identical.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from checks.engine import Options, check_source
from checks.fixes import rewrite_source, unified_diff
from checks.rules import ALL_RULES
from checks.rules.base import Invalid, Valid, example_source

FIXABLE = [rule for rule in ALL_RULES if rule.fixer is not None]


def _options(rule, example) -> Options:
    edition = example.edition or ("2026.11" if "2026.11" in rule.editions else "2026.01")
    return Options(
        edition=edition, pymilvus_version=example.pymilvus_version or "3.0", select=(rule.code,)
    )


def _examples(kind):
    for rule in FIXABLE:
        for index, example in enumerate(getattr(rule, kind)):
            if kind == "INVALID":
                example = example if isinstance(example, Invalid) else Invalid(example)
            else:
                example = example if isinstance(example, Valid) else Valid(example)
            yield pytest.param(rule, example, id=f"{rule.code}-{kind.lower()}-{index}")


@pytest.mark.parametrize(("rule", "example"), list(_examples("INVALID")))
def test_invalid_example_is_fixed(rule, example: Invalid):
    source = example_source(example.code)
    options = _options(rule, example)
    before = [d for d in check_source(source, options).diagnostics if d.code == rule.code]
    fixable = [d for d in before if d.fix != "none"]
    result = rewrite_source(source, options, unsafe=True)

    if example.fixed is not None:
        assert result.code == example_source(example.fixed)
    ast.parse(result.code)
    left = [d for d in result.remaining if d.code == rule.code]
    applied = [a for a in result.applied if a.code == rule.code]
    if rule.fixer.partial:
        # A migration fixes what it can and leaves the rest whole, still reported.
        assert len(left) < len(before) if applied else result.code == source
    else:
        # Every finding the rule offers to fix is fixed, and only those.
        assert [d for d in left if d.fix != "none"] == []
        assert len(left) == len(before) - len(fixable)
        assert len(applied) == len(fixable)
    if applied:
        assert result.diff.startswith("--- a/<snippet>\n+++ b/<snippet>\n")
    else:
        assert result.code == source and result.diff == ""
    # A fixpoint: fixing again changes nothing.
    again = rewrite_source(result.code, options, unsafe=True)
    assert again.code == result.code and again.applied == []


@pytest.mark.parametrize(("rule", "example"), list(_examples("INVALID")))
def test_unsafe_fixes_need_unsafe(rule, example: Invalid):
    source = example_source(example.code)
    options = _options(rule, example)
    result = rewrite_source(source, options)
    for diagnostic in result.remaining:
        assert diagnostic.fix != "safe" or diagnostic.code != rule.code
    if rule.fix == "unsafe":
        assert result.code == source and result.applied == []


@pytest.mark.parametrize(("rule", "example"), list(_examples("VALID")))
def test_valid_example_is_left_alone(rule, example: Valid):
    source = example_source(example.code)
    options = Options(
        edition=example.edition or "2026.11", pymilvus_version=example.pymilvus_version or "3.0"
    )
    result = rewrite_source(source, options, unsafe=True, rules=[rule.code])
    assert result.code is source or result.code == source
    assert result.applied == [] and result.diff == ""


@pytest.mark.parametrize(
    "source",
    [
        "",
        "x = 1\r\n",
        "import json\njson.load(open('x'))  # no newline at end",
        "from pymilvus import MilvusClient\nclient = MilvusClient('a.db')\n",
        "if True:\n\tprint('é')  # comment\n",
    ],
)
def test_code_without_findings_is_byte_identical(source):
    result = rewrite_source(source, Options(), unsafe=True)
    assert result.code == source and result.diff == "" and result.applied == []


def test_syntax_error_comes_back_unchanged():
    source = "from pymilvus import MilvusClient\nclient = MilvusClient(\n"
    result = rewrite_source(source, Options(), unsafe=True)
    assert result.code == source and result.error and result.applied == []


def test_rules_limit_the_fixes():
    source = example_source(
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", schema=schema)
        client.search("docs", data=[[0.1] * 8], consistency_level="strong")
        """
    )
    only_mv007 = rewrite_source(source, Options(), rules=["MV007"])
    assert [a.code for a in only_mv007.applied] in ([], ["MV007"])
    assert "MV001" in {d.code for d in only_mv007.remaining}
    assert "load_collection" not in only_mv007.code


def test_noqa_finding_is_not_fixed():
    source = example_source(
        """
        from pymilvus import MilvusClient
        client = MilvusClient("demo.db")
        client.create_collection("docs", schema=schema)
        client.search("docs", data=[[0.1] * 8])  # noqa: MV001
        """
    )
    assert rewrite_source(source, Options()).code == source


def test_diff_is_unified_and_marks_a_missing_final_newline():
    diff = unified_diff("a\nb", "a\nc", "x.py")
    assert diff.splitlines() == [
        "--- a/x.py",
        "+++ b/x.py",
        "@@ -1,2 +1,2 @@",
        " a",
        "-b",
        "\\ No newline at end of file",
        "+c",
        "\\ No newline at end of file",
    ]


def test_rule_modules_do_not_import_libcst():
    """Fixers live beside detectors, but the hook path must stay free of libcst."""
    code = (
        "import sys, checks.engine, checks.rules; checks.rules.ALL_RULES; "
        "print('libcst' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
