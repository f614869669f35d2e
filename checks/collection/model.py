"""The collection model's queries: what rules ask about the collections of a module.

Rules never read the reader's records: they ask this face (see CONTRIBUTING, "The collection
model"). Its answers are complete once the module has been traversed, so a rule collects what it
wants to judge while visiting and asks in `visit_flow` when `flow.node` is the `ast.Module`.
"""

from __future__ import annotations

from checks.collection.facts import Collection
from checks.collection.reader import ModuleReader, collection_key, receiver_key
from checks.semantic import Scope
from checks.signatures import MethodCall


class CollectionModel:
    """The collections of a module, by literal name and by the client that reaches them.

    Fed by `ModuleReader`s (today one: the module's own; a project-wide step can add the
    readers of modules it imports with `add_source`). A name that several sources describe is
    unknown.
    """

    def __init__(self, ctx):
        self.ctx = ctx
        self.sources: list[ModuleReader] = [ctx.shared(ModuleReader)]
        # Field definitions are read as written, by the module's own reader (rules ask for
        # every call: the reader's method itself, not a wrapper).
        self.field_definition = self.sources[0].field_definition
        self._answers: dict[tuple, Collection | None] = {}
        self._version: tuple[int, ...] = ()
        self._call_keys: dict[int, tuple[str | None, str]] = {}  # of_call: name and receiver

    def add_source(self, reader: ModuleReader) -> None:
        self.sources.append(reader)

    def collection(
        self, name: str | None, *, api: str = "client", receiver: str | None = None
    ) -> Collection | None:
        """What the module certainly says about collection `name` (a literal name, or a
        `collection_key`) reached through `receiver` (a client as written, see `receiver_key`;
        None for the ORM). None: nothing certain."""
        if name is None:
            return None
        version = tuple(source.version for source in self.sources)
        if version != self._version:  # fed since the last question: answers may have changed
            self._answers.clear()
            self._version = version
        key = (name, api, receiver)
        if key not in self._answers:
            found = [source.facts(name, api, receiver) for source in self.sources]
            found = [f for f in found if f is not None]
            self._answers[key] = found[0] if len(found) == 1 else None
        return self._answers[key]

    def of_call(self, call: MethodCall, scope: Scope) -> Collection | None:
        """The collection a method call on a known client or ORM collection acts on."""
        if call.api == "client":
            # What the call names does not change as the module is read: worked out once.
            keys = self._call_keys.get(id(call.call))
            if keys is None:
                name = collection_key(self.ctx.model, call.argument("collection_name"), scope)
                keys = self._call_keys[id(call.call)] = (name, receiver_key(call.call.func.value))
            return self.collection(keys[0], receiver=keys[1])
        if call.receiver == "Collection":
            return self.collection(call.owner.name, api="orm")
        return None

    def names(self) -> set[str]:
        """Every collection name the module creates, indexes or sets properties of."""
        return set().union(*(source.names() for source in self.sources))
