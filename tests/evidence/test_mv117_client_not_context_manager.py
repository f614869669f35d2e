"""MV117 client-not-context-manager: MilvusClient has no __enter__/__exit__.

Checked in the sources of pymilvus 2.4.15, 2.5.18, 2.6.17 and 3.0.2: only AsyncMilvusClient
(from 2.6) defines __aenter__/__aexit__. Run here on pymilvus 3.x with Milvus Lite.
"""

import pytest
from pymilvus import AsyncMilvusClient, MilvusClient

pytestmark = pytest.mark.evidence


def test_with_milvus_client_raises_type_error(tmp_path):
    """`with MilvusClient(...)` raises TypeError before the block runs."""
    ran = False
    with pytest.raises(TypeError, match="does not support the context manager protocol"):  # noqa: SIM117
        with MilvusClient(str(tmp_path / "x.db")) as client:
            ran = True
            client.list_collections()
    assert not ran


def test_only_the_async_client_is_a_context_manager():
    """AsyncMilvusClient has __aenter__/__aexit__; MilvusClient has neither protocol."""
    assert not hasattr(MilvusClient, "__enter__")
    assert not hasattr(MilvusClient, "__exit__")
    assert hasattr(AsyncMilvusClient, "__aenter__")
    assert hasattr(AsyncMilvusClient, "__aexit__")


def test_close_in_finally_works(tmp_path):
    """The fix: bind the client and close it in `finally`."""
    client = MilvusClient(str(tmp_path / "x.db"))
    try:
        assert client.list_collections() == []
    finally:
        client.close()
