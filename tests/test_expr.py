"""checks.expr: the filter parser, its dialects, and filters read from Python source."""

import ast
import re
import textwrap
import warnings
from pathlib import Path

import pytest

from checks.engine import Options, check_source, split_lines
from checks.expr import ExprSyntaxError, dialect_for, parse
from checks.expr.lexer import HOLE
from checks.expr.source import read_filter

REPO = Path(__file__).resolve().parents[1]
NEWEST = dialect_for("3.0")


def shape(node) -> str:
    """A compact s-expression of a parse tree, for precedence tests."""
    if not node.children:
        return str(node.value) if node.value is not None else node.kind
    inner = " ".join(shape(child) for child in node.children)
    return f"({node.op or node.kind} {inner})"


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("a > 1 and b < 2 or c == 3", "(or (and (> a 1) (< b 2)) (== c 3))"),
        ("not a == b", "(== (not a) b)"),  # ANTLR: a prefix binds tighter than ==
        ("-a ** 2 > 1", "(> (- (** a 2)) 1)"),
        ("a + b * c == 1", "(== (+ a (* b c)) 1)"),
        ("1 < a <= 5", "(< <= 1 a 5)"),
        ("a not in [1, 2]", "(not in a (array 1 2))"),
        ("a in [1, 2,]", "(in a (array 1 2))"),
        ('meta["k"][0] == "x"', "(== ('meta', ['k', 0]) x)"),
        ("a like 'x%' && b", "(&& (like a x%) b)"),
        ("json_contains(m['t'], 1) || array_length(t) == 2", None),
    ],
)
def test_precedence_follows_the_grammar(text, tree):
    parsed = parse(text, NEWEST)
    if tree is not None:
        assert shape(parsed.tree) == tree


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("age = 1", 4),
        ("meta.a == 1", 4),
        ("a nin [1]", 2),
        ("a > 1 b", 6),
        ("(a > 1", 6),
        ("json_contains_any(m, [1], 'k')", 24),
        ("a in [1, 2", 10),
    ],
)
def test_errors_carry_the_exact_offset(text, offset):
    with pytest.raises(ExprSyntaxError) as error:
        parse(text, NEWEST)
    assert error.value.start == offset


@pytest.mark.parametrize(
    ("text", "feature", "line"),
    [
        ("a is null", "is_null", "2.5"),
        ("a > {x}", "template", "2.5"),
        ("text_match(t, 'x')", "text_match", "2.5"),
        ("a not  in [1]", "spaced_not_in", "2.5"),
        ("random_sample(0.1)", "random_sample", "2.6"),
        ('m["k"] is null', "json_is_null", "2.6"),
        ("a =~ 'x'", "regex", "3.0"),
        ("a == r'x'", "raw_string", "3.0"),
        ("a[b] == 1", "struct_field", "3.0"),
    ],
)
def test_features_are_gated_by_release(text, feature, line):
    assert feature in {f for f, _, _ in parse(text, NEWEST).features}
    assert feature in dialect_for(line).features
    older = f"2.{int(line.split('.')[1]) - 1}" if line.startswith("2.") else "2.6"
    assert feature not in dialect_for(older).features


def test_keywords_of_newer_releases_are_names_in_older_ones():
    assert parse("iso == 1", dialect_for("2.5")).tree.kind == "compare"
    assert parse("a > 1 AND b < 2", dialect_for("2.5")).tree.op == "AND"
    with pytest.raises(ExprSyntaxError):
        parse("a > 1 AND b < 2", dialect_for("2.4"))  # no keyword there


def _filter(source: str):
    source = textwrap.dedent(source).lstrip("\n")
    tree = ast.parse(source)
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.keywords)
    return read_filter(call.keywords[0].value, split_lines(source)), source


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ('q(filter="a == 1")', "a == 1"),
        ("q(filter='a == \"x\\\\n\"')", 'a == "x\\n"'),
        ('q(filter=("a > 1 "\n  "and b < 2"))', "a > 1 and b < 2"),
        ('q(filter="""\n  a > 1\n""")', "\n  a > 1\n"),
        ("q(filter=r\"a == '\\d'\")", "a == '\\d'"),
        ('q(filter=f"id in {ids} and x == {{1}}")', f"id in {HOLE} and x == {{1}}"),
        ("q(filter=\"name == '{}'\".format(n))", f"name == '{HOLE}'"),
        ("q(filter=\"a > %d and b == '%s'\" % (1, n))", f"a > {HOLE} and b == '{HOLE}'"),
    ],
)
def test_filters_are_read_as_python_reads_them(source, text):
    found, _ = _filter(source)
    assert found.text == text


def test_places_map_back_through_escapes_and_lines():
    found, source = _filter(
        """
        q(filter=("a == \\"x\\" "
                  "and b = 2"))
        """
    )
    offset = found.text.index("=", found.text.index("b"))
    line, column = found.place(offset)
    assert split_lines(source)[line - 1][column] == "="
    assert (line, column) == (2, 17)


def test_a_finding_lands_on_the_character():
    source = textwrap.dedent(
        """
        from pymilvus import MilvusClient
        client = MilvusClient("x.db")
        client.query("d", filter=f"n == '{n}é' and " 'x = 1', limit=1)
        """
    ).lstrip("\n")
    [diagnostic] = check_source(source, Options(), "x.py").diagnostics
    line = source.splitlines()[diagnostic.line - 1]
    assert line[diagnostic.column - 1] == "="
    assert diagnostic.code == "MV140"


@pytest.mark.parametrize(
    ("call", "span"),
    [
        ("filter='deleted_at == null'", "deleted_at == null"),
        ('filter=("a > 1 and "\n    "deleted_at == null")', "deleted_at == null"),
        ('filter=f"bot == {name}"', "{name}"),
        ('filter="bot == {}".format(name)', "{}"),
    ],
)
def test_a_finding_that_ends_the_filter_stops_at_the_closing_quote(call, span):
    source = (
        "from pymilvus import MilvusClient\n"
        'client = MilvusClient("http://localhost:19530")\n'
        'name = "x"\n'
        f'client.query("d", {call}, limit=1)\n'
    )
    [diagnostic] = check_source(source, Options(), "x.py").diagnostics
    assert diagnostic.line == diagnostic.end_line
    line = source.splitlines()[diagnostic.line - 1]
    assert line[diagnostic.column - 1 : diagnostic.end_column - 1] == span


PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
FILTER_CALL = re.compile(r"\b(?:filter|expr)\s*=\s*(['\"])(.*?)\1")


def _repository_filters():
    """Filters written as literals in the guide's good examples, README and tests' valid code."""
    sources = [p for p in (REPO / "guide").glob("*/*.md")]
    sources += [p for p in (REPO / "guide").glob("*/rules/*.md")]
    sources += [REPO / "README.md"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        if "/rules/" in str(path):
            good = text.split("## Good example", 1)[-1].split("##", 1)[0]
            text = good
        for block in PYTHON_BLOCK.findall(text):
            for _, expression in FILTER_CALL.findall(block):
                if "{" not in expression and expression.strip():
                    yield pytest.param(expression, id=f"{path.name}:{expression[:30]}")


@pytest.mark.parametrize("expression", list(_repository_filters()))
def test_every_filter_in_the_guide_parses(expression):
    parse(expression, NEWEST)


def test_every_valid_example_filter_is_silent():
    """No rule example written as VALID draws a filter finding (MV140-MV144)."""
    from checks.rules import ALL_RULES
    from checks.rules.base import Valid, example_source

    for rule in ALL_RULES:
        for example in rule.VALID:
            code = example.code if isinstance(example, Valid) else example
            version = example.pymilvus_version if isinstance(example, Valid) else None
            result = check_source(example_source(code), Options(pymilvus_version=version or "3.0"))
            found = [d for d in result.diagnostics if d.code.startswith("MV14")]
            assert not found, (rule.code, found)


def _docs_filters():
    path = REPO / "tests" / "fixtures" / "milvus_docs_filters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            yield pytest.param(line, id=line[:40])


@pytest.mark.parametrize("expression", list(_docs_filters()))
def test_every_filter_of_the_milvus_docs_passes(expression):
    """Public docs code: parses for Milvus 3.0 with nothing to report."""
    from checks.expr import mistakes

    parsed = parse(expression, NEWEST)
    assert mistakes.lint(parsed, expression, NEWEST) is None
    assert mistakes.too_new(parsed, expression, NEWEST, set()) is None


def test_literals_decode_as_python_does():
    """Random literal sequences (prefixes, quotes, escapes, continuations): the filter text read
    from the source is the string Python builds, and every character has a place."""
    import random

    rnd = random.Random(7)
    pieces = ["a", " ", "\\n", "\\t", "\\\\", "\\'", '\\"', "\\x41", "\\101", "\\u00e9",
              "\\N{BULLET}", "é", "{{", "%", "'", '"', "\\\n", "\\d"]  # fmt: skip
    checked = 0
    for _ in range(3000):
        parts = []
        for _ in range(rnd.randint(1, 3)):
            prefix = rnd.choice(["", "r", "u", "R"])
            quote = rnd.choice(["'", '"', "'''", '"""'])
            body = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 6)))
            parts.append(prefix + quote + body + quote)
        source = "q(filter=(" + rnd.choice([" ", "\n    ", " \\\n "]).join(parts) + "))\n"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # `\d`: an invalid escape, on purpose
                node = ast.parse(source).body[0].value.keywords[0].value
        except SyntaxError:
            continue
        found = read_filter(node, split_lines(source))
        assert found is not None, source
        assert found.text == node.value, source
        assert len(found.positions) == len(found.text) + 1
        checked += 1
    assert checked > 1500
