"""Reading the arguments of an ORM call as its signature binds them, and reading literals."""

from __future__ import annotations

import libcst as cst


class Unbindable(Exception):
    """The call's arguments cannot be read statically (`*args`, `**kwargs`, too many)."""


def bind_args(call: cst.Call, params: tuple[str, ...]) -> dict[str, cst.Arg]:
    """{parameter: Arg} the way Python binds `call` to a function with these parameters.

    Keywords not in `params` are kept under their own name (the caller decides whether they are
    allowed). Works the same on the original call and on its updated copy in the transformer.
    """
    bound: dict[str, cst.Arg] = {}
    positional = [a for a in call.args if a.keyword is None]
    if any(a.star for a in call.args) or len(positional) > len(params):
        raise Unbindable("star arguments or too many positional arguments")
    for param, arg in zip(params, positional, strict=False):
        bound[param] = arg
    for arg in call.args:
        if arg.keyword is not None:
            if arg.keyword.value in bound:
                raise Unbindable(f"`{arg.keyword.value}` given twice")
            bound[arg.keyword.value] = arg
    return bound


def string_value(node: cst.CSTNode | None) -> str | None:
    """The value of a plain string literal (no f-string), else None."""
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def bool_value(node: cst.CSTNode | None) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


def literal_text(node: cst.CSTNode | None) -> str | None:
    """The text of a str or int literal, as it would read inside a URI."""
    if (text := string_value(node)) is not None:
        return text
    if isinstance(node, cst.Integer):
        return str(node.evaluated_value)
    return None
