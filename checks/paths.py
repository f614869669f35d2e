"""Where the guide lives: next to `checks/` in a checkout, inside the wheel when installed."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def guide_root() -> Path:
    checkout = Path(__file__).resolve().parent.parent / "guide"
    if (checkout / "editions.toml").is_file():
        return checkout
    from importlib.resources import files

    return Path(str(files("guide")))


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
