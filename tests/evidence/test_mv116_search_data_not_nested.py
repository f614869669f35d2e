"""MV116 search-data-not-nested: search data is a list of vectors, even for one query.

pymilvus checks `search_data` client-side (`client/check.py`) and refuses a flat vector.
"""

import pytest
from pymilvus.exceptions import ParamError

pytestmark = pytest.mark.evidence


def test_flat_vector_is_rejected(docs):
    """search(data=<one flat vector>) raises ParamError: '`search_data` value [...] is illegal'."""
    flat = docs.query[0]
    with pytest.raises(ParamError, match=r"`search_data` value \[.*\] is illegal"):
        docs.client.search(docs.name, data=flat, limit=3)


def test_nested_vector_is_searched(docs):
    """The fix: data=[vector] returns one list of hits."""
    hits = docs.client.search(docs.name, data=[docs.query[0]], limit=3)
    assert len(hits) == 1
    assert len(hits[0]) == 3
