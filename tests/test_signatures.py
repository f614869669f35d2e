"""checks.signatures: a view of the API model, equal to the installed pymilvus; `argument`
reads calls by it."""

from __future__ import annotations

import ast
import inspect

import pymilvus
import pytest
from pymilvus.milvus_client import IndexParams

from checks import api
from checks.engine import Context, Options
from checks.semantic import SemanticModel
from checks.signatures import MethodCall, argument, parameters

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
# The signatures the rules read (each must exist in the model and match pymilvus 3.0.2).
USED = (
    "MilvusClient", "MilvusClient.search", "MilvusClient.query", "MilvusClient.get",
    "MilvusClient.hybrid_search", "MilvusClient.search_iterator", "MilvusClient.query_iterator",
    "MilvusClient.insert", "MilvusClient.upsert", "MilvusClient.delete",
    "MilvusClient.create_collection", "MilvusClient.create_index", "MilvusClient.flush",
    "MilvusClient.prepare_index_params", "AsyncMilvusClient.search", "Collection",
    "Collection.search", "Collection.query", "Collection.insert", "Collection.create_index",
    "Collection.load", "Partition", "Partition.search", "FieldSchema", "CollectionSchema",
    "CollectionSchema.add_field", "IndexParams.add_index", "Index", "AnnSearchRequest",
    "connections.connect", "utility.drop_collection", "utility.has_collection",
)  # fmt: skip


def _api(key: str):
    """The pymilvus callable a key names: `Class` is its __init__, `Class.method`, `module.fn`."""
    root, _, member = key.partition(".")
    owner = IndexParams if root == "IndexParams" else getattr(pymilvus, root)
    return getattr(owner, member) if member else owner.__init__


def _positional(function) -> tuple[str, ...]:
    names = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind not in _POSITIONAL:
            break  # *args, keyword-only, **kwargs: nothing after them is positional
        names.append(parameter.name)
    return tuple(names[1:] if names[:1] in (["self"], ["cls"]) else names)


@pytest.mark.parametrize("key", USED)
def test_view_is_the_installed_pymilvus(key):
    assert parameters(key) == _positional(_api(key))


def test_view_follows_the_target_release():
    api.use("2.4")
    try:
        assert "ranker" not in parameters("MilvusClient.search")
    finally:
        api.use("3.0")
    assert "ranker" in parameters("MilvusClient.search")


def test_view_is_generated_from_the_pymilvus_it_names():
    assert pymilvus.__version__ == api.RELEASES[-1]


def _call(source: str) -> ast.Call:
    return ast.parse(source).body[0].value


def _text(node: ast.AST | None) -> str | None:
    return None if node is None else ast.unparse(node)


@pytest.mark.parametrize(
    ("source", "name", "expected"),
    [
        ('c.search("docs", [[1.0]], "id > 0", 5, None, {}, 1, None, "vec")', "anns_field", "'vec'"),
        ('c.search("docs", [[1.0]], anns_field="dense")', "anns_field", "'dense'"),
        ('c.search("docs", [[1.0]], "id > 0")', "limit", None),  # not passed
        ('c.search("docs", *rest)', "limit", None),  # hidden by *args
        ('c.search("docs", *rest)', "collection_name", "'docs'"),  # before *args: still seen
        ('c.search("docs", [[1.0]], offset=3)', "offset", "3"),  # **kwargs: keyword only
        ('c.search("docs", [[1.0]], "f", 5, None, {}, 1, None, "v", None, 7)', "offset", None),
    ],
)
def test_argument_reads_keyword_else_the_position_in_the_table(source, name, expected):
    assert _text(argument(_call(source), "MilvusClient.search", name)) == expected


def test_argument_of_async_client_uses_its_own_signature_where_it_differs():
    call = _call('c.search("docs", [[1.0]], "", 5, None, {}, 1, None, "v", None, None, "h", [1])')
    assert _text(argument(call, "MilvusClient.search", "ids")) == "[1]"
    assert _text(argument(call, "AsyncMilvusClient.search", "ids")) == "'h'"
    insert = _call('c.insert("docs", rows)')  # its own signature, the same as the sync one
    assert _text(argument(insert, "AsyncMilvusClient.insert", "data")) == "rows"


def test_argument_of_an_api_pymilvus_lacks_is_an_error():
    with pytest.raises(KeyError, match="describe_collections"):
        argument(_call('c.x("docs")'), "MilvusClient.describe_collections", "x")


def _method_call(source: str, *methods: str) -> MethodCall | None:
    tree = ast.parse(source)
    ctx = Context(SemanticModel(tree), source, Options())
    return ctx.method_call(tree.body[-1].value, *methods)


@pytest.mark.parametrize(
    ("setup", "receiver", "api", "data"),
    [
        ("from pymilvus import MilvusClient\nc = MilvusClient()", "MilvusClient", "client", "rows"),
        (
            "from pymilvus import AsyncMilvusClient\nc = AsyncMilvusClient()",
            "AsyncMilvusClient",
            "client",
            "rows",
        ),
        ('from pymilvus import Collection\nc = Collection("docs")', "Collection", "orm", "'docs'"),
    ],
)
def test_method_call_picks_the_receivers_signature(setup, receiver, api, data):
    found = _method_call(f'{setup}\nc.insert("docs", rows)')
    assert (found.receiver, found.api, found.method) == (receiver, api, "insert")
    assert found.signature == f"{receiver}.insert"
    assert _text(found.argument("data")) == data


def test_method_call_is_none_for_other_receivers_and_methods():
    assert _method_call("import re\nre.search('a', 'b')") is None
    assert _method_call("from pymilvus import MilvusClient\nMilvusClient.search(x)") is None
    setup = "from pymilvus import MilvusClient\nc = MilvusClient()\n"
    assert _method_call(setup + 'c.query("docs")', "search") is None
    assert _method_call(setup + 'c.query("docs")', "query", "search").method == "query"


def test_method_call_of_a_method_pymilvus_lacks_reads_keywords_only():
    setup = "from pymilvus import MilvusClient\nc = MilvusClient()\n"
    found = _method_call(setup + 'c.describe_collections("docs", collection_name="x")')
    assert found.signature is None
    assert _text(found.argument("collection_name")) == "'x'"
    found = _method_call(setup + 'c.describe_collections("docs")')
    assert found.argument("collection_name") is None
