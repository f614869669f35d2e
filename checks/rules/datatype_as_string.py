"""MV122 datatype-as-string."""

from __future__ import annotations

import ast

from checks.api.calls import ApiCalls
from checks.fixes import ReplaceExpression
from checks.rules.base import Invalid, Rule
from checks.signatures import positional_or_keyword

# Where pymilvus takes a field's DataType: (class, method) -> parameter.
DTYPE_PARAMETERS = {
    ("FieldSchema", "__init__"): "dtype",
    ("CollectionSchema", "add_field"): "datatype",
    ("MilvusClient", "create_field_schema"): "data_type",
    ("MilvusClient", "add_collection_field"): "data_type",
    ("AsyncMilvusClient", "create_field_schema"): "data_type",
    ("AsyncMilvusClient", "add_collection_field"): "data_type",
}


class UseDataTypeMember(ReplaceExpression):
    description = "replace `{old}` with `{new}`"


class DataTypeAsString(Rule):
    """A field's type given as a string ("FLOAT_VECTOR") where pymilvus wants the DataType enum."""

    code = "MV122"
    name = "datatype-as-string"
    severity = "error"
    pymilvus_only = True
    fix = "safe"
    fixer = UseDataTypeMember
    pymilvus = ">=2.4"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient, DataType, FieldSchema
        schema = MilvusClient.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("v", datatype=DataType.FLOAT_VECTOR, dim=8)
        f = FieldSchema("title", DataType.VARCHAR, max_length=64)
        """,
        # Not pymilvus, and a type the code computes.
        """
        from pymilvus import MilvusClient, DataType
        table.add_field("v", "FLOAT_VECTOR")
        schema = MilvusClient.create_schema()
        schema.add_field("v", getattr(DataType, name), dim=8)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient, DataType
            schema = MilvusClient.create_schema(auto_id=True)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("v", "FLOAT_VECTOR", dim=8)
            """,
            line=4,
            fixed="""
            from pymilvus import MilvusClient, DataType
            schema = MilvusClient.create_schema(auto_id=True)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("v", DataType.FLOAT_VECTOR, dim=8)
            """,
        ),
        Invalid(
            """
            import pymilvus
            field = pymilvus.FieldSchema(name="title", dtype="varchar", max_length=64)
            """,
            line=2,
            fixed="""
            import pymilvus
            field = pymilvus.FieldSchema(name="title", dtype=pymilvus.DataType.VARCHAR, max_length=64)
            """,
        ),
        # No DataType in scope: reported, not fixed.
        Invalid(
            """
            from pymilvus import FieldSchema
            field = FieldSchema("v", "FloatVector", dim=8)
            """,
            line=2,
            pymilvus_version="2.4",
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        calls = self.ctx.shared(ApiCalls)
        called = calls.call(node)
        if called is None:
            return
        parameter = DTYPE_PARAMETERS.get((called.target.name, called.member))
        if parameter is None or parameter not in called.signature.names:
            return
        positional = called.signature.positional
        index = positional.index(parameter) if parameter in positional else None
        argument = positional_or_keyword(node, index, parameter)
        text = self.ctx.model.string(argument, self.ctx.scope) if argument is not None else None
        if text is None:
            return
        member = _member(calls.model, text)
        enum = _datatype_name(self.ctx)
        replacement = f"{enum}.{member}" if member and enum else None
        self.report(
            argument,
            f"Pass `DataType.{member or '...'}`, not the string {text!r}: {called.display} "
            "rejects a string type (DataTypeNotSupportException: Field dtype must be of DataType).",
            hint=f"{parameter}=DataType.{member or text.upper()}",
            fix=None if replacement and isinstance(argument, ast.Constant) else "none",
            fix_data={"replacement": replacement} if replacement else None,
        )


def _member(model, text: str) -> str | None:
    """The DataType member a string names: "FLOAT_VECTOR", "float_vector", "FloatVector"."""
    info = model.cls("DataType")
    if info is None:
        return None
    folded = text.replace("_", "").lower()
    for name in sorted(info.attributes):
        if name.isupper() and not name.startswith("_") and name.replace("_", "").lower() == folded:
            return name
    return None


def _datatype_name(ctx) -> str | None:
    """How this module can name DataType at module level: `DataType`, else `pm.DataType`."""
    model, scope = ctx.model, ctx.model.module_scope
    through_module = None
    for local, defs in scope.defs.items():
        value = model.lookup(local, scope)
        if value.kind != "import" or len(defs) != 1:
            continue
        if value.qualname == "pymilvus.DataType":
            return local
        if value.qualname == "pymilvus" and through_module is None:
            through_module = f"{local}.DataType"
    return through_module
