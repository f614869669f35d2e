"""Tokens of a Milvus filter, as the lexer rules of Plan.g4 cut them.

ANTLR's lexer takes the longest match at each position, and the rule written first on a tie;
so `android` is one identifier (not `and` + `roid`), `meta["a"]` is one JSON-path token (no
space may sit inside it), `is null` is one token (with exactly one space), and `u"x"` is a
string with an encoding prefix. The lexer cuts the newest grammar's tokens; a token that only a
newer release has carries that feature, and the parser reports it against the target release.
A word that is a keyword only in a release the target is older than stays an identifier there
(a field may be called `iso` on Milvus 2.5).
"""

from __future__ import annotations

import re

from checks.expr.dialects import Dialect
from checks.record import FrozenRecord

HOLE = "\ue000"  # a value the Python code fills in (checks.expr.source): opaque


class Token(FrozenRecord):
    __slots__ = ("end", "feature", "kind", "start", "text")
    kind: str  # INT FLOAT BOOL STRING IDENT META JSON STRUCT SUBFIELD SELF EMPTY HOLE EOF,
    # a keyword's kind (AND, LIKE, JSON_CONTAINS, ...) or the operator itself
    text: str
    start: int  # offsets in the expression
    end: int
    feature: str | None  # the grammar feature this spelling needs

    def __init__(
        self,
        kind: str,
        text: str,
        start: int,
        end: int,
        feature: str | None = None,
    ) -> None:
        self.kind = kind
        self.text = text
        self.start = start
        self.end = end
        self.feature = feature

    def _key(self) -> tuple:
        return (self.kind, self.text, self.start, self.end, self.feature)


class LexError(Exception):
    def __init__(self, offset: int, text: str):
        super().__init__(f"unexpected character {text!r}")
        self.offset = offset
        self.text = text


# Word keywords: lower-case spelling -> (token kind, feature needed or None).
KEYWORDS: dict[str, tuple[str, str | None]] = {
    "like": ("LIKE", None),
    "exists": ("EXISTS", None),
    "and": ("AND", None),
    "or": ("OR", None),
    "not": ("NOT", None),
    "in": ("IN", None),
    "true": ("BOOL", None),
    "false": ("BOOL", None),
    "json_contains": ("JSON_CONTAINS", None),
    "json_contains_all": ("JSON_CONTAINS_ALL", None),
    "json_contains_any": ("JSON_CONTAINS_ANY", None),
    "array_contains": ("JSON_CONTAINS", None),
    "array_contains_all": ("JSON_CONTAINS_ALL", None),
    "array_contains_any": ("JSON_CONTAINS_ANY", None),
    "array_length": ("ARRAY_LENGTH", None),
    "text_match": ("TEXT_MATCH", "text_match"),
    "phrase_match": ("PHRASE_MATCH", "phrase_match"),
    "random_sample": ("RANDOM_SAMPLE", "random_sample"),
    "element_filter": ("ELEMENT_FILTER", "element_filter"),
    "match_all": ("MATCH_SIMPLE", "match_functions"),
    "match_any": ("MATCH_SIMPLE", "match_functions"),
    "match_least": ("MATCH_THRESHOLD", "match_functions"),
    "match_most": ("MATCH_THRESHOLD", "match_functions"),
    "match_exact": ("MATCH_THRESHOLD", "match_functions"),
    "st_equals": ("ST_BINARY", "geo"),
    "st_touches": ("ST_BINARY", "geo"),
    "st_overlaps": ("ST_BINARY", "geo"),
    "st_crosses": ("ST_BINARY", "geo"),
    "st_contains": ("ST_BINARY", "geo"),
    "st_intersects": ("ST_BINARY", "geo"),
    "st_within": ("ST_BINARY", "geo"),
    "st_dwithin": ("ST_DWITHIN", "geo"),
    "st_isvalid": ("ST_ISVALID", "geo"),
    "interval": ("INTERVAL", "timestamptz"),
    "iso": ("ISO", "timestamptz"),
    "threshold": ("THRESHOLD", "match_functions"),
    "minimum_should_match": ("MINIMUM_SHOULD_MATCH", "text_match_option"),
}
# BooleanConstant has had True/TRUE since the first grammar; AND/OR/NOT/IN gained their
# upper-case spelling in 2.5; every other keyword has always been `lower | UPPER`.
_TITLE_OK = frozenset({"true", "false"})
_UPPER_NEEDS_FEATURE = frozenset({"and", "or", "not", "in"})

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPACE = re.compile(r"[ \t\r\n]+")
_INT = re.compile(r"0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*")
_FLOAT = re.compile(
    r"0[xX](?:[0-9a-fA-F]*\.[0-9a-fA-F]+|[0-9a-fA-F]+\.?)[pP][+-]?[0-9]+"
    r"|(?:[0-9]*\.[0-9]+|[0-9]+\.)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+"
)
# EscapeSequence of Plan.g4 up to 2.6 (and `\%`, `\_` for `like`, which 2.4 accepts); the
# newest grammar allows `\` before any character.
_ESCAPE = r"\\(?:['\"?abfnrtv\\%_]|[0-7]{1,3}|x[0-9a-fA-F]+|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|\r?\n)"
_STRICT_STRING = re.compile(
    rf"(?:u8|u|U|L)?(?:\"(?:[^\"\\\r\n]|{_ESCAPE})*\"|'(?:[^'\\\r\n]|{_ESCAPE})*')"
)
_LOOSE_STRING = re.compile(
    r"(?:u8|u|U|L)?(?:\"(?:[^\"\\\r\n]|\\[^\r\n]|\\\r?\n)*\"|'(?:[^'\\\r\n]|\\[^\r\n]|\\\r?\n)*')"
)
_RAW_STRING = re.compile(r"[rR](?:\"(?:[^\"\\\r\n]|\\[^\r\n])*\"|'(?:[^'\\\r\n]|\\[^\r\n])*')")
_DECIMAL = r"(?:[1-9][0-9]*|0)"
_JSON_PATH = re.compile(
    rf"(?:[A-Za-z_][A-Za-z0-9_]*|\$meta)"
    rf"(?:\[(?:{_LOOSE_STRING.pattern}|{_RAW_STRING.pattern}|{_DECIMAL})\])+"
)
_STRUCT_INDEX = re.compile(rf"[A-Za-z_][A-Za-z0-9_]*\[{_DECIMAL}\]\[[A-Za-z_][A-Za-z0-9_]*\]")
_STRUCT_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\[[A-Za-z_][A-Za-z0-9_]*\]")
_SUBFIELD = re.compile(r"\$\[[A-Za-z_][A-Za-z0-9_]*\]")
_EMPTY_ARRAY = re.compile(r"\[[ \t\r\n]*\]")
_IS_NULL = re.compile(
    r"(?:is|IS|[iI][sS]) (?:not |NOT |[nN][oO][tT] )?(?:null|NULL|[nN][uU][lL][lL])"
)
# Longest first: `**` before `*`, `<=` before `<`, `=~` before `=`.
_OPERATOR = re.compile(r"\*\*|<<|>>|<=|>=|==|!=|=~|!~|&&|\|\||[<>=+\-*/%&|^~!()\[\]{},]")
_OPERATOR_CHARS = frozenset("<>=+-*/%&|^~!()[]{},.")
_OPERATOR_KIND = {"&&": "AND", "||": "OR", "!": "NOT"}


def tokenize(text: str, dialect: Dialect) -> list[Token]:
    """The expression's tokens, ending with EOF; LexError at a character no rule matches."""
    tokens: list[Token] = []
    position, length = 0, len(text)
    while True:
        space = _SPACE.match(text, position)
        if space:
            position = space.end()
        if position >= length:
            tokens.append(Token("EOF", "", length, length))
            return tokens
        token = _longest(text, position, dialect)
        if token is None:
            raise LexError(position, text[position])
        tokens.append(token)
        position = token.end


def _longest(text: str, position: int, dialect: Dialect) -> Token | None:
    """The token at `position`: the longest candidate, the grammar's first rule on a tie."""
    char = text[position]
    if char == HOLE:
        return Token("HOLE", char, position, position + 1)
    if char in _OPERATOR_CHARS:
        if char == "[":
            match = _EMPTY_ARRAY.match(text, position)
            if match and match.end() - position > 1:
                return Token("EMPTY", match.group(), position, match.end())
        if char != "." or not text[position + 1 : position + 2].isdigit():
            match = _OPERATOR.match(text, position)
            if match is None:
                return None
            operator = match.group()
            kind = _OPERATOR_KIND.get(operator, operator)
            feature = "regex" if operator in ("=~", "!~") else None
            return Token(kind, operator, position, match.end(), feature)
    candidates: list[Token] = []  # in the grammar's order of lexer rules
    if char in "iI":
        match = _IS_NULL.match(text, position)
        if match:
            word = match.group()
            kind = "ISNOTNULL" if " " in word[3:] else "ISNULL"
            mixed = word not in ("is null", "IS NULL", "is not null", "IS NOT NULL")
            candidates.append(
                Token(kind, word, position, match.end(), "mixed_case_keywords" if mixed else None)
            )
    if char.isalpha() or char == "_":
        word_token = _word(text, position, dialect)
        if word_token is not None:
            candidates.append(word_token)
    elif char.isdigit() or char == ".":
        for kind, pattern in (("INT", _INT), ("FLOAT", _FLOAT)):
            match = pattern.match(text, position)
            if match:
                candidates.append(Token(kind, match.group(), position, match.end()))
    if char in "\"'uUL":
        string = _LOOSE_STRING.match(text, position)
        if string:
            strict = _STRICT_STRING.match(text, position)
            exact = strict is not None and strict.end() == string.end()
            candidates.append(
                Token("STRING", string.group(), position, string.end(), None if exact else "escape")
            )
    elif char in "rR":
        raw = _RAW_STRING.match(text, position)
        if raw:
            candidates.append(Token("STRING", raw.group(), position, raw.end(), "raw_string"))
    if (candidates and text[candidates[-1].end : candidates[-1].end + 1] == "[") or char == "$":
        for kind, pattern, feature in (
            ("JSON", _JSON_PATH, None),
            ("STRUCT", _STRUCT_INDEX, "struct_field"),
            ("STRUCT", _STRUCT_FIELD, "struct_field"),
        ):
            match = pattern.match(text, position)
            if match:
                candidates.append(Token(kind, match.group(), position, match.end(), feature))
    if char == "$":
        if text.startswith("$meta", position):
            candidates.append(Token("META", "$meta", position, position + 5))
        match = _SUBFIELD.match(text, position)
        if match:
            candidates.append(
                Token("SUBFIELD", match.group(), position, match.end(), "struct_sub_field")
            )
        candidates.append(Token("SELF", "$", position, position + 1, "element_self"))
    if not candidates:
        return None
    best = candidates[0]
    for candidate in candidates[1:]:
        if candidate.end > best.end:
            best = candidate
    return best


def _word(text: str, position: int, dialect: Dialect) -> Token | None:
    match = _WORD.match(text, position)
    if match is None:
        return None
    word = match.group()
    lower = word.lower()
    keyword = KEYWORDS.get(lower)
    if keyword is None:
        return Token("IDENT", word, position, match.end())
    kind, feature = keyword
    if word != lower:
        if word == word.upper() or (word == word.title() and lower in _TITLE_OK):
            if lower in _UPPER_NEEDS_FEATURE:
                feature = feature or "upper_keywords"
        else:
            feature = feature or "mixed_case_keywords"
    if feature is not None and not dialect.has(feature) and not _called(text, match.end()):
        # Not a keyword in the target's release (a field may be called `iso` or `And` there);
        # a call-like use (`text_match(...)`) stays a keyword, to be reported as too new.
        return Token("IDENT", word, position, match.end())
    return Token(kind, word, position, match.end(), feature)


def _called(text: str, end: int) -> bool:
    space = _SPACE.match(text, end)
    position = space.end() if space else end
    return text.startswith("(", position)
