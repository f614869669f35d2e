"""Which constructs of the filter language each Milvus release line has.

The server's grammar is `internal/parser/planparserv2/Plan.g4` in milvus-io/milvus. The target
pymilvus version stands for the Milvus release line it ships with (pymilvus 2.4.x talks to
Milvus 2.4, 2.5.x to 2.5, ...): a project pinned to pymilvus 2.4 runs against a 2.4 server, and
the filter is parsed by that server. Each feature below names the release line whose grammar
first has it. 2.4 is established by differential testing against milvus-lite 2.4.12, which
runs the 2.4 filter grammar and planner (tests/evidence/test_mv140_filter_syntax.py); the later lines are
read from the grammar at the commits cited in guide/2026.11/rules/MV140.md.

Where two stored grammars of a line disagree, the dialect accepts both (unknown means silent).
"""

from __future__ import annotations

from functools import cache

from checks.record import FrozenRecord

# feature -> (release line, what it is, as the messages name it)
FEATURES: dict[str, tuple[tuple[int, int], str]] = {
    "upper_keywords": ((2, 5), "upper-case `AND`/`OR`/`NOT`/`IN`"),
    "spaced_not_in": ((2, 5), "`not in` written with other than one space"),
    "in_expression": ((2, 5), "`in` followed by something other than a list"),
    "template": ((2, 5), "template variables `{name}`"),
    "is_null": ((2, 5), "`is null` / `is not null`"),
    "text_match": ((2, 5), "`text_match`"),
    "phrase_match": ((2, 5), "`phrase_match`"),
    "call": ((2, 5), "function calls"),
    "json_is_null": ((2, 6), "`is null` on a JSON path"),
    "random_sample": ((2, 6), "`random_sample`"),
    "element_filter": ((2, 6), "`element_filter`"),
    "match_functions": ((2, 6), "`match_all`/`match_any`/`match_least`/`match_most`/`match_exact`"),
    "geo": ((2, 6), "geometry functions (`st_contains`, ...)"),
    "timestamptz": ((2, 6), "timestamp comparisons with `iso`/`interval`"),
    "struct_sub_field": ((2, 6), "struct sub-fields `$[name]`"),
    "text_match_option": ((2, 6), "`minimum_should_match` in `text_match`"),
    "mixed_case_keywords": ((2, 6), "keywords in mixed case"),
    "like_expression": ((3, 0), "`like` followed by something other than a string"),
    "regex": ((3, 0), "regular-expression matches `=~` / `!~`"),
    "raw_string": ((3, 0), 'raw strings `r"..."`'),
    "escape": ((3, 0), "a backslash before a character that is no escape (`\\d`)"),
    "struct_field": ((3, 0), "struct fields `name[field]`"),
    "element_self": ((3, 0), "the element placeholder `$`"),
}


class Dialect(FrozenRecord):
    """The filter language of one Milvus release line."""

    __slots__ = ("features", "line")

    line: tuple[int, int]
    features: frozenset[str]

    def __init__(self, line: tuple[int, int], features: frozenset[str]) -> None:
        self.line = line
        self.features = features

    def _key(self) -> tuple:
        return (self.line, self.features)

    def has(self, feature: str) -> bool:
        return feature in self.features

    @property
    def name(self) -> str:
        return f"{self.line[0]}.{self.line[1]}"


@cache
@cache  # every check asks
def dialect_for(version: str) -> Dialect:
    """The dialect of the release line a pymilvus version targets ("2.4.15", "2.5", "3.0")."""
    parts = version.split(".")
    try:
        line = (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0)
    except ValueError:
        line = (99, 0)
    line = max(line, (2, 4))  # older lines parse as 2.4 does (their grammar is a subset)
    return Dialect(line, frozenset(f for f, (since, _) in FEATURES.items() if since <= line))


NEWEST = dialect_for("99.0")


def since(feature: str) -> str:
    line, _ = FEATURES[feature]
    return f"{line[0]}.{line[1]}"


def describe(feature: str) -> str:
    return FEATURES[feature][1]
