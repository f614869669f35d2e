"""MV007 invalid-consistency-level: pymilvus accepts exactly the enum names and ints 0-4.

The level is parsed client-side (pymilvus `client/types.py: get_consistency_level`) before any
RPC: a string must match a `ConsistencyLevel` name exactly, case included, and an int must be one
of its values. Anything else raises `InvalidConsistencyLevel`, in pymilvus 3.x as in 2.4.
"""

import pytest
from pymilvus.exceptions import InvalidConsistencyLevel

pytestmark = pytest.mark.evidence

VALID = ["Strong", "Session", "Bounded", "Eventually", "Customized", 0, 1, 2, 3, 4]
INVALID = ["strong", "STRONG", "Eventual", "eventually", "Strong ", 7, -1, "0"]


@pytest.mark.parametrize("level", INVALID, ids=repr)
def test_search_rejects_a_misspelt_level(docs, level):
    """A level that is not exactly an enum name or value raises InvalidConsistencyLevel."""
    with pytest.raises(InvalidConsistencyLevel, match=f"invalid consistency level: {level}"):
        docs.client.search(docs.name, docs.query, limit=3, consistency_level=level)


@pytest.mark.parametrize("level", VALID, ids=repr)
def test_search_accepts_the_exact_names_and_ints(docs, level):
    """The five enum names, in their exact case, and the ints 0-4 are accepted."""
    hits = docs.client.search(docs.name, docs.query, limit=3, consistency_level=level)
    assert len(hits[0]) == 3


def test_create_collection_rejects_a_lowercase_level(client):
    """create_collection checks the level too: "strong" raises InvalidConsistencyLevel."""
    with pytest.raises(InvalidConsistencyLevel, match="invalid consistency level: strong"):
        client.create_collection("docs", dimension=8, consistency_level="strong")


@pytest.fixture(scope="module")
def pymilvus24(run_lite24):
    return run_lite24("lite24_mv007_invalid_consistency_level.py")


@pytest.mark.parametrize("level", ["strong", "Eventual", 7, "0"], ids=repr)
def test_pymilvus_24_rejects_the_same_spellings(pymilvus24, level):
    """pymilvus 2.4.15 raises the same InvalidConsistencyLevel for the same spellings."""
    outcome = pymilvus24[f"search:{level!r}"]
    assert outcome["error_type"] == "InvalidConsistencyLevel"
    assert outcome["message"] == f"invalid consistency level: {level}"


@pytest.mark.parametrize("level", ["Strong", "Eventually", 0], ids=repr)
def test_pymilvus_24_accepts_the_exact_names(pymilvus24, level):
    """pymilvus 2.4.15 accepts the exact names and ints."""
    assert pymilvus24[f"search:{level!r}"] == {"raised": False, "value": 3}


def test_pymilvus_24_create_collection_rejects_a_lowercase_level(pymilvus24):
    """pymilvus 2.4.15 also checks the level given to create_collection."""
    outcome = pymilvus24["create_collection:'strong'"]
    assert outcome["error_type"] == "InvalidConsistencyLevel"
