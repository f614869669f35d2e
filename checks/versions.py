"""Which pymilvus version the checked code targets (DESIGN.md §3).

In order: the flag or tool argument; `[tool.milvus-cto] pymilvus-version`; the pymilvus pin in
the project (lock files first, because they are exact, then pyproject dependencies, then
requirements*.txt); the installed pymilvus (the project's own venv first); else the newest
version the guide knows.
"""

from __future__ import annotations

import os
import re
import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~3 ms per hook run
if TYPE_CHECKING:
    from os import PathLike

KNOWN_VERSIONS = ("2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.0")
NEWEST = KNOWN_VERSIONS[-1]

_REQUIREMENT_LINE = re.compile(r"^\s*pymilvus(?![\w.-])(\[[^\]]*\])?\s*(?P<spec>[^;#]*)", re.I)


def version_from_spec(spec: str) -> str | None:
    """An exact pin gives its version; a range gives the newest known minor it admits."""
    spec = spec.strip()
    exact = re.fullmatch(r"===?\s*([0-9][0-9A-Za-z.]*)", spec)
    if exact:
        return exact.group(1)
    spec = _from_poetry(spec)
    try:
        for minor in reversed(KNOWN_VERSIONS):
            # Probe the end of each minor series, so that "~=2.5.4" and "<2.6" both find 2.5.
            if spec_contains(spec, minor + ".999") or spec_contains(spec, minor):
                return minor
    except ValueError:  # packaging's InvalidSpecifier
        return None
    return None


_PLAIN_CLAUSE = re.compile(r"\s*(>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+)*)\s*")
_PLAIN_RELEASE = re.compile(r"\d+(?:\.\d+)*")
_COMPARE = {
    ">=": lambda v, b: v >= b,
    "<=": lambda v, b: v <= b,
    "==": lambda v, b: v == b,
    "!=": lambda v, b: v != b,
    ">": lambda v, b: v > b,
    "<": lambda v, b: v < b,
}


def spec_contains(spec: str, version: str) -> bool:
    """`Version(version) in SpecifierSet(spec)`, cheaply for the usual specifiers.

    Importing packaging.specifiers pulls in packaging.tags, logging, platform and subprocess
    (~15 ms, on every hook run), packaging.version a few ms more. A plain final release against
    clauses that only compare plain releases (`>=2.6,<3.1`) is decided here, with the answer
    packaging gives; anything else (`~=`, wildcards, pre/post/local versions) goes to packaging.
    Raises InvalidVersion / InvalidSpecifier as packaging does.
    """
    clauses = [_PLAIN_CLAUSE.fullmatch(c) for c in spec.split(",") if c.strip()]
    release = _release(version)
    if release is not None and all(clauses):
        # Final releases against plain bounds: PEP 440 compares the release numbers, padded
        # with zeros (2.6 == 2.6.0). No packaging import on the hook's common path.
        return all(_COMPARE[m.group(1)](*_padded(release, _release(m.group(2)))) for m in clauses)
    from packaging.version import Version

    candidate = Version(version)
    plain = not (candidate.is_prerelease or candidate.is_postrelease or candidate.local)
    if not plain or not all(clauses):
        from packaging.specifiers import SpecifierSet

        return candidate in SpecifierSet(spec)
    return all(_COMPARE[m.group(1)](candidate, Version(m.group(2))) for m in clauses)


def _release(version: str) -> tuple[int, ...] | None:
    """The numbers of a plain final release (`2.6`, `3.0.2`), else None."""
    if not _PLAIN_RELEASE.fullmatch(version):
        return None
    return tuple(int(part) for part in version.split("."))


def _padded(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    size = max(len(a), len(b))
    return a + (0,) * (size - len(a)), b + (0,) * (size - len(b))


def _from_poetry(spec: str) -> str:
    """Poetry's ^ and ~ constraints as PEP 440 ranges."""
    if spec in ("", "*"):
        return ""
    caret = re.fullmatch(r"\^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?", spec)
    if caret:
        major, minor = int(caret.group(1)), int(caret.group(2) or 0)
        upper = f"{major + 1}.0" if major else f"0.{minor + 1}"
        return f">={spec[1:].strip()},<{upper}"
    tilde = re.fullmatch(r"~\s*(\d+)\.(\d+)(?:\.(\d+))?", spec)
    if tilde:
        return f">={spec[1:].strip()},<{tilde.group(1)}.{int(tilde.group(2)) + 1}"
    return spec


class PinFileError(ValueError):
    """A pin file that mentions pymilvus but is not shaped as its format says; names the file."""


def project_version(
    project_dir: str | PathLike[str], warnings: list[str] | None = None
) -> tuple[str, str] | None:
    """(version, where it was found) from the project's pins, or None.

    A pin file of the wrong shape is skipped, with a one-line message in `warnings`.
    """
    # Paths are strings here and in checks.config: pathlib costs ~4 ms to import per hook run.
    project_dir = os.fspath(project_dir)
    for name, read in (
        ("uv.lock", _locked),
        ("poetry.lock", _locked),
        ("pyproject.toml", _from_pyproject),
    ):
        path = os.path.join(project_dir, name)
        if not os.path.isfile(path):
            continue
        try:
            found = read(path)
        except PinFileError as exc:
            if warnings is not None:
                warnings.append(f"{exc}; its pymilvus pin is ignored")
            continue
        if found:
            return found, name
    for name in requirement_files(project_dir):
        found = _from_requirements(os.path.join(project_dir, name))
        if found:
            return found, name
    return None


def requirement_files(directory: str) -> list[str]:
    """The names of `requirements*.txt` in a directory, sorted (what `glob` would find)."""
    return sorted(
        n for n in _names(directory) if n.startswith("requirements") and n.endswith(".txt")
    )


def _names(directory: str) -> list[str]:
    try:
        return os.listdir(directory)
    except OSError:
        return []


def installed_version(project_dir: str | PathLike[str] | None = None) -> str | None:
    """pymilvus as installed in the project's own virtual env, else on this interpreter's path.

    Read from the `pymilvus-X.Y.Z.dist-info` directory name: cheaper than importlib.metadata,
    and it sees the user's environment rather than only the one milvus-cto runs in.
    """
    places: list[str] = []
    if project_dir is not None:
        for venv in (".venv", "venv"):
            lib = os.path.join(project_dir, venv, "lib")
            places += [
                os.path.join(lib, name, "site-packages")
                for name in _names(lib)
                if name.startswith("python3")
            ]
            places.append(os.path.join(project_dir, venv, "Lib", "site-packages"))
    places += [entry for entry in sys.path if entry.endswith("site-packages")]
    for site in places:
        for name in _names(site):
            if name.startswith("pymilvus-") and name.endswith(".dist-info"):
                return name[len("pymilvus-") : -len(".dist-info")]
    return None


def read_text(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


# The hooks set this to a memo of parsed TOML files kept between their runs
# (checks.hook_state.TomlMemo): importing tomllib and parsing a pyproject.toml that names
# pymilvus was ~6% of a hook's instructions. None: parse every time.
toml_memo = None


class NotToml(ValueError):
    """tomllib's TOMLDecodeError, catchable without importing tomllib."""


def read_toml(path: str, needle: str) -> dict | None:
    """The TOML file at `path`, parsed; None when its text does not contain `needle` (there is
    nothing in it for us: no parse). Raises OSError or UnicodeDecodeError when it cannot be
    read, NotToml when it is not TOML."""
    with open(path, encoding="utf-8") as handle:
        info = os.fstat(handle.fileno())  # of the bytes read: the memo's key
        text = handle.read()
    if needle not in text:
        return None
    memo = toml_memo
    identity = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    found = memo.get(path, identity) if memo is not None else None
    if found is not None:
        return found
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise NotToml(str(exc)) from None
    if memo is not None:
        memo.put(path, identity, data)
    return data


def _toml_mentioning_pymilvus(path: str) -> dict | None:
    """A TOML file parsed only when it mentions pymilvus (tomllib costs ~8 ms on a hook run)."""
    try:
        return read_toml(path, "pymilvus")
    except (OSError, UnicodeDecodeError):
        return None
    except NotToml as exc:
        raise PinFileError(f"{path}: not valid TOML: {exc}") from None


def _table(data: dict, path: str, *keys: str) -> dict:
    """data[k1][k2]...: {} where a key is missing; PinFileError where one is not a table."""
    for depth, key in enumerate(keys):
        data = data.get(key, {})
        if not isinstance(data, dict):
            raise PinFileError(f"{path}: [{'.'.join(keys[: depth + 1])}] is not a table")
    return data


def _list(data: dict, key: str, path: str, what: str) -> list:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise PinFileError(f"{path}: {what} is not a list")
    return value


def _locked(path: str) -> str | None:
    data = _toml_mentioning_pymilvus(path)
    if data is None:
        return None
    for package in _list(data, "package", path, "[[package]]"):
        if isinstance(package, dict) and package.get("name") == "pymilvus":
            version = package.get("version")
            return version if isinstance(version, str) and version else None
    return None


def _from_pyproject(path: str) -> str | None:
    data = _toml_mentioning_pymilvus(path)
    if data is None:
        return None
    project = _table(data, path, "project")
    for requirement in _list(project, "dependencies", path, "[project] dependencies"):
        match = _REQUIREMENT_LINE.match(str(requirement))
        if match:
            return version_from_spec(match.group("spec"))
    poetry = _table(data, path, "tool", "poetry", "dependencies")
    constraint = poetry.get("pymilvus")
    if isinstance(constraint, dict):
        constraint = constraint.get("version")
    if isinstance(constraint, str):
        return version_from_spec(constraint)
    return None


def _from_requirements(path: str) -> str | None:
    try:
        lines = read_text(path).splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for line in lines:
        match = _REQUIREMENT_LINE.match(line)
        if match and not line.lstrip().startswith(("-", "#")):
            return version_from_spec(match.group("spec"))
    return None
