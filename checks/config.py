"""`[tool.milvus-cto]` in the nearest pyproject.toml, and the Options a check runs with.

Keys: `select`, `ignore` (lists of codes or prefixes), `pymilvus-version`, `edition`,
`severity` (code -> error|warning|info), `exclude` (glob patterns for directory walks), and a
`hook` table read by the Claude Code hooks (see checks.hook).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from checks.engine import Options
from checks.paths import current_edition, known_editions
from checks.versions import NEWEST, installed_version, project_version

SEVERITIES = ("error", "warning", "info")


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the file or flag."""


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    pymilvus_version: str | None = None
    edition: str | None = None
    severity: dict[str, str] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    hook: dict[str, object] = field(default_factory=dict)

    @property
    def project_dir(self) -> Path | None:
        return self.path.parent if self.path else None


def _directory(start: Path) -> Path:
    """The directory a path is in (or is); a looping symlink counts as a file in its parent."""
    try:
        start = start.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, on Python < 3.13
        start = start.absolute()
    return start if start.is_dir() else start.parent


def find_pyproject(start: Path) -> Path | None:
    directory = _directory(start)
    return _find_pyproject_in(directory)


PIN_FILES = ("pyproject.toml", "uv.lock", "poetry.lock")


def find_project_dir(start: Path) -> Path | None:
    """The nearest directory at or above `start` that pins dependencies in any way we read."""
    directory = _directory(start)
    for candidate in (directory, *directory.parents):
        if any((candidate / name).is_file() for name in PIN_FILES) or any(
            candidate.glob("requirements*.txt")
        ):
            return candidate
    return None


@cache
def _find_pyproject_in(directory: Path) -> Path | None:
    for candidate in (directory, *directory.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
    return None


def load_config(start: Path | str | None) -> Config:
    """The config that applies to a file or directory (empty if there is none)."""
    path = find_pyproject(Path(start or ".")) if start is not None else find_pyproject(Path.cwd())
    return _load(path) if path else Config()


@cache
def _load(path: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    if "milvus-cto" not in text:
        return Config(path=path)  # no [tool.milvus-cto]: skip the parse (tomllib is ~8 ms)
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    table = data.get("tool", {}).get("milvus-cto", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.milvus-cto] must be a table")

    def codes(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: [tool.milvus-cto] {key} must be a list of rule codes")
        return tuple(v.strip().upper() for v in value)

    severity = table.get("severity", {})
    if not isinstance(severity, dict) or any(v not in SEVERITIES for v in severity.values()):
        raise ConfigError(f"{path}: [tool.milvus-cto] severity maps codes to one of {SEVERITIES}")
    hook = table.get("hook", {})
    if not isinstance(hook, dict):
        raise ConfigError(f"{path}: [tool.milvus-cto.hook] must be a table")
    version = table.get("pymilvus-version")
    edition = table.get("edition")
    for key, value in (("pymilvus-version", version), ("edition", edition)):
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{path}: [tool.milvus-cto] {key} must be a string")
    return Config(
        path=path,
        select=codes("select"),
        ignore=codes("ignore"),
        pymilvus_version=version,
        edition=edition,
        severity={k.upper(): v for k, v in severity.items()},
        exclude=_patterns(table, "exclude", path),
        hook=hook,
    )


def resolve_options(
    start: Path | str | None = None,
    *,
    edition: str | None = None,
    pymilvus_version: str | None = None,
    select: list[str] | tuple[str, ...] | None = None,
    ignore: list[str] | tuple[str, ...] | None = None,
    config: Config | None = None,
) -> Options:
    """Options for checking code at `start`: explicit arguments win, then config, then project."""
    config = config if config is not None else load_config(start)
    edition = edition or config.edition or current_edition()
    if edition == "current":
        edition = current_edition()
    if edition not in known_editions():
        known = ", ".join(sorted(known_editions()))
        raise ConfigError(f"unknown edition {edition!r} (known: {known})")
    version, source = _version(pymilvus_version, config, start)
    return Options(
        edition=edition,
        pymilvus_version=version,
        select=tuple(c.upper() for c in (select or config.select)),
        ignore=tuple(c.upper() for c in (ignore or config.ignore)),
        severity=dict(config.severity),
        version_source=source,
    )


def _version(flag: str | None, config: Config, start) -> tuple[str, str]:
    if flag:
        from packaging.version import InvalidVersion, Version

        try:
            Version(flag)
        except InvalidVersion as exc:
            raise ConfigError(f"invalid pymilvus version {flag!r}") from exc
        return flag, "argument"
    if config.pymilvus_version:
        return config.pymilvus_version, f"{config.path} [tool.milvus-cto]"
    project_dir = find_project_dir(Path(start) if start else Path.cwd())
    if project_dir is not None:
        found = project_version(project_dir)
        if found:
            return found[0], found[1]
    installed = installed_version(project_dir)
    if installed:
        return installed, "installed pymilvus"
    return NEWEST, "newest known"


def _patterns(table: dict, key: str, path: Path) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: [tool.milvus-cto] {key} must be a list of glob patterns")
    return tuple(value)
