"""MV119 unknown-attribute: names the pymilvus object, class or module does not have.

Client-side: the attribute lookup fails before any request is sent.
"""

import pytest
from pymilvus import Collection, DataType, MilvusClient, utility

pytestmark = pytest.mark.evidence


@pytest.mark.parametrize(
    "name", ["create_index_params", "update", "insert_data", "search_data", "delete_by_pk"]
)
def test_client_lacks_the_name(client, name):
    with pytest.raises(AttributeError, match=name):
        getattr(client, name)


def test_orm_and_module_names():
    assert not hasattr(Collection, "get_entity_by_id")  # pymilvus#1144
    with pytest.raises(AttributeError):
        utility.wait_for_bulk_insert_tasks_completed  # noqa: B018
    with pytest.raises(AttributeError):
        DataType.FLOATVECTOR  # noqa: B018
    assert hasattr(MilvusClient, "prepare_index_params") and hasattr(MilvusClient, "upsert")


@pytest.fixture(scope="module")
def server(run_lite24):
    return run_lite24("lite24_api_model.py")


def test_lite24_lacks_the_names_the_model_says(server):
    assert server["client_has_create_index_params"]["value"] is False
    assert server["client_has_add_collection_field"]["value"] is False  # added in 2.6
    assert server["utility_wait_for_bulk_insert"]["error_type"] == "AttributeError"
