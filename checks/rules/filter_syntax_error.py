"""MV140 filter-syntax-error."""

from __future__ import annotations

import ast

from checks.expr.calls import Filters, FilterUse
from checks.fixes import Fixer, short, string_like
from checks.rules.base import Invalid, Rule

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~3 ms per hook run

if TYPE_CHECKING:
    from checks.expr.mistakes import Problem


class RewriteFilter(Fixer):
    """Replace a filter literal with the expression the detector rewrote (same quotes)."""

    local = True
    confined = True

    def leave_SimpleString(self, original_node, updated_node):
        for diagnostic in self.diagnostics_within(original_node):
            literal = diagnostic.fix_data.get("literal")
            if literal is None or tuple(literal) != self.module_span(original_node):
                continue
            if original_node.evaluated_value != diagnostic.fix_data["before"]:
                self.declined(diagnostic)
                continue
            replacement = string_like(original_node, diagnostic.fix_data["after"])
            if replacement is None:
                self.declined(diagnostic)
                continue
            self.fixed(
                diagnostic, f"filter {short(original_node.value)} → {short(replacement.value)}"
            )
            return replacement
        return updated_node


class FilterSyntaxError(Rule):
    """Filter expression that the Milvus server cannot parse, or reads as something else."""

    code = "MV140"
    name = "filter-syntax-error"
    severity = "error"
    pymilvus_only = True
    fix = "safe"
    fixer = RewriteFilter
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient
        client = MilvusClient("milvus.db")
        client.query("docs", filter='meta["lang"] == "en" and year >= 2020', limit=5)
        client.query("docs", filter="id in [1, 2, 3] or title like 'Intro%'", limit=5)
        client.search("docs", [[0.1, 0.2]], filter="1 < price <= 9.5 && not (sold == true)")
        client.delete("docs", filter="array_contains(tags, 'old')")
        client.query_iterator("docs", batch_size=100, filter="json_contains_any(meta['t'], [1, 2])")
        """,
        # Templates, f-strings and format holes are opaque values.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("milvus.db")
        client.query("docs", filter=f"id in {ids}", limit=5)
        client.query("docs", filter=f"{field} {op} {value}", limit=5)
        client.query("docs", filter="source == '{}'".format(source), limit=5)
        client.query("docs", filter="age > %d and name == '%s'" % (age, name), limit=5)
        client.query("docs", filter="age > {min_age}", filter_params={"min_age": 3}, limit=5)
        client.query("docs", filter="age > {min_age}", filter_params=params, limit=5)
        client.query("docs", filter="age > {min_age}", **options)
        """,
        # Not a pymilvus call, or a filter we cannot read.
        """
        import re
        from pymilvus import MilvusClient
        re.search("a = b", text)
        es.search(index="x", filter="a = b")
        client = MilvusClient("milvus.db")
        client.query("docs", filter=build_filter(), limit=5)
        """,
        # Another library's client with a `filter=` of its own language (STAC CQL2 here).
        """
        from pymilvus import MilvusClient
        from pystac_client import Client
        catalog = Client.open("https://earth-search.aws.element84.com/v1")
        catalog.search(filter="productType = 'S2MSI2A'", collections=["sentinel-2"])
        """,
        # ORM Collection: expr.
        """
        from pymilvus import Collection
        col = Collection("docs")
        col.query(expr="pk >= 0", output_fields=["pk"])
        col.delete('pk in [1, 2]')
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.query("docs", filter='lang = "en"', limit=5)
            """,
            line=3,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.query("docs", filter='lang == "en"', limit=5)
            """,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            rows = client.query("docs", filter="status nin ['a', 'b']", limit=5)
            """,
            line=3,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            rows = client.query("docs", filter="status not in ['a', 'b']", limit=5)
            """,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            hits = client.search("docs", [[0.1, 0.2]], filter="metadata.category == 'api'")
            """,
            line=3,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            hits = client.search("docs", [[0.1, 0.2]], filter="metadata['category'] == 'api'")
            """,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.delete("docs", filter="deleted_at == null")
            """,
            line=3,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.delete("docs", filter="deleted_at is null")
            """,
        ),
        # On Milvus 2.4 upper-case AND is no keyword: a server refuses it, Milvus Lite drops the rest.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.query("docs", filter="age > 1 AND age < 9", limit=5)
            """,
            line=3,
            pymilvus_version="2.4",
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.query("docs", filter="age > 1 and age < 9", limit=5)
            """,
        ),
        # A JSON key written without quotes (a struct field only on Milvus 3.0).
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.query("docs", filter="meta[lang] == 'en'", limit=5)
            """,
            line=3,
            pymilvus_version="2.6",
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.query("docs", filter="meta['lang'] == 'en'", limit=5)
            """,
        ),
        # Wrong arity: the key belongs in the path.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.query("docs", filter='json_contains_any(meta, ["a"], "tags")', limit=5)
            """,
            line=3,
        ),
        # A template variable without filter_params: the f prefix is missing.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            def by_source(source):
                return client.query("docs", filter="source == {source}", limit=5)
            """,
            line=4,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus.db")
            client.query("docs", filter="age > {a}", filter_params={"b": 1}, limit=5)
            """,
            line=3,
        ),
        # A filter bound to a name, split over lines; the ORM's expr.
        Invalid(
            """
            from pymilvus import Collection
            col = Collection("docs")
            expr = (
                "year >= 2020 "
                "and lang = 'en'"
            )
            col.query(expr, output_fields=["id"])
            """,
            line=5,
        ),
        Invalid(
            """
            from pymilvus import AnnSearchRequest
            req = AnnSearchRequest([[0.1]], "dense", {}, limit=5, expr=f"source = '{src}'")
            """,
            line=2,
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        filters = self.ctx.shared(Filters)
        use = filters.first_use(node)
        problem = filters.syntax_problem(use) if use is not None else None
        if problem is None:
            return
        fix_data = _fix_data(use, problem)
        self.report(
            use.place(problem.start, problem.end),
            f"{problem.message}.",
            hint=problem.hint,
            fix="safe" if fix_data else "none",
            fix_data=fix_data,
        )


def _fix_data(use: FilterUse, problem: Problem) -> dict:
    """The literal to rewrite and its text before and after; {} when there is no certain
    rewrite, or the filter is not one plain literal token without escapes (its text is then
    not the filter, quote for quote)."""
    node = use.filter.node
    if (
        problem.fixed is None
        or use.filter.holes
        or not isinstance(node, ast.Constant)
        or node.lineno != node.end_lineno
    ):
        return {}
    # The literal's span in characters, as libcst counts them (ast counts UTF-8 bytes).
    line, column = node.lineno, _char(use, node.lineno, node.col_offset)
    end_column = _char(use, node.lineno, node.end_col_offset)
    body = use.lines[line - 1][column:end_column].lstrip("uU")
    if len(body) < 2 or body[0] != body[-1] or body[0] not in "'\"" or body[1:-1] != node.value:
        return {}
    return {
        "literal": (line, column, line, end_column),
        "before": use.filter.text,
        "after": problem.fixed,
    }


def _char(use: FilterUse, line: int, byte_offset: int) -> int:
    text = use.lines[line - 1]
    return byte_offset if text.isascii() else len(text.encode()[:byte_offset].decode())
