"""Where the guide lives, and which editions it has (read without pydantic: the hook path)."""

from __future__ import annotations

import os
import re
from functools import cache

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~3 ms per hook run
if TYPE_CHECKING:
    from pathlib import Path


@cache
def guide_root() -> Path:
    """The `guide/` beside `checks/`: in a checkout, and in site-packages for an installed wheel
    (pyproject.toml ships `guide` as a top-level data directory next to `checks`)."""
    from pathlib import Path

    return Path(_guide_dir())


def _guide_dir() -> str:
    # A string: pathlib costs ~4 ms to import, and the hook only reads editions.toml here.
    return os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "guide")


_EDITION_TABLE = re.compile(r"^\[\[edition\]\]\s*$", re.M)
_KEY = re.compile(r'^(id|status)\s*=\s*"([^"]*)"', re.M)


@cache
def known_editions() -> dict[str, str]:
    """Edition id -> status. The hook path reads editions.toml with a small reader of its
    `[[edition]]` tables (tomllib and pydantic cost ~8 ms and ~75 ms there); checks.guide
    validates the same file with tomllib and pydantic, and a test holds the two equal."""
    with open(os.path.join(_guide_dir(), "editions.toml"), encoding="utf-8") as handle:
        text = handle.read()
    editions = {}
    for table in _EDITION_TABLE.split(text)[1:]:
        keys = dict(_KEY.findall(table))
        editions[keys["id"]] = keys["status"]
    return editions


def current_edition() -> str:
    editions = known_editions()
    return next((e for e, status in editions.items() if status == "current"), max(editions))
