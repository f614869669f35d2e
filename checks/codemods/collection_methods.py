"""ORM `Collection` methods and their MilvusClient calls (pymilvus 3.0.2 signatures).

Each ORM argument keeps its value and its comments; only its name changes where the client
spells it differently (`param` -> `search_params`, `expr` -> `filter`). An argument the table does
not know blocks the migration rather than being guessed at: `filter=` on an ORM search, for one,
is silently ignored by the ORM (MV102) and would start filtering once migrated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from checks.codemods.call_args import Unbindable, bind_args
from checks.codemods.module_facts import ModuleFacts
from checks.codemods.plan import Unmigratable
from checks.codemods.render import Arg, Where, render_call, with_comments

NameCode = Callable[[cst.Call], str]  # the collection name's source, read off the updated call


@dataclass(frozen=True)
class Method:
    """How one ORM Collection method maps onto a MilvusClient method."""

    client: str
    params: tuple[str, ...]  # the ORM method's positional parameters, in order
    keywords: frozenset[str] = frozenset()  # further ORM keywords the client takes as they are
    renames: dict[str, str] = field(default_factory=dict)
    dropped: frozenset[str] = frozenset()  # ORM arguments with no effect there either
    # The ORM result differs (MutationResult, Partition): migrate only when it is discarded.
    discards_result: bool = False

    def accepts(self) -> frozenset[str]:
        return frozenset(self.params) | self.keywords


SEARCH = Method(
    "search",
    ("data", "anns_field", "param", "limit", "expr", "partition_names", "output_fields",
     "timeout", "round_decimal", "ranker", "function_chains", "highlighter",
     "search_aggregation"),
    frozenset({"consistency_level", "offset", "group_by_field", "group_size",
               "strict_group_size", "expr_params", "guarantee_timestamp"}),
    renames={"param": "search_params", "expr": "filter", "expr_params": "filter_params"},
)  # fmt: skip
QUERY = Method(
    "query",
    ("expr", "output_fields", "partition_names", "timeout"),
    frozenset({"limit", "offset", "consistency_level", "expr_params", "guarantee_timestamp"}),
    renames={"expr": "filter", "expr_params": "filter_params"},
)
METHODS: dict[str, Method] = {
    "search": SEARCH,
    "query": QUERY,
    "delete": Method(
        "delete",
        ("expr", "partition_name", "timeout"),
        frozenset({"consistency_level"}),
        renames={"expr": "filter"},
        discards_result=True,
    ),
    # The ORM passes no description to the server (orm/partition.py), so dropping it is exact.
    "create_partition": Method(
        "create_partition",
        ("partition_name", "description"),
        frozenset({"timeout"}),
        dropped=frozenset({"description"}),
        discards_result=True,
    ),
    "has_partition": Method("has_partition", ("partition_name", "timeout")),
    "drop_partition": Method("drop_partition", ("partition_name", "timeout"), discards_result=True),
    "load": Method("load_collection", ("partition_names", "replica_number", "timeout")),
    "release": Method("release_collection", ("timeout",)),
    "drop": Method("drop_collection", ("timeout",)),
    "flush": Method("flush", ("timeout",)),
}
LOAD_PARTITIONS = Method("load_partitions", ("partition_names", "replica_number", "timeout"))


def method_for(facts: ModuleFacts, call: cst.Call, attr: str) -> Method:
    """The mapping for `col.<attr>(...)`, checked against this call; raises Unmigratable."""
    method = METHODS.get(attr)
    if method is None:
        raise Unmigratable(f"`.{attr}(...)` has no MilvusClient mapping here")
    bound = bind(call, method, attr)
    if attr == "load" and "partition_names" in bound:
        method = LOAD_PARTITIONS
    unknown = set(bound) - method.accepts()
    if unknown:
        raise Unmigratable(f"`.{attr}(...)` argument `{sorted(unknown)[0]}` has no mapping")
    if method.discards_result and facts.expression_statement(call) is None:
        raise Unmigratable(f"the result of `.{attr}(...)` is used, and MilvusClient's differs")
    return method


def bind(call: cst.Call, method: Method, attr: str) -> dict[str, cst.Arg]:
    try:
        return bind_args(call, method.params)
    except Unbindable as exc:
        raise Unmigratable(f"`.{attr}(...)`: {exc}") from exc


def method_builder(method: Method, client: str, name_code: NameCode):
    """`col.search(data, "emb", param, 10, expr=e)` -> `client.search(collection_name=..., ...)`."""

    def build(call: cst.Call, where: Where) -> str:
        bound = bind_args(call, method.params)
        items = [
            (method.renames.get(name, name), arg.value, arg)
            for name, arg in bound.items()
            if name not in method.dropped
        ]
        args = [Arg("collection_name", name_code(call))]
        args += with_comments(items, where, call.whitespace_before_args)
        return render_call(f"{client}.{method.client}", args, where)

    return build


def attribute_builder(attr: str, client: str, name_code: str):
    """`col.num_entities` -> the row count from `get_collection_stats`; `col.name` -> the name."""

    def build(node: cst.Attribute, where: Where) -> str:
        if attr == "name":
            return name_code
        stats = render_call(
            f"{client}.get_collection_stats", [Arg("collection_name", name_code)], where
        )
        return f'{stats}["row_count"]'

    return build


ATTRIBUTES = frozenset({"num_entities", "name"})
