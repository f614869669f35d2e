"""milvus-cto's checker: detection on the stdlib ast, rewrites with libcst (see CONTRIBUTING.md)."""

# Words without which a file cannot concern pymilvus: the prefilter of directory walks
# (checks.engine.MENTIONS_MILVUS) and of the hook's fast path (plain substring tests there).
MILVUS_WORDS = ("pymilvus", "MilvusClient", "Collection")
