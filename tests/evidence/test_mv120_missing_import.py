"""MV120 missing-import: `from pymilvus import X` for an X the release does not export."""

import pytest

pytestmark = pytest.mark.evidence


def test_index_params_is_not_exported_from_pymilvus():
    with pytest.raises(ImportError, match="IndexParams"):
        from pymilvus import IndexParams
    from pymilvus.milvus_client import IndexParams  # noqa: F401


@pytest.fixture(scope="module")
def server(run_lite24):
    return run_lite24("lite24_api_model.py")


def test_lite24_has_no_function(server):
    """`from pymilvus import Function` fails on 2.4 (the attribute it imports is absent)."""
    assert server["import_Function"]["error_type"] == "AttributeError"
    assert "Function" in server["import_Function"]["message"]
