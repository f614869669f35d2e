"""Plain data classes without `dataclasses`' start-up cost.

`@dataclass` writes each class's `__init__`, `__repr__` and `__eq__` as source and compiles it
when the module is imported: ~40 classes on the hook path cost ~10 ms on every hook start, more
than parsing the file. Classes here write `__slots__`, `__init__` and `_key` (the compared fields)
out, once, where they are defined; this base gives them what @dataclass would have.
"""

from __future__ import annotations


class Record:
    """Compared by value (`_key`), shown by its slots; mutable, so not hashable."""

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]

    def _key(self) -> tuple:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({shown})"

    def replace(self, **changes: object) -> Record:
        """A copy with some fields changed (what `dataclasses.replace` does)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return type(self)(**values)


class FrozenRecord(Record):
    """A record that is not changed after it is made: hashable by value."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._key())
