"""Property tests of `rewrite_source`: whatever the program, it never raises, its output
parses, fixing is idempotent and code without findings comes back byte-identical.

Programs come from hypothesmith (random valid Python, after a pymilvus import) and from the
rules' own examples, shuffled and nested in functions, branches and loops, so that fixers
meet each other and unfamiliar surroundings.
"""

from __future__ import annotations

import ast
import textwrap

import hypothesmith
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.engine import Options, check_source
from checks.fixes import rewrite_source
from checks.rules import ALL_RULES
from checks.rules.base import Invalid, Valid, example_source


def _settings(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )


PRELUDE = "from pymilvus import MilvusClient, Collection\n"
OPTIONS = [Options(), Options(edition="2026.01"), Options(pymilvus_version="2.4")]


def _check_rewrite(source: str, options: Options) -> None:
    result = rewrite_source(source, options, unsafe=True)
    ast.parse(result.code)
    if not result.applied:
        assert result.code == source and result.diff == ""
        return
    assert result.diff
    again = rewrite_source(result.code, options, unsafe=True)
    assert again.code == result.code, again.applied
    # What is reported as remaining is what a fresh check finds.
    fresh = check_source(result.code, options).diagnostics
    assert [d.to_dict() for d in fresh] == [d.to_dict() for d in result.remaining]


@_settings(30)
@given(hypothesmith.from_grammar(), st.sampled_from(OPTIONS))
def test_random_programs_from_the_grammar(source, options):
    _check_rewrite(PRELUDE + source, options)


@_settings(15)
@given(hypothesmith.from_node(), st.sampled_from(OPTIONS))
def test_random_programs_from_libcst_nodes(source, options):
    _check_rewrite(PRELUDE + source, options)


def _example_sources() -> list[str]:
    """Every rule's examples; the invalid ones twice, so that most programs have fixes."""
    sources = []
    for rule in ALL_RULES:
        for example in rule.VALID:
            sources.append(example_source(example.code if isinstance(example, Valid) else example))
        for example in rule.INVALID:
            code = example.code if isinstance(example, Invalid) else example
            sources += [example_source(code)] * 2
    return sources


EXAMPLES = _example_sources()
WRAPPERS = [
    lambda s: s,
    lambda s: "def main():\n" + textwrap.indent(s, "    ") + "    return None\n",
    lambda s: "async def main():\n" + textwrap.indent(s, "    ") + "    pass\n",
    lambda s: "if ready:\n" + textwrap.indent(s, "    "),
    lambda s: "for _ in range(2):\n" + textwrap.indent(s, "    "),
    lambda s: "with ctx:\n" + textwrap.indent(s, "    ") + "# trailing comment\n",
    lambda s: "try:\n" + textwrap.indent(s, "    ") + "except Exception:  # keep\n    raise\n",
    lambda s: "class Store:\n" + textwrap.indent(s, "    "),
]


@st.composite
def milvus_programs(draw) -> str:
    parts = draw(st.lists(st.sampled_from(EXAMPLES), min_size=1, max_size=4))
    chunks = []
    for part in parts:
        wrap = draw(st.sampled_from(WRAPPERS))
        chunks.append(wrap(part))
        chunks.append(draw(st.sampled_from(["", "\n", "# between\n", "x = 1; y = 2\n"])))
    return "".join(chunks)


@_settings(80)
@given(milvus_programs(), st.sampled_from(OPTIONS))
def test_programs_made_of_rule_examples(source, options):
    ast.parse(source)
    _check_rewrite(source, options)
