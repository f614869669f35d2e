"""MV004 stale-read: the levels, and the default a read inherits.

Whether freshly written rows are visible is the server's business (Milvus Lite ignores the
consistency level), so the staleness itself rests on the docs and the maintainers' answer in
milvus-io/milvus#35090. What runs here: pymilvus's default level is Bounded, and every level the
fix may write is accepted.
"""

import pytest
from pymilvus.client.constants import DEFAULT_CONSISTENCY_LEVEL
from pymilvus.client.types import ConsistencyLevel

pytestmark = pytest.mark.evidence


def test_default_consistency_level_is_bounded():
    """A collection created without consistency_level is Bounded: reads may miss recent writes."""
    assert DEFAULT_CONSISTENCY_LEVEL == ConsistencyLevel.Bounded


@pytest.mark.parametrize("level", ["Strong", "Session", "Bounded", "Eventually"])
def test_read_accepts_each_level(docs, level):
    """The fix writes "Strong"; every named level is accepted on a search."""
    hits = docs.client.search(docs.name, data=[docs.query[0]], limit=3, consistency_level=level)
    assert len(hits[0]) == 3
