"""The MCP server as clients see it: in memory, through the SDK's client."""

from __future__ import annotations

import ast
import textwrap

import anyio
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import ListRootsResult, Root

from checks import guide
from checks.rules import ALL_RULES
from server.app import mcp
from server.tools import MAX_CODE_BYTES

pytestmark = pytest.mark.anyio

UNLOADED = textwrap.dedent(
    """\
    from pymilvus import MilvusClient

    client = MilvusClient("milvus_demo.db")
    client.create_collection("docs", schema=schema)
    hits = client.search("docs", data=[[0.1] * 8], limit=3)
    """
)
CLEAN = "from pymilvus import MilvusClient\n\nclient = MilvusClient('milvus_demo.db')\n"
TOOLS = {"check_snippet", "check_file", "rewrite_snippet", "explain_rule"}
FINDING_KEYS = {
    "code", "name", "severity", "message", "line", "column", "end_line", "end_column", "fix",
    "hint", "guide_uri",
}  # fmt: skip


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture(params=["auto", "legacy"])
async def client(request):
    """Both protocol generations: 2026-07-28 (direct) and the initialize handshake (JSON-RPC)."""
    async with Client(mcp, mode=request.param) as connected:
        yield connected


async def call(client: Client, tool: str, **arguments):
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


async def call_error(client: Client, tool: str, **arguments) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, result.structured_content
    return result.content[0].text


# Tools


async def test_tools_are_listed_with_schemas_and_milvus_descriptions(client):
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.output_schema and tool.output_schema["type"] == "object", tool.name
        assert tool.input_schema["type"] == "object"
        assert "pymilvus" in tool.description and "Milvus" in tool.description, tool.name
        assert tool.annotations.read_only_hint is True
    check = tools["check_snippet"].input_schema
    assert check["required"] == ["code"]
    assert set(check["properties"]) == {"code", "pymilvus_version", "edition", "select"}
    assert all(prop.get("description") for prop in check["properties"].values())
    assert set(tools["check_file"].input_schema["properties"]) == {"path"}
    assert "guide_uri" in str(tools["check_snippet"].output_schema)


async def test_check_snippet_reports_findings_with_guide_uris(client):
    out = await call(client, "check_snippet", code=UNLOADED)
    assert out["edition"] == guide.current_edition().id
    assert out["pymilvus_version"]
    assert out["parse_error"] is None
    [finding] = out["diagnostics"]
    assert set(finding) >= FINDING_KEYS
    assert finding["code"] == "MV001" and finding["name"] == "search-before-load"
    assert (finding["line"], finding["column"], finding["fix"]) == (5, 8, "safe")
    assert finding["guide_uri"] == f"milvus-guide://{out['edition']}/rules/MV001"


async def test_check_snippet_options(client):
    out = await call(client, "check_snippet", code=UNLOADED, select=["MV1"])
    assert out["diagnostics"] == []
    out = await call(client, "check_snippet", code=UNLOADED, edition="2026.01")
    assert out["edition"] == "2026.01"
    assert out["diagnostics"][0]["guide_uri"] == "milvus-guide://2026.01/rules/MV001"
    out = await call(client, "check_snippet", code=CLEAN, pymilvus_version="2.4", edition="current")
    assert (out["pymilvus_version"], out["edition"]) == ("2.4", guide.current_edition().id)


async def test_check_snippet_syntax_error_is_a_result_not_an_error(client):
    out = await call(client, "check_snippet", code="from pymilvus import (\n")
    assert out["diagnostics"] == []
    assert out["parse_error"].startswith("syntax error")


async def test_code_is_parsed_never_run(client, tmp_path):
    marker = tmp_path / "ran"
    code = f"import pathlib\npathlib.Path({str(marker)!r}).write_text('x')\nimport pymilvus\n"
    await call(client, "check_snippet", code=code)
    await call(client, "rewrite_snippet", code=code)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"edition": "1999.01"}, "unknown guide edition '1999.01'; known editions: 2026.01"),
        ({"select": ["MV999"]}, "unknown rule code(s) 'MV999'; known: MV001"),
        ({"select": "MV001"}, "select"),
        ({"pymilvus_version": "three"}, "invalid pymilvus version 'three'"),
        ({"code": 42}, "valid string"),
        ({"code": "x = 1\n" * (MAX_CODE_BYTES // 6 + 1)}, "the limit is 1 MB"),
    ],
    ids=["edition", "rule", "select-type", "version", "code-type", "too-large"],
)
async def test_check_snippet_bad_arguments_are_tool_errors(client, arguments, message):
    text = await call_error(client, "check_snippet", **{"code": CLEAN, **arguments})
    assert message in text


async def test_missing_argument_and_unknown_tool_are_tool_errors(client):
    assert "code" in await call_error(client, "check_snippet")
    assert "Unknown tool" in await call_error(client, "drop_collection", code=CLEAN)


async def test_rewrite_snippet_applies_safe_fixes(client):
    out = await call(client, "rewrite_snippet", code=UNLOADED)
    ast.parse(out["code"])
    assert 'client.load_collection("docs")' in out["code"]
    assert out["diff"].startswith("---") and "+client.load_collection" in out["diff"]
    assert [a["code"] for a in out["applied"]] == ["MV001"]
    assert all(f["code"] != "MV001" for f in out["remaining"])


async def test_rewrite_snippet_without_fixes_returns_the_code_unchanged(client):
    out = await call(client, "rewrite_snippet", code=UNLOADED, rules=["MV003"])
    assert (out["code"], out["diff"], out["applied"]) == (UNLOADED, "", [])
    assert [f["code"] for f in out["remaining"]] == ["MV001"]


async def test_rewrite_snippet_errors(client):
    assert "syntax error" in await call_error(client, "rewrite_snippet", code="def (:\n")
    assert "MV999" in await call_error(client, "rewrite_snippet", code=CLEAN, rules=["MV999"])
    assert "unsafe" in await call_error(client, "rewrite_snippet", code=CLEAN, unsafe="maybe")


async def test_explain_rule_returns_the_guide_entry(client):
    out = await call(client, "explain_rule", code="mv001")
    doc = guide.rule_doc("current", "MV001")
    assert (out["code"], out["name"], out["edition"]) == ("MV001", doc.name, doc.edition)
    assert out["uri"] == f"milvus-guide://{doc.edition}/rules/MV001"
    assert "## Why it matters" in out["text"]
    assert out["evidence"]
    out = await call(client, "explain_rule", code="MV002", edition="2026.11")
    assert out["status"] == "retired"


async def test_explain_rule_errors(client):
    assert "known rules: MV001" in await call_error(client, "explain_rule", code="MV999")
    assert "known editions" in await call_error(client, "explain_rule", code="MV001", edition="x")


# check_file and roots


async def test_check_file_reads_under_the_working_directory(client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(UNLOADED)
    out = await call(client, "check_file", path="app.py")
    assert out["path"] == str(tmp_path / "app.py")
    assert [d["code"] for d in out["diagnostics"]] == ["MV001"]


async def test_check_file_refuses_paths_outside(client, tmp_path, monkeypatch):
    inside = tmp_path / "project"
    inside.mkdir()
    (tmp_path / "secret.py").write_text(UNLOADED)
    (inside / "link.py").symlink_to(tmp_path / "secret.py")
    monkeypatch.chdir(inside)
    for path in ("../secret.py", str(tmp_path / "secret.py"), "link.py", "/etc/hostname"):
        assert "refusing to read" in await call_error(client, "check_file", path=path)
    assert "no such file" in await call_error(client, "check_file", path="missing.py")
    assert "not a regular file" in await call_error(client, "check_file", path=".")
    assert "non-empty" in await call_error(client, "check_file", path="")


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_check_file_reads_under_the_client_roots(tmp_path, monkeypatch, mode):
    project, elsewhere = tmp_path / "project", tmp_path / "cwd"
    project.mkdir()
    elsewhere.mkdir()
    (project / "app.py").write_text(UNLOADED)
    monkeypatch.chdir(elsewhere)

    async def roots(_context):
        return ListRootsResult(roots=[Root(uri=project.as_uri(), name="project")])

    async with Client(mcp, mode=mode, list_roots_callback=roots) as client:
        out = await call(client, "check_file", path=str(project / "app.py"))
        assert [d["code"] for d in out["diagnostics"]] == ["MV001"]
        assert "refusing" in await call_error(client, "check_file", path=str(tmp_path / "x.py"))


async def test_check_file_notebook(client, tmp_path, monkeypatch):
    import json

    monkeypatch.chdir(tmp_path)
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    notebook = {
        "cells": [{**cell, "source": "x = 1"}, {**cell, "source": UNLOADED}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "nb.ipynb").write_text(json.dumps(notebook))
    out = await call(client, "check_file", path="nb.ipynb")
    [finding] = out["diagnostics"]
    assert (finding["code"], finding["cell"], finding["line"]) == ("MV001", 2, 5)


# Resources


async def test_every_guide_resource_is_listed_and_readable(client):
    listed = {r.uri: r for r in (await client.list_resources()).resources}
    current = guide.current_edition().id
    expected = {"milvus-guide://editions"}
    for edition in [e.id for e in guide.editions()] + ["current"]:
        docs = guide.rule_docs(current if edition == "current" else edition)
        expected |= {f"milvus-guide://{edition}/rules/{doc.code}" for doc in docs}
        expected.add(f"milvus-guide://{edition}/guide")
    assert set(map(str, listed)) == expected
    for uri, resource in listed.items():
        assert resource.mime_type == "text/markdown" and resource.title and resource.name
        [content] = (await client.read_resource(str(uri))).contents
        assert content.mime_type == "text/markdown"
        assert content.text.startswith("#"), uri


async def test_current_aliases_serve_the_current_edition(client):
    current = guide.current_edition().id
    for tail in ("guide", "rules/MV001"):
        alias = await client.read_resource(f"milvus-guide://current/{tail}")
        real = await client.read_resource(f"milvus-guide://{current}/{tail}")
        assert alias.contents[0].text == real.contents[0].text


async def test_rule_resource_carries_its_front_matter(client):
    [content] = (await client.read_resource("milvus-guide://2026.11/rules/MV002")).contents
    assert content.text.startswith("# MV002")
    assert "retired" in content.text.split("\n## ")[0]
    editions = (await client.read_resource("milvus-guide://editions")).contents[0].text
    assert all(e.id in editions for e in guide.editions())


async def test_templates_are_listed(client):
    templates = {
        t.uri_template for t in (await client.list_resource_templates()).resource_templates
    }
    assert templates == {"milvus-guide://{edition}/guide", "milvus-guide://{edition}/rules/{code}"}


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("milvus-guide://2026.11/rules/MV999", "no rule 'MV999'"),
        ("milvus-guide://1999.01/guide", "unknown guide edition '1999.01'"),
        ("milvus-guide://nothing", "Unknown resource"),
    ],
)
async def test_unknown_resources_are_errors(client, uri, message):
    with pytest.raises(MCPError, match=message):
        await client.read_resource(uri)


# Prompt


async def test_prompt_is_listed(client):
    [prompt] = (await client.list_prompts()).prompts
    assert prompt.name == "milvus-check"
    [argument] = prompt.arguments
    assert (argument.name, argument.required) == ("code_or_path", False)
    assert "path" in argument.description


async def test_prompt_for_code_and_for_a_path(client):
    result = await client.get_prompt("milvus-check", {"code_or_path": UNLOADED})
    text = result.messages[0].content.text
    assert "check_snippet" in text and "rewrite_snippet" in text and "guide_uri" in text
    assert UNLOADED.strip() in text
    result = await client.get_prompt("milvus-check", {"code_or_path": "src/app.py"})
    text = result.messages[0].content.text
    assert "check_file" in text and "`src/app.py`" in text


async def test_prompt_without_argument_reviews_the_project(client):
    text = (await client.get_prompt("milvus-check", {})).messages[0].content.text
    assert "import pymilvus" in text and "check_file" in text


# Load


async def test_fifty_concurrent_checks_answer_correctly(client):
    """One session, 50 calls in flight at once, each answered for its own code."""
    codes = [UNLOADED.replace('"docs"', f'"docs_{i}"') for i in range(50)]
    results: list[dict] = [{}] * len(codes)

    async def one(index: int) -> None:
        results[index] = await call(client, "check_snippet", code=codes[index])

    async with anyio.create_task_group() as tasks:
        for index in range(len(codes)):
            tasks.start_soon(one, index)
    for index, out in enumerate(results):
        [finding] = out["diagnostics"]
        assert f"'docs_{index}'" in finding["message"]


def test_every_rule_that_runs_has_a_guide_entry_to_point_at():
    for edition in guide.editions():
        codes = {doc.code for doc in guide.rule_docs(edition)}
        missing = {r.code for r in ALL_RULES if edition.id in r.editions} - codes
        assert not missing, f"guide_uri of {sorted(missing)} in {edition.id} would not resolve"
