"""MV112 auto-id-with-ids: rows must carry the primary key exactly when auto_id is off.

A quick-setup collection (`create_collection(name, dimension=...)`) has auto_id=False and
primary key "id", so rows without "id" are refused client-side. With auto_id=True, pymilvus 2.4
refuses rows that carry the key; pymilvus 2.6/3.x send them on and leave the refusal to the
server ("can not assign primary field data when auto id enabled", proxy insert path), which
Milvus Lite 3 does not implement.
"""

import pytest
from pymilvus.exceptions import DataNotMatchException

pytestmark = pytest.mark.evidence


def test_quick_setup_rows_without_id_are_rejected(client):
    """pymilvus 3.x: rows without "id" into a quick-setup collection raise DataNotMatchException."""
    client.create_collection("docs", dimension=4)
    with pytest.raises(DataNotMatchException, match="Insert missed an field `id`"):
        client.insert("docs", [{"vector": [0.1] * 4, "text": "x"}])


def test_quick_setup_has_auto_id_off(client):
    """Quick setup's defaults: primary key "id", auto_id False."""
    client.create_collection("docs", dimension=4)
    [primary] = [f for f in client.describe_collection("docs")["fields"] if f.get("is_primary")]
    assert primary["name"] == "id"
    assert not primary.get("auto_id", False)


def test_pymilvus_3_sends_ids_of_an_auto_id_collection_to_the_server(client):
    """pymilvus 3.x does not check: Milvus Lite 3 stores the given id (a server refuses it)."""
    client.create_collection("docs", dimension=4, auto_id=True)
    result = client.insert("docs", [{"id": 12345, "vector": [0.1] * 4}])
    assert result["ids"] == [12345]


@pytest.fixture(scope="module")
def pymilvus24(run_lite24):
    return run_lite24("lite24_mv112_auto_id_with_ids.py")


def test_pymilvus_24_rejects_ids_for_an_auto_id_collection(pymilvus24):
    """pymilvus 2.4.15: rows with "id" into an auto_id collection raise ParamError 'auto id enabled'."""
    outcome = pymilvus24["auto_id_rows_with_id"]
    assert outcome["error_type"] == "ParamError"
    assert outcome["message"] == "auto id enabled, id shouldn't in entities[0]"


def test_pymilvus_24_accepts_rows_without_id_for_an_auto_id_collection(pymilvus24):
    """pymilvus 2.4.15: the fix (drop "id" from the rows) inserts."""
    assert pymilvus24["auto_id_rows_without_id"] == {"raised": False, "value": 1}


def test_pymilvus_24_rejects_quick_setup_rows_without_id(pymilvus24):
    """pymilvus 2.4.15: rows without "id" into a quick-setup collection raise ParamError."""
    outcome = pymilvus24["quick_setup_rows_without_id"]
    assert outcome["error_type"] == "ParamError"
    assert outcome["message"] == "Field id don't match in entities[0]"
