"""MV121 class-not-instance: `MilvusClient.insert("docs", rows)` calls the method unbound."""

import pytest
from pymilvus import Collection, MilvusClient

pytestmark = [
    pytest.mark.evidence,
    pytest.mark.filterwarnings("ignore::pymilvus.PyMilvusDeprecationWarning"),
]


def test_client_method_on_the_class_fails():
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'data'"):
        MilvusClient.insert("docs", [{"id": 1, "vector": [0.1] * 8}])


def test_orm_method_on_the_class_fails():
    with pytest.raises(AttributeError):
        Collection.load("docs")


def test_static_methods_work_on_the_class():
    schema = MilvusClient.create_schema(auto_id=True)
    params = MilvusClient.prepare_index_params()
    assert schema is not None and params is not None


@pytest.fixture(scope="module")
def server(run_lite24):
    return run_lite24("lite24_api_model.py")


def test_lite24_client_method_on_the_class_fails(server):
    assert server["class_insert"]["error_type"] == "TypeError"
