"""Where the guide lives, and which editions it has (read without pydantic: the hook path)."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def guide_root() -> Path:
    """The `guide/` beside `checks/`: in a checkout, and in site-packages for an installed wheel
    (pyproject.toml ships `guide` as a top-level data directory next to `checks`)."""
    return Path(__file__).resolve().parent.parent / "guide"


@cache
def known_editions() -> dict[str, str]:
    """Edition id -> status, read with tomllib only (the hook path avoids pydantic)."""
    import tomllib

    with open(guide_root() / "editions.toml", "rb") as handle:
        data = tomllib.load(handle)
    return {entry["id"]: entry["status"] for entry in data.get("edition", [])}


def current_edition() -> str:
    editions = known_editions()
    return next((e for e, status in editions.items() if status == "current"), max(editions))
