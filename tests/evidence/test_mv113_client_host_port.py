"""MV113 client-host-port: MilvusClient has no host/port; it needs a uri with a scheme.

`MilvusClient.__init__(uri="http://localhost:19530", ..., **kwargs)` takes host= and port= into
**kwargs and never reads them, so the client goes to the default uri. A uri without a scheme is
refused by `ConnectionConfig.from_uri`.

The tests open a listening socket and give its port to the client: a connection attempt to it
would be seen. Nothing here waits longer than a few seconds.
"""

import select
import socket

import pytest
from pymilvus import MilvusClient
from pymilvus.exceptions import ConnectionConfigException, MilvusException

pytestmark = pytest.mark.evidence


@pytest.fixture
def listener():
    """A TCP socket listening on 127.0.0.1 at a free port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        yield sock


def was_contacted(sock: socket.socket, wait: float = 0.5) -> bool:
    readable, _, _ = select.select([sock], [], [], wait)
    return bool(readable)


def test_host_and_port_are_ignored(listener):
    """MilvusClient(host=..., port=...) goes to localhost:19530, never to the given port."""
    port = listener.getsockname()[1]
    try:
        client = MilvusClient(host="127.0.0.1", port=str(port), timeout=3)
    except MilvusException as exc:
        assert "Fail connecting to server on localhost:19530" in str(exc)
    else:  # a Milvus server really runs on localhost:19530, and that is what the client reached
        client.close()
    assert not was_contacted(listener)


def test_uri_with_scheme_reaches_the_given_port(listener):
    """Control, and the fix: uri="http://127.0.0.1:<port>" does connect to that port."""
    port = listener.getsockname()[1]
    with pytest.raises(MilvusException, match=f"Fail connecting to server on 127.0.0.1:{port}"):
        MilvusClient(uri=f"http://127.0.0.1:{port}", timeout=1)  # it is not a Milvus server
    assert was_contacted(listener)


def test_uri_without_scheme_is_rejected():
    """A uri of the form "host:port" raises ConnectionConfigException: '... is illegal'."""
    with pytest.raises(ConnectionConfigException, match=r"uri: 127\.0\.0\.1:19530 is illegal"):
        MilvusClient(uri="127.0.0.1:19530")
