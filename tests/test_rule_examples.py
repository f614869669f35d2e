"""Every rule's VALID and INVALID examples, run through the whole engine (Fixit-style)."""

from __future__ import annotations

import pytest

from checks.engine import Options, check_source
from checks.rules import ALL_RULES
from checks.rules.base import Invalid, Valid, example_source


def _options(rule, version: str | None, edition: str | None) -> Options:
    edition = edition or ("2026.11" if "2026.11" in rule.editions else "2026.01")
    return Options(edition=edition, pymilvus_version=version or "3.0", select=(rule.code,))


def _valid_cases():
    for rule in ALL_RULES:
        for index, example in enumerate(rule.VALID):
            example = example if isinstance(example, Valid) else Valid(example)
            yield pytest.param(rule, example, id=f"{rule.code}-valid-{index}")


def _invalid_cases():
    for rule in ALL_RULES:
        for index, example in enumerate(rule.INVALID):
            example = example if isinstance(example, Invalid) else Invalid(example)
            yield pytest.param(rule, example, id=f"{rule.code}-invalid-{index}")


@pytest.mark.parametrize(("rule", "example"), list(_valid_cases()))
def test_valid_example_is_silent(rule, example: Valid):
    source = example_source(example.code)
    result = check_source(source, _options(rule, example.pymilvus_version, example.edition))
    assert result.error is None, result.error
    assert [d for d in result.diagnostics if d.code == rule.code] == []


@pytest.mark.parametrize(("rule", "example"), list(_invalid_cases()))
def test_invalid_example_is_reported(rule, example: Invalid):
    source = example_source(example.code)
    result = check_source(source, _options(rule, example.pymilvus_version, example.edition))
    assert result.error is None, result.error
    found = [d for d in result.diagnostics if d.code == rule.code]
    assert len(found) == example.count, found
    if example.line is not None:
        assert found[0].line == example.line, found
    for diagnostic in found:
        assert diagnostic.name == rule.name
        assert diagnostic.message and diagnostic.message[0].isupper()


def test_every_rule_has_examples_and_metadata():
    codes = [rule.code for rule in ALL_RULES]
    assert len(codes) == len(set(codes))
    for rule in ALL_RULES:
        assert rule.VALID and rule.INVALID, rule.code
        assert rule.summary(), rule.code
        assert rule.severity in ("error", "warning", "info")
        assert rule.fix in ("safe", "unsafe", "none")
