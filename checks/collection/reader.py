"""The collection model's inputs: what one module says about collections, fed by the traversal.

`ModuleReader` is a shared analysis (`ctx.shared`): the engine's traversal calls its `visit_Call`,
`visit_Attribute` and `visit_Name` before any rule sees the node, and it records raw facts
(creations, schema edits, index definitions, properties) with the scope they were written in.
Nothing is resolved while the traversal runs; `facts(name)` turns the records of one collection
name into `facts.Collection` when the model is asked, once the module is done.
"""

from __future__ import annotations

import ast

from checks.collection.facts import UNKNOWN, Collection, Field, Function, Schema
from checks.collection.indexes import (
    CREATE_COLLECTION,
    PREPARE_INDEX_PARAMS,
    IndexDef,
    index_definitions,
    quick_setup_index,
    read_index_call,
)
from checks.record import Record
from checks.semantic import Scope, has_star_kwargs
from checks.signatures import argument

FIELD_SCHEMA = "pymilvus.FieldSchema"
COLLECTION_SCHEMA = "pymilvus.CollectionSchema"
FUNCTION = "pymilvus.Function"
# Schema methods that leave the schema as it is.
_READS_SCHEMA = frozenset({"verify", "to_dict", "add_field", "add_function"})
# Calls a schema may be handed to without being changed.
_TAKES_SCHEMA = frozenset({"create_collection", "pymilvus.Collection"})
# Methods the reader looks at, by name first (cheap), before resolving the receiver.
_METHODS = frozenset(
    {
        "create_collection", "add_field", "add_function", "add_index", "create_index",
        "alter_collection_properties", "set_properties",
    }
)  # fmt: skip
# Constructors read by their qualified name, tested first by their last name (cheap).
_CONSTRUCTORS = frozenset({"Collection", "Index", "CollectionSchema", "create_schema"})
_PARAMS_FACTORIES = frozenset({"prepare_index_params", "IndexParams"})
# What creates a schema (the semantic model's "schema" values).
_SCHEMA_CALLS = frozenset(
    {
        COLLECTION_SCHEMA,
        "pymilvus.MilvusClient.create_schema",
        "pymilvus.AsyncMilvusClient.create_schema",
    }
)
_NOT_FIELD_PARAMS = frozenset({"name", "field_name", "dtype", "datatype", "description"})


class _Creation(Record):
    """A collection created under a literal name: client create_collection, ORM Collection(...)."""

    __slots__ = ("api", "call", "name", "receiver", "scope")

    name: str
    api: str
    receiver: str | None
    call: ast.Call
    scope: Scope

    def __init__(
        self,
        name: str,
        api: str,
        receiver: str | None,
        call: ast.Call,
        scope: Scope,
    ) -> None:
        self.name = name
        self.api = api
        self.receiver = receiver
        self.call = call
        self.scope = scope

    def _key(self) -> tuple:
        return (self.name, self.api, self.receiver, self.call, self.scope)


class _SchemaEdits(Record):
    __slots__ = ("fields", "functions")
    # (call, the scope and blocks it runs in): certain when they are the schema's own
    fields: list[tuple[ast.Call, Scope, tuple]]
    functions: list[tuple[ast.Call, Scope, tuple]]

    def __init__(
        self,
        fields: list[tuple[ast.Call, Scope, tuple]] | None = None,
        functions: list[tuple[ast.Call, Scope, tuple]] | None = None,
    ) -> None:
        self.fields = [] if fields is None else fields
        self.functions = [] if functions is None else functions

    def _key(self) -> tuple:
        return (self.fields, self.functions)


class ModuleReader:
    """Records, node by node, what the module does to collections (see the module docstring)."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.model = ctx.model
        source = ctx.source
        # Most modules build no schema and no index params: then those records are skipped.
        self.builds_schemas = "create_schema" in source or "CollectionSchema" in source
        self.builds_params = "prepare_index_params" in source or "IndexParams" in source
        if not self.builds_schemas:
            self.visit_Attribute = None  # the traversal then skips them (see visit_Attribute)
        self.version = 0  # bumped on every record: answers built before are stale
        self._fields: dict[int, Field | None] = {}  # field_definition, by call
        self.creations: list[_Creation] = []
        self.unnamed: set[str | None] = set()  # receivers creating collections of unknown name
        self.foreign: set[str] = set()  # names created or indexed by code we cannot resolve
        self.schema_edits: dict[int, _SchemaEdits] = {}
        self.spoiled: set[int] = set()  # schemas handed to code we cannot see
        self.schema_blocks: dict[int, tuple] = {}  # schema call -> the blocks it runs in
        self.indexes: dict[str, list[IndexDef]] = {}
        self.indexes_unknown = False  # an index built on a collection of unknown name
        self.foreign_indexes: set[str] = set()  # indexed with params we cannot see
        self.params_added: dict[tuple, list[IndexDef]] = {}  # index params -> its add_index
        self.params_links: list[tuple[str | None, tuple, ast.Call, Scope]] = []
        self.params_used: set[int] = set()  # index params names read by add_index / create_*
        self.params_loads: list[tuple[ast.Name, Scope]] = []  # every read of such a name
        self.properties: dict[str, list[tuple[ast.AST, Scope]]] = {}
        self._functions_by_scope: dict[tuple[int, str], list[Scope]] | None = None
        self._returned: dict[int, tuple[ast.AST, Scope] | None] = {}  # _helper, by scope
        # Names some assignment binds to index params: only their reads can be index params.
        self._params_names = (
            _names_bound_to(ctx.model, _PARAMS_FACTORIES) if self.builds_params else set()
        )
        if not self._params_names:
            self.visit_Name = None  # no name can hold index params: no read to record

    # --- fed by the traversal ----------------------------------------------------------------

    def visit_Call(self, call: ast.Call) -> None:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _METHODS:
            self._method(call, func)
        elif isinstance(func, ast.Name) or (
            isinstance(func, ast.Attribute) and func.attr in _CONSTRUCTORS  # cheap test first
        ):
            qualname = self.ctx.qualname(func)
            if qualname == "pymilvus.Collection":
                self._orm_collection(call)
            elif qualname == "pymilvus.Index":
                owner = self.ctx.value_of(argument(call, "Index", "collection") or func)
                for index in index_definitions(self.model, self.ctx.scope, call):
                    self._index(owner.name if owner.kind == "collection" else None, index)
            elif self.builds_schemas and qualname in _SCHEMA_CALLS:
                self.schema_blocks[id(call)] = self.ctx.blocks
        if self.builds_schemas and (call.args or call.keywords):
            self._schema_escapes(call)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """`schema.auto_id = ...`: the schema is not what its calls say."""
        if self.builds_schemas and isinstance(node.ctx, ast.Store):
            schema = self.schema_node(node.value, self.ctx.scope)
            if schema is not None:
                self._spoil(schema[0])

    def visit_Name(self, node: ast.Name) -> None:
        if (
            self.builds_params
            and node.id in self._params_names
            and isinstance(node.ctx, ast.Load)
            and self.ctx.value_of(node).kind == "index_params"
        ):
            self.params_loads.append((node, self.ctx.scope))

    def _method(self, call: ast.Call, func: ast.Attribute) -> None:
        ctx, method = self.ctx, func.attr
        if method in ("add_field", "add_function"):
            schema = self.schema_node(func.value, ctx.scope) if self.builds_schemas else None
            if schema is not None:
                edits = self.schema_edits.setdefault(id(schema[0]), _SchemaEdits())
                entry = (call, ctx.scope, ctx.blocks)
                (edits.fields if method == "add_field" else edits.functions).append(entry)
                self.version += 1
            return
        owner = ctx.value_of(func.value)
        if method == "add_index":
            if owner.kind == "index_params":
                key = self._params_key(func.value, ctx.scope)
                if key is not None:
                    defs = index_definitions(self.model, ctx.scope, call)
                    self.params_added.setdefault(key, []).extend(defs)
                    self.params_used.add(id(func.value))
                    self.version += 1
            return
        if owner.kind == "client":
            self._client_method(call, method)
        elif owner.kind == "collection":
            if method == "create_index":
                for index in index_definitions(self.model, ctx.scope, call):
                    self._index(owner.name, index)
            elif method == "set_properties" and owner.name is not None:
                given = call.args[0] if call.args else _keyword_value(call, "properties")
                self._properties(owner.name, given, call)
        elif owner.kind == "unknown" and method in ("create_index", "create_collection"):
            # Someone else's helper (or another library) may create or index this collection:
            # read the call as MilvusClient's.
            api = f"MilvusClient.{method}"
            name = collection_key(self.model, argument(call, api, "collection_name"), ctx.scope)
            if name is not None:
                self.foreign.add(name)
                self.version += 1

    def _client_method(self, call: ast.Call, method: str) -> None:
        ctx = self.ctx
        api = f"MilvusClient.{method}"  # AsyncMilvusClient takes the same arguments
        name = collection_key(self.model, argument(call, api, "collection_name"), ctx.scope)
        receiver = receiver_key(call.func.value)
        self.version += 1
        if method == "alter_collection_properties":
            if name is not None:
                self._properties(name, _keyword_value(call, "properties"), call)
            return
        hidden = has_star_kwargs(call) or any(isinstance(a, ast.Starred) for a in call.args)
        if method == "create_collection":
            if name is None:
                self.unnamed.add(receiver)
            else:
                self.creations.append(_Creation(name, "client", receiver, call, ctx.scope))
                if not hidden:
                    self._properties(name, _keyword_value(call, "properties"), call)
        if hidden:
            self._index_unknown(name)
            return
        if method == "create_collection":
            quick = quick_setup_index(self.model, ctx.scope, call)
            if quick is not None:
                self._index(name, quick)
        params = argument(call, api, "index_params")
        if params is None or _is_none(params):
            return
        key = self._params_key(params, ctx.scope)
        if key is None:
            self._index_unknown(name)
        else:
            self.params_links.append((name, key, *self._params_binding(params, ctx.scope)))
            self.params_used.add(id(params))

    def _orm_collection(self, call: ast.Call) -> None:
        ctx = self.ctx
        name = self.model.string(argument(call, "Collection", "name"), ctx.scope)
        schema = argument(call, "Collection", "schema")
        if schema is None or _is_none(schema):
            return  # opens an existing collection
        self.version += 1
        if name is None:
            self.unnamed.add(None)
            return
        self.creations.append(_Creation(name, "orm", None, call, ctx.scope))
        self._properties(name, _keyword_value(call, "properties"), call)

    def _schema_escapes(self, call: ast.Call) -> None:
        """A schema handed to code we cannot see may be changed there."""
        func = call.func
        if isinstance(func, ast.Attribute):
            if func.attr in _TAKES_SCHEMA:
                return
        elif self.ctx.qualname(func) in _TAKES_SCHEMA:
            return
        for arg in [*call.args, *(kw.value for kw in call.keywords)]:
            arg = arg.value if isinstance(arg, ast.Starred) else arg
            if isinstance(arg, (ast.Name, ast.Attribute, ast.Call)):
                schema = self.schema_node(arg, self.ctx.scope)
                if schema is not None:
                    self._spoil(schema[0])
        if isinstance(func, ast.Attribute) and func.attr not in _READS_SCHEMA:
            schema = self.schema_node(func.value, self.ctx.scope)
            if schema is not None:
                self._spoil(schema[0])

    def _spoil(self, schema: ast.Call) -> None:
        self.spoiled.add(id(schema))
        self.version += 1

    def _index(self, name: str | None, index: IndexDef) -> None:
        self.version += 1
        if name is None:
            self.indexes_unknown = True
        else:
            self.indexes.setdefault(name, []).append(index)

    def _index_unknown(self, name: str | None) -> None:
        self.version += 1
        if name is None:
            self.indexes_unknown = True
        else:
            self.foreign_indexes.add(name)

    def _properties(self, name: str, expr: ast.AST | None, call: ast.Call) -> None:
        if expr is not None:
            self.properties.setdefault(name, []).append((expr, self.ctx.scope))

    # --- index params ------------------------------------------------------------------------

    def _params_binding(self, expr: ast.AST, scope: Scope):
        binding = self.model.binding(expr, scope)
        return binding if binding is not None else (None, None)

    def _params_key(self, expr: ast.AST, scope: Scope) -> tuple | None:
        """The one `x = prepare_index_params(...)` a name holds, as (its scope, its name)."""
        binding = self.model.binding(expr, scope)
        if binding is None or self.model.value_of(binding[0], binding[1]).kind != "index_params":
            return None
        return (id(binding[1]), expr.id)

    # --- schemas -----------------------------------------------------------------------------

    def schema_node(self, expr: ast.AST, scope: Scope) -> tuple[ast.Call, Scope] | None:
        """The CollectionSchema(...) / create_schema(...) call an expression certainly is, with
        the scope it is written in:
        written there, bound to a name, reached through `.add_field(...)` chains, or returned by
        a helper function (or method) of this module."""
        model = self.model
        for _ in range(50):
            if isinstance(expr, ast.Name):
                bound = model.binding(expr, scope)
                if bound is None:
                    return None
                expr, scope = bound
            elif isinstance(expr, ast.Call):
                if model.value_of(expr, scope).kind == "schema":
                    return expr, scope
                func = expr.func
                if isinstance(func, ast.Attribute) and func.attr == "add_field":
                    expr = func.value
                    continue
                if expr.args or expr.keywords:
                    return None  # a helper taking arguments may build different schemas
                found = self._helper(func, scope)
                if found is None:
                    return None
                expr, scope = found
            else:
                return None
        return None

    def _helper(self, func: ast.AST, scope: Scope) -> tuple[ast.AST, Scope] | None:
        """`build_schema()` / `self._schema()`: the one expression every `return` gives."""
        inner = self._function_scope(func, scope)
        if inner is None:
            return None
        key = id(inner)
        if key not in self._returned:  # a helper is called in many places: read it once
            returns = [node for node in _own_nodes(inner.node) if isinstance(node, ast.Return)]
            one = len(returns) == 1 and returns[0].value is not None
            self._returned[key] = (returns[0].value, inner) if one else None
        return self._returned[key]

    def _function_scope(self, func: ast.AST, scope: Scope) -> Scope | None:
        if self._functions_by_scope is None:
            found: dict[tuple[int, str], list[Scope]] = {}
            for inner in self.model.scopes.values():
                node = inner.node
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and inner.parent:
                    found.setdefault((id(inner.parent), node.name), []).append(inner)
            self._functions_by_scope = found
        if isinstance(func, ast.Name):
            where: Scope | None = scope
            while where is not None and func.id not in where.defs:
                where = where.parent
            if where is None or len(where.defs[func.id]) != 1:
                return None
            key = (id(where), func.id)
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == scope.self_name
            and scope.class_scope is not None
        ):
            owner = scope.class_scope
            if len(owner.defs.get(func.attr, ())) != 1:
                return None
            key = (id(owner), func.attr)
        else:
            return None
        candidates = self._functions_by_scope.get(key, [])
        if len(candidates) != 1 or isinstance(candidates[0].node, ast.AsyncFunctionDef):
            return None
        return candidates[0]

    # --- once the module is done: the facts of one collection name ---------------------------

    def names(self) -> set[str]:
        """Every collection name the module creates, indexes or sets properties of."""
        linked = {name for name, *_ in self.params_links if name is not None}
        return (
            {c.name for c in self.creations}
            | set(self.indexes)
            | set(self.properties)
            | linked
            | self.foreign
            | self.foreign_indexes
        )

    def facts(self, name: str, api: str, receiver: str | None) -> Collection | None:
        """What the module certainly says about collection `name` as reached through
        `receiver` (client calls; None with api "orm")."""
        creations = [c for c in self.creations if c.name == name]
        mine = [c for c in creations if (c.api, c.receiver) == (api, receiver)]
        if creations and not mine:
            return None  # created by another client: maybe another server
        if not creations and name not in self.names():
            return None
        created = mine[0].call if len(mine) == 1 else None
        schema = None
        if (
            len(mine) == 1
            and len(creations) == 1
            and name not in self.foreign
            and receiver not in self.unnamed
        ):
            schema = self._creation_schema(mine[0])
        return Collection(
            name=name.split("@", 1)[0],
            key=name,
            api=api,
            receiver=receiver,
            created=created,
            schema=schema,
            indexes=self._indexes(name),
            with_index_params=self._with_index_params(mine),
            properties=self._read_properties(name),
        )

    def _creation_schema(self, creation: _Creation) -> Schema | None:
        call, scope = creation.call, creation.scope
        if has_star_kwargs(call) or any(isinstance(a, ast.Starred) for a in call.args):
            return None
        if creation.api == "orm":
            return self.read_schema(argument(call, "Collection", "schema"), scope)
        schema = argument(call, CREATE_COLLECTION, "schema")
        if schema is not None and not _is_none(schema):
            return self.read_schema(schema, scope)
        return self._quick_schema(call, scope)

    def _quick_schema(self, call: ast.Call, scope: Scope) -> Schema | None:
        """Quick setup: `id` (INT64, or VARCHAR) primary key, `vector` FLOAT_VECTOR, dynamic on."""
        dimension = argument(call, CREATE_COLLECTION, "dimension")
        if dimension is None:
            return None
        pk = self._literal(argument(call, CREATE_COLLECTION, "primary_field_name"), "id", scope)
        vector = self._literal(
            argument(call, CREATE_COLLECTION, "vector_field_name"), "vector", scope
        )
        auto_id = self._literal(argument(call, CREATE_COLLECTION, "auto_id"), False, scope)
        id_type = self._literal(argument(call, CREATE_COLLECTION, "id_type"), "int", scope)
        dynamic = self._literal(_keyword_value(call, "enable_dynamic_field"), True, scope)
        if not (isinstance(pk, str) and isinstance(vector, str)):
            return None
        pk_type = {"int": "INT64", "string": "VARCHAR", "str": "VARCHAR"}.get(id_type, UNKNOWN)
        pk_params: dict[str, object] = {"is_primary": True, "auto_id": _bool(auto_id)}
        max_length = _keyword_value(call, "max_length")
        if max_length is not None and pk_type == "VARCHAR":
            pk_params["max_length"] = self._param(max_length, scope)
        dim = self._literal(dimension, None, scope)
        fields = (
            Field(pk, pk_type, call, pk_params),
            Field(vector, "FLOAT_VECTOR", call, {"dim": UNKNOWN if dim is UNKNOWN else dim}),
        )
        return Schema(
            node=call,
            fields=fields,
            complete=True,
            dynamic=_bool(dynamic),
            auto_id=False,
            primary_field=None,
            partition_key_field=None,
            functions=(),
            quick=True,
        )

    def read_schema(self, expr: ast.AST | None, scope: Scope) -> Schema | None:
        """The schema an expression certainly is, as far as the module shows it."""
        model = self.model
        found = self.schema_node(expr, scope) if expr is not None else None
        if found is None or id(found[0]) in self.spoiled or has_star_kwargs(found[0]):
            return None
        node, scope = found
        blocks = self.schema_blocks.get(id(node))
        fields: list[Field] = []
        functions: list[Function] | None = []
        complete = True
        if model.qualname(node.func, scope) == COLLECTION_SCHEMA:
            initial = argument(node, "CollectionSchema", "fields")
            listed = self._list(initial, scope)
            if listed is None:
                return None
            for element, where in listed:
                read = self._field(element, where, "FieldSchema", "name", "dtype")
                if read is None:
                    complete = False
                else:
                    fields.append(read)
            given = argument(node, "CollectionSchema", "functions")
            if given is not None and not _is_none(given):
                listed = self._list(given, scope)
                if listed is None:
                    functions = None
                else:
                    functions += [self._function(e, where) for e, where in listed]
        edits = self.schema_edits.get(id(node), _SchemaEdits())
        for call, where, inside in edits.fields:
            read = self._field(call, where, "CollectionSchema.add_field", "field_name", "datatype")
            if read is None or inside != blocks or where is not scope:
                complete = False
            else:
                fields.append(read)
        for call, where, inside in edits.functions:
            fn = argument(call, "CollectionSchema.add_function", "function")
            if functions is None or fn is None or inside != blocks or where is not scope:
                functions = None
            else:
                functions.append(self._function(fn, where))
        names = [f.name for f in fields]
        if len(set(names)) != len(names):
            return None  # the server refuses duplicates; what the rows mean is unclear
        return Schema(
            node=node,
            fields=tuple(fields),
            complete=complete,
            dynamic=_bool(self._keyword(node, "enable_dynamic_field", False, scope)),
            auto_id=_bool(self._keyword(node, "auto_id", False, scope)),
            primary_field=self._keyword(node, "primary_field", None, scope),
            partition_key_field=self._keyword(node, "partition_key_field", None, scope),
            functions=UNKNOWN if functions is None else tuple(functions),
        )

    def field_definition(self, call: ast.Call, scope: Scope) -> Field | None:
        """A `FieldSchema(...)` or `schema.add_field(...)` call read as a Field (None for other
        calls, or when its name is not a literal); readable at any time (CollectionModel's)."""
        # Several rules ask about every call (checks.collection.checking.FieldRule): read once.
        key = id(call)
        if key not in self._fields:
            self._fields[key] = self._field_definition(call, scope)
        return self._fields[key]

    def _field_definition(self, call: ast.Call, scope: Scope) -> Field | None:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr not in ("add_field", "FieldSchema"):
            return None
        if isinstance(func, ast.Attribute) and func.attr == "add_field":
            # On a schema we cannot trace (a parameter), a pymilvus DataType still tells.
            read = self._field(call, scope, "CollectionSchema.add_field", "field_name", "datatype")
            if read is None or (
                read.dtype is UNKNOWN and self.schema_node(func.value, scope) is None
            ):
                return None
            return read
        if self.model.qualname(func, scope) == FIELD_SCHEMA:
            return self._field(call, scope, "FieldSchema", "name", "dtype")
        return None

    def _field(self, expr, scope, api, name_param, type_param) -> Field | None:
        model = self.model
        bound = model.binding(expr, scope) if isinstance(expr, ast.Name) else None
        call, where = bound if bound is not None else (expr, scope)
        if not isinstance(call, ast.Call):
            return None
        if api == "FieldSchema" and model.qualname(call.func, where) != FIELD_SCHEMA:
            return None
        if has_star_kwargs(call) or any(isinstance(a, ast.Starred) for a in call.args):
            return None
        name = model.string(argument(call, api, name_param), where)
        if name is None:
            return None
        dtype_arg = argument(call, api, type_param)
        dtype = self._data_type(dtype_arg, where) if dtype_arg is not None else UNKNOWN
        params = {
            kw.arg: self._param(kw.value, where)
            for kw in call.keywords
            if kw.arg not in _NOT_FIELD_PARAMS
        }
        return Field(name, UNKNOWN if dtype is None else dtype, call, params)

    def _function(self, expr: ast.AST, scope: Scope) -> Function:
        model = self.model
        bound = model.binding(expr, scope) if isinstance(expr, ast.Name) else None
        call, where = bound if bound is not None else (expr, scope)
        if (
            not isinstance(call, ast.Call)
            or model.qualname(call.func, where) != FUNCTION
            or has_star_kwargs(call)
        ):
            return Function(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, expr)
        kind_arg = argument(call, "Function", "function_type")
        kind = model.qualname(kind_arg, where) if kind_arg is not None else None
        return Function(
            name=_or_unknown(model.string(argument(call, "Function", "name"), where)),
            kind=kind.rsplit(".", 1)[1]
            if kind and kind.startswith("pymilvus.FunctionType.")
            else UNKNOWN,
            inputs=self._names(argument(call, "Function", "input_field_names"), where),
            outputs=self._names(argument(call, "Function", "output_field_names"), where),
            node=call,
        )

    def _names(self, expr: ast.AST | None, scope: Scope) -> tuple[str, ...] | object:
        if expr is None:
            return ()
        single = self.model.string(expr, scope)
        if single is not None:
            return (single,)
        listed = self._list(expr, scope)
        if listed is None:
            return UNKNOWN
        names = [self.model.string(e, where) for e, where in listed]
        return UNKNOWN if None in names else tuple(names)

    def _list(self, expr: ast.AST | None, scope: Scope) -> list[tuple[ast.AST, Scope]] | None:
        """The elements of a list display, written there or the one value of an unchanged name."""
        if expr is None or self.model.mutated(expr):
            return None
        bound = self.model.binding(expr, scope) if isinstance(expr, ast.Name) else None
        if bound is not None:
            expr, scope = bound
        if not isinstance(expr, (ast.List, ast.Tuple)):
            return None
        if any(isinstance(e, ast.Starred) for e in expr.elts):
            return None
        return [(e, scope) for e in expr.elts]

    def _data_type(self, expr: ast.AST, scope: Scope) -> str | None:
        qualname = self.model.qualname(expr, scope)
        if qualname and qualname.startswith("pymilvus.DataType."):
            return qualname.rsplit(".", 1)[1]
        return None

    def _param(self, expr: ast.AST, scope: Scope) -> object:
        """A keyword's value: a literal, a DataType member's name, or UNKNOWN."""
        value = self.model.value_of(expr, scope)
        if value.kind == "literal":
            return value.value
        return self._data_type(expr, scope) or UNKNOWN

    def _literal(self, expr: ast.AST | None, default, scope: Scope):
        if expr is None:
            return default
        value = self.model.value_of(expr, scope)
        return value.value if value.kind == "literal" else UNKNOWN

    def _keyword(self, call: ast.Call, name: str, default, scope: Scope):
        return self._literal(_keyword_value(call, name), default, scope)

    # --- indexes, index params, properties -----------------------------------------------------

    def _indexes(self, name: str):
        if self.indexes_unknown or name in self.foreign or name in self.foreign_indexes:
            return UNKNOWN
        found = list(self.indexes.get(name, []))
        escaped = self._escaped_params()
        for linked, key, value, where in self.params_links:
            if linked != name:
                continue
            if key in escaped:
                return UNKNOWN
            if argument(value, PREPARE_INDEX_PARAMS, "field_name") is not None:
                found.append(read_index_call(self.model, value, where, PREPARE_INDEX_PARAMS))
            found += self.params_added.get(key, [])
        return tuple(found)

    def _escaped_params(self) -> set[tuple]:
        """Index params read anywhere else (returned, passed to a helper) may hold more."""
        escaped = set()
        for node, scope in self.params_loads:
            if id(node) not in self.params_used:
                key = self._params_key(node, scope)
                if key is not None:
                    escaped.add(key)
        return escaped

    def _with_index_params(self, mine: list[_Creation]):
        if len(mine) != 1:
            return UNKNOWN
        creation = mine[0]
        if creation.api == "orm":
            return False
        call = creation.call
        if has_star_kwargs(call):
            return UNKNOWN
        params = argument(call, CREATE_COLLECTION, "index_params")
        if params is not None and not _is_none(params):
            return True
        return quick_setup_index(self.model, creation.scope, call) is not None

    def _read_properties(self, name: str):
        merged: dict[str, object] = {}
        for expr, scope in self.properties.get(name, []):
            if _is_none(expr):
                continue
            mapping = self.model.dict_literal(expr, scope)
            if mapping is None:
                return UNKNOWN
            for key, value in zip(mapping.keys, mapping.values, strict=True):
                merged[key.value] = self._param(value, scope)
        return merged


def collection_key(model, expr: ast.AST | None, scope: Scope) -> str | None:
    """How the module names a collection: its literal name, or a name that holds one fixed
    value, as `text@binding` (`COLLECTION = os.environ["C"]` bound once; `self.collection_name`
    assigned once in its class). None for anything else (a parameter, a loop variable)."""
    if expr is None:
        return None
    literal = model.string(expr, scope)
    if literal is not None:
        return literal
    if isinstance(expr, ast.Name):
        bound = model.binding(expr, scope)
        return f"{expr.id}@{id(bound[0])}" if bound is not None else None
    if (
        isinstance(expr, ast.Attribute)
        and isinstance(expr.value, ast.Name)
        and expr.value.id == scope.self_name
        and scope.class_scope is not None
    ):
        assigned = scope.class_scope.self_attrs.get(expr.attr, ())
        if len(assigned) == 1 and isinstance(assigned[0], tuple):
            return f"self.{expr.attr}@{id(scope.class_scope)}"
    return None


def _names_bound_to(model, factories: frozenset[str]) -> set[str]:
    """Names assigned, anywhere, the result of a call whose last name is one of `factories`."""
    found = set()
    for scope in model.scopes.values():
        for name, definitions in scope.defs.items():
            for definition in definitions:
                func = definition.func if isinstance(definition, ast.Call) else None
                last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if last in factories:
                    found.add(name)
    return found


def receiver_key(receiver: ast.expr) -> str:
    """The same client written the same way (`client`, `self.client`) gives the same key."""
    return ast.unparse(receiver)


def _keyword_value(call: ast.Call, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _bool(value):
    return value if isinstance(value, bool) else UNKNOWN


def _or_unknown(value):
    return UNKNOWN if value is None else value


def _own_nodes(function: ast.AST):
    """The nodes of a function's body, without those of functions and classes nested in it."""
    stack = list(function.body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(node))
