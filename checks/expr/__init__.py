"""The Milvus filter language: parse a filter, say where the server would refuse it.

    from checks.expr import parse, dialect_for
    parsed = parse('meta["lang"] == "en" and year > 2020', dialect_for("2.5"))
    parsed.tree                 # checks.expr.parser.Node
    parsed.features             # constructs newer than some release, with their offsets

`parse` raises `ExprSyntaxError(start, end, message)` with offsets inside the expression.
`checks.expr.source` finds the filters of pymilvus calls in Python source and maps those
offsets back to lines and columns; `checks.expr.mistakes` names the usual mistakes and their
fixes. Stdlib only: this runs on the hook path, and only for calls that pass a filter.
"""

from checks.expr.dialects import NEWEST, Dialect, dialect_for

__all__ = ["NEWEST", "Dialect", "ExprSyntaxError", "Node", "Parsed", "dialect_for", "parse"]


def __getattr__(name: str):
    # The parser is loaded on first use: a module with no filter never needs it.
    if name in ("ExprSyntaxError", "Node", "Parsed", "parse"):
        from checks.expr import parser

        return getattr(parser, name)
    raise AttributeError(name)
