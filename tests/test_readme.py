"""The README stays true: its rule table is the rules' metadata, its commands are CI's."""

from __future__ import annotations

import os
import re
from pathlib import Path

from checks.report import rules_table

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


TABLE = re.compile(r"<!-- rules:start -->\n(.*?)<!-- rules:end -->", re.S)


def test_rule_table_matches_rule_metadata():
    """Run with UPDATE_README=1 to regenerate the table from the rules' metadata."""
    table = TABLE.search(README)
    assert table, "README lacks the <!-- rules:start/end --> markers"
    expected = rules_table()
    if os.environ.get("UPDATE_README") == "1":
        updated = TABLE.sub(lambda _: f"<!-- rules:start -->\n{expected}<!-- rules:end -->", README)
        (ROOT / "README.md").write_text(updated, encoding="utf-8")
        return
    assert table.group(1) == expected, (
        "README rule table is stale: UPDATE_README=1 pytest tests/test_readme.py"
    )


def test_ci_runs_the_readme_test_command():
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = [line for line in quick_start.splitlines() if line.startswith("python3 -m venv")]
    assert len(commands) == 2, "the quick start is two commands"
    assert "python -m server" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci
