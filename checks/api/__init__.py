"""The pymilvus API model: what each release exports, its classes, methods and parameters.

Generated from pymilvus' own source by `python -m checks.api.generate` (one file per release
in `checks/api/data/`; see that module for how `**kwargs` reads are found). Rules ask:

    api = checks.api.release("2.4")            # the model nearest that version, or None
    api.method("MilvusClient", "search")        # Signature, or None: no such method
    api.has_attribute("Collection", "get_entity_by_id")   # True/False, None: cannot tell
    api.module_names("pymilvus")               # what `from pymilvus import X` can import
    api.export("pymilvus.utility")             # "module:pymilvus.orm.utility", "class:X", ...
    checks.api.current()                        # the release the running check targets

Loading is lazy: a file is read the first time a rule asks about its release, and each entry
is decoded the first time it is asked for (the hook path pays for what a file touches).
"""

from __future__ import annotations

import json
import os
from contextvars import ContextVar
from functools import cache

from checks.record import FrozenRecord

# A string, not a pathlib.Path: pathlib costs ~4 ms to import on the hook path.
DATA_DIR = os.path.join(os.path.dirname(os.path.realpath(__file__)), "data")
# The release each supported line is modelled by (the newest patch; checks/api/generate.py).
RELEASES = ("2.4.15", "2.5.18", "2.6.17", "3.0.2")
# Modules whose names are recorded: the package, and the submodules users import from.
USER_MODULES = (
    "pymilvus",
    "pymilvus.milvus_client",
    "pymilvus.milvus_client.index",
    "pymilvus.orm",
    "pymilvus.orm.collection",
    "pymilvus.orm.schema",
    "pymilvus.orm.types",
    "pymilvus.orm.utility",
    "pymilvus.orm.connections",
    "pymilvus.orm.partition",
    "pymilvus.orm.index",
    "pymilvus.orm.role",
    "pymilvus.orm.db",
    "pymilvus.client",
    "pymilvus.client.types",
    "pymilvus.client.abstract",
    "pymilvus.client.constants",
    "pymilvus.client.search_result",
    "pymilvus.exceptions",
    "pymilvus.bulk_writer",
    "pymilvus.function_chain",
)
_target: ContextVar[str] = ContextVar("pymilvus_version", default="3.0")


class Signature(FrozenRecord):
    """A callable's parameters (after `self`), as pymilvus declares them."""

    __slots__ = (
        "defaults",
        "keyword_only",
        "kwargs",
        "positional",
        "reads",
        "refused",
        "required",
        "varargs",
    )

    positional: tuple[str, ...]  # may be passed by position, in order
    keyword_only: tuple[str, ...]
    required: frozenset[str]
    varargs: bool
    kwargs: bool
    # For **kwargs: the keys read anywhere along the call chain; None when any key may be.
    reads: frozenset[str] | None
    refused: frozenset[str]  # keys read only to raise an error (`offset` on search_iterator)
    defaults: dict[str, str]  # parameter -> its default's source text ("..." when long)

    def __init__(
        self,
        positional: tuple[str, ...],
        keyword_only: tuple[str, ...],
        required: frozenset[str],
        varargs: bool,
        kwargs: bool,
        reads: frozenset[str] | None,
        refused: frozenset[str],
        defaults: dict[str, str],
    ) -> None:
        self.positional = positional
        self.keyword_only = keyword_only
        self.required = required
        self.varargs = varargs
        self.kwargs = kwargs
        self.reads = reads
        self.refused = refused
        self.defaults = defaults

    def _key(self) -> tuple:
        return (
            self.positional,
            self.keyword_only,
            self.required,
            self.varargs,
            self.kwargs,
            self.reads,
            self.refused,
            self.defaults,
        )

    @property
    def names(self) -> tuple[str, ...]:
        return self.positional + self.keyword_only

    def accepts(self, keyword: str) -> bool:
        """The keyword is a parameter, or **kwargs is there to take it."""
        return keyword in self.names or self.kwargs

    def ignores(self, keyword: str) -> bool:
        """The keyword lands in **kwargs and nothing pymilvus runs ever reads it."""
        return (
            self.kwargs
            and self.reads is not None
            and keyword not in self.names
            and keyword not in self.reads
            and keyword not in self.refused
        )


class ClassInfo(FrozenRecord):
    __slots__ = ("attributes", "enum", "methods", "name", "open", "static")
    name: str
    methods: frozenset[str]
    attributes: frozenset[str]
    static: frozenset[str]  # static and class methods: callable on the class itself
    enum: bool
    open: bool  # attributes beyond what the source shows (a base outside pymilvus, __getattr__)

    def __init__(
        self,
        name: str,
        methods: frozenset[str],
        attributes: frozenset[str],
        static: frozenset[str],
        enum: bool,
        open: bool,
    ) -> None:
        self.name = name
        self.methods = methods
        self.attributes = attributes
        self.static = static
        self.enum = enum
        self.open = open

    def _key(self) -> tuple:
        return (self.name, self.methods, self.attributes, self.static, self.enum, self.open)

    def has(self, attribute: str) -> bool | None:
        if attribute in self.methods or attribute in self.attributes:
            return True
        return None if self.open else False


class ApiModel:
    """One release's model, read from its data file."""

    def __init__(self, text: str):
        self._text = text
        self._entries: dict[str, object] = {}
        self.version: str = self._get("version")

    def _get(self, key: str):
        if key in self._entries:
            return self._entries[key]
        value = None
        start = self._text.find(f"\n{key}\t")
        if start >= 0:
            start += len(key) + 2
            end = self._text.find("\n", start)
            value = json.loads(self._text[start:end])
        self._entries[key] = value
        return value

    def export(self, name: str) -> str | None:
        """What `pymilvus.<name>` is: "class:C", "module:M", "instance:C", or None."""
        return self._get("exports").get(name)

    def module_names(self, module: str) -> frozenset[str] | None:
        """The names `from <module> import X` can import; None for a module not modelled."""
        key = f"names {module}"  # the set, made once (rules ask for each imported name)
        if key not in self._entries:
            names = self._get(f"module {module}")
            self._entries[key] = None if names is None or "*" in names else frozenset(names)
        return self._entries[key]

    def cls(self, name: str) -> ClassInfo | None:
        key = f"info {name}"
        found = self._entries.get(key)
        if found is None and key not in self._entries:
            raw = self._get(f"class {name}")
            found = None
            if raw is not None:
                found = ClassInfo(
                    name,
                    frozenset(raw["methods"]),
                    frozenset(raw.get("attributes", ())),
                    frozenset(raw.get("static", ())),
                    raw.get("enum", False),
                    raw.get("open", False),
                )
            self._entries[key] = found
        return found

    def has_attribute(self, class_name: str, attribute: str) -> bool | None:
        """True/False for a modelled class; None when the model cannot tell."""
        info = self.cls(class_name)
        return None if info is None else info.has(attribute)

    def method(self, class_name: str, method: str) -> Signature | None:
        """The signature of `class_name.method` (`__init__` for the constructor)."""
        return self._signature(f"method {class_name}.{method}")

    def rejects(self, class_name: str, method: str) -> dict[str, str]:
        """Keywords the method refuses with ParamError when given (non-zero), before it reads
        them, with pymilvus' message: `{"offset": "..."}` for search_iterator."""
        raw = self._get(f"method {class_name}.{method}")
        return raw.get("rejects", {}) if raw else {}

    def function(self, module: str, name: str) -> Signature | None:
        """A module-level function: `function("pymilvus.orm.utility", "has_collection")`."""
        return self._signature(f"function {module}.{name}")

    def functions(self, module: str) -> frozenset[str] | None:
        names = self._get(f"functions {module}")
        return None if names is None else frozenset(names)

    def _signature(self, key: str) -> Signature | None:
        cache_key = "sig " + key
        if cache_key in self._entries:
            return self._entries[cache_key]
        raw = self._get(key)
        found = None if raw is None else _signature(raw, self._get)
        self._entries[cache_key] = found
        return found


def _signature(raw: dict, get) -> Signature:
    positional: list[str] = []
    keyword_only: list[str] = []
    required: set[str] = set()
    defaults: dict[str, str] = {}
    varargs = kwargs = False
    bucket = positional
    for param in raw["params"]:
        if param == "/":
            continue
        if param.startswith("**"):
            kwargs = True
            continue
        if param.startswith("*"):
            varargs = varargs or param != "*"
            bucket = keyword_only
            continue
        name, has_default, default = param.partition("=")
        bucket.append(name)
        if has_default:
            defaults[name] = default
        else:
            required.add(name)
    reads = raw.get("reads")
    if isinstance(reads, str) and reads.startswith("@"):
        reads = get(f"reads {reads[1:]}")
    if reads == "*" or reads is None:
        read, refused = None, frozenset()
    else:
        read = frozenset(k for k in reads if not k.startswith("!"))
        refused = frozenset(k[1:] for k in reads if k.startswith("!"))
    return Signature(
        tuple(positional), tuple(keyword_only), frozenset(required), varargs, kwargs,
        read if kwargs else frozenset(), refused, defaults,
    )  # fmt: skip


@cache
def release_for(version: str) -> str | None:
    """The modelled release for a target version: same major.minor; None before 2.4."""
    parts = version.split(".")
    minor = ".".join(parts[:2])
    for release in RELEASES:
        if release.rsplit(".", 1)[0] == minor:
            return release
    newest = RELEASES[-1]
    try:
        if tuple(map(int, parts[:2])) > tuple(map(int, newest.split(".")[:2])):
            return newest  # a newer line than we model: the newest model is the best guess
    except ValueError:
        return None
    return None


@cache
def load(release: str) -> ApiModel:
    path = os.path.join(DATA_DIR, f"pymilvus-{release}.api")
    with open(path, encoding="utf-8") as handle:
        return ApiModel(handle.read())


def release(version: str) -> ApiModel | None:
    """The model for a target pymilvus version (`"3.0"`, `"2.4.3"`), None when not modelled."""
    found = release_for(version)
    return load(found) if found else None


def current() -> ApiModel | None:
    """The model of the release the running check targets (set by the engine per check)."""
    return release(_target.get())


def use(version: str) -> None:
    """Set the release `current()` answers for (the engine does this for each check)."""
    _target.set(version)


def releases_with(predicate, than: str) -> tuple[list[str], list[str]]:
    """The release lines ("2.6") newer and older than release `than` whose model satisfies
    `predicate`, for "added in"/"removed after" messages. Only called once a finding is certain,
    so loading the other releases' files costs nothing on a clean file."""
    newer, older = [], []
    for release in RELEASES:
        if release != than and predicate(load(release)):
            (newer if _number(release) > _number(than) else older).append(release.rsplit(".", 1)[0])
    return newer, older


def _number(release: str) -> tuple[int, ...]:
    return tuple(int(part) for part in release.split("."))


def closest(name: str, candidates, cutoff: float = 0.75) -> str | None:
    """The candidate `name` is most likely a slip of, for "did you mean" (difflib is imported
    only here, once a finding needs a suggestion: the hook path never pays for it)."""
    import difflib

    found = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=cutoff)
    return found[0] if found else None
