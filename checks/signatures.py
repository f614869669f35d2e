"""Where pymilvus takes each argument by position: the signatures rules read, as data.

A rule never writes an argument's index itself: it asks `argument(call, "MilvusClient.search",
"anns_field")`, or, for a method on a known client or ORM collection,
`ctx.method_call(node, "search").argument("anns_field")`, which picks the signature of the
receiver (MilvusClient, AsyncMilvusClient, Collection, Partition).

`SIGNATURES` lists, per API, the parameters a call can pass by position: after `self`, up to the
first `*args` or `**kwargs` (a constructor under its class name). It was generated from
pymilvus 3.0.2 with `inspect.signature`, and tests/test_signatures.py keeps it equal to the
installed pymilvus; pymilvus itself is never imported here (the hook path). An
`AsyncMilvusClient` method is listed only where it differs from the `MilvusClient` one.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checks.semantic import Value

SIGNATURES: dict[str, tuple[str, ...]] = {
    "MilvusClient": ("uri", "user", "password", "db_name", "token", "timeout"),
    "MilvusClient.search": (
        "collection_name", "data", "filter", "limit", "output_fields", "search_params", "timeout",
        "partition_names", "anns_field", "ranker", "function_chains", "highlighter", "ids",
        "search_aggregation",
    ),
    "MilvusClient.query": (
        "collection_name", "filter", "output_fields", "timeout", "ids", "partition_names",
    ),
    "MilvusClient.get": ("collection_name", "ids", "output_fields", "timeout", "partition_names"),
    "MilvusClient.hybrid_search": (
        "collection_name", "reqs", "ranker", "limit", "output_fields", "timeout", "partition_names",
    ),
    "MilvusClient.search_iterator": (
        "collection_name", "data", "batch_size", "filter", "limit", "output_fields",
        "search_params", "timeout", "partition_names", "anns_field", "round_decimal",
    ),
    "MilvusClient.query_iterator": (
        "collection_name", "batch_size", "limit", "filter", "output_fields", "partition_names",
        "timeout",
    ),
    "MilvusClient.insert": ("collection_name", "data", "timeout", "partition_name"),
    "MilvusClient.upsert": ("collection_name", "data", "timeout", "partition_name"),
    "MilvusClient.delete": ("collection_name", "ids", "timeout", "filter", "partition_name"),
    "MilvusClient.create_collection": (
        "collection_name", "dimension", "primary_field_name", "id_type", "vector_field_name",
        "metric_type", "auto_id", "timeout", "schema", "index_params",
    ),
    "MilvusClient.create_index": ("collection_name", "index_params", "timeout"),
    "MilvusClient.create_partition": ("collection_name", "partition_name", "timeout"),
    "MilvusClient.load_collection": ("collection_name", "timeout"),
    "MilvusClient.load_partitions": ("collection_name", "partition_names", "timeout"),
    "MilvusClient.release_collection": ("collection_name", "timeout"),
    "MilvusClient.drop_collection": ("collection_name", "timeout"),
    "MilvusClient.flush": ("collection_name", "timeout"),
    "MilvusClient.close": (),
    "MilvusClient.prepare_index_params": ("field_name",),
    "MilvusClient.create_schema": (),
    # No `highlighter`.
    "AsyncMilvusClient.search": (
        "collection_name", "data", "filter", "limit", "output_fields", "search_params", "timeout",
        "partition_names", "anns_field", "ranker", "function_chains", "ids", "search_aggregation",
    ),
    "Collection": ("name", "schema", "using"),
    "Collection.search": (
        "data", "anns_field", "param", "limit", "expr", "partition_names", "output_fields",
        "timeout", "round_decimal", "ranker", "function_chains", "highlighter",
        "search_aggregation",
    ),
    "Collection.query": ("expr", "output_fields", "partition_names", "timeout"),
    "Collection.hybrid_search": (
        "reqs", "rerank", "limit", "partition_names", "output_fields", "timeout", "round_decimal",
        "ranker",
    ),
    "Collection.search_iterator": (
        "data", "anns_field", "param", "batch_size", "limit", "expr", "partition_names",
        "output_fields", "timeout", "round_decimal",
    ),
    "Collection.query_iterator": (
        "batch_size", "limit", "expr", "output_fields", "partition_names", "timeout",
    ),
    "Collection.insert": ("data", "partition_name", "timeout"),
    "Collection.upsert": ("data", "partition_name", "timeout"),
    "Collection.delete": ("expr", "partition_name", "timeout"),
    "Collection.create_index": ("field_name", "index_params", "timeout"),
    "Collection.create_partition": ("partition_name", "description"),
    "Collection.load": ("partition_names", "replica_number", "timeout"),
    "Collection.release": ("timeout",),
    "Collection.drop": ("timeout",),
    "Collection.flush": ("timeout",),
    "Partition": ("collection", "name", "description"),
    "Partition.search": (
        "data", "anns_field", "param", "limit", "expr", "output_fields", "timeout",
        "round_decimal",
    ),
    "Partition.query": ("expr", "output_fields", "timeout"),
    "Partition.hybrid_search": (
        "reqs", "rerank", "limit", "output_fields", "timeout", "round_decimal",
    ),
    "Partition.insert": ("data", "timeout"),
    "Partition.upsert": ("data", "timeout"),
    "Partition.delete": ("expr", "timeout"),
    "Partition.load": ("replica_number", "timeout"),
    "Partition.release": ("timeout",),
    "FieldSchema": ("name", "dtype", "description"),
    "CollectionSchema": ("fields", "description", "struct_fields", "functions"),
    "CollectionSchema.add_field": ("field_name", "datatype"),
    "IndexParams.add_index": ("field_name", "index_type", "index_name"),
    "Index": ("collection", "field_name", "index_params"),
    "AnnSearchRequest": (
        "data", "anns_field", "param", "limit", "expr", "expr_params", "filter",
    ),
    "connections.connect": (
        "alias", "user", "password", "db_name", "token", "_async", "_unbind_with_db",
    ),
    "utility.drop_collection": ("collection_name", "timeout", "using"),
    "utility.has_collection": ("collection_name", "using", "timeout"),
}  # fmt: skip


def parameters(signature: str) -> tuple[str, ...] | None:
    """The positional parameters of an API in the table, None when it is not listed."""
    found = SIGNATURES.get(signature)
    if found is None and signature.startswith("AsyncMilvusClient"):
        found = SIGNATURES.get(signature.removeprefix("Async"))
    return found


def argument(call: ast.Call, signature: str, name: str) -> ast.expr | None:
    """The argument `call` passes for parameter `name` of `signature`: by keyword, else at its
    position in the table (keyword only for a name the table does not list). None when absent,
    or when a `*args` at or before that position hides it."""
    found = parameters(signature)
    if found is None:
        raise KeyError(f"no signature for {signature!r} in checks.signatures")
    return _passed(call, found, name)


def _passed(call: ast.Call, found: tuple[str, ...], name: str) -> ast.expr | None:
    return positional_or_keyword(call, found.index(name) if name in found else None, name)


def positional_or_keyword(call: ast.Call, index: int | None, keyword: str) -> ast.expr | None:
    """The argument passed at `index` or as `keyword=`; None if absent or hidden by */**.

    For a pymilvus API, `argument` gives the index; this is for the rest (`index` None: keyword
    only)."""
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if index is not None:
        if any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
            return None
        if index < len(call.args):
            return call.args[index]
    return None


@dataclass(frozen=True, slots=True)
class MethodCall:
    """A call of a method on a known receiver: `client.search(...)`, `collection.load()`."""

    api: str  # "client" (MilvusClient, AsyncMilvusClient) | "orm" (Collection, Partition)
    receiver: str  # the class: "MilvusClient", "AsyncMilvusClient", "Collection", "Partition"
    method: str
    owner: Value  # the receiver (UNKNOWN for a Partition: the model does not track them)
    call: ast.Call

    @property
    def signature(self) -> str | None:
        """The table's key for this method, None when the table does not list it."""
        key = f"{self.receiver}.{self.method}"
        return key if parameters(key) is not None else None

    def argument(self, name: str) -> ast.expr | None:
        """The argument for parameter `name` (keyword only for a method the table omits)."""
        return _passed(self.call, parameters(f"{self.receiver}.{self.method}") or (), name)
