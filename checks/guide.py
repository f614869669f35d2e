"""The versioned correction guide (`guide/`), loaded and validated at this boundary.

`guide/editions.toml` lists the editions; each edition has `guide.md` (its overview) and
`rules/MVxxx.md` (one doc per rule, TOML front matter between `+++` lines, then markdown).
Files are read once per process and cached. A file that does not match the models below raises
`MalformedGuideFile`, naming the file.

Pydantic is imported here and nowhere on the hook path: `checks.engine` never imports this module.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checks.paths import guide_root

CURRENT = "current"
_RULE_FILE = re.compile(r"^MV\d{3}\.md$")
_FENCE = re.compile(r"^\s*(```|~~~)")


class GuideError(ValueError):
    """Something asked of the guide does not exist, or a guide file is malformed."""


class UnknownEdition(GuideError):
    pass


class UnknownRule(GuideError):
    pass


class MalformedGuideFile(GuideError):
    def __init__(self, path: object, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = str(path)


class Edition(BaseModel):
    """One revision of the guide, as listed in `guide/editions.toml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^\d{4}\.\d{2}$", description="Edition id, e.g. 2026.11")
    date: datetime.date = Field(description="Publication date")
    status: Literal["current", "superseded"] = Field(description="current or superseded")
    summary: str = Field(min_length=1, description="What the edition is and what it changed")


class Evidence(BaseModel):
    """Why a rule holds: a source, a doc, an issue, or an executed test in this repo."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["client-source", "server-source", "server-docs", "issue", "discussion", "test"]
    ref: str = Field(min_length=1)
    note: str = ""


class RuleDoc(BaseModel):
    """One rule's doc in one edition: front matter plus the markdown body."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^MV\d{3}$")
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(min_length=1)
    severity: Literal["error", "warning", "info"]
    fix: Literal["safe", "unsafe", "none"]
    pymilvus: str = Field(min_length=1, description="PEP 440 specifier of the pymilvus versions")
    status: Literal["active", "retired"]
    summary: str = Field(min_length=1)
    evidence: tuple[Evidence, ...] = ()
    edition: str = Field(description="The edition this doc belongs to (from its directory)")
    body: str = Field(description="The markdown after the front matter")

    @property
    def uri(self) -> str:
        return f"milvus-guide://{self.edition}/rules/{self.code}"

    @property
    def sections(self) -> list[str]:
        """The `##` headings of the body, in order, ignoring fenced code."""
        return markdown_sections(self.body)


@cache
def editions() -> tuple[Edition, ...]:
    """Every edition, oldest first."""
    return _editions(guide_root())


def current_edition() -> Edition:
    return _current(guide_root())


def resolve_edition(edition: str | Edition | None = None) -> Edition:
    """The edition named by `edition` ("current" or None meaning the current one)."""
    if isinstance(edition, Edition):
        return edition
    if edition is None or edition == CURRENT:
        return current_edition()
    for known in editions():
        if known.id == edition:
            return known
    known_ids = ", ".join(e.id for e in editions())
    raise UnknownEdition(f"unknown guide edition {edition!r}; known editions: {known_ids}, current")


def guide_text(edition: str | Edition | None = None) -> str:
    """The edition's overview (`guide.md`)."""
    return _guide_text(guide_root(), resolve_edition(edition).id)


def rule_docs(edition: str | Edition | None = None) -> tuple[RuleDoc, ...]:
    """Every rule doc of the edition, by code."""
    return tuple(_rule_docs(guide_root(), resolve_edition(edition).id).values())


def rule_doc(edition: str | Edition | None, code: str) -> RuleDoc:
    """One rule's doc in the edition; `code` is case-insensitive."""
    resolved = resolve_edition(edition)
    docs = _rule_docs(guide_root(), resolved.id)
    doc = docs.get(code.strip().upper()) if isinstance(code, str) else None
    if doc is None:
        known = f"known rules: {', '.join(docs)}" if docs else "it has no rule docs"
        raise UnknownRule(f"no rule {code!r} in guide edition {resolved.id}; {known}")
    return doc


def markdown_sections(markdown: str) -> list[str]:
    """Titles of the `## ` headings, skipping fenced code blocks."""
    sections: list[str] = []
    fenced = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            sections.append(line[3:].strip())
    return sections


def parse_rule_doc(text: str, path: object, edition: str) -> RuleDoc:
    """A rule doc from its file text; `path` is only used to name the file in errors."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "+++":
        raise MalformedGuideFile(path, "expected TOML front matter opening with a '+++' line")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        raise MalformedGuideFile(path, "front matter is not closed by a '+++' line") from None
    try:
        front = tomllib.loads("".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        raise MalformedGuideFile(path, f"invalid TOML front matter: {exc}") from None
    try:
        return RuleDoc.model_validate(
            {**front, "edition": edition, "body": "".join(lines[end + 1 :]).strip("\n") + "\n"}
        )
    except ValidationError as exc:
        raise MalformedGuideFile(path, _describe(exc)) from None


# Cached loaders, keyed by root so that tests can point them at a temporary guide.


@cache
def _editions(root: Path) -> tuple[Edition, ...]:
    path = root / "editions.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MalformedGuideFile(path, "missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise MalformedGuideFile(path, f"invalid TOML: {exc}") from None
    entries = data.get("edition")
    if not isinstance(entries, list) or not entries:
        raise MalformedGuideFile(path, "expected one or more [[edition]] tables")
    try:
        found = [Edition.model_validate(entry) for entry in entries]
    except ValidationError as exc:
        raise MalformedGuideFile(path, _describe(exc)) from None
    ids = [e.id for e in found]
    if len(set(ids)) != len(ids):
        raise MalformedGuideFile(path, f"duplicate edition ids: {ids}")
    if sum(e.status == "current" for e in found) != 1:
        raise MalformedGuideFile(path, "exactly one edition must have status = 'current'")
    return tuple(sorted(found, key=lambda e: (e.date, e.id)))


@cache
def _current(root: Path) -> Edition:
    return next(e for e in _editions(root) if e.status == "current")


@cache
def _guide_text(root: Path, edition: str) -> str:
    path = root / edition / "guide.md"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MalformedGuideFile(path, "missing: every edition has a guide.md") from None


@cache
def _rule_docs(root: Path, edition: str) -> dict[str, RuleDoc]:
    rules_dir = root / edition / "rules"
    if not rules_dir.is_dir():
        return {}
    docs: dict[str, RuleDoc] = {}
    for entry in sorted(rules_dir.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".md"):
            continue
        if not _RULE_FILE.match(entry.name):
            raise MalformedGuideFile(entry, "rule docs are named MVxxx.md")
        doc = parse_rule_doc(entry.read_text(encoding="utf-8"), entry, edition)
        if doc.code != entry.name[:-3]:
            raise MalformedGuideFile(
                entry, f"front matter code {doc.code!r} differs from file name"
            )
        docs[doc.code] = doc
    return docs


def clear_cache() -> None:
    """Forget everything loaded (tests that edit a guide directory call this)."""
    for loader in (_editions, _current, _guide_text, _rule_docs):
        loader.cache_clear()


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'file'}: {error['msg']}"
        for error in exc.errors()
    )
