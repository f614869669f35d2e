"""MV122 datatype-as-string: FieldSchema and add_field refuse a string type."""

import pytest
from pymilvus import DataType, FieldSchema, MilvusClient
from pymilvus.exceptions import DataTypeNotSupportException

pytestmark = pytest.mark.evidence


def test_add_field_refuses_a_string():
    schema = MilvusClient.create_schema()
    with pytest.raises(DataTypeNotSupportException, match="Field dtype must be of DataType"):
        schema.add_field("v", "FLOAT_VECTOR", dim=8)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=8)


def test_field_schema_refuses_a_string():
    with pytest.raises(DataTypeNotSupportException):
        FieldSchema("title", "VARCHAR", max_length=64)


@pytest.fixture(scope="module")
def server(run_lite24):
    return run_lite24("lite24_api_model.py")


def test_lite24_refuses_a_string(server):
    for name in ("field_schema_string_dtype", "add_field_string_dtype"):
        assert server[name]["error_type"] == "DataTypeNotSupportException"
