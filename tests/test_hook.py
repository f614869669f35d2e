"""The Claude Code hooks, run the way Claude Code 2.1.330 runs them (../shared PROTOCOL.md).

Recorded payloads (tests/e2e/payloads) with their paths moved into a temp project are piped to
the hook command strings exactly as registered in hooks/hooks.json (plugin) and
.claude/settings.json (project), through a shell, with Claude Code's environment. What is
asserted is what reaches the model: the stdout JSON shapes of PROTOCOL.md §2, and the files.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = ROOT / "tests" / "e2e" / "payloads"
RECORDED_PROJECT = "/home/user/project"

SEARCH_BEFORE_LOAD = (
    "from pymilvus import MilvusClient\n"
    "\n"
    'client = MilvusClient("milvus_demo.db")\n'
    'client.create_collection(collection_name="docs", schema=schema)\n'
    'res = client.search(collection_name="docs", data=[[0.1] * 8], limit=3)\n'
)
CORRECT = (
    "from pymilvus import MilvusClient\n"
    "\n"
    'client = MilvusClient("milvus_demo.db")\n'
    'client.create_collection(collection_name="docs", schema=schema)\n'
    'client.load_collection(collection_name="docs")\n'
    'res = client.search(collection_name="docs", data=[[0.1] * 8], limit=3)\n'
    "client.close()\n"
)
LOAD_LINE = 'client.load_collection(collection_name="docs")\n'
STALE_READ = CORRECT.replace(
    "client.close()\n",
    'client.insert("docs", [{"id": 1, "vector": [0.1] * 8}])\n'
    'rows = client.query("docs", filter="id > 0", limit=3, consistency_level="Bounded")\n'
    "client.close()\n",
)
HEAVY_MODULES = ("checks.engine", "checks.rules", "checks.config", "libcst", "pydantic", "mcp")


def registered_hooks(scope: str) -> dict:
    path = ROOT / ("hooks/hooks.json" if scope == "plugin" else ".claude/settings.json")
    return json.loads(path.read_text(encoding="utf-8"))["hooks"]


def registered_command(scope: str, event: str) -> str:
    (entry,) = registered_hooks(scope)[event]
    (hook,) = entry["hooks"]
    command = hook["command"]
    if scope == "plugin":  # Claude Code expands this one itself (PROTOCOL.md §4)
        command = command.replace("${CLAUDE_PLUGIN_ROOT}", str(ROOT))
    return command


class Result:
    def __init__(self, process: subprocess.CompletedProcess):
        self.rc = process.returncode
        self.stdout = process.stdout.decode()
        self.stderr = process.stderr.decode()

    @property
    def json(self) -> dict:
        return json.loads(self.stdout)

    @property
    def output(self) -> dict:
        return self.json["hookSpecificOutput"]


class ClaudeCode:
    """Runs the registered hook commands with payloads, cwd and env as Claude Code does."""

    def __init__(self, tmp_path: Path, scope: str = "plugin"):
        self.scope = scope
        self.project = tmp_path / "project"
        self.project.mkdir()
        self.data = tmp_path / "plugin-data"
        self.tmp = tmp_path / "tmp"
        self.tmp.mkdir()
        self.session = str(uuid.uuid4())
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "TMPDIR": str(self.tmp),
            "LANG": "C.UTF-8",
            "CLAUDECODE": "1",
            "CLAUDE_CODE_ENTRYPOINT": "sdk-cli",
            "CLAUDE_CODE_SESSION_ID": self.session,
            "CLAUDE_PROJECT_DIR": str(self.project if scope == "plugin" else ROOT),
            "MILVUS_CTO_PYTHON": sys.executable,
        }
        if scope == "plugin":
            self.env["CLAUDE_PLUGIN_ROOT"] = str(ROOT)
            self.env["CLAUDE_PLUGIN_DATA"] = str(self.data)
        self.uses = 0

    def payload(self, name: str, **tool_input) -> dict:
        text = (PAYLOADS / f"{name}.json").read_text(encoding="utf-8")
        payload = json.loads(text.replace(RECORDED_PROJECT, str(self.project)))
        payload["session_id"] = self.session
        payload["cwd"] = str(self.project)
        self.uses += 1
        payload["tool_use_id"] = f"toolu_{self.uses:02d}"
        payload["tool_input"].update(tool_input)
        return payload

    def run(self, event: str, payload, env: dict | None = None) -> Result:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        process = subprocess.run(
            registered_command(self.scope, event),
            shell=True,
            input=data,
            capture_output=True,
            cwd=self.project if self.scope == "plugin" else ROOT,
            env={**self.env, **(env or {})},
            timeout=60,
        )
        result = Result(process)
        assert result.rc == 0, result.stderr
        assert "Traceback" not in result.stderr
        return result

    def pre(self, payload, **env) -> Result:
        return self.run("PreToolUse", payload, env)

    def post(self, payload, **env) -> Result:
        return self.run("PostToolUse", payload, env)

    # What Claude Code does between the two hooks, for the tests that follow an edit through.
    def write(self, pre_payload: dict, tool_input: dict | None = None) -> dict:
        tool_input = tool_input or pre_payload["tool_input"]
        path = Path(tool_input["file_path"])
        original = path.read_text() if path.exists() else None
        path.write_text(tool_input["content"])
        post = {**pre_payload, "hook_event_name": "PostToolUse", "tool_input": tool_input}
        post["tool_response"] = {
            "type": "update" if original is not None else "create",
            "filePath": str(path),
            "content": tool_input["content"],
            "structuredPatch": [],
            "originalFile": original,
            "userModified": False,
        }
        return post

    def edit(self, pre_payload: dict, tool_input: dict | None = None) -> dict:
        tool_input = tool_input or pre_payload["tool_input"]
        path = Path(tool_input["file_path"])
        original = path.read_text()
        count = -1 if tool_input["replace_all"] else 1
        path.write_text(original.replace(tool_input["old_string"], tool_input["new_string"], count))
        post = {**pre_payload, "hook_event_name": "PostToolUse", "tool_input": tool_input}
        post["tool_response"] = {
            "filePath": str(path),
            "oldString": tool_input["old_string"],
            "newString": tool_input["new_string"],
            "originalFile": original,
            "structuredPatch": [],
            "userModified": False,
            "replaceAll": tool_input["replace_all"],
        }
        return post


@pytest.fixture(params=["plugin", "project"])
def cc(request, tmp_path) -> ClaudeCode:
    return ClaudeCode(tmp_path, request.param)


@pytest.fixture
def plugin(tmp_path) -> ClaudeCode:
    return ClaudeCode(tmp_path, "plugin")


def app_path(cc: ClaudeCode) -> str:
    return str(cc.project / "app.py")


def assert_silent(result: Result) -> None:
    assert (result.stdout, result.stderr) == ("", "")


# --- Write ------------------------------------------------------------------------------------


def test_guard_denies_a_write_with_search_before_load(cc):
    result = cc.pre(
        cc.payload("pretooluse-write", file_path=app_path(cc), content=SEARCH_BEFORE_LOAD)
    )
    assert result.stderr == ""
    output = result.output
    assert set(output) == {"hookEventName", "permissionDecision", "permissionDecisionReason"}
    assert output["hookEventName"] == "PreToolUse"
    assert output["permissionDecision"] == "deny"
    reason = output["permissionDecisionReason"]
    assert "1 pymilvus error" in reason
    assert "- line 5: MV001 Load collection 'docs' before `search`" in reason
    assert '— fix: insert `client.load_collection("docs")` before this statement' in reason
    assert "— read milvus-guide://2026.11/rules/MV001" in reason
    assert not (cc.project / "app.py").exists()  # the hook itself never writes


def test_correct_code_passes_silently(cc):
    pre = cc.payload("pretooluse-write", file_path=app_path(cc), content=CORRECT)
    assert_silent(cc.pre(pre))
    assert_silent(cc.post(cc.write(pre)))
    assert (cc.project / "app.py").read_text() == CORRECT


# On a server: the collection is indexed, so MV001's fix loads it, and the script then ends with
# it loaded (MV006's advice; on Milvus Lite nothing stays loaded after the script).
SERVER_SEARCH_BEFORE_LOAD = SEARCH_BEFORE_LOAD.replace(
    '"milvus_demo.db"', '"http://localhost:19530"'
).replace(
    "res = client.search",
    'client.create_index(collection_name="docs", index_params=index_params)\nres = client.search',
)


def test_autofix_rewrites_the_whole_write_input_and_tells_the_model_after(plugin):
    pre = plugin.payload(
        "pretooluse-write", file_path=app_path(plugin), content=SERVER_SEARCH_BEFORE_LOAD
    )
    output = plugin.pre(pre, MILVUS_CTO_HOOK_MODE="autofix").output
    assert "permissionDecision" not in output  # the user's permission mode still applies
    updated = output["updatedInput"]
    assert set(updated) == set(pre["tool_input"])  # complete: Claude Code does not merge it
    assert updated["file_path"] == app_path(plugin)
    assert updated["content"] == SERVER_SEARCH_BEFORE_LOAD.replace(
        "res = client.search", 'client.load_collection("docs")\nres = client.search'
    )
    # Claude Code writes updatedInput and shows PostToolUse the rewritten input.
    post = plugin.write(pre, updated)
    context = plugin.post(post, MILVUS_CTO_HOOK_MODE="autofix").output["additionalContext"]
    assert "milvus-cto autofix changed your Write of app.py" in context
    assert '- line 6: MV001 insert `client.load_collection("docs")`' in context
    assert '+client.load_collection("docs")' in context  # the diff
    assert "MV006 [info]" in context  # the advice that is left, after the write
    assert_silent(plugin.post(post, MILVUS_CTO_HOOK_MODE="autofix"))  # said once


def test_review_never_denies_and_reports_after_the_write(cc):
    pre = cc.payload("pretooluse-write", file_path=app_path(cc), content=SEARCH_BEFORE_LOAD)
    assert_silent(cc.pre(pre, MILVUS_CTO_HOOK_MODE="review"))
    output = cc.post(cc.write(pre), MILVUS_CTO_HOOK_MODE="review").output
    assert set(output) == {"hookEventName", "additionalContext"}
    assert output["hookEventName"] == "PostToolUse"
    assert "- line 5: MV001 [error] Load collection 'docs'" in output["additionalContext"]


def test_off_does_nothing(cc):
    pre = cc.payload("pretooluse-write", file_path=app_path(cc), content=SEARCH_BEFORE_LOAD)
    assert_silent(cc.pre(pre, MILVUS_CTO_HOOK_MODE="off"))
    assert_silent(cc.post(cc.write(pre), MILVUS_CTO_HOOK_MODE="off"))


def test_warnings_are_reported_after_the_write_once_per_session(plugin):
    pre = plugin.payload("pretooluse-write", file_path=app_path(plugin), content=STALE_READ)
    assert_silent(plugin.pre(pre))  # a warning does not block by default
    post = plugin.write(pre)
    context = plugin.post(post).output["additionalContext"]
    assert "- line 8: MV004 [warning]" in context
    assert "milvus-guide://2026.11/rules/MV004" in context
    assert_silent(plugin.post(post))
    other_session = {**post, "session_id": str(uuid.uuid4())}
    assert "MV004" in plugin.post(other_session).output["additionalContext"]


def test_info_reaches_the_model_once_per_rule_per_session(plugin):
    """Advice (info) is said once per rule in a session, whatever file or line it is on."""
    script = 'from pymilvus import MilvusClient\nclient = MilvusClient("http://localhost:19530")\n'
    first = plugin.payload(
        "pretooluse-write",
        file_path=str(plugin.project / "one.py"),
        content=script + 'client.create_collection("one", dimension=8)\n',
    )
    assert "MV006 [info]" in plugin.post(plugin.write(first)).output["additionalContext"]
    second = plugin.payload(
        "pretooluse-write",
        file_path=str(plugin.project / "two.py"),
        content=script + 'client.create_collection("two", dimension=8)\n',
    )
    post_second = plugin.write(second)
    assert_silent(plugin.post(post_second))
    other_session = {**post_second, "session_id": str(uuid.uuid4())}
    assert "MV006" in plugin.post(other_session).output["additionalContext"]


def test_recorded_write_payload_as_is(cc):
    """The recorded Write (quick setup on Milvus Lite: created and loaded) passes silently; on a
    server it passes too, with advice afterwards (the collection stays loaded there)."""
    pre = cc.payload("pretooluse-write")
    assert 'MilvusClient("milvus_demo.db")' in pre["tool_input"]["content"]
    assert_silent(cc.pre(pre))
    assert_silent(cc.post(cc.write(pre)))
    content = pre["tool_input"]["content"].replace('"milvus_demo.db"', '"http://localhost:19530"')
    server = cc.payload(
        "pretooluse-write", file_path=pre["tool_input"]["file_path"], content=content
    )
    assert_silent(cc.pre(server))
    context = cc.post(cc.write(server)).output["additionalContext"]
    assert "- line 4: MV006 [info] Release collection 'demo'" in context


# --- Edit -------------------------------------------------------------------------------------


def test_guard_denies_an_edit_that_removes_the_load(cc):
    (cc.project / "app.py").write_text(CORRECT)
    pre = cc.payload("pretooluse-edit", file_path=app_path(cc), old_string=LOAD_LINE, new_string="")
    reason = cc.pre(pre).output["permissionDecisionReason"]
    assert "- line 5: MV001" in reason
    assert (cc.project / "app.py").read_text() == CORRECT


def test_only_findings_the_edit_introduces_count(cc):
    (cc.project / "app.py").write_text(SEARCH_BEFORE_LOAD)  # an old MV001 at line 5
    pre = cc.payload(
        "pretooluse-edit", file_path=app_path(cc), old_string="milvus_demo", new_string="demo"
    )
    assert_silent(cc.pre(pre))
    assert_silent(cc.post(cc.edit(pre)))


def test_edit_honours_replace_all(cc):
    twice = CORRECT.replace(
        "client.close()\n",
        'client.release_collection("docs")\n'
        + LOAD_LINE
        + 'rows = client.query("docs", filter="id > 0", limit=3)\n'
        + "client.close()\n",
    )
    (cc.project / "app.py").write_text(twice)
    first = cc.payload(
        "pretooluse-edit", file_path=app_path(cc), old_string=LOAD_LINE, new_string=""
    )
    assert "1 pymilvus error" in cc.pre(first).output["permissionDecisionReason"]
    every = cc.payload(
        "pretooluse-edit-replace-all", file_path=app_path(cc), old_string=LOAD_LINE, new_string=""
    )
    assert every["tool_input"]["replace_all"] is True
    reason = cc.pre(every).output["permissionDecisionReason"]
    assert "2 pymilvus errors" in reason
    assert "- line 5: MV001" in reason and "- line 7: MV001" in reason


def test_guard_denies_top_k_on_milvus_client_search(cc):
    (cc.project / "app.py").write_text(CORRECT)
    pre = cc.payload(
        "pretooluse-edit", file_path=app_path(cc), old_string="limit=3", new_string="top_k=3"
    )
    reason = cc.pre(pre).output["permissionDecisionReason"]
    assert "- line 6: MV102" in reason
    assert "milvus-guide://2026.11/rules/MV102" in reason


def test_autofix_turns_an_edit_into_an_edit_that_applies_cleanly(plugin):
    (plugin.project / "app.py").write_text(CORRECT)
    pre = plugin.payload(
        "pretooluse-edit", file_path=app_path(plugin), old_string=LOAD_LINE, new_string=""
    )
    updated = plugin.pre(pre, MILVUS_CTO_HOOK_MODE="autofix").output["updatedInput"]
    assert set(updated) == set(pre["tool_input"])
    assert updated["replace_all"] is False
    before = CORRECT
    assert before.count(updated["old_string"]) == 1  # Claude Code refuses ambiguous edits
    after = before.replace(updated["old_string"], updated["new_string"])
    assert 'client.load_collection("docs")\nres = client.search' in after
    context = plugin.post(plugin.edit(pre, updated), MILVUS_CTO_HOOK_MODE="autofix")
    assert "autofix changed your Edit of app.py" in context.output["additionalContext"]


def test_autofix_renames_top_k(plugin):
    from checks.rules import RULES_BY_CODE

    if RULES_BY_CODE["MV102"].fixer is None:
        pytest.skip("MV102 has no fixer yet: autofix denies it like guard")
    (plugin.project / "app.py").write_text(CORRECT)
    pre = plugin.payload(
        "pretooluse-edit", file_path=app_path(plugin), old_string="limit=3", new_string="top_k=5"
    )
    updated = plugin.pre(pre, MILVUS_CTO_HOOK_MODE="autofix").output["updatedInput"]
    after = CORRECT.replace(updated["old_string"], updated["new_string"])
    assert after == CORRECT.replace("limit=3", "limit=5")
    context = plugin.post(plugin.edit(pre, updated), MILVUS_CTO_HOOK_MODE="autofix")
    assert "- line 6: MV102 rename `top_k=` to `limit=`" in context.output["additionalContext"]


def test_autofix_that_would_undo_the_edit_denies_it(plugin):
    """`limit=3` → `top_k=3` fixed is the file as it was: nothing to write, so say why."""
    (plugin.project / "app.py").write_text(CORRECT)
    pre = plugin.payload(
        "pretooluse-edit", file_path=app_path(plugin), old_string="limit=3", new_string="top_k=3"
    )
    output = plugin.pre(pre, MILVUS_CTO_HOOK_MODE="autofix").output
    assert output["permissionDecision"] == "deny"
    assert "MV102" in output["permissionDecisionReason"]


def test_autofix_applies_safe_fixes_of_warnings_too(plugin):
    pre = plugin.payload("pretooluse-write", file_path=app_path(plugin), content=STALE_READ)
    updated = plugin.pre(pre, MILVUS_CTO_HOOK_MODE="autofix").output["updatedInput"]
    assert 'consistency_level="Strong"' in updated["content"]
    context = plugin.post(plugin.write(pre, updated), MILVUS_CTO_HOOK_MODE="autofix")
    assert "- line 8: MV004" in context.output["additionalContext"]


def test_autofix_denies_what_it_cannot_fix(plugin):
    (plugin.project / "app.py").write_text(CORRECT)
    pre = plugin.payload(
        "pretooluse-edit",
        file_path=app_path(plugin),
        old_string="limit=3)",
        new_string='limit=3)\nrows = client.query("docs")',
    )
    output = plugin.pre(pre, MILVUS_CTO_HOOK_MODE="autofix").output
    assert output["permissionDecision"] == "deny"
    assert "MV115" in output["permissionDecisionReason"]


def test_autofix_denies_the_rest_and_says_what_it_will_fix(plugin):
    content = SEARCH_BEFORE_LOAD + 'rows = client.query("docs")\n'
    pre = plugin.payload("pretooluse-write", file_path=app_path(plugin), content=content)
    reason = plugin.pre(pre, MILVUS_CTO_HOOK_MODE="autofix").output["permissionDecisionReason"]
    assert "- line 6: MV115" in reason
    assert "MV001 Load" not in reason
    assert "milvus-cto applies the safe fixes for MV001 itself once the rest is fixed." in reason


# --- NotebookEdit -----------------------------------------------------------------------------


def notebook(cc: ClaudeCode) -> Path:
    path = cc.project / "nb.ipynb"
    cells = [
        ["!pip install pymilvus\n", "from pymilvus import MilvusClient\n",
         "client = MilvusClient('demo.db')\n",
         "client.create_collection('docs', schema=schema)"],
        ["print(1)"],
    ]  # fmt: skip
    path.write_text(
        json.dumps(
            {
                "cells": [
                    {"cell_type": "code", "execution_count": None, "id": f"c{i}",
                     "metadata": {}, "outputs": [], "source": source}
                    for i, source in enumerate(cells)
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )  # fmt: skip
    return path


SEARCH_CELL = "res = client.search('docs', data=[[0.1] * 8], limit=3)"


def test_guard_denies_a_notebook_cell_that_searches_before_load(cc):
    pre = cc.payload(
        "pretooluse-notebookedit", notebook_path=str(notebook(cc)), new_source=SEARCH_CELL
    )
    assert pre["tool_input"]["cell_id"] == "c1"
    reason = cc.pre(pre).output["permissionDecisionReason"]
    assert "- cell 2 line 1: MV001" in reason


def test_autofix_fixes_the_cell_source(plugin):
    path = notebook(plugin)
    pre = plugin.payload("pretooluse-notebookedit", notebook_path=str(path), new_source=SEARCH_CELL)
    updated = plugin.pre(pre, MILVUS_CTO_HOOK_MODE="autofix").output["updatedInput"]
    assert set(updated) == set(pre["tool_input"])
    assert updated["new_source"] == "client.load_collection('docs')\n" + SEARCH_CELL


def test_notebook_insert_and_post(plugin):
    path = notebook(plugin)
    before = path.read_text()
    pre = plugin.payload(
        "pretooluse-notebookedit",
        notebook_path=str(path),
        cell_id="c0",
        new_source=SEARCH_CELL,
        edit_mode="insert",
    )
    assert "- cell 2 line 1: MV001" in plugin.pre(pre).output["permissionDecisionReason"]
    # review: the cell is written, PostToolUse reports it from original_file / updated_file
    nb = json.loads(before)
    nb["cells"].insert(1, {"cell_type": "code", "id": "new", "metadata": {}, "outputs": [],
                           "execution_count": None, "source": SEARCH_CELL})  # fmt: skip
    path.write_text(json.dumps(nb))
    post = plugin.payload("posttooluse-notebookedit", notebook_path=str(path))
    post["tool_response"].update(original_file=before, updated_file=json.dumps(nb))
    context = plugin.post(post, MILVUS_CTO_HOOK_MODE="review").output["additionalContext"]
    assert "- cell 2 line 1: MV001 [error]" in context


def test_markdown_cells_and_notebooks_without_milvus_pass(plugin):
    path = notebook(plugin)
    pre = plugin.payload(
        "pretooluse-notebookedit",
        notebook_path=str(path),
        new_source="# Search",
        cell_type="markdown",
    )
    assert_silent(plugin.pre(pre))
    recorded = plugin.payload("pretooluse-notebookedit")  # print(2) into a missing notebook
    assert_silent(plugin.pre(recorded))


# --- Configuration ----------------------------------------------------------------------------


def configure(cc: ClaudeCode, hook_table: str) -> None:
    (cc.project / "pyproject.toml").write_text(f"[tool.milvus-cto.hook]\n{hook_table}\n")


def test_mode_from_pyproject_and_env_override(plugin):
    configure(plugin, 'mode = "review"')
    pre = plugin.payload("pretooluse-write", file_path=app_path(plugin), content=SEARCH_BEFORE_LOAD)
    assert_silent(plugin.pre(pre))
    assert plugin.pre(pre, MILVUS_CTO_HOOK_MODE="guard").output["permissionDecision"] == "deny"


def test_block_severity_and_ignore(plugin):
    configure(plugin, 'block-severity = "warning"\nignore = ["MV001"]')
    stale = plugin.payload("pretooluse-write", file_path=app_path(plugin), content=STALE_READ)
    reason = plugin.pre(stale).output["permissionDecisionReason"]
    assert "MV004" in reason and "1 pymilvus finding" in reason
    ignored = plugin.payload(
        "pretooluse-write", file_path=app_path(plugin), content=SEARCH_BEFORE_LOAD
    )
    assert_silent(plugin.pre(ignored))


def test_tool_milvus_cto_ignore_applies_to_the_hooks_too(plugin):
    (plugin.project / "pyproject.toml").write_text('[tool.milvus-cto]\nignore = ["MV001"]\n')
    pre = plugin.payload("pretooluse-write", file_path=app_path(plugin), content=SEARCH_BEFORE_LOAD)
    assert_silent(plugin.pre(pre))


# --- Fast path --------------------------------------------------------------------------------


NON_MILVUS_EDITS = [
    ("README.md", "# Using pymilvus\n\n```python\nfrom pymilvus import MilvusClient\n```\n"),
    ("util.py", "import json\n\nclass Collection(list):\n    pass\n"),
]


@pytest.mark.parametrize(("name", "content"), NON_MILVUS_EDITS)
def test_non_milvus_edits_never_start_python(plugin, name, content):
    """The launcher decides them on bytes (tests/test_hook_fast_path.py)."""
    pre = plugin.payload("pretooluse-write", file_path=str(plugin.project / name), content=content)
    result = plugin.pre(pre, PYTHONPROFILEIMPORTTIME="1")
    assert (result.stdout, result.stderr) == ("", "")


@pytest.mark.parametrize(("name", "content"), NON_MILVUS_EDITS)
def test_non_milvus_edits_import_nothing_heavy(plugin, name, content):
    # A backslash in the path: JSON escapes it, so the launcher leaves the decision to Python.
    path = str(plugin.project / ("back\\slash-" + name))
    pre = plugin.payload("pretooluse-write", file_path=path, content=content)
    result = plugin.pre(pre, PYTHONPROFILEIMPORTTIME="1")
    assert result.stdout == ""
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert imported, "no -X importtime output: the hook did not run Python"
    assert not [m for m in imported if m.startswith(HEAVY_MODULES)]
    assert "site" not in imported  # python -S: site-packages are not even looked at
    assert "json" not in imported  # decided on the payload's bytes


# Stdlib modules that cost a hook start-up time and that the engine does without
# (checks/record.py, the TYPE_CHECKING flags, os.path): bench/run.py's 600-line hook row.
SLOW_TO_IMPORT = ("dataclasses", "typing", "pathlib", "inspect", "pkgutil")


def modules_after_a_pymilvus_edit(plugin, listing: Path) -> set[str]:
    """The modules a hook process holds after checking an edit that has a finding (MV001).

    In a process of its own, as the launcher starts it; the modules are listed after main()
    (-X importtime cannot see them: the hook holds sys.stderr while it checks)."""
    pre = plugin.payload("pretooluse-write", file_path=app_path(plugin), content=SEARCH_BEFORE_LOAD)
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from checks.hook import main\n"
        "code = main()\n"
        "open(sys.argv[2], 'w').write('\\n'.join(sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-P", "-c", script, str(ROOT), str(listing)],
        input=json.dumps(pre).encode(),
        capture_output=True,
        cwd=plugin.project,
        env=plugin.env,
    )
    assert b"MV001" in result.stdout, result.stderr  # the whole check ran
    return set(listing.read_text().split())


def test_a_pymilvus_edit_imports_no_module_that_only_costs_start_up_time(plugin, tmp_path):
    assert not (plugin.project / "pyproject.toml").exists()  # tomllib would import typing
    imported = modules_after_a_pymilvus_edit(plugin, tmp_path / "modules.txt")
    assert sorted(imported & {*SLOW_TO_IMPORT, "libcst", "pydantic", "mcp", "pymilvus"}) == []


def test_a_pyproject_naming_pymilvus_is_parsed_once_not_per_edit(plugin, tmp_path):
    """The hook keeps parsed TOML in its state directory (hook_state.TomlMemo): the next edit
    imports no tomllib (nor typing, which tomllib imports)."""
    pyproject = plugin.project / "pyproject.toml"
    pyproject.write_text('[project]\nname = "app"\ndependencies = ["pymilvus>=2.6"]\n')
    an_hour_ago = time.time() - 3600  # not "racily clean": see hook_state.RACY_NS
    os.utime(pyproject, (an_hour_ago, an_hour_ago))
    first = modules_after_a_pymilvus_edit(plugin, tmp_path / "first.txt")
    second = modules_after_a_pymilvus_edit(plugin, tmp_path / "second.txt")
    assert "tomllib" in first
    assert sorted(second & {"tomllib", *SLOW_TO_IMPORT}) == []


def test_the_toml_memo_never_serves_a_changed_file(tmp_path, monkeypatch):
    import tomllib

    from checks.hook import load_settings

    monkeypatch.setenv("CLAUDE_PLUGIN_DATA", str(tmp_path / "data"))
    parsed = []
    real = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda text: parsed.append(text) or real(text))
    project = tmp_path / "project"
    project.mkdir()
    pyproject = project / "pyproject.toml"
    app = str(project / "app.py")

    def pin(version: str, *, backdate: float | None = 3600.0) -> None:
        pyproject.write_text(
            f'[project]\ndependencies = ["pymilvus=={version}"]\n'
            '[tool.milvus-cto]\nignore = ["MV001"]\n'
        )
        if backdate is not None:
            when = time.time() - backdate
            os.utime(pyproject, (when, when))

    def settings():
        from checks import config

        config._load.cache_clear()  # as in a new hook process
        return load_settings(app).options

    pin("2.4.15")
    assert settings().pymilvus_version == "2.4.15" and len(parsed) == 1  # one parse, two uses
    options = settings()
    assert (options.pymilvus_version, options.ignore, len(parsed)) == ("2.4.15", ("MV001",), 1)
    # Same size and the same mtime, written again: only the inode change time tells.
    mtime = pyproject.stat().st_mtime_ns
    pin("2.5.18", backdate=None)
    os.utime(pyproject, ns=(mtime, mtime))
    assert settings().pymilvus_version == "2.5.18" and len(parsed) == 2
    # Changed just now: parsed at each reading (config, then pins), and not kept: it could
    # change again within one mtime tick.
    pin("2.6.1", backdate=None)
    assert settings().pymilvus_version == "2.6.1" and len(parsed) == 4
    assert settings().pymilvus_version == "2.6.1" and len(parsed) == 6


def test_an_edit_that_does_not_mention_pymilvus_still_sees_the_file_on_disk(plugin):
    from checks.hook import may_concern_pymilvus

    (plugin.project / "app.py").write_text(CORRECT)
    pre = plugin.payload(
        "pretooluse-edit", file_path=app_path(plugin), old_string=LOAD_LINE, new_string="pass\n"
    )
    raw = json.dumps(pre).encode()
    assert not any(word in raw for word in (b"pymilvus", b"MilvusClient", b"Collection"))
    assert may_concern_pymilvus(raw)
    assert "MV001" in plugin.pre(pre).output["permissionDecisionReason"]
    # The same edit after the fact carries the original file, which mentions pymilvus.
    post = plugin.edit(pre)
    assert may_concern_pymilvus(json.dumps(post).encode())
    write = plugin.payload("pretooluse-write", file_path=app_path(plugin), content="x = 1\n")
    assert not may_concern_pymilvus(json.dumps(write).encode())
    assert not may_concern_pymilvus(b'{"tool_name": "Edit", "tool_input": {"file_path": "a.md"}}')


def test_non_milvus_edit_costs_about_one_python_start(plugin):
    """DESIGN.md §1b: a hook on a non-Milvus edit ≤ 1.5× `python -c pass`."""
    payload = json.dumps(
        plugin.payload("pretooluse-write", file_path=str(plugin.project / "notes.md"), content="x")
    ).encode()
    command = registered_command("plugin", "PreToolUse")

    def median_ms(argv, **kwargs) -> float:
        times = []
        for _ in range(15):
            start = time.perf_counter()
            subprocess.run(argv, input=payload, capture_output=True, env=plugin.env, **kwargs)
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    baseline = median_ms([sys.executable, "-c", "pass"])
    hook = median_ms(command, shell=True, cwd=plugin.project)
    assert hook <= 1.5 * baseline + 5, f"hook {hook:.1f} ms vs python -c pass {baseline:.1f} ms"


# --- Fail-open --------------------------------------------------------------------------------


def broken_payloads(cc: ClaudeCode) -> dict[str, bytes]:
    write = cc.payload("pretooluse-write", file_path=app_path(cc), content=SEARCH_BEFORE_LOAD)

    def variant(**changes) -> bytes:
        payload = json.loads(json.dumps(write))
        for key, value in changes.items():
            if key == "tool_input":
                payload["tool_input"] = value
            else:
                payload["tool_input"][key] = value
        return json.dumps(payload).encode()

    missing = cc.payload("pretooluse-edit", file_path=str(cc.project / "gone.py"))
    not_found = cc.payload("pretooluse-edit", file_path=app_path(cc), old_string="absent text")
    (cc.project / "app.py").write_text(CORRECT)
    (cc.project / "bin.py").write_bytes(b"pymilvus\0\xff\xfe")
    binary_disk = cc.payload(
        "pretooluse-edit", file_path=str(cc.project / "bin.py"), old_string="pymilvus"
    )
    return {
        "garbage": b"\x00\xffnot json at all .py",
        "empty": b"",
        "array": b'[".py"]',
        "truncated": json.dumps(write).encode()[:-20],
        "tool_input as text": variant(tool_input="app.py"),
        "content as number": variant(content=42),
        "path as list": variant(file_path=["app.py"]),
        "binary content": variant(content="from pymilvus import MilvusClient\0\x01\x02"),
        "edit of a missing file": json.dumps(missing).encode(),
        "edit text not found": json.dumps(not_found).encode(),
        "edit of a binary file": json.dumps(binary_disk).encode(),
        "notebook that is not JSON": json.dumps(
            cc.payload("pretooluse-notebookedit", notebook_path=app_path(cc))
        ).encode(),
    }


def test_fail_open_on_malformed_payloads(cc):
    for label, data in broken_payloads(cc).items():
        for event in ("PreToolUse", "PostToolUse"):
            result = cc.run(event, data)
            assert result.stdout == "", label
            assert len(result.stderr.splitlines()) <= 1, (label, result.stderr)


def test_a_broken_setting_keeps_checking_with_defaults_and_says_so_once(plugin):
    configure(plugin, 'mode = "strict"\nblock-severity = "fatal"\nignor = ["MV005"]')
    pre = plugin.payload("pretooluse-write", file_path=app_path(plugin), content=SEARCH_BEFORE_LOAD)
    result = plugin.pre(pre)
    # Checking goes on in the default mode: the search before load is refused.
    assert result.output["permissionDecision"] == "deny"
    assert "MV001" in result.output["permissionDecisionReason"]
    # The user (systemMessage) and Claude (additionalContext) learn what is wrong, naming the file.
    told = result.json["systemMessage"]
    assert told.startswith("milvus-cto settings: ")
    assert (
        "pyproject.toml [tool.milvus-cto.hook]: mode must be one of guard, autofix, review, off, not 'strict'; using guard"
        in told
    )
    assert "block-severity must be error, warning or info, not 'fatal'; using error" in told
    assert "unknown key 'ignor'" in told
    assert told in result.output["additionalContext"]
    # Once per session: the next edit is checked without repeating it.
    again = plugin.pre(
        plugin.payload("pretooluse-write", file_path=app_path(plugin), content=SEARCH_BEFORE_LOAD)
    )
    assert "systemMessage" not in again.json and again.output["permissionDecision"] == "deny"
    assert "additionalContext" not in again.output


def test_a_config_of_the_wrong_shape_is_named_and_checking_goes_on(plugin):
    (plugin.project / "pyproject.toml").write_text("tool = 'milvus-cto'\n")
    pre = plugin.payload("pretooluse-write", file_path=app_path(plugin), content=SEARCH_BEFORE_LOAD)
    result = plugin.pre(pre)
    assert result.output["permissionDecision"] == "deny"
    assert "pyproject.toml: `tool` must be a table" in result.json["systemMessage"]
    (plugin.project / "pyproject.toml").write_text("[tool.milvus-cto\n")
    result = plugin.pre(
        plugin.payload("pretooluse-write", file_path=app_path(plugin), content=SEARCH_BEFORE_LOAD)
    )
    assert result.output["permissionDecision"] == "deny"
    assert "pyproject.toml: not valid TOML" in result.json["systemMessage"]


def test_an_invalid_mode_in_the_environment_is_reported_too(plugin):
    pre = plugin.payload("pretooluse-write", file_path=app_path(plugin), content=SEARCH_BEFORE_LOAD)
    result = plugin.pre(pre, MILVUS_CTO_HOOK_MODE="revew")
    assert result.output["permissionDecision"] == "deny"
    assert "MILVUS_CTO_HOOK_MODE must be one of" in result.json["systemMessage"]


def test_fail_open_on_timeout(plugin):
    pre = plugin.payload("pretooluse-write", file_path=app_path(plugin), content=SEARCH_BEFORE_LOAD)
    result = plugin.pre(pre, MILVUS_CTO_HOOK_BUDGET="0.000001")
    assert result.stdout == ""
    assert result.stderr == (
        "milvus-cto hook: OutOfTime: no answer within 1e-06 s; the edit was not checked\n"
    )


def test_other_events_and_tools_are_ignored(plugin):
    for name in ("pretooluse-mcp-tool", "posttooluse-mcp-tool", "sessionstart"):
        payload = json.loads((PAYLOADS / f"{name}.json").read_text())
        assert_silent(plugin.run("PreToolUse", payload))
    failure = json.loads((PAYLOADS / "posttoolusefailure-write.json").read_text())
    assert_silent(plugin.run("PostToolUse", failure))


# --- The pieces -------------------------------------------------------------------------------


def test_narrow_edit_is_minimal_whole_lines_and_unique():
    from checks.hook import narrow_edit

    before = "a = 1\nb = 2\nx = 1\nb = 2\nc = 3\n"
    old, new = narrow_edit(before, "a = 1\nb = 2\nx = 1\nb = 2\nload()\nc = 3\n")
    assert before.count(old) == 1 and old.endswith("\n")
    assert before.replace(old, new) == "a = 1\nb = 2\nx = 1\nb = 2\nload()\nc = 3\n"
    # An insertion next to a repeated line widens until the old text is unique.
    old, new = narrow_edit(before, "a = 1\nb = 2\nload()\nx = 1\nb = 2\nc = 3\n")
    assert before.count(old) == 1
    assert narrow_edit(before, before) is None
    assert narrow_edit("", "x\n") is None


def test_mention_words_match_the_engine_prefilter():
    from checks.engine import MENTIONS_MILVUS
    from checks.hook import MILVUS_WORDS

    assert MENTIONS_MILVUS.pattern == "|".join(MILVUS_WORDS).encode()


def test_state_is_per_session_and_locked(tmp_path, monkeypatch):
    from checks import hook_state

    monkeypatch.setenv("CLAUDE_PLUGIN_DATA", str(tmp_path))
    assert hook_state.first_reports("s1", ["a", "b"]) == {"a", "b"}
    assert hook_state.first_reports("s1", ["a", "c"]) == {"c"}
    assert hook_state.first_reports("s2", ["a"]) == {"a"}
    hook_state.remember_fixes("s1", "toolu_1", "fixed")
    assert hook_state.take_fixes("s1", "toolu_1") == "fixed"
    assert hook_state.take_fixes("s1", "toolu_1") is None
    assert hook_state.first_reports("../../etc/passwd", ["x"]) == {"x"}
    assert {p.parent for p in (tmp_path / "hook-state").iterdir()} == {tmp_path / "hook-state"}
