"""The engine's walks: every child node is seen, whatever the syntax, and the semantic model
answers each question once and ends on cycles."""

from __future__ import annotations

import ast
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from checks.engine import check_source
from checks.semantic import CHILD_FIELDS, _children, fields_holding_nodes

LEAVES = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
SYNTAX = """
import a.b as c
from . import d
@decorator(x := 1)
async def f(p: int = 2, /, q=3, *args: str, r, s=4, **kw) -> list[int]:
    global g
    async with ctx() as (u, v), other:
        async for i in aiter():
            await i
    try:
        pass
    except* (ValueError, TypeError) as e:
        raise e from None
    finally:
        del w[0], w.x
    match p:
        case {"k": 1, **rest} if rest: ...
        case [1, *others] | (2 | 3): ...
        case Point(x=0, y=_) as pt: ...
        case None: ...
    return [y async for y in z if y] + {k: v for k, v in m} or {*s} and {**{}, 1: 2} and f"{p!r:>{q}}"
class K(Base, metaclass=M):
    lam = lambda a, *, b=1: a if b else -a
    x: int
    x += 1
    assert x, "no"
    while not x < 2 <= 3:
        break
    else:
        continue
    s = t[1:2:3, ...]
"""


def stdlib_trees():
    library = Path(sysconfig.get_paths()["stdlib"])
    for name in ("ast.py", "typing.py", "dataclasses.py", "asyncio/tasks.py", "pathlib.py"):
        yield ast.parse((library / name).read_text(encoding="utf-8"))
    yield ast.parse(SYNTAX)


@pytest.mark.parametrize("tree", list(stdlib_trees()))
def test_children_are_ast_children_less_contexts_and_operators(tree):
    for node in ast.walk(tree):
        expected = [c for c in ast.iter_child_nodes(node) if not isinstance(c, LEAVES)]
        assert _children(node) == expected, ast.dump(node)[:200]
        if CHILD_FIELDS[type(node)] is not None:
            found = fields_holding_nodes(node)
            assert set(found) <= set(CHILD_FIELDS[type(node)]), type(node)


def test_a_self_attribute_assigned_itself_is_unknown_not_a_crash():
    source = """
from pymilvus import MilvusClient

class Store:
    def __init__(self):
        self.client = self.client
        self.other = MilvusClient("http://localhost:19530")

    def find(self):
        self.client.search("docs", data=[[0.1]], top_k=3)
        self.other.search("docs", data=[[0.1]], top_k=3)
"""
    result = check_source(source)
    assert result.error is None
    assert [(d.code, d.line) for d in result.diagnostics] == [("MV102", 11)]


def test_whether_an_orm_module_is_on_milvus_lite_is_worked_out_once():
    """flow.on_milvus_lite is asked for each ORM event; walking the module each time made a
    50,000-line check take 6 s instead of 2.6 s."""
    from checks import flow
    from checks.semantic import SemanticModel

    source = "from pymilvus import Collection, connections\nconnections.connect(uri='a.db')\n"
    model = SemanticModel(ast.parse(source + "Collection('c').load()\n" * 50))
    walks = 0

    class CountedWalks(list):
        def __iter__(self):
            nonlocal walks
            walks += 1
            return super().__iter__()

    model.nodes = CountedWalks(model.nodes)
    assert all(flow._orm_on_milvus_lite(model) for _ in range(50))
    assert walks == 1


# --- routing: which visitors see which nodes ---------------------------------------------------

ROUTED = """
import re
import numpy as np
from pymilvus import MilvusClient as MC, DataType

client = MC("demo.db")
name = "docs"

class Store:
    def __init__(self):
        self.client = MC("demo.db")

    def find(self, q):
        return self.client.search(name, [q])

client.search(name, [[0.1]])
re.search("a", name)
np.array([1]).tolist()
clients = [client]
clients[0].search(name, [[0.1]])
name.upper()
print(DataType.INT64)
"""


def _seen(source: str, *visitor_classes) -> list:
    from checks.engine import Context, Options, Traversal
    from checks.semantic import SemanticModel

    tree = ast.parse(source)
    ctx = Context(SemanticModel(tree), source, Options())
    visitors = [cls(ctx) for cls in visitor_classes]
    Traversal(ctx, visitors).run(tree)
    return visitors


def _recorder(only_pymilvus: bool, names=None):
    from checks.rules.base import Rule

    class Recorder(Rule):
        code, name, severity = "MV000", "recorder", "info"
        pymilvus_only = only_pymilvus
        call_names = names

        def __init__(self, ctx):
            super().__init__(ctx)
            self.calls, self.attributes = [], []

        def visit_Call(self, node):
            self.calls.append(ast.unparse(node.func))

        def visit_Attribute(self, node):
            self.attributes.append(ast.unparse(node))

    return Recorder


def test_a_pymilvus_only_visitor_sees_what_may_be_pymilvus_and_nothing_else():
    routed, everything = _seen(ROUTED, _recorder(True), _recorder(False))
    assert routed.calls == ["MC", "MC", "self.client.search", "client.search"]
    assert routed.attributes == [
        "self.client", "self.client.search", "self.client", "client.search", "DataType.INT64"
    ]  # fmt: skip
    # Aliases, `self` and pymilvus imports pass; re, numpy, subscripts and literals do not.
    assert everything.calls == [
        "MC", "MC", "self.client.search", "client.search", "re.search", "np.array([1]).tolist",
        "np.array", "clients[0].search", "name.upper", "print",
    ]  # fmt: skip


def test_call_names_and_pymilvus_only_both_apply():
    (searches,) = _seen(ROUTED, _recorder(True, frozenset({"search"})))
    assert searches.calls == ["self.client.search", "client.search"]


def test_a_visitor_switched_off_in_init_is_never_called():
    from checks.rules.base import Rule

    class NoNames(Rule):
        code, name, severity = "MV000", "no-names", "info"

        def __init__(self, ctx):
            super().__init__(ctx)
            self.visit_Name = None  # this module needs none

        def visit_Name(self, node):
            raise AssertionError("switched off")

    _seen(ROUTED, NoNames)


def test_routing_changes_no_finding_of_any_rule_example(monkeypatch):
    """Rule.pymilvus_only is a promise that the rule finds nothing in other nodes: every rule
    example gives the same findings with every node routed to every visitor."""
    from checks.engine import Options
    from checks.rules import ALL_RULES
    from checks.rules.base import example_source
    from checks.semantic import SemanticModel

    sources = [
        example_source(getattr(example, "code", example))
        for rule in ALL_RULES
        for example in [*rule.VALID, *rule.INVALID]
    ]
    options = [Options(pymilvus_version=v) for v in ("2.4", "3.0")]
    routed = [check_source(s, o) for s in sources for o in options]
    monkeypatch.setattr(SemanticModel, "may_be_pymilvus", lambda self, expr, scope: True)
    unrouted = [check_source(s, o) for s in sources for o in options]
    assert routed == unrouted
    assert sum(len(r.diagnostics) for r in routed) > len(sources)  # the examples do report


def test_a_check_leaves_no_reference_cycles():
    """A check's tree and models are freed by reference counting when it returns: garbage in
    cycles would wait for the cyclic collector, which then walks every node of it again (a
    tenth of a CLI run). A new cycle (an object holding what holds it) shows up here: break it
    in `SemanticModel.release` or where the check ends (engine.check_tree)."""
    import gc

    from checks.rules import ALL_RULES
    from checks.rules.base import example_source

    sources = [SYNTAX] + [
        example_source(getattr(example, "code", example))
        for rule in ALL_RULES
        for example in (*rule.VALID, *rule.INVALID)
    ]
    for source in sources:  # first use: lazy imports and caches
        check_source(source)
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for source in sources:
            check_source(source)
        gc.collect()
        kinds = sorted({type(o).__qualname__ for o in gc.garbage})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert kinds == []


def test_preload_leaves_a_check_nothing_to_import():
    """The CLI preloads before it forks its workers: a module a check imports later is imported
    again by every worker. Name what this lists in engine._LAZY_PACKAGES / _LAZY_STDLIB."""
    code = (
        "import sys\n"
        "from checks.engine import Options, check_source, preload\n"
        "from checks.rules import ALL_RULES\n"
        "from checks.rules.base import example_source\n"
        "sources = [example_source(getattr(example, 'code', example))\n"
        "           for rule in ALL_RULES for example in (*rule.VALID, *rule.INVALID)]\n"
        "preload(Options())\n"
        "before = set(sys.modules)\n"
        "for source in sources:\n"
        "    check_source(source, Options())\n"
        "print(' '.join(sorted(set(sys.modules) - before)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_lines_are_counted_as_ast_counts_them(newline):
    from checks.engine import split_lines

    names = [f"name_{n}" for n in range(6)]
    # Mixed endings, form feeds and vertical tabs (str.splitlines would break on them).
    source = "\r\n".join(names[:2]) + newline + "\f" + names[2] + "\r" + "\n".join(names[3:])
    lines = split_lines(source + newline)
    for node in ast.walk(ast.parse(source + newline)):
        if isinstance(node, ast.Name):
            line = lines[node.lineno - 1]
            assert line[node.col_offset : node.end_col_offset] == node.id
    assert len(lines) == len(names) + 1
