"""The collection model: what a module's code says about its collections.

For each collection the module creates (or opens) by a literal name: its fields (name, DataType,
dim, max_length, element_type, max_capacity, nullable, default, primary, auto_id, partition key),
the dynamic field, functions, indexes per field, index params at creation, quick setup and
properties. Anything the code does not show for certain is `UNKNOWN`, and rules stay silent on it.

- `facts`: the answers (Collection, Schema, Field, Function, UNKNOWN);
- `reader`: the inputs, fed by the engine's traversal (ModuleReader);
- `model`: the queries rules ask (`ctx.collections`, a CollectionModel);
- `indexes`: how one index definition is read; `rows`: what inserted rows and vectors show.
"""

from checks.collection.facts import UNKNOWN, Collection, Field, Function, Schema
from checks.collection.model import CollectionModel

__all__ = ["UNKNOWN", "Collection", "CollectionModel", "Field", "Function", "Schema"]
