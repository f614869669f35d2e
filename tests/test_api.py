"""checks.api: the generated model of each pymilvus release, and how rules query it."""

from __future__ import annotations

import inspect
from pathlib import Path

import pymilvus
import pytest
from pymilvus.milvus_client import IndexParams

from checks import api
from checks.api import generate

_KINDS = inspect.Parameter


def test_the_shipped_3_0_model_is_what_the_generator_makes_of_the_installed_pymilvus():
    model = generate.generate(generate.installed_root())
    shipped = (Path(api.DATA_DIR) / f"pymilvus-{model['pymilvus']}.api").read_text(encoding="utf-8")
    assert shipped == generate.dump(model), "run: python -m checks.api.generate --installed"


def test_every_supported_line_has_a_model():
    assert [api.release_for(v) for v in ("2.4", "2.5.3", "2.6", "3.0")] == list(api.RELEASES)
    assert api.release("2.3") is None and api.release("2.2.14") is None
    for release in api.RELEASES:
        assert api.load(release).version == release


def _installed_classes():
    yield "IndexParams", IndexParams
    for name in pymilvus.__all__:
        value = getattr(pymilvus, name)
        if inspect.isclass(value) and value.__module__.startswith("pymilvus"):
            yield name, value


@pytest.mark.parametrize(("name", "cls"), list(_installed_classes()))
def test_parameters_are_those_inspect_sees_on_the_installed_pymilvus(name, cls):
    model = api.load(api.RELEASES[-1])
    info = model.cls(cls.__name__)
    assert info is not None, name
    for method in info.methods:
        function = inspect.getattr_static(cls, method, None)
        if function is None or not callable(getattr(cls, method)):
            continue
        try:
            expected = inspect.signature(getattr(cls, method))
        except (TypeError, ValueError):
            continue
        params = list(expected.parameters.values())
        if (
            isinstance(function, (staticmethod, classmethod)) is False
            and params[:1]
            and (params[0].name == "self")
        ):
            params = params[1:]
        found = model.method(cls.__name__, method)
        positional = tuple(
            p.name
            for p in params
            if p.kind in (_KINDS.POSITIONAL_ONLY, _KINDS.POSITIONAL_OR_KEYWORD)
        )
        if getattr(getattr(cls, method), "__wrapped__", None) is not None:
            continue  # a decorator without functools.wraps' signature: inspect sees the wrapper
        assert found.positional == positional, f"{name}.{method}"
        assert found.kwargs == any(p.kind is _KINDS.VAR_KEYWORD for p in params), method


def test_kwargs_reads_follow_the_call_chain():
    model = api.load("3.0.2")
    search = model.method("MilvusClient", "search")
    # Read by GrpcHandler.search / Prepare through the forwarded **kwargs.
    assert {"group_by_field", "consistency_level", "offset", "timeout"} <= search.reads
    assert search.ignores("partitionNames") and search.ignores("search_field")
    assert not search.ignores("round_decimal") and not search.ignores("limit")
    schema = model.method("MilvusClient", "create_schema")
    assert schema.ignores("enable_dynamic_fields") and not schema.ignores("enable_dynamic_field")
    field = model.method("FieldSchema", "__init__")
    assert field.ignores("is_nullable") and not field.ignores("nullable")
    # Index parameters go into the index's params: any key may be meant.
    assert model.method("IndexParams", "add_index").reads is None


def test_search_iterator_refuses_offset_on_every_line():
    """The refusal and its message come from each release's source (generate.REFUSED_FIRST);
    query_iterator and search take offset."""
    v2, v1 = (
        "Offset is not supported for search_iterator_v2",
        "Not support offset when searching iteration",
    )
    expected = {"2.4.15": v1, "2.5.18": v2, "2.6.17": v2, "3.0.2": v2}
    for release, message in expected.items():
        model = api.load(release)
        assert model.rejects("MilvusClient", "search_iterator") == {"offset": message}
        assert model.rejects("Collection", "search_iterator") == {"offset": v1}
        assert model.rejects("MilvusClient", "query_iterator") == {}
        assert model.rejects("MilvusClient", "search") == {}
        assert model.rejects("MilvusClient", "no_such_method") == {}


def test_attributes_and_names():
    model = api.load("3.0.2")
    assert model.has_attribute("Collection", "get_entity_by_id") is False
    assert model.has_attribute("Collection", "num_entities") is True
    assert model.has_attribute("MilvusClient", "create_index_params") is False
    assert model.has_attribute("DataType", "FLOAT_VECTOR") is True
    assert "MilvusClient" in model.module_names("pymilvus")
    assert model.export("utility") == "module:pymilvus.orm.utility"
    assert model.export("connections") == "instance:Connections"
    assert "prepare_index_params" in model.cls("MilvusClient").static
    assert model.method("MilvusClient", "no_such") is None
