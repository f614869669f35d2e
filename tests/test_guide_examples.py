"""The guide teaches nothing that fails: its examples, checked and run.

- Every bad example is reported by its own rule; every good example (and the runnable pattern of
  each guide.md) gets no finding from any rule, in its edition.
- Every 2026.11 good example, and the 2026.11 pattern, runs on Milvus Lite 3 with pymilvus 3.x
  in an empty directory under `-W error::FutureWarning`: no error, no PyMilvusDeprecationWarning.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from checks.engine import Options, check_source

GUIDE = Path(__file__).resolve().parent.parent / "guide"
PYTHON_BLOCK = r"```python\n(.*?)```"


def section_code(text: str, section: str) -> str | None:
    match = re.search(rf"^## {section}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if match is None:
        return None
    block = re.search(PYTHON_BLOCK, match.group(1), re.S)
    return block.group(1) if block else None


def rule_docs():
    for doc in sorted(GUIDE.glob("*/rules/MV*.md")):
        yield pytest.param(doc, id=f"{doc.parent.parent.name}-{doc.stem}")


def edition_and_status(doc: Path) -> tuple[str, bool]:
    retired = re.search(r'^status = "retired"', doc.read_text(encoding="utf-8"), re.M) is not None
    return doc.parent.parent.name, retired


# A bad example may name the release it is wrong for: `# target: pymilvus 2.4` on its first line.
TARGET = re.compile(r"\A# target: pymilvus (\S+)")


def findings(code: str, edition: str) -> list[str]:
    target = TARGET.match(code)
    version = target.group(1) if target else "3.0"
    result = check_source(code, Options(edition=edition, pymilvus_version=version))
    assert result.error is None, result.error
    return [d.code for d in result.diagnostics]


@pytest.mark.parametrize("doc", list(rule_docs()))
def test_bad_example_is_reported_by_its_rule(doc):
    edition, retired = edition_and_status(doc)
    bad = section_code(doc.read_text(encoding="utf-8"), "Bad example")
    assert bad, f"{doc}: no python block under '## Bad example'"
    if retired:  # a retired rule's bad example is exactly what no longer gets reported
        assert doc.stem not in findings(bad, edition)
    else:
        assert doc.stem in findings(bad, edition), doc


@pytest.mark.parametrize("doc", list(rule_docs()))
def test_good_example_has_no_findings(doc):
    edition, _ = edition_and_status(doc)
    good = section_code(doc.read_text(encoding="utf-8"), "Good example")
    assert good, f"{doc}: no python block under '## Good example'"
    assert findings(good, edition) == [], doc


def runnable_examples():
    for doc in sorted((GUIDE / "2026.11" / "rules").glob("MV*.md")):
        yield pytest.param(
            section_code(doc.read_text(encoding="utf-8"), "Good example"), id=doc.stem
        )
    pattern = [
        block
        for block in re.findall(
            PYTHON_BLOCK, (GUIDE / "2026.11" / "guide.md").read_text(encoding="utf-8"), re.S
        )
        if "MilvusClient(" in block and "client.close()" in block
    ]
    assert pattern, "guide 2026.11 has no complete runnable pattern"
    yield pytest.param(pattern[0], id="guide-pattern")


def test_guide_pattern_has_no_findings():
    [pattern] = [p.values[0] for p in runnable_examples() if p.id == "guide-pattern"]
    assert findings(pattern, "2026.11") == []


@pytest.mark.evidence
@pytest.mark.parametrize("code", list(runnable_examples()))
def test_good_example_runs_on_milvus_lite(code, tmp_path):
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-W", "error::FutureWarning", str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "DeprecationWarning" not in result.stderr
