"""`[tool.milvus-cto]` in the nearest pyproject.toml, and the Options a check runs with.

Keys: `select`, `ignore` (lists of codes or prefixes), `pymilvus-version`, `edition`,
`severity` (code -> error|warning|info), `exclude` (glob patterns for directory walks), and a
`hook` table read by the Claude Code hooks (see checks.hook). A key added here goes in `KEYS`.

A config that cannot be used is reported in one line naming the file, never a traceback:
- a value of the wrong type or an unknown rule code or edition is a *problem*: the CLI stops
  (exit 2), the hooks check with that key's default and tell the user and Claude;
- an unknown key, or a pin file (uv.lock, poetry.lock, ...) of the wrong shape, is a *warning*:
  it is ignored and the caller shows the message.
"""

from __future__ import annotations

import os
from functools import cache

from checks.engine import Options
from checks.paths import current_edition, known_editions
from checks.record import FrozenRecord
from checks.versions import (
    NEWEST,
    NotToml,
    installed_version,
    project_version,
    read_toml,
    requirement_files,
)

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~3 ms per hook run
if TYPE_CHECKING:
    from os import PathLike

# Paths are strings here: pathlib costs ~4 ms to import on every hook run.

SEVERITIES = ("error", "warning", "info")
KEYS = ("select", "ignore", "pymilvus-version", "edition", "severity", "exclude", "hook")


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the file or flag."""


class Config(FrozenRecord):
    __slots__ = (
        "edition",
        "exclude",
        "hook",
        "ignore",
        "path",
        "problems",
        "pymilvus_version",
        "select",
        "severity",
        "warnings",
    )
    path: str | None  # the pyproject.toml
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    pymilvus_version: str | None
    edition: str | None
    severity: dict[str, str]
    exclude: tuple[str, ...]
    hook: dict[str, object]
    problems: tuple[str, ...]  # unusable values, each replaced by its default
    warnings: tuple[str, ...]  # ignored: unknown keys

    def __init__(
        self,
        path: str | None = None,
        select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        pymilvus_version: str | None = None,
        edition: str | None = None,
        severity: dict[str, str] | None = None,
        exclude: tuple[str, ...] = (),
        hook: dict[str, object] | None = None,
        problems: tuple[str, ...] = (),
        warnings: tuple[str, ...] = (),
    ) -> None:
        self.path = path
        self.select = select
        self.ignore = ignore
        self.pymilvus_version = pymilvus_version
        self.edition = edition
        self.severity = {} if severity is None else severity
        self.exclude = exclude
        self.hook = {} if hook is None else hook
        self.problems = problems
        self.warnings = warnings

    def _key(self) -> tuple:
        return (
            self.path,
            self.select,
            self.ignore,
            self.pymilvus_version,
            self.edition,
            self.severity,
            self.exclude,
            self.hook,
            self.problems,
            self.warnings,
        )

    @property
    def project_dir(self) -> str | None:
        return os.path.dirname(self.path) if self.path else None


def _directory(start: str | PathLike[str]) -> str:
    """The directory a path is in (or is); a looping symlink counts as a file in its parent."""
    start = os.path.realpath(start)  # a symlink loop is left as it is, not an error
    return start if os.path.isdir(start) else os.path.dirname(start)


def _upwards(directory: str) -> list[str]:
    """The directory and each of its parents, up to the root."""
    found = [directory]
    while (parent := os.path.dirname(found[-1])) != found[-1]:
        found.append(parent)
    return found


def find_pyproject(start: str | PathLike[str]) -> str | None:
    directory = _directory(start)
    return _find_pyproject_in(directory)


PIN_FILES = ("pyproject.toml", "uv.lock", "poetry.lock")


def find_project_dir(start: str | PathLike[str]) -> str | None:
    """The nearest directory at or above `start` that pins dependencies in any way we read."""
    for candidate in _upwards(_directory(start)):
        if any(
            os.path.isfile(os.path.join(candidate, name)) for name in PIN_FILES
        ) or requirement_files(candidate):
            return candidate
    return None


@cache
def _find_pyproject_in(directory: str) -> str | None:
    for candidate in _upwards(directory):
        path = os.path.join(candidate, "pyproject.toml")
        if os.path.isfile(path):
            return path
    return None


def load_config(start: str | PathLike[str] | None) -> Config:
    """The config that applies to a file or directory (empty if there is none)."""
    path = find_pyproject(os.getcwd() if start is None else (start or "."))
    return _load(path) if path else Config()


@cache
def _load(path: str) -> Config:
    try:
        # No [tool.milvus-cto]: no parse (tomllib is ~8 ms).
        data = read_toml(path, "milvus-cto")
    except (OSError, UnicodeDecodeError) as exc:
        return Config(path=path, problems=(f"{path}: cannot read: {exc}",))
    except NotToml as exc:
        return Config(path=path, problems=(f"{path}: not valid TOML: {exc}",))
    if data is None:
        return Config(path=path)
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        return Config(path=path, problems=(f"{path}: `tool` must be a table, not {_kind(tool)}",))
    table = tool.get("milvus-cto", {})
    if not isinstance(table, dict):
        return Config(path=path, problems=(f"{path}: [tool.milvus-cto] must be a table",))
    problems: list[str] = []
    where = f"{path} [tool.milvus-cto]"

    def value(key: str, valid, expected: str, default):
        """The key's value if `valid(value)`, else its default and a problem."""
        if key not in table:
            return default
        found = table[key]
        if valid(found):
            return found
        problems.append(f"{where}: {key} must be {expected}, not {found!r}")
        return default

    def codes(key: str) -> tuple[str, ...]:
        found = value(key, _is_codes, "a list of rule codes", [])
        found = tuple(c.strip().upper() for c in ([found] if isinstance(found, str) else found))
        unknown = unknown_codes(found)
        if unknown:
            problems.append(f"{where}: {key}: {unknown}")
            return ()
        return found

    severity = value(
        "severity", _is_severity_map, f"a table of codes to {'|'.join(SEVERITIES)}", {}
    )
    severity = {k.strip().upper(): v for k, v in severity.items()}
    unknown = unknown_codes(tuple(severity))
    if unknown:
        problems.append(f"{where}: severity: {unknown}")
        severity = {}
    config = Config(
        path=path,
        select=codes("select"),
        ignore=codes("ignore"),
        pymilvus_version=value("pymilvus-version", _is_version, 'a version such as "2.6"', None),
        edition=value("edition", _is_edition, f"one of {', '.join(known_editions())}", None),
        severity=severity,
        exclude=tuple(value("exclude", _is_strings, "a list of glob patterns", [])),
        hook=value("hook", lambda v: isinstance(v, dict), "a table", {}),
        warnings=tuple(
            f"{where}: unknown key {key!r} (known: {', '.join(KEYS)})"
            for key in table
            if key not in KEYS
        ),
    )
    return config.replace(problems=tuple(problems))


def unknown_codes(codes: tuple[str, ...] | list[str]) -> str | None:
    """A message naming the codes that match no rule (codes or prefixes, e.g. MV1), or None."""
    if not codes:
        return None
    from checks.rules import RULES_BY_CODE

    unknown = [c for c in codes if not c or not any(k.startswith(c) for k in RULES_BY_CODE)]
    if not unknown:
        return None
    known = f"{min(RULES_BY_CODE)}…{max(RULES_BY_CODE)}" if RULES_BY_CODE else "none"
    return f"unknown rule code{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} (known: {known})"


def _kind(value: object) -> str:
    return f"a {type(value).__name__} ({value!r})"[:80]


def _is_strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_codes(value: object) -> bool:
    return isinstance(value, str) or _is_strings(value)


def _is_severity_map(value: object) -> bool:
    return isinstance(value, dict) and all(v in SEVERITIES for v in value.values())


def _is_version(value: object) -> bool:
    from packaging.version import InvalidVersion, Version

    if not isinstance(value, str):
        return False
    try:
        Version(value)
    except InvalidVersion:
        return False
    return True


def _is_edition(value: object) -> bool:
    return value == "current" or value in known_editions()


def resolve_options(
    start: str | PathLike[str] | None = None,
    *,
    edition: str | None = None,
    pymilvus_version: str | None = None,
    select: list[str] | tuple[str, ...] | None = None,
    ignore: list[str] | tuple[str, ...] | None = None,
    config: Config | None = None,
    warnings: list[str] | None = None,
    lenient: bool = False,
) -> Options:
    """Options for checking code at `start`: explicit arguments win, then config, then project.

    Explicit arguments must be valid (ConfigError). A config problem raises ConfigError too,
    unless `lenient` (the hooks): then the key keeps its default and the problem joins the
    `warnings`, a list the caller shows (unknown keys, unreadable pin files; dropped if None).
    """
    config = config if config is not None else load_config(start)
    notes = warnings if warnings is not None else []
    if config.problems and not lenient:
        raise ConfigError(config.problems[0])
    notes += [f"{problem}; using the default" for problem in config.problems]
    notes += config.warnings
    for flag, codes in (("select", select), ("ignore", ignore)):
        unknown = unknown_codes(tuple(c.strip().upper() for c in codes or ()))
        if unknown:
            raise ConfigError(f"{flag}: {unknown}")
    edition = edition or config.edition or current_edition()
    if edition == "current":
        edition = current_edition()
    if edition not in known_editions():
        known = ", ".join(sorted(known_editions()))
        raise ConfigError(f"unknown edition {edition!r} (known: {known})")
    version, source = _version(pymilvus_version, config, start, notes)
    return Options(
        edition=edition,
        pymilvus_version=version,
        select=tuple(c.strip().upper() for c in (select or config.select)),
        ignore=tuple(c.strip().upper() for c in (ignore or config.ignore)),
        severity=dict(config.severity),
        version_source=source,
    )


def _version(flag: str | None, config: Config, start, notes: list[str]) -> tuple[str, str]:
    if flag:
        if not _is_version(flag):
            raise ConfigError(f"invalid pymilvus version {flag!r}")
        return flag, "argument"
    if config.pymilvus_version:
        return config.pymilvus_version, f"{config.path} [tool.milvus-cto]"
    project_dir = find_project_dir(start or os.getcwd())
    if project_dir is not None:
        found = project_version(project_dir, notes)
        if found:
            return found[0], found[1]
    installed = installed_version(project_dir)
    if installed:
        return installed, "installed pymilvus"
    return NEWEST, "newest known"
