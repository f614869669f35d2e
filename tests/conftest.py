"""Shared by every test: the CLI's result cache (checks.cache) lives in a fresh directory per
test, so that no test reads another's results and none writes into the checkout."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_result_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("MILVUS_CTO_CACHE_DIR", str(tmp_path_factory.mktemp("result-cache")))
