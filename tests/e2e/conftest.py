"""The real Claude Code CLI, offline, driven by the vendored scripted-model harness.

Run: `.venv/bin/python -m pytest -m e2e tests/e2e` (also `MILVUS_CTO_E2E=1`). Without either,
these tests are skipped: they need Node.js, and the CLI from npm on first use.

The CLI is `$CLAUDE_BIN` if set, else `.cache/claude-cli/node_modules/.bin/claude`, installed
there with `npm install @anthropic-ai/claude-code@<CLAUDE_CODE_VERSION>` when missing (the
version PROTOCOL.md was recorded with).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HARNESS = Path(__file__).resolve().parent / "harness" / "run_scenario.py"
CLI_DIR = ROOT / ".cache" / "claude-cli"
CLAUDE_CODE_VERSION = "2.1.330"
# What a plugin install copies: the repository without caches, venvs and tests.
NOT_SHIPPED = (".git", ".cache", ".venv", "venv", "node_modules", "__pycache__", ".pytest_cache",
               ".ruff_cache", "tests", "*.egg-info", "build", "dist")  # fmt: skip


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: runs the real Claude Code CLI (needs Node.js)")


def pytest_collection_modifyitems(config, items):
    if "e2e" in (config.getoption("markexpr") or "") or os.environ.get("MILVUS_CTO_E2E") == "1":
        return
    skip = pytest.mark.skip(reason="real Claude Code CLI: run with -m e2e")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def claude_bin() -> str:
    explicit = os.environ.get("CLAUDE_BIN")
    if explicit:
        return explicit
    binary = CLI_DIR / "node_modules" / ".bin" / "claude"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            # In CI (.ci/run sets nothing; CI=true comes from the runner) a missing npm is a failure.
            fail_or_skip = pytest.fail if os.environ.get("CI") == "true" else pytest.skip
            fail_or_skip("npm not found: cannot install the Claude Code CLI")
        CLI_DIR.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(CLI_DIR),
             f"@anthropic-ai/claude-code@{CLAUDE_CODE_VERSION}"],
            check=True, capture_output=True, timeout=600,
        )  # fmt: skip
        print(f"installed Claude Code {CLAUDE_CODE_VERSION} in {time.perf_counter() - start:.1f} s")
    return str(binary)


@pytest.fixture(scope="session")
def plugin_dir(tmp_path_factory) -> Path:
    """The plugin as users get it: a copy of the repository without what is not shipped."""
    target = tmp_path_factory.mktemp("plugin-src") / "milvus-cto"
    shutil.copytree(ROOT, target, symlinks=True, ignore=shutil.ignore_patterns(*NOT_SHIPPED))
    return target


@pytest.fixture
def claude(claude_bin, plugin_dir, tmp_path):
    """Run a scenario (harness format) with the plugin loaded; returns the harness report."""

    def run(scenario: dict, name: str = "scenario") -> Report:
        scenario = {"timeout": 120, **scenario}
        scenario["env"] = {"MILVUS_CTO_PYTHON": sys.executable, **scenario.get("env", {})}
        return run_harness(claude_bin, tmp_path, scenario, name, "--plugin", str(plugin_dir))

    return run


def run_harness(claude_bin: str, tmp_path: Path, scenario: dict, name: str, *args: str) -> Report:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(scenario))
    out = tmp_path / f"{name}-report.json"
    done = subprocess.run(
        [sys.executable, str(HARNESS), *args, "--scenario", str(path), "--out", str(out),
         "--work", str(tmp_path / f"{name}-work")],
        env={**os.environ, "CLAUDE_BIN": claude_bin},
        capture_output=True, text=True, timeout=scenario["timeout"] + 60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return Report(json.loads(out.read_text()))


class Report:
    """A harness report, read the way the model would have seen the session."""

    def __init__(self, data: dict):
        self.data = data
        session = data.get("session") or {}
        assert not session.get("timed_out"), "the Claude Code session timed out"
        self.main = [r for r in data["requests"] if r["kind"] == "main"]

    def after_turn(self, turn: int) -> list[dict]:
        """What was new to the model after its scripted turn `turn` (0-based)."""
        return self.main[turn + 1]["new_messages"]

    def tool_result(self, turn: int) -> dict:
        for message in self.after_turn(turn):
            for block in message["content"] if isinstance(message["content"], list) else []:
                if block.get("type") == "tool_result":
                    return block
        raise AssertionError(f"no tool_result after turn {turn}")

    def system_texts(self, turn: int) -> list[str]:
        return [
            block["text"]
            for message in self.after_turn(turn)
            if message["role"] == "system"
            for block in message["content"]
            if block.get("type") == "text"
        ]

    def hook_texts(self, turn: int) -> list[str]:
        """The hook feedback after a turn (PROTOCOL.md §2), without Claude Code's own notices
        such as the deferred-tools list, which names the MCP server whenever it connects."""
        return [t for t in self.system_texts(turn) if t.startswith(("PreToolUse:", "PostToolUse:"))]

    def file(self, relative: str) -> str | None:
        return self.data["files"]["contents"].get(relative)

    def first_prompt_text(self) -> str:
        return json.dumps(self.main[0]["messages"])

    def events(self, subtype: str) -> list[dict]:
        return [e for e in self.data["session"]["events"] if e.get("subtype") == subtype]

    def init(self) -> dict:
        return next(e for e in self.data["session"]["events"] if e.get("subtype") == "init")

    def command(self, *argv: str) -> dict:
        wanted = " ".join(argv)
        return next(c for c in self.data["commands"] if wanted in " ".join(c["argv"]))
