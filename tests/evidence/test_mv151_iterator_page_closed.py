"""MV151 iterator-page-closed: `page = iterator.next(); page.close()`.

`next()` returns a page of results: a plain list for query iterators, a SearchPage for search
iterators. Neither has close(): the call raises AttributeError and the iterator, which holds
server-side state until closed, stays open. pymilvus 3.0.2 and 2.4.15 alike.
"""

import pytest

pytestmark = pytest.mark.evidence


@pytest.fixture
def rows(client):
    client.create_collection("docs", dimension=4)
    client.insert("docs", [{"id": i, "vector": [0.1 * i] * 4} for i in range(10)])
    return client


def test_a_query_page_is_a_list_without_close(rows):
    iterator = rows.query_iterator("docs", batch_size=3, filter="id >= 0", output_fields=["id"])
    page = iterator.next()
    assert type(page) is list and len(page) == 3
    with pytest.raises(AttributeError, match="'list' object has no attribute 'close'"):
        page.close()
    iterator.close()  # the fix


def test_a_search_page_has_no_close(rows):
    iterator = rows.search_iterator("docs", data=[[0.1] * 4], batch_size=3, limit=9)
    page = iterator.next()
    assert type(page).__name__ == "SearchPage" and len(page) == 3
    with pytest.raises(AttributeError, match="'SearchPage' object has no attribute 'close'"):
        page.close()
    iterator.close()  # the fix


@pytest.fixture(scope="module")
def pymilvus24(run_lite24):
    return run_lite24("lite24_mv151_iterator_page_closed.py")


@pytest.mark.parametrize(("kind", "page_type"), [("query", "list"), ("search", "SearchPage")])
def test_pymilvus_24_pages_have_no_close(pymilvus24, kind, page_type):
    assert pymilvus24[f"{kind}_page_type"] == {"raised": False, "value": page_type}
    outcome = pymilvus24[f"{kind}_page_close"]
    assert outcome["raised"] and outcome["error_type"] == "AttributeError"
    assert pymilvus24[f"{kind}_iterator_close"] == {"raised": False, "value": None}
