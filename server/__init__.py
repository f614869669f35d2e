"""The milvus-cto MCP server (DESIGN.md §5): thin tools, resources and a prompt over
`checks/` and `guide/`. The server object is `server.app.mcp`; run it with `python -m server`.
"""
