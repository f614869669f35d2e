"""milvus-cto inside the real Claude Code CLI (2.1.330), loaded as a plugin, with a scripted model.

Run: `.venv/bin/python -m pytest -m e2e tests/e2e` (see conftest.py for the CLI it uses).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

SEARCH_BEFORE_LOAD = (
    "from pymilvus import MilvusClient\n"
    "\n"
    'client = MilvusClient("milvus_demo.db")\n'
    'client.create_collection(collection_name="docs", schema=schema)\n'
    'res = client.search(collection_name="docs", data=[[0.1] * 8], limit=3)\n'
)
CORRECT = (
    SEARCH_BEFORE_LOAD.replace(
        "res = client.search", 'client.load_collection(collection_name="docs")\nres = client.search'
    )
    + "client.close()\n"
)
WRITE_BAD = {
    "tool": "Write",
    "input": {"file_path": "{{PROJECT}}/app.py", "content": SEARCH_BEFORE_LOAD},
}


def test_guard_in_the_real_cli(claude):
    report = claude(
        {
            "prompt": "Create app.py that searches a Milvus collection with pymilvus.",
            "probe_hooks": False,
            "turns": [
                WRITE_BAD,
                {"tool": "Read", "input": {"file_path": "{{PROJECT}}/app.py"}},
                {"tool": "Write", "input": {"file_path": "{{PROJECT}}/app.py", "content": CORRECT}},
                {"tool": "Edit", "input": {"file_path": "{{PROJECT}}/app.py",
                                           "old_string": "limit=3", "new_string": "top_k=3"}},
                {"tool": "Write", "input": {"file_path": "{{PROJECT}}/NOTES.md",
                                            "content": "Uses pymilvus `MilvusClient.search`.\n"}},
                {"text": "Done."},
            ],
            "pre_commands": [["mcp", "list"], ["plugin", "validate", "{{PLUGIN}}"]],
        }
    )  # fmt: skip
    # 1. Search before load: denied with MV001 and its fix, before anything is written.
    denied = report.tool_result(0)
    assert denied["is_error"] is True
    assert denied["content"].startswith(
        "PreToolUse:Write hook error: milvus-cto blocked this edit of app.py"
    )
    assert "- line 5: MV001 Load collection 'docs' before `search`" in denied["content"]
    assert '— fix: insert `client.load_collection("docs")`' in denied["content"]
    assert "read milvus-guide://2026.11/rules/MV001" in denied["content"]
    assert "does not exist" in report.tool_result(1)["content"]  # nothing was written
    # 2. The corrected code passes silently.
    assert report.tool_result(2).get("is_error") is not True
    assert not [t for t in report.hook_texts(2) if "milvus-cto" in t]
    # 3. An Edit introducing top_k= is denied with MV102; the file keeps the corrected code.
    denied = report.tool_result(3)
    assert denied["is_error"] is True and "- line 6: MV102" in denied["content"]
    assert report.file("app.py") == CORRECT
    # 4. A markdown file, even about pymilvus, is not the hook's business.
    assert report.tool_result(4).get("is_error") is not True
    assert not [t for t in report.hook_texts(4) if "milvus-cto" in t]
    # The MCP server is connected, in the session and for `claude mcp list`; the plugin validates.
    # (At session start the server may still be starting: "pending", never "failed".)
    (server,) = [
        s for s in report.init()["mcp_servers"] if s["name"] == "plugin:milvus-cto:milvus-cto"
    ]
    assert server["status"] in ("connected", "pending") and server["source"] == "plugin"
    assert "plugin:milvus-cto:milvus-cto: " in report.command("mcp", "list")["stdout"]
    assert "✔ Connected" in report.command("mcp", "list")["stdout"]
    validate = report.command("plugin", "validate")
    assert validate["rc"] == 0 and "Validation passed" in validate["stdout"]


def test_autofix_in_the_real_cli(claude):
    report = claude(
        {
            "prompt": "Create app.py that searches a Milvus collection with pymilvus.",
            "probe_hooks": False,
            "project_files": {"pyproject.toml": '[tool.milvus-cto.hook]\nmode = "autofix"\n'},
            "turns": [
                WRITE_BAD,
                {"tool": "Edit", "input": {"file_path": "{{PROJECT}}/app.py",
                                           "old_string": "limit=3", "new_string": "top_k=5"}},
                {"text": "Done."},
            ],
        }
    )  # fmt: skip
    # The Write went through with the load inserted, and the model was told so.
    assert report.tool_result(0).get("is_error") is not True
    (context,) = [t for t in report.hook_texts(0) if "milvus-cto" in t]
    assert context.startswith("PostToolUse:Write hook additional context: milvus-cto autofix")
    assert '- line 5: MV001 insert `client.load_collection("docs")`' in context
    # The Edit's top_k= became limit=, and the model was told so.
    assert report.tool_result(1).get("is_error") is not True
    (context,) = [t for t in report.hook_texts(1) if "milvus-cto autofix" in t]
    assert "MV102 rename `top_k=` to `limit=`" in context
    assert report.file("app.py") == SEARCH_BEFORE_LOAD.replace(
        "res = client.search", 'client.load_collection("docs")\nres = client.search'
    ).replace("limit=3", "limit=5")


def test_milvus_check_command_in_the_real_cli(claude):
    report = claude(
        {
            "prompt": "/milvus-cto:milvus-check app.py",
            "probe_hooks": False,
            "project_files": {"app.py": SEARCH_BEFORE_LOAD},
            "turns": [
                {"tool": "mcp__plugin_milvus-cto_milvus-cto__rewrite_snippet",
                 "input": {"code": SEARCH_BEFORE_LOAD}},
                {"tool": "ReadMcpResourceTool",
                 "input": {"server": "plugin:milvus-cto:milvus-cto",
                           "uri": "milvus-guide://2026.11/rules/MV001"}},
                {"text": "Done."},
            ],
        }
    )  # fmt: skip
    prompt = report.first_prompt_text()
    assert "app.py:5:7: MV001 [error]" in prompt  # the ! line ran the checker
    assert "Arguments: `app.py`" in prompt
    rewritten = report.tool_result(0)
    assert rewritten.get("is_error") is not True  # allowed-tools granted the MCP tool
    assert "load_collection" in rewritten["content"]
    assert "# MV001 search-before-load" in report.tool_result(1)["content"]
