"""MV123 bad-call-shape."""

from __future__ import annotations

import ast

from checks import api
from checks.api import Signature
from checks.api.calls import ApiCalls, Called
from checks.rules.base import Invalid, Rule, Valid
from checks.rules.wrong_api_kwargs import keywords_covered


class BadCallShape(Rule):
    """Arguments pymilvus' signature cannot take (TypeError), or positionals that land in the
    wrong parameter."""

    code = "MV123"
    name = "bad-call-shape"
    severity = "error"
    pymilvus_only = True
    pymilvus = ">=2.4"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient, Collection, DataType
        client = MilvusClient("demo.db")
        client.create_collection("docs", 8)
        client.search("docs", [[0.1] * 8], "id > 0", 5)
        col = Collection("docs")
        it = col.query_iterator(500, 2000, "id > 0", ["id"])
        it = col.query_iterator(batch_size=500, expr="id > 0", output_fields=["id"])
        schema = MilvusClient.create_schema()
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=8)
        """,
        # Arguments hidden by * and **, values the tree cannot type.
        """
        from pymilvus import MilvusClient, Collection
        client = MilvusClient("demo.db")
        client.search(*args)
        client.load_collection(**options)
        col = Collection("docs")
        it = col.query_iterator(size, expr, fields)
        """,
        Valid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.search("docs", [[0.1] * 8], limit=3, ranker=None)
            """,
            pymilvus_version="3.0",
        ),
        # offset: search and query_iterator honour it; search_iterator passes only 0; our own
        # classes and receivers we cannot resolve are not pymilvus'.
        """
        from pymilvus import MilvusClient, Collection
        client = MilvusClient("demo.db")
        hits = client.search("docs", [[0.1] * 8], limit=10, offset=20)
        it = client.query_iterator("docs", batch_size=100, filter="id > 0", offset=500)
        it = client.search_iterator("docs", [[0.1] * 8], batch_size=100, offset=0)
        START = 0
        it = Collection("docs").search_iterator([[0.1] * 8], "v", {}, 100, offset=START)
        class Pager:
            def search_iterator(self, name, data, offset=0): ...
        Pager().search_iterator("docs", [[0.1] * 8], offset=100)
        def page(store, offset):
            return store.search_iterator("docs", [[0.1] * 8], offset=offset)
        """,
    ]
    INVALID = [
        # pymilvus#1672: the first positional of the ORM query_iterator is batch_size.
        Invalid(
            """
            from pymilvus import Collection
            collection = Collection("docs")
            expr = "id > 0"
            iterator = collection.query_iterator(expr, ["id", "title"], 1000)
            """,
            line=4,
        ),
        Invalid(
            """
            from pymilvus import Collection
            collection = Collection("docs")
            iterator = collection.query_iterator("id > 0", ["id"], 1000)
            """,
            line=3,
            pymilvus_version="2.4",
        ),
        # filter="" receives the limit.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            hits = client.search("docs", [[0.1] * 8], 5)
            """,
            line=3,
        ),
        # utility.has_collection takes three positionals.
        Invalid(
            """
            from pymilvus import connections, utility
            connections.connect(uri="demo.db")
            utility.has_collection("docs", "default", 10, "extra")
            """,
            line=3,
        ),
        Invalid(
            """
            from pymilvus import FieldSchema, DataType
            f = FieldSchema("id", DataType.INT64, "primary key", name="pk")
            """,
            line=2,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            client.create_collection(dimension=8)
            """,
            line=3,
        ),
        # search_iterator refuses offset (ParamError) on every release line before it searches.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            iterator = client.search_iterator(
                "docs", [[0.1] * 8], batch_size=100, offset=1000, output_fields=["id"]
            )
            """,
            line=4,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("demo.db")
            iterator = client.search_iterator("docs", [[0.1] * 8], batch_size=100, offset=1000)
            """,
            line=3,
            pymilvus_version="2.4",
        ),
        Invalid(
            """
            from pymilvus import Collection, connections
            connections.connect(uri="demo.db")
            docs = Collection("docs")
            def pages(skip):
                return docs.search_iterator([[0.1] * 8], "v", {"metric_type": "L2"}, 100, offset=skip)
            """,
            line=5,
            pymilvus_version="2.5",
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        called = self.ctx.shared(ApiCalls).call(node)
        if called is None:
            return
        signature = called.signature
        star_args = any(isinstance(a, ast.Starred) for a in node.args)
        star_kwargs = any(kw.arg is None for kw in node.keywords)
        covered = keywords_covered(self.ctx.options, called.target.name, called.member)
        positional = [] if star_args else node.args
        if not star_args and len(node.args) > len(signature.positional) and not signature.varargs:
            self._too_many(called, node)
            return
        filled = set(signature.positional[: len(positional)])
        for kw in node.keywords:
            if kw.arg is None or kw.arg in covered:
                continue
            if kw.arg in filled:
                self.report(
                    kw,
                    f"Remove `{kw.arg}=` or its positional argument: {called.display} gets "
                    f"`{kw.arg}` twice (TypeError: got multiple values for argument).",
                )
            elif kw.arg not in signature.names and not signature.kwargs:
                self.report(
                    kw,
                    f"Remove `{kw.arg}=`: {called.display} has no such parameter and no "
                    f"**kwargs (TypeError: unexpected keyword argument).",
                    hint=f"{called.display} takes: {', '.join(signature.names)}",
                )
            elif called.target.kind == "instance" and kw.arg in self._rejects(called):
                self._rejected(called, kw)
        if not (star_args or star_kwargs):
            given = filled | {kw.arg for kw in node.keywords}
            missing = [p for p in signature.names if p in signature.required and p not in given]
            if missing:
                self.report(
                    node,
                    f"Pass `{missing[0]}`: {called.display} requires it (TypeError: missing "
                    "required argument).",
                    hint=f"{called.display} takes: {', '.join(signature.names)}",
                )
        for parameter, argument in zip(signature.positional, positional, strict=False):
            self._check_lands(called, signature, parameter, argument)

    @staticmethod
    def _rejects(called: Called) -> dict[str, str]:
        return api.current().rejects(called.target.name, called.member)

    def _rejected(self, called: Called, kw: ast.keyword) -> None:
        """A keyword pymilvus refuses before reading it (`offset` of search_iterator): a
        ParamError for any value but 0."""
        value = kw.value
        if isinstance(value, ast.Constant) and value.value is not None and value.value == 0:
            return  # `offset=0` passes the check
        if not isinstance(value, ast.Constant) and self.ctx.literal(value) == 0:
            return
        when = "" if isinstance(value, ast.Constant) else f" unless `{kw.arg}` is 0"
        message = self._rejects(called)[kw.arg]
        self.report(
            kw,
            f"Remove `{kw.arg}=`: {called.display} raises ParamError on pymilvus "
            f'{api.current().version}{when} ("{message}"); an iterator starts at the first '
            "hit and pages with next(). For one page at an offset, use search(..., offset=, "
            "limit=).",
            hint=f"{called.display}(...) without {kw.arg}=, then iterator.next() page by page",
        )

    def _too_many(self, called: Called, node: ast.Call) -> None:
        count = len(called.signature.positional)
        self.report(
            node.args[count],
            f"Pass at most {count} positional argument{'s' if count != 1 else ''} to "
            f"{called.display}: it takes {', '.join(called.signature.positional) or 'none'} by "
            "position (TypeError: too many positional arguments).",
            hint="name the extra arguments as keywords",
        )

    def _check_lands(self, called, signature: Signature, parameter: str, argument) -> None:
        """A literal whose type cannot be the parameter's, judged by its literal default."""
        default = signature.defaults.get(parameter)
        given = _kind(self.ctx, argument)
        expected = _default_kind(default)
        if given is None or expected is None or given == expected:
            return
        if {given, expected} == {"number"}:
            return
        self.report(
            argument,
            f"Pass `{_short(self.ctx.text(argument))}` by keyword: at position "
            f"{signature.positional.index(parameter) + 1} of {called.display} it lands in "
            f"`{parameter}` (default {default}), which takes a {_NAMES[expected]}, not a "
            f"{_NAMES[given]}.",
            hint=f"{called.display}({', '.join(signature.positional)})",
        )


_NAMES = {"number": "number", "string": "string", "list": "list", "dict": "dict"}


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 30 else text[:27] + "..."


def _kind(ctx, expr: ast.expr) -> str | None:
    if isinstance(expr, ast.JoinedStr):
        return "string"
    if isinstance(expr, (ast.List, ast.ListComp)):
        return "list"
    if isinstance(expr, (ast.Dict, ast.DictComp)):
        return "dict"
    value = ctx.literal(expr)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return None


def _default_kind(default: str | None) -> str | None:
    """The type a literal default shows: `1000`, `-1`, `10.0` number; `''` string."""
    if default is None:
        return None
    text = default.lstrip("-")
    if text.replace(".", "", 1).isdigit():
        return "number"
    if len(default) >= 2 and default[0] == default[-1] and default[0] in "'\"":
        return "string"
    return None
