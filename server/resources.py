"""The Milvus correction guide as MCP resources (`milvus-guide://`).

- `milvus-guide://editions`: the editions, as markdown.
- `milvus-guide://{edition}/guide`: an edition's overview.
- `milvus-guide://{edition}/rules/{code}`: one rule's entry.
- `milvus-guide://current/...`: the same for the current edition.

Every one is registered as a concrete resource, so `resources/list` shows them all (clients
browse and @-mention listed resources); the two templates answer anything else with a clear
"not found". Contents come from `checks.guide`, which reads each file once.
"""

from __future__ import annotations

import logging

from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from mcp.server.mcpserver.resources import TextResource

from checks import guide

MIME = "text/markdown"
SCHEME = "milvus-guide://"
EDITIONS_URI = f"{SCHEME}editions"
GUIDE_TEMPLATE = SCHEME + "{edition}/guide"
RULE_TEMPLATE = SCHEME + "{edition}/rules/{code}"

logger = logging.getLogger(__name__)


def editions_markdown() -> str:
    """The guide's editions: id, date, status, summary, and where to read each."""
    lines = ["# Milvus correction guide: editions", ""]
    for edition in reversed(guide.editions()):
        lines += [
            f"## {edition.id} ({edition.status}, {edition.date.isoformat()})",
            "",
            edition.summary,
            "",
            f"Overview: `{SCHEME}{edition.id}/guide`. Rules: `{SCHEME}{edition.id}/rules/<code>`.",
            "",
        ]
    lines.append(f"`{SCHEME}current/...` always points at the current edition.")
    return "\n".join(lines) + "\n"


def guide_markdown(edition: str) -> str:
    """An edition's overview of correct pymilvus usage (template: any edition id or current)."""
    try:
        return guide.guide_text(edition)
    except guide.GuideError as exc:
        raise ResourceNotFoundError(str(exc)) from None


def rule_markdown(edition: str, code: str) -> str:
    """One rule's guide entry (template: any edition id or current, any rule code)."""
    try:
        return rule_text(guide.rule_doc(edition, code))
    except guide.GuideError as exc:
        raise ResourceNotFoundError(str(exc)) from None


def listed_resources() -> list[TextResource]:
    """Every guide resource, for `resources/list`. Parts that fail to load are logged, not listed."""
    found = [
        TextResource(
            uri=EDITIONS_URI,
            name="milvus-guide-editions",
            title="Milvus correction guide: editions",
            description="The editions of the milvus-cto guide to correct pymilvus code.",
            mime_type=MIME,
            text=editions_markdown(),
        )
    ]
    current = guide.current_edition().id
    for edition in guide.editions():
        for alias in (edition.id, guide.CURRENT) if edition.id == current else (edition.id,):
            found += _edition_resources(edition, alias)
    return found


def _edition_resources(edition: guide.Edition, alias: str) -> list[TextResource]:
    label = f"{edition.id}, current" if alias == guide.CURRENT else edition.id
    found = []
    try:
        text = guide.guide_text(edition)
    except guide.GuideError as exc:
        logger.warning("not serving the %s guide overview: %s", edition.id, exc)
    else:
        found.append(
            TextResource(
                uri=f"{SCHEME}{alias}/guide",
                name=f"milvus-guide-{alias}",
                title=f"Milvus guide ({label}): correct pymilvus usage",
                description=f"Overview of the {edition.id} edition of the Milvus correction "
                "guide: install, correct pymilvus patterns, gotchas, what not to do.",
                mime_type=MIME,
                text=text,
            )
        )
    try:
        docs = guide.rule_docs(edition)
    except guide.GuideError as exc:
        logger.warning("not serving the %s rule docs: %s", edition.id, exc)
        docs = ()
    for doc in docs:
        retired = " (retired)" if doc.status == "retired" else ""
        found.append(
            TextResource(
                uri=f"{SCHEME}{alias}/rules/{doc.code}",
                name=f"milvus-guide-{alias}-{doc.code}",
                title=f"{doc.code} {doc.name}{retired}: {doc.title} (Milvus guide {label})",
                description=doc.summary,
                mime_type=MIME,
                text=rule_text(doc),
            )
        )
    return found


def rule_text(doc: guide.RuleDoc) -> str:
    """A rule doc as served: its body, with the front matter summed up under the title."""
    facts = (
        f"> **{doc.severity}** · fix: {doc.fix} · pymilvus {doc.pymilvus} · {doc.status} · "
        f"edition {doc.edition} · `{doc.uri}`"
    )
    title, _, rest = doc.body.partition("\n")
    if not title.startswith("# "):
        title, rest = f"# {doc.code} {doc.name}", doc.body
    return f"{title}\n\n{facts}\n\n{rest.lstrip()}"
