"""What the collection model knows about one collection: plain, immutable facts.

Every value is either what the code certainly says, or `UNKNOWN`. Readers of these facts never
guess: a rule that needs a value it finds UNKNOWN (or a list that is not `complete`) says nothing.
"""

from __future__ import annotations

import ast

from checks.collection.indexes import IndexDef
from checks.record import FrozenRecord


class _Unknown:
    """A value the code does not show for sure (a variable, a call, `**kwargs`)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()

# DataType names (pymilvus DataType members) by family.
DENSE_VECTORS = frozenset(
    {"FLOAT_VECTOR", "FLOAT16_VECTOR", "BFLOAT16_VECTOR", "BINARY_VECTOR", "INT8_VECTOR"}
)
VECTORS = DENSE_VECTORS | {"SPARSE_FLOAT_VECTOR", "_ARRAY_OF_VECTOR"}
STRINGS = frozenset({"VARCHAR", "STRING", "TEXT"})
INTEGERS = frozenset({"INT8", "INT16", "INT32", "INT64"})
NUMBERS = INTEGERS | {"FLOAT", "DOUBLE"}


class Field(FrozenRecord):
    """One field as its definition (`add_field`, `FieldSchema`, quick setup) writes it.

    `params` holds every keyword the definition passes besides the name and type, as a literal
    or UNKNOWN; a keyword not given is absent (`get` returns the default then).
    """

    __slots__ = ("dtype", "name", "node", "params")

    name: str
    dtype: str | _Unknown  # "FLOAT_VECTOR", "VARCHAR", ... (DataType member names)
    node: ast.AST  # the call that defines it (quick setup: the create_collection call)
    params: dict[str, object]

    def __init__(
        self,
        name: str,
        dtype: str | _Unknown,
        node: ast.AST,
        params: dict[str, object] | None = None,
    ) -> None:
        self.name = name
        self.dtype = dtype
        self.node = node
        self.params = {} if params is None else params

    def _key(self) -> tuple:
        return (self.name, self.dtype, self.node, self.params)

    def get(self, key: str, default=None):
        """The literal value of a keyword, `default` when not given, UNKNOWN when not literal."""
        return self.params.get(key, default)

    @property
    def is_primary(self) -> bool | _Unknown:
        return _flag(self.get("is_primary", False))

    @property
    def auto_id(self) -> bool | _Unknown:
        return _flag(self.get("auto_id", False))

    @property
    def nullable(self) -> bool | _Unknown:
        return _flag(self.get("nullable", False))

    @property
    def partition_key(self) -> bool | _Unknown:
        return _flag(self.get("is_partition_key", False))

    @property
    def has_default(self) -> bool | _Unknown:
        value = self.get("default_value")
        return UNKNOWN if value is UNKNOWN else "default_value" in self.params

    @property
    def dim(self) -> int | _Unknown | None:
        return _int(self.get("dim"))

    @property
    def max_length(self) -> int | _Unknown | None:
        return _int(self.get("max_length"))

    @property
    def max_capacity(self) -> int | _Unknown | None:
        return _int(self.get("max_capacity"))

    @property
    def element_type(self) -> str | _Unknown | None:
        """The DataType name of an ARRAY's elements (None: not given)."""
        return self.get("element_type")

    @property
    def is_vector(self) -> bool | _Unknown:
        return UNKNOWN if self.dtype is UNKNOWN else self.dtype in VECTORS


class Function(FrozenRecord):
    """A schema function: `Function(name, FunctionType.BM25, ["text"], ["sparse"])`."""

    __slots__ = ("inputs", "kind", "name", "node", "outputs")

    name: str | _Unknown
    kind: str | _Unknown  # FunctionType member: "BM25", "TEXTEMBEDDING", ...
    inputs: tuple[str, ...] | _Unknown
    outputs: tuple[str, ...] | _Unknown
    node: ast.AST

    def __init__(
        self,
        name: str | _Unknown,
        kind: str | _Unknown,
        inputs: tuple[str, ...] | _Unknown,
        outputs: tuple[str, ...] | _Unknown,
        node: ast.AST,
    ) -> None:
        self.name = name
        self.kind = kind
        self.inputs = inputs
        self.outputs = outputs
        self.node = node

    def _key(self) -> tuple:
        return (self.name, self.kind, self.inputs, self.outputs, self.node)


class Schema(FrozenRecord):
    """A collection schema as the module builds it.

    `fields` lists the fields the code certainly defines, in schema order; `complete` says that no
    other field can exist (no field of unknown name, no field added on some paths only, no schema
    handed to code we cannot see). `functions` is UNKNOWN when a function is not readable.
    """

    __slots__ = (
        "auto_id",
        "complete",
        "dynamic",
        "fields",
        "functions",
        "node",
        "partition_key_field",
        "primary_field",
        "quick",
    )

    node: ast.AST  # create_schema(...) / CollectionSchema(...) / the quick-setup call
    fields: tuple[Field, ...]
    complete: bool
    dynamic: bool | _Unknown  # enable_dynamic_field
    auto_id: bool | _Unknown  # the schema-level auto_id
    primary_field: str | _Unknown | None  # the schema-level primary_field=
    partition_key_field: str | _Unknown | None
    functions: tuple[Function, ...] | _Unknown
    quick: bool  # quick setup: create_collection(name, dimension=...)

    def __init__(
        self,
        node: ast.AST,
        fields: tuple[Field, ...],
        complete: bool,
        dynamic: bool | _Unknown,
        auto_id: bool | _Unknown,
        primary_field: str | _Unknown | None,
        partition_key_field: str | _Unknown | None,
        functions: tuple[Function, ...] | _Unknown,
        quick: bool = False,
    ) -> None:
        self.node = node
        self.fields = fields
        self.complete = complete
        self.dynamic = dynamic
        self.auto_id = auto_id
        self.primary_field = primary_field
        self.partition_key_field = partition_key_field
        self.functions = functions
        self.quick = quick

    def _key(self) -> tuple:
        return (
            self.node,
            self.fields,
            self.complete,
            self.dynamic,
            self.auto_id,
            self.primary_field,
            self.partition_key_field,
            self.functions,
            self.quick,
        )

    def field(self, name: str) -> Field | None:
        """The field of that name, None when the code does not certainly define it."""
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        return None

    def has_field(self, name: str) -> bool | _Unknown:
        """True / False, or UNKNOWN when the field list is not complete."""
        if self.field(name) is not None:
            return True
        return False if self.complete else UNKNOWN

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def primary(self) -> Field | None:
        """The one primary key field, None when not exactly one is certain."""
        keys = [
            f
            for f in self.fields
            if f.is_primary is True
            or (self.primary_field is not UNKNOWN and f.name == self.primary_field)
        ]
        if len(keys) != 1 or any(f.is_primary is UNKNOWN for f in self.fields):
            return None
        return keys[0]

    @property
    def pk_auto_id(self) -> bool | _Unknown:
        primary = self.primary
        if primary is None or primary.auto_id is UNKNOWN or self.auto_id is UNKNOWN:
            return UNKNOWN
        return primary.auto_id or self.auto_id

    @property
    def vector_fields(self) -> tuple[Field, ...] | _Unknown:
        """Every vector field, when the list is complete and every type is known."""
        if not self.complete or any(f.dtype is UNKNOWN for f in self.fields):
            return UNKNOWN
        return tuple(f for f in self.fields if f.dtype in VECTORS)

    @property
    def function_outputs(self) -> frozenset[str] | _Unknown:
        """Fields the server fills from functions (BM25's sparse vector, ...)."""
        if self.functions is UNKNOWN or any(f.outputs is UNKNOWN for f in self.functions):
            return UNKNOWN
        return frozenset(name for f in self.functions for name in f.outputs)


class Collection(FrozenRecord):
    """One collection the module creates (or opens) under a literal name.

    `schema` is None when the module does not show it (opened, created elsewhere, created twice
    in different ways). `indexes` is UNKNOWN when an index may be built where we cannot see.
    """

    __slots__ = (
        "api",
        "created",
        "indexes",
        "key",
        "name",
        "properties",
        "receiver",
        "schema",
        "with_index_params",
    )

    name: str  # the literal name, or the expression that holds it (`self.collection_name`)
    key: str  # how the model tells collections apart (`name@binding` for an expression)
    api: str  # "client" (MilvusClient / AsyncMilvusClient) or "orm"
    receiver: str | None  # the client as written (`client`, `self.client`); None for the ORM
    created: ast.Call | None  # the one creating call, None when only opened
    schema: Schema | None
    indexes: tuple[IndexDef, ...] | _Unknown
    with_index_params: bool | _Unknown  # created with index_params= (or quick setup)
    properties: dict[str, object] | _Unknown  # created/altered with these literal properties

    def __init__(
        self,
        name: str,
        key: str,
        api: str,
        receiver: str | None,
        created: ast.Call | None,
        schema: Schema | None,
        indexes: tuple[IndexDef, ...] | _Unknown,
        with_index_params: bool | _Unknown,
        properties: dict[str, object] | _Unknown,
    ) -> None:
        self.name = name
        self.key = key
        self.api = api
        self.receiver = receiver
        self.created = created
        self.schema = schema
        self.indexes = indexes
        self.with_index_params = with_index_params
        self.properties = properties

    def _key(self) -> tuple:
        return (
            self.name,
            self.key,
            self.api,
            self.receiver,
            self.created,
            self.schema,
            self.indexes,
            self.with_index_params,
            self.properties,
        )

    @property
    def literal(self) -> bool:
        """Named by a string literal (else by a name that holds one fixed value)."""
        return self.key == self.name

    def index_on(self, field_name: str) -> tuple[IndexDef, ...] | _Unknown:
        """The definitions of the index on a field (empty: certainly none in this module)."""
        if self.indexes is UNKNOWN:
            return UNKNOWN
        if any(not d.complete or d.field is None for d in self.indexes):
            return UNKNOWN
        return tuple(d for d in self.indexes if d.field == field_name)

    def vector_index_missing(self) -> bool | _Unknown:
        """True when some vector field certainly has no index built in this module."""
        if self.schema is None or self.indexes is UNKNOWN:
            return UNKNOWN
        vectors = self.schema.vector_fields
        if vectors is UNKNOWN:
            return UNKNOWN
        return any(self.index_on(f.name) == () for f in vectors)


def _flag(value) -> bool | _Unknown:
    return value if isinstance(value, bool) else UNKNOWN


def _int(value) -> int | _Unknown | None:
    if value is None or value is UNKNOWN:
        return value
    return value if isinstance(value, int) and not isinstance(value, bool) else UNKNOWN
