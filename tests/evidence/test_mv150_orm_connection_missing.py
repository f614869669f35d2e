"""MV150 orm-connection-missing: an ORM call on a connection alias nobody connected.

ORM calls (`Collection(...)`, `utility.*`, `db.*`) look their connection up by `using=`, which
defaults to "default". `connections.connect(alias="search")` registers only "search", and a
MilvusClient opens a connection of its own under a generated alias: in both cases the
"default" connection does not exist and the call raises ConnectionNotExistException ("should
create connection first."), on pymilvus 3.0.2 and on 2.4.15 alike.
"""

import warnings

import pytest
from pymilvus import Collection, connections, utility
from pymilvus.exceptions import ConnectionNotExistException

from tests.evidence.conftest import _stop_lite_server

pytestmark = pytest.mark.evidence
NOT_CONNECTED = "should create connection first"


@pytest.fixture
def named_connection(tmp_path):
    db = tmp_path / "orm.db"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the ORM's deprecation warnings are MV101's subject
        connections.connect(alias="search", uri=str(db))
        yield "search"
        connections.disconnect("search")
    _stop_lite_server(db)


def test_named_alias_then_default_orm_calls_raise(named_connection):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ConnectionNotExistException, match=NOT_CONNECTED):
            utility.list_collections()
        with pytest.raises(ConnectionNotExistException, match=NOT_CONNECTED):
            Collection("docs")
        assert utility.list_collections(using=named_connection) == []


def test_only_a_milvus_client_leaves_the_orm_unconnected(client):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ConnectionNotExistException, match=NOT_CONNECTED):
            utility.has_collection("docs")
        with pytest.raises(ConnectionNotExistException, match=NOT_CONNECTED):
            Collection("docs")
    assert client.has_collection("docs") is False


@pytest.fixture(scope="module")
def pymilvus24(run_lite24):
    return run_lite24("lite24_mv150_orm_connection_missing.py")


@pytest.mark.parametrize(
    "name",
    [
        "named_alias_then_default_utility",
        "named_alias_then_default_collection",
        "only_client_then_utility",
        "only_client_then_collection",
    ],
)
def test_pymilvus_24_raises_the_same(pymilvus24, name):
    outcome = pymilvus24[name]
    assert outcome["raised"] and outcome["error_type"] == "ConnectionNotExistException"
    assert NOT_CONNECTED in outcome["message"]


def test_pymilvus_24_passing_the_alias_or_using_the_client_works(pymilvus24):
    assert pymilvus24["named_alias_passed_along"] == {"raised": False, "value": []}
    assert pymilvus24["client_method"] == {"raised": False, "value": False}
