"""MV114 column-data-to-client: MilvusClient.insert takes rows (dicts), not ORM-style columns.

`MilvusClient.insert(collection_name, data: Union[Dict, List[Dict]], ...)`; the ORM's
Collection.insert also took a list of column lists, and that shape is refused here.
"""

import pytest
from pymilvus.exceptions import DataNotMatchException

pytestmark = pytest.mark.evidence

IDS = [1, 2]
VECTORS = [[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]]


def test_column_lists_are_rejected(client):
    """A list of column lists raises DataNotMatchException."""
    client.create_collection("docs", dimension=4)
    with pytest.raises(DataNotMatchException, match="The Input data type is inconsistent"):
        client.insert("docs", [IDS, VECTORS])


def test_the_same_data_as_rows_is_inserted(client):
    """The fix: zip the columns into row dicts keyed by field name."""
    client.create_collection("docs", dimension=4)
    rows = [
        dict(zip(["id", "vector"], values, strict=True))
        for values in zip(IDS, VECTORS, strict=True)
    ]
    assert client.insert("docs", rows)["insert_count"] == 2
