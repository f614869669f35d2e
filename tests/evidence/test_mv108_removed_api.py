"""MV108 removed-api: the legacy `Milvus` client class is gone from pymilvus.

It was the 1.x/2.0-era client; pymilvus 2.4, 2.6 and 3.0 no longer export it.
"""

import importlib

import pytest

pytestmark = pytest.mark.evidence


def test_from_pymilvus_import_milvus_fails():
    """`from pymilvus import Milvus` raises ImportError."""
    with pytest.raises(ImportError, match="cannot import name 'Milvus' from 'pymilvus'"):
        from pymilvus import Milvus  # noqa: F401


def test_pymilvus_milvus_attribute_is_missing():
    """`pymilvus.Milvus(...)` fails with AttributeError: there is no such name."""
    pymilvus = importlib.import_module("pymilvus")
    with pytest.raises(AttributeError, match="Milvus"):
        pymilvus.Milvus  # noqa: B018
