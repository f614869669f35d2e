"""milvus-cto's checker: detection on the stdlib ast, rewrites with libcst (see CONTRIBUTING.md)."""
