"""The guide loader, and the guide's data checked against the rule classes."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import guide
from checks.engine import Options
from checks.rules import ALL_RULES

REPO = Path(__file__).resolve().parent.parent
EDITION_IDS = [e.id for e in guide.editions()]
SECTIONS = [
    "What it detects",
    "Why it matters",
    "Known limits",
    "Bad example",
    "Good example",
    "Fix safety",
    "Evidence",
    "References",
]
# The severity a doc states is the rule's severity in its edition at the default target version.
DEFAULT_VERSION = Options().pymilvus_version


def _docs():
    for edition in EDITION_IDS:
        for doc in guide.rule_docs(edition):
            yield pytest.param(doc, id=f"{edition}-{doc.code}")


def _rules_by_edition():
    for edition in EDITION_IDS:
        for rule in ALL_RULES:
            if edition in rule.editions:
                yield pytest.param(edition, rule, id=f"{edition}-{rule.code}")


# The loader


def test_editions_load_oldest_first_with_one_current():
    assert EDITION_IDS == ["2026.01", "2026.11"]
    assert guide.current_edition().id == "2026.11"
    assert [e.status for e in guide.editions()] == ["superseded", "current"]


@pytest.mark.parametrize("edition", EDITION_IDS)
def test_edition_has_guide_text_and_rule_docs(edition):
    assert guide.guide_text(edition).lstrip().startswith("#")
    assert guide.rule_docs(edition), f"guide/{edition}/rules/ has no rule docs"


def test_resolve_edition_accepts_current_and_ids():
    assert guide.resolve_edition("current") == guide.current_edition()
    assert guide.resolve_edition("2026.01").status == "superseded"


def test_unknown_edition_lists_the_known_ones():
    with pytest.raises(guide.UnknownEdition, match=r"'1999\.01'.*2026\.01, 2026\.11"):
        guide.resolve_edition("1999.01")


def test_unknown_rule_lists_the_known_ones():
    with pytest.raises(guide.UnknownRule, match=r"'MV999'.*MV001"):
        guide.rule_doc("current", "MV999")


def test_rule_codes_are_case_insensitive():
    assert guide.rule_doc("current", "mv001").code == "MV001"


def test_loads_are_cached():
    first, again = guide.rule_docs("2026.11"), guide.rule_docs("2026.11")
    assert all(a is b for a, b in zip(first, again, strict=True))
    assert guide.guide_text("2026.11") is guide.guide_text("current")
    assert guide.rule_doc("2026.11", "MV001") is guide.rule_doc("current", "MV001")


def test_mv002_is_retired_in_the_current_edition():
    assert guide.rule_doc("2026.11", "MV002").status == "retired"


VALID_DOC = """+++
code = "MV001"
name = "search-before-load"
title = "Search before load"
severity = "error"
fix = "safe"
pymilvus = ">=2.0"
status = "active"
summary = "Load first."
+++

# MV001
"""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (VALID_DOC.replace("+++\n", "", 1), "'\\+\\+\\+' line"),
        (VALID_DOC.rsplit("+++", 1)[0], "not closed"),
        (VALID_DOC.replace('fix = "safe"', "fix = safe"), "invalid TOML"),
        (VALID_DOC.replace('"error"', '"fatal"'), "severity"),
        (VALID_DOC.replace('status = "active"\n', ""), "status"),
        (VALID_DOC.replace('summary = "Load first."', 'summary = "x"\nextra = 1'), "extra"),
    ],
    ids=["no-opening", "no-closing", "bad-toml", "bad-severity", "missing-status", "extra-key"],
)
def test_malformed_rule_doc_names_its_file(tmp_path, text, problem):
    root = tmp_path / "guide"
    (root / "2026.11" / "rules").mkdir(parents=True)
    (root / "editions.toml").write_text(
        '[[edition]]\nid = "2026.11"\ndate = "2026-11-24"\nstatus = "current"\nsummary = "s"\n'
    )
    bad = root / "2026.11" / "rules" / "MV001.md"
    bad.write_text(text)
    with pytest.raises(guide.MalformedGuideFile, match=problem) as caught:
        guide._rule_docs(root, "2026.11")
    assert str(bad) in str(caught.value)
    assert caught.value.path == str(bad)


def test_malformed_editions_file_names_its_file(tmp_path):
    (tmp_path / "editions.toml").write_text('[[edition]]\nid = "2026.11"\nstatus = "live"\n')
    with pytest.raises(guide.MalformedGuideFile, match=r"editions\.toml") as caught:
        guide._editions(tmp_path)
    assert "status" in str(caught.value) and "date" in str(caught.value)


def test_rule_doc_code_must_match_its_file_name(tmp_path):
    rules = tmp_path / "2026.11" / "rules"
    rules.mkdir(parents=True)
    (rules / "MV002.md").write_text(VALID_DOC)
    with pytest.raises(guide.MalformedGuideFile, match=r"MV002\.md.*differs"):
        guide._rule_docs(tmp_path, "2026.11")


def test_sections_ignore_headings_inside_code_fences():
    body = "# T\n\n## One\n\n```python\n## not a heading\n```\n\n## Two\n"
    assert guide.markdown_sections(body) == ["One", "Two"]


# The guide's data against the rule classes


@pytest.mark.parametrize(("edition", "rule"), list(_rules_by_edition()))
def test_every_rule_has_a_doc_matching_its_metadata(edition, rule):
    codes = {doc.code for doc in guide.rule_docs(edition)}
    assert rule.code in codes, f"guide/{edition}/rules/{rule.code}.md is missing"
    doc = guide.rule_doc(edition, rule.code)
    assert (doc.code, doc.name, doc.severity, doc.fix, doc.pymilvus) == (
        rule.code,
        rule.name,
        rule.severity_for(edition, DEFAULT_VERSION),
        rule.fix,
        rule.pymilvus,
    )
    assert doc.status == "active"


@pytest.mark.parametrize("doc", list(_docs()))
def test_every_active_doc_has_a_rule_class(doc):
    applying = {rule.code for rule in ALL_RULES if doc.edition in rule.editions}
    if doc.status == "active":
        assert doc.code in applying, (
            f"no rule class in checks/rules/ for {doc.code} ({doc.edition})"
        )
    else:
        assert doc.code not in applying, f"{doc.code} is retired in {doc.edition} but still runs"


@pytest.mark.parametrize("doc", list(_docs()))
def test_doc_has_the_eight_sections_in_order(doc):
    assert doc.sections == SECTIONS


@pytest.mark.parametrize("doc", list(_docs()))
def test_doc_has_evidence_and_test_evidence_exists(doc):
    assert doc.evidence, f"{doc.edition}/{doc.code} has no evidence"
    for item in doc.evidence:
        if item.kind == "test":
            path = item.ref.split("::")[0]
            assert (REPO / path).is_file(), f"{doc.edition}/{doc.code}: {path} does not exist"


def test_the_hook_paths_edition_reader_agrees_with_the_loader():
    """checks.paths reads editions.toml without tomllib/pydantic; it must see what guide sees."""
    from checks.guide import current_edition, editions
    from checks.paths import current_edition as fast_current
    from checks.paths import known_editions

    assert known_editions() == {e.id: e.status for e in editions()}
    assert fast_current() == current_edition().id
