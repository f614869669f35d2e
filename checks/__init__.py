"""milvus-cto's checker: detection on the stdlib ast, rewrites with libcst (see CONTRIBUTING.md)."""

# Words without which a file cannot concern pymilvus: the prefilter of directory walks
# (checks.engine.MENTIONS_MILVUS), of the hook's fast path and of its launcher (plain substring
# tests there). Only `pymilvus` itself: the semantic model resolves names through pymilvus
# imports alone (`import pymilvus as pm`, `from pymilvus import *`, `pymilvus.X`, the legacy
# `pymilvus_orm`), so a file that never says pymilvus has no finding, whatever else it names
# (`MilvusClient`, another library's `Collection`); checks.engine.check_tree holds the same gate.
MILVUS_WORDS = ("pymilvus",)
