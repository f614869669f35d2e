"""MV109-MV116: what the generic example test cannot say.

- The fix_data of the fixable rules (MV113, MV114, MV116) reproduces each example's `fixed`
  when applied the plain way its convention describes, so a fixer written from fix_data and
  the examples agree.
- Editions and version ranges.
- The guide's examples: good examples are silent under these rules, bad examples fire.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from checks.engine import Options, check_source
from checks.rules import RULES_BY_CODE
from checks.rules.base import Invalid, example_source

CODES = ("MV109", "MV110", "MV111", "MV112", "MV113", "MV114", "MV115", "MV116")
GUIDE = Path(__file__).resolve().parent.parent / "guide" / "2026.11" / "rules"


def _findings(source: str, code: str, **options) -> list:
    result = check_source(source, Options(select=(code,), **options))
    assert result.error is None, result.error
    return [d for d in result.diagnostics if d.code == code]


def _offset(lines: list[str], line: int, column: int) -> int:
    """Character offset of a 1-based (line, column) position."""
    return sum(len(text) + 1 for text in lines[: line - 1]) + column - 1


def _apply(source: str, diagnostic) -> str:
    """Apply fix_data the way its convention says, without libcst."""
    data = diagnostic.fix_data
    lines = source.split("\n")
    start = _offset(lines, diagnostic.line, diagnostic.column)
    end = _offset(lines, diagnostic.end_line, diagnostic.end_column)
    if data.get("kind") == "host_port":
        # Replace the first removed keyword by `uri=...`, drop the others with their comma.
        call = next(
            node
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call)
            and (node.lineno, node.col_offset + 1) == (diagnostic.line, diagnostic.column)
        )
        removed = [kw for kw in call.keywords if kw.arg in data["remove"]]
        text = source
        for index, kw in reversed(list(enumerate(removed))):
            kw_start = _offset(lines, kw.lineno, kw.col_offset + 1)
            kw_end = _offset(lines, kw.end_lineno, kw.end_col_offset + 1)
            if index == 0:
                text = text[:kw_start] + f"uri={data['uri']}" + text[kw_end:]
            else:
                comma = text.rindex(",", 0, kw_start)
                text = text[:comma] + text[kw_end:]
        return text
    # Every other convention: the reported node is replaced by `replacement`.
    return source[:start] + data["replacement"] + source[end:]


def _fixed_examples():
    for code in CODES:
        rule = RULES_BY_CODE[code]
        for index, example in enumerate(rule.INVALID):
            if isinstance(example, Invalid) and example.fixed is not None:
                yield pytest.param(code, example, id=f"{code}-invalid-{index}")


@pytest.mark.parametrize(("code", "example"), list(_fixed_examples()))
def test_fix_data_gives_the_fixed_example(code, example: Invalid):
    source = example_source(example.code)
    fixable = [d for d in _findings(source, code) if d.fix != "none"]
    assert len(fixable) == 1, fixable
    fixed = _apply(source, fixable[0])
    assert fixed == example_source(example.fixed)
    ast.parse(fixed)
    assert _findings(fixed, code) == []


def test_fix_data_conventions():
    host_port = _findings(
        'from pymilvus import MilvusClient\nc = MilvusClient(host="h", port=1)\n', "MV113"
    )
    assert host_port[0].fix_data == {
        "kind": "host_port",
        "uri": '"http://h:1"',
        "remove": ["host", "port"],
    }
    scheme = _findings('from pymilvus import MilvusClient\nc = MilvusClient("h:1")\n', "MV113")
    assert scheme[0].fix_data == {"kind": "scheme", "replacement": '"http://h:1"'}
    flat = _findings(
        'from pymilvus import MilvusClient\nc = MilvusClient("a.db")\nc.search("d", data=[1.0, 2])\n',
        "MV116",
    )
    assert flat[0].fix_data == {"replacement": "[[1.0, 2]]"}
    columns = _findings(
        'from pymilvus import MilvusClient\nc = MilvusClient("a.db")\n'
        'c.create_collection("d", dimension=2, auto_id=True)\nc.insert("d", [[[0.1, 0.2]], [{"a": 1}]])\n',
        "MV114",
    )
    # The auto_id key has no column: only "vector" is left, which does not match two columns.
    assert columns[0].fix == "none" and columns[0].fix_data == {}


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("MilvusClient(host=h, port=p, **extra)", "**kwargs may hold a uri"),
        ("MilvusClient(host=h, port=p, secure=True)", "TLS: http:// would be wrong"),
        ('MilvusClient(host="http://h", port=1)', "a scheme already in host"),
        ('MilvusClient(host=h, port="x")', "a port that is no number"),
        ("MilvusClient(host=a[\"x\"] + b['y'], port=1)", "both quote kinds in host"),
    ],
)
def test_host_port_without_a_safe_rewrite_is_reported_unfixed(source, why):
    found = _findings(f"from pymilvus import MilvusClient\nc = {source}\n", "MV113")
    assert [d.fix for d in found] == ["none"], why


def test_mv114_rows_written_as_lists_are_not_transposed():
    source = (
        'from pymilvus import MilvusClient\nc = MilvusClient("a.db")\n'
        'c.create_collection("d", dimension=2)\nc.insert("d", [[1, [0.1, 0.2]], [2, [0.3, 0.4]]])\n'
    )
    found = _findings(source, "MV114")
    assert len(found) == 1 and found[0].fix == "none"


@pytest.mark.parametrize("code", CODES)
def test_current_edition_only(code):
    rule = RULES_BY_CODE[code]
    assert rule.editions == frozenset({"2026.11"})
    assert rule.applies_to("2026.11", "3.0") and not rule.applies_to("2026.01", "3.0")


def test_mv112_needs_pymilvus_2_4():
    source = (
        'from pymilvus import MilvusClient\nc = MilvusClient("a.db")\n'
        'c.create_collection("d", dimension=8)\nc.insert("d", [{"vector": [0.1] * 8}])\n'
    )
    assert len(_findings(source, "MV112", pymilvus_version="2.4")) == 1
    assert _findings(source, "MV112", pymilvus_version="2.3") == []


@pytest.mark.parametrize("code", CODES)
def test_messages_are_one_sentence(code):
    for example in RULES_BY_CODE[code].INVALID:
        example = example if isinstance(example, Invalid) else Invalid(example)
        for diagnostic in _findings(example_source(example.code), code):
            message = diagnostic.message
            assert message.endswith(".") and message.count(". ") == 0, message


def _python_blocks(markdown: str, section: str) -> list[str]:
    match = re.search(rf"^## {section}\n(.*?)(?=^## |\Z)", markdown, re.S | re.M)
    return re.findall(r"```python\n(.*?)```", match.group(1), re.S) if match else []


def _guide_docs():
    return sorted(GUIDE.glob("MV*.md")) if GUIDE.is_dir() else []


@pytest.mark.parametrize("doc", _guide_docs(), ids=lambda p: p.stem)
def test_guide_good_examples_are_silent(doc):
    for block in _python_blocks(doc.read_text(), "Good example"):
        result = check_source(block, Options(select=CODES))
        assert result.diagnostics == [], [(d.code, d.line, d.message) for d in result.diagnostics]


@pytest.mark.parametrize("doc", [p for p in _guide_docs() if p.stem in CODES], ids=lambda p: p.stem)
def test_guide_bad_example_fires(doc):
    blocks = _python_blocks(doc.read_text(), "Bad example")
    assert blocks
    for block in blocks:
        assert _findings(block, doc.stem), block
