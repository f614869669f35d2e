"""The pymilvus Skill (`skills/pymilvus/SKILL.md`) stays true to the guide.

Its pattern, its list of mistakes and its rule index are generated from the current edition of
`guide/`; the rest is checked against it. Regenerate with
`UPDATE_SKILL=1 .venv/bin/python -m pytest -q tests/test_skill.py`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from checks import guide

ROOT = Path(__file__).resolve().parent.parent
SKILL = ROOT / "skills" / "pymilvus" / "SKILL.md"
BLOCK = re.compile(r"(<!-- guide:(\w+) -->\n)(.*?)(<!-- /guide:\2 -->)", re.S)
SERVER_TOOLS = ("check_snippet", "rewrite_snippet", "explain_rule")


def section(markdown: str, heading: str) -> str:
    """The text under a markdown heading, up to the next heading of the same or higher level
    (a `#` line inside a code fence is code, not a heading)."""
    level = len(heading.split(" ", 1)[0])
    lines, inside, fenced = [], False, False
    for line in markdown.splitlines():
        if line.startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and re.match(rf"#{{1,{level}}} ", line):
            if inside:
                break
            inside = line == heading
            continue
        if inside:
            lines.append(line)
    assert lines, f"the guide has no {heading!r} section"
    return "\n".join(lines).strip("\n")


def generated_blocks() -> dict[str, str]:
    edition = guide.current_edition()
    overview = guide.guide_text(edition.id)
    (pattern,) = re.findall(r"```python\n.*?```", section(overview, "### The full pattern"), re.S)
    rules = [
        f"- [{doc.code}](../../guide/{edition.id}/rules/{doc.code}.md) {doc.name} "
        f"({doc.severity}): {doc.summary}"
        for doc in guide.rule_docs(edition.id)
        if doc.status == "active"
    ]
    return {
        "pattern": pattern,
        "avoid": section(overview, "## What not to do"),
        "rules": "\n".join(rules),
    }


def render(text: str) -> str:
    blocks = generated_blocks()
    return BLOCK.sub(lambda m: f"{m.group(1)}{blocks[m.group(2)]}\n{m.group(4)}", text)


def skill_parts() -> tuple[dict[str, str], str]:
    text = SKILL.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = {}
    for line in front.strip().splitlines():
        key, value = line.split(": ", 1)
        meta[key] = value.strip('"')
    return meta, body


def test_generated_parts_match_the_guide():
    """Run with UPDATE_SKILL=1 to regenerate them from the current edition."""
    text = SKILL.read_text(encoding="utf-8")
    assert {m.group(2) for m in BLOCK.finditer(text)} == set(generated_blocks())
    expected = render(text)
    if os.environ.get("UPDATE_SKILL") == "1":
        SKILL.write_text(expected, encoding="utf-8")
        return
    assert text == expected, "SKILL.md is stale: UPDATE_SKILL=1 pytest tests/test_skill.py"


def test_front_matter_makes_claude_load_it_for_milvus_work():
    meta, _ = skill_parts()
    assert set(meta) == {"name", "description"}
    # Claude Code's limits: a kebab-case name of at most 64 characters, a description of
    # at most 1024 (it is all Claude sees of the skill until it loads it).
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", meta["name"]) and len(meta["name"]) <= 64
    assert meta["name"] == SKILL.parent.name
    description = meta["description"]
    assert len(description) <= 1024
    for word in ("Milvus", "pymilvus", "MilvusClient", "Milvus Lite", "vector-database", "RAG"):
        assert word in description


def test_body_is_short_and_names_the_current_edition_and_real_tools():
    _, body = skill_parts()
    edition = guide.current_edition().id
    assert f"edition {edition}" in body
    assert len(body.splitlines()) <= 250  # a skill loads whole: keep it a page, not the guide
    for tool in SERVER_TOOLS:
        assert f"`{tool}`" in body
    from server.app import mcp  # the tools the skill names are the server's

    assert set(SERVER_TOOLS) <= {tool.name for tool in mcp._tool_manager.list_tools()}
    assert "/milvus-cto:milvus-check" in body


def test_every_link_reaches_a_page_the_plugin_ships():
    _, body = skill_parts()
    links = re.findall(r"\]\(([^)]+)\)", body)
    active = [d for d in guide.rule_docs(guide.current_edition().id) if d.status == "active"]
    assert len(links) == len(active)
    for link in links:
        page = (SKILL.parent / link).resolve()
        assert page.is_file(), link
        assert page.is_relative_to(ROOT / "guide")
