"""milvus-cto as a user installs it: the README's marketplace commands into a fresh HOME, no
MILVUS_CTO_PYTHON, the first session. Also the pymilvus Skill, and settings that speak.

Run: `.venv/bin/python -m pytest -m e2e tests/e2e` (needs Node.js, and PyPI for the plugin's
first-run venv).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, run_harness
from tests.e2e.test_claude_code import SEARCH_BEFORE_LOAD, WRITE_BAD

pytestmark = pytest.mark.e2e

PLUGIN_TOOL = "mcp__plugin_milvus-cto_milvus-cto__"
SKILL_LISTED = "- milvus-cto:pymilvus: Correct pymilvus code for the Milvus vector database"
SKILL_HEADING = "# pymilvus, written right the first time"
MAX_VENV_MB = 120
PERMISSION_RULE = "mcp__plugin_milvus-cto_milvus-cto"  # README, "Permissions"
MCP_ATTEMPTS = 4


@pytest.fixture
def clone(tmp_path) -> Path:
    """A clone after the README's quick start: it holds a dev .venv and a .cache, which a
    plugin install must neither copy nor run. This one's .venv python fails loudly if used."""
    target = tmp_path / "milvus-cto"
    shutil.copytree(
        ROOT, target, symlinks=True,
        ignore=shutil.ignore_patterns(".git", ".venv", ".cache", "__pycache__", ".pytest_cache"),
    )  # fmt: skip
    fake = target / ".venv" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\necho 'the clone .venv ran' >&2\nexit 3\n")
    fake.chmod(0o755)
    (target / ".cache").mkdir()
    (target / ".cache" / "big.bin").write_bytes(b"\0" * 1_000_000)
    return target


def test_marketplace_install_works_in_the_first_session(claude_bin, clone, tmp_path):
    home = "{{HOME}}"
    data = f"{home}/.claude/plugins/data/milvus-cto-milvus-cto"
    launcher = f'sh "{clone}/plugin/.claude/hooks/milvus-cto"'
    report = run_harness(claude_bin, tmp_path, {
        "prompt": "/milvus-cto:milvus-check app.py",
        "probe_hooks": False,
        "timeout": 300,
        "project_files": {"app.py": SEARCH_BEFORE_LOAD},
        "pre_commands": [
            ["plugin", "marketplace", "add", str(clone)],
            ["plugin", "install", "milvus-cto@milvus-cto"],
        ],
        # Only for the pauses below; nothing milvus-cto needs.
        "home_files": {".claude/settings.json": {"permissions": {"allow": ["Bash(sleep:*)"]}}},
        "turns": [
            {"tool": "Skill", "input": {"skill": "milvus-cto:pymilvus"}},
            # What the command tells Claude to run, as its Bash tool runs it (no plugin env).
            {"tool": "Bash", "input": {"command": f'{launcher} check --data "{data}" app.py'}},
            # The MCP server's tools arrive once its venv is built and the SDK loaded: a model
            # that calls at once may be early on a loaded machine, so it tries again.
            *[turn for _ in range(MCP_ATTEMPTS) for turn in (
                {"tool": PLUGIN_TOOL + "rewrite_snippet", "input": {"code": SEARCH_BEFORE_LOAD}},
                {"tool": "Bash", "input": {"command": "sleep 15"}},
            )],
            {"text": "Done."},
        ],
    }, "installed")  # fmt: skip
    for command in report.data["commands"]:
        assert command["rc"] == 0, command
    home = Path(report.data["work"]) / "home"
    # The slash command's ! line ran the checker with the plugin's own venv, built this session.
    prompt = report.first_prompt_text()
    assert "app.py:5:7: MV001 [error]" in prompt, prompt[-2000:]
    assert "clone .venv ran" not in prompt
    # The model's request lists the skill; invoking it returns the skill's text.
    assert SKILL_LISTED in prompt
    assert "milvus-cto:pymilvus" in report.init()["skills"]
    loaded = json.dumps(report.after_turn(0))
    assert "Launching skill: milvus-cto:pymilvus" in loaded
    assert SKILL_HEADING in loaded and "client.create_collection(" in loaded
    # Claude's own Bash call to the launcher works too.
    checked = report.tool_result(1)
    assert "app.py:5:7: MV001 [error]" in checked["content"], checked
    # The MCP server is usable in this first session, allowed by the command's allowed-tools.
    calls = [report.tool_result(2 + 2 * attempt) for attempt in range(MCP_ATTEMPTS)]
    answered = [c for c in calls if c.get("is_error") is not True]
    assert answered and "load_collection" in answered[0]["content"], calls
    for early in calls[: calls.index(answered[0])]:
        assert "No such tool available" in early["content"], early
    # What the install copied: the plugin, not the clone's dev environments or tests.
    (installed,) = (home / ".claude" / "plugins" / "cache" / "milvus-cto" / "milvus-cto").iterdir()
    shipped = {p.name for p in installed.iterdir()}
    assert {"checks", "server", "guide", "skills", "commands", "hooks", ".claude-plugin"} <= shipped
    assert not shipped & {".venv", ".cache", "tests", ".git"}, shipped
    # The first run's venv: only what the hooks, checker and server import.
    venv = home / ".claude" / "plugins" / "data" / "milvus-cto-milvus-cto" / "venv"
    size = int(subprocess.run(["du", "-sm", str(venv)], capture_output=True, text=True,
                              check=True).stdout.split()[0])  # fmt: skip
    assert size <= MAX_VENV_MB, f"{size} MB"
    assert not list(venv.glob("lib/python3*/site-packages/pymilvus*"))
    log = (venv.parent / "venv.log").read_text()
    seconds = float(re.search(r"built in ([\d.]+) s", log).group(1))
    print(f"first-run venv: {size} MB, built in {seconds:.1f} s")


def test_the_skill_loads_and_its_rule_pages_are_one_allowed_call_away(claude):
    """The README's permission rule (user settings) lets Claude read a rule's page with the
    read-only MCP tools, without a prompt, wherever the skill sends it."""
    report = claude({
        "prompt": "Write a pymilvus script that stores and searches embeddings.",
        "probe_hooks": False,
        "home_files": {".claude/settings.json": {"permissions": {"allow": [PERMISSION_RULE]}}},
        "project_files": {"requirements.txt": "pymilvus==2.5.4\n"},
        "turns": [
            {"tool": "Skill", "input": {"skill": "milvus-cto:pymilvus"}},
            {"tool": PLUGIN_TOOL + "explain_rule", "input": {"code": "MV001"}},
            {"tool": PLUGIN_TOOL + "check_snippet", "input": {"code": SEARCH_BEFORE_LOAD}},
            {"text": "Done."},
        ],
    })  # fmt: skip
    assert SKILL_LISTED in report.first_prompt_text()
    # SessionStart told Claude which pymilvus this project uses, and that the skill applies.
    assert "this project uses pymilvus 2.5.4 (requirements.txt)" in report.first_prompt_text()
    loaded = json.dumps(report.after_turn(0))
    assert "Base directory for this skill: " in loaded and SKILL_HEADING in loaded
    assert "(../../guide/2026.11/rules/MV001.md)" in loaded and "`explain_rule`" in loaded
    page = report.tool_result(1)
    assert page.get("is_error") is not True, page
    assert "search-before-load" in json.dumps(page["content"])
    checked = report.tool_result(2)
    assert checked.get("is_error") is not True and "MV001" in json.dumps(checked["content"])


def test_a_bad_setting_is_told_once_and_checking_goes_on(claude):
    report = claude({
        "prompt": "Create app.py that searches a Milvus collection with pymilvus.",
        "probe_hooks": False,
        "project_files": {"pyproject.toml": '[tool.milvus-cto.hook]\nmode = "strict"\n'},
        "turns": [
            WRITE_BAD,
            {"tool": "Write", "input": {"file_path": "{{PROJECT}}/other.py",
                                        "content": SEARCH_BEFORE_LOAD}},
            {"text": "Done."},
        ],
    })  # fmt: skip
    # Checking went on with the default mode (guard): the search before load is refused.
    denied = report.tool_result(0)
    assert denied["is_error"] is True and "MV001" in denied["content"]
    # Claude is told what is wrong, once.
    told = [t for t in report.system_texts(0) if "milvus-cto settings" in t]
    assert (
        len(told) == 1
        and "mode must be one of guard, autofix, review, off, not 'strict'" in told[0]
    )
    assert not [t for t in report.system_texts(1) if "milvus-cto settings" in t]
    assert report.tool_result(1)["is_error"] is True  # still guarded
    # The user is told too (systemMessage), once.
    shown = [e for e in report.data["session"]["events"]
             if "milvus-cto settings" in json.dumps(e) and e.get("type") == "system"]  # fmt: skip
    assert len(shown) == 1, shown
