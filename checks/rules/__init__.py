"""The rule catalog: one module per rule in this package (DESIGN.md §2). Codes are stable forever.

Rules are discovered from the modules here, so adding a rule is adding a module. Discovery
runs on first use of `ALL_RULES` / `RULES_BY_CODE`, not on import, so that `checks.rules.base`
can be imported by the engine without importing every rule.
"""

from __future__ import annotations

import importlib
import os
from functools import cache

TYPE_CHECKING = False  # typing costs ~3 ms on the hook path; type checkers read this branch
if TYPE_CHECKING:
    from typing import Any

    from checks.rules.base import Rule

    ALL_RULES: tuple[type[Rule], ...]
    RULES_BY_CODE: dict[str, type[Rule]]


@cache
def _discover() -> tuple[type[Rule], ...]:
    from checks.rules.base import Rule

    found: dict[str, type[Rule]] = {}
    # The modules beside this file (pkgutil.iter_modules would import inspect: ~5 ms per hook).
    names = {n[:-3] for d in __path__ for n in os.listdir(d) if n.endswith(".py")}
    for name in sorted(names - {"__init__", "base"}):
        module = importlib.import_module(f"{__name__}.{name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and "code" in vars(value):
                found[value.code] = value
    return tuple(found[code] for code in sorted(found))


def __getattr__(name: str) -> Any:
    if name == "ALL_RULES":
        return _discover()
    if name == "RULES_BY_CODE":
        return {rule.code: rule for rule in _discover()}
    raise AttributeError(name)
