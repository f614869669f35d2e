"""The milvus-cto MCP server: what it exposes, in one place.

Run: `python -m server` (stdio) or `python -m server --http 127.0.0.1:8765` (streamable HTTP).
Tools, resources and the prompt are plain functions in `server.tools`, `server.resources` and
`server.prompts`; this module names them and registers them on the server object.
"""

from __future__ import annotations

import inspect

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

from server import identity, prompts, resources, tools

mcp = MCPServer(
    identity.NAME,
    title=identity.TITLE,
    version=identity.version(),
    instructions=identity.INSTRUCTIONS,
    log_level="WARNING",
)

_READ_ONLY = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)
for tool, title in [
    (tools.check_snippet, "Check pymilvus code"),
    (tools.check_file, "Check a pymilvus file"),
    (tools.rewrite_snippet, "Fix pymilvus code"),
    (tools.explain_rule, "Explain a Milvus guide rule"),
]:
    # getdoc: the description without the docstring's indentation (Python < 3.13 keeps it).
    mcp.add_tool(tool, title=title, description=inspect.getdoc(tool), annotations=_READ_ONLY)

for resource in resources.listed_resources():
    mcp.add_resource(resource)
mcp.resource(
    resources.GUIDE_TEMPLATE,
    name="milvus-guide-edition",
    title="Milvus guide overview of an edition",
    mime_type=resources.MIME,
)(resources.guide_markdown)
mcp.resource(
    resources.RULE_TEMPLATE,
    name="milvus-guide-rule",
    title="Milvus guide entry of a rule",
    mime_type=resources.MIME,
)(resources.rule_markdown)

mcp.prompt("milvus-check", title="Check and fix pymilvus code")(prompts.milvus_check)
