"""Vectors made by a well-known embedding model named in a literal: how long they are.

A vector's length shows when the code builds it (`checks/collection/rows.py`), and also when it
comes out of a model whose output dim is fixed by its name alone: `all-MiniLM-L6-v2` always
returns 384 values, `text-embedding-ada-002` 1536. `embedding(model, expr, scope)` answers, for
an expression, `Embedding(dim, model_name, shape)` or None. Recognised, in one module:

- sentence-transformers: `m = SentenceTransformer("all-MiniLM-L6-v2")`, `m.encode(...)`;
- OpenAI: `c = OpenAI()`, `c.embeddings.create(model="text-embedding-3-small", input=...)`
  (`openai.embeddings.create`, legacy `openai.Embedding.create`), read as `.data[i].embedding`
  (`["data"][i]["embedding"]`) or `[d.embedding for d in r.data]`;
- LangChain: `OpenAIEmbeddings(model=...)`, `HuggingFaceEmbeddings(model_name=...)`,
  `.embed_query(...)` / `.embed_documents(...)`;
- pymilvus.model: `DefaultEmbeddingFunction()`, `SentenceTransformerEmbeddingFunction(...)`,
  `.encode_documents(...)` / `.encode_queries(...)`;
- a module-level function whose every `return` is one of these;
- a loop variable over a batch of them (`for vector in vectors`, `[... for v in vectors]`).

Precision first. The model name must be a literal (or a constant bound once); the constructor
and the call may carry only keywords that cannot change the length (`dimensions=`,
`truncate_dim=`, `precision=`, `base_url=`, `**kwargs`: unknown); the embedder must be a name
bound once, imported at module level from the library. Anything else is unknown: silent.
The dims are cited in guide/2026.11/rules/MV125.md.
"""

from __future__ import annotations

import ast
from weakref import WeakKeyDictionary

from checks.semantic import Scope, SemanticModel, has_star_kwargs, keyword

# Output dim of OpenAI's embedding models without `dimensions=` (text-embedding-3-* accept it and
# then return that many values; ada-002 refuses it). Milvus docs, "OpenAI" (embeddings), and
# platform.openai.com/docs/guides/embeddings.
OPENAI_DIMS = {
    "text-embedding-ada-002": 1536,
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
}
# Hugging Face models loaded by sentence-transformers: the dim each model card states
# (huggingface.co/sentence-transformers/<name>, huggingface.co/BAAI/<name>).
SENTENCE_TRANSFORMER_DIMS = {
    "all-MiniLM-L6-v2": 384,
    "all-MiniLM-L12-v2": 384,
    "all-mpnet-base-v2": 768,
    "multi-qa-MiniLM-L6-cos-v1": 384,
    "BAAI/bge-small-en-v1.5": 384,
    "BAAI/bge-base-en-v1.5": 768,
    "BAAI/bge-large-en-v1.5": 1024,
    "BAAI/bge-m3": 1024,
}
# pymilvus.model's DefaultEmbeddingFunction: OnnxEmbeddingFunction over GPTCache/paraphrase-albert
# (dim = hidden_size of paraphrase-albert-small-v2 = 768; pymilvus-model 0.3.4 dense/onnx.py).
DEFAULT_EMBEDDING_FUNCTION_DIM = 768

# Library classes, by the module users import them from.
_SENTENCE_TRANSFORMER = {"sentence_transformers.SentenceTransformer"}
_OPENAI_CLIENTS = {"openai.OpenAI", "openai.AsyncOpenAI"}
_LANGCHAIN_OPENAI = {
    "langchain_openai.OpenAIEmbeddings",
    "langchain_community.embeddings.OpenAIEmbeddings",
    "langchain.embeddings.OpenAIEmbeddings",
    "langchain.embeddings.openai.OpenAIEmbeddings",
}
_LANGCHAIN_HF = {
    "langchain_huggingface.HuggingFaceEmbeddings",
    "langchain_community.embeddings.HuggingFaceEmbeddings",
    "langchain.embeddings.HuggingFaceEmbeddings",
}
_MILVUS_DEFAULT = {"pymilvus.model.DefaultEmbeddingFunction"}
_MILVUS_ST = {
    "pymilvus.model.dense.SentenceTransformerEmbeddingFunction",
    "pymilvus.model.dense.sentence_transformer.SentenceTransformerEmbeddingFunction",
}
# Keywords that leave the output length alone. Any other keyword (or **kwargs) makes it unknown.
_ST_INIT = {"device", "cache_folder", "trust_remote_code", "revision", "token", "local_files_only"}
_ST_ENCODE = {
    "batch_size", "show_progress_bar", "normalize_embeddings", "convert_to_numpy",
    "convert_to_tensor", "device", "prompt_name", "prompt",
}  # fmt: skip
_OPENAI_INIT_UNSAFE = {"base_url"}  # another server: the name may mean another model
_OPENAI_CREATE = {"model", "input", "encoding_format", "user", "timeout", "engine"}
_LANGCHAIN_OPENAI_INIT = {
    "model", "api_key", "openai_api_key", "chunk_size", "max_retries", "timeout",
    "request_timeout", "show_progress_bar",
}  # fmt: skip
_LANGCHAIN_HF_INIT = {"model_name", "model_kwargs", "cache_folder", "show_progress"}
_MILVUS_ST_INIT = {
    "model_name", "batch_size", "query_instruction", "doc_instruction", "device",
    "normalize_embeddings",
}  # fmt: skip

_IMPORTS: WeakKeyDictionary[SemanticModel, dict[str, str]] = WeakKeyDictionary()
_MAX_DEPTH = 8


class Embedding:
    """What an expression holds: vectors of `dim` values from `model_name`. `shape` is "vector"
    (one), "batch" (a list of them), or "either" (`encode(text)` of a text we cannot type)."""

    __slots__ = ("dim", "model_name", "shape")

    def __init__(self, dim: int, model_name: str, shape: str):
        self.dim = dim
        self.model_name = model_name
        self.shape = shape

    def as_shape(self, shape: str) -> Embedding:
        return Embedding(self.dim, self.model_name, shape)


class _Embedder:
    """A model object: what its calls return. `api` is "st", "openai", "langchain", "milvus"."""

    __slots__ = ("api", "dim", "model_name")

    def __init__(self, api: str, dim: int | None, model_name: str | None):
        self.api = api
        self.dim = dim  # None for an OpenAI client: the model is named at each call
        self.model_name = model_name


def embedding(model: SemanticModel, expr: ast.expr, scope: Scope) -> Embedding | None:
    """The embedding an expression certainly holds, or None."""
    return _Reader(model).output(expr, scope, 0)


class _Reader:
    __slots__ = ("imports", "model")

    def __init__(self, model: SemanticModel):
        self.model = model
        self.imports = _imported_names(model)

    def output(self, expr: ast.expr, scope: Scope, depth: int) -> Embedding | None:
        if depth > _MAX_DEPTH:
            return None
        depth += 1
        if isinstance(expr, ast.Await):
            return self.output(expr.value, scope, depth)
        if isinstance(expr, ast.Name):
            bound = self._bound(expr, scope)
            if bound is not None:
                return self.output(bound[0], bound[1], depth)
            return self._loop_element(expr, scope, depth)
        if isinstance(expr, ast.Subscript):
            return self._subscript(expr, scope, depth)
        if isinstance(expr, ast.Attribute):
            return self._attribute(expr, scope, depth)
        if isinstance(expr, ast.ListComp):
            return self._comprehension(expr, scope, depth)
        if isinstance(expr, ast.Call):
            return self._call(expr, scope, depth)
        return None

    # --- reading results ---------------------------------------------------------------------

    def _subscript(self, expr: ast.Subscript, scope: Scope, depth: int) -> Embedding | None:
        if isinstance(expr.slice, ast.Constant) and expr.slice.value == "embedding":
            # legacy openai: response["data"][i]["embedding"]
            item = expr.value
            if isinstance(item, ast.Subscript) and not isinstance(item.slice, ast.Slice):
                data = item.value
                if isinstance(data, ast.Subscript) and _is_constant(data.slice, "data"):
                    found = self._response(data.value, scope, depth)
                    return found.as_shape("vector") if found else None
            return None
        inner = self.output(expr.value, scope, depth)
        if inner is None or inner.shape != "batch":
            return None
        return inner if isinstance(expr.slice, ast.Slice) else inner.as_shape("vector")

    def _loop_element(self, name: ast.Name, scope: Scope, depth: int) -> Embedding | None:
        """`for vector in vectors` / `[... for v in vectors]` over a batch: one vector."""
        iterated = self.model.loop_iterable(name, scope)
        if iterated is None:
            return None
        inner = self.output(iterated[0], iterated[1], depth)
        return inner.as_shape("vector") if inner is not None and inner.shape == "batch" else None

    def _attribute(self, expr: ast.Attribute, scope: Scope, depth: int) -> Embedding | None:
        if expr.attr != "embedding":
            return None
        item = expr.value  # response.data[i].embedding
        if not (isinstance(item, ast.Subscript) and not isinstance(item.slice, ast.Slice)):
            return None
        data = item.value
        if not (isinstance(data, ast.Attribute) and data.attr == "data"):
            return None
        found = self._response(data.value, scope, depth)
        return found.as_shape("vector") if found else None

    def _comprehension(self, expr: ast.ListComp, scope: Scope, depth: int) -> Embedding | None:
        """`[d.embedding for d in response.data]`: a batch."""
        if len(expr.generators) != 1 or expr.generators[0].ifs:
            return None
        generator = expr.generators[0]
        element = expr.elt
        if not (
            isinstance(generator.target, ast.Name)
            and isinstance(element, ast.Attribute)
            and element.attr == "embedding"
            and isinstance(element.value, ast.Name)
            and element.value.id == generator.target.id
            and isinstance(generator.iter, ast.Attribute)
            and generator.iter.attr == "data"
        ):
            return None
        found = self._response(generator.iter.value, scope, depth)
        return found.as_shape("batch") if found else None

    def _response(self, expr: ast.expr, scope: Scope, depth: int) -> Embedding | None:
        """An OpenAI embeddings response (a name bound once to it, or the call itself)."""
        expr, scope = self._unbound(expr, scope)
        if isinstance(expr, ast.Await):
            expr = expr.value
        if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)):
            return None
        if expr.func.attr != "create" or expr.args or _has_star(expr):
            return None
        owner = expr.func.value  # client.embeddings / openai.embeddings / openai.Embedding
        if not isinstance(owner, ast.Attribute) or owner.attr not in ("embeddings", "Embedding"):
            return None
        if self._dotted(owner.value) != "openai":  # else the module-level API of openai
            embedder = self._embedder(owner.value, scope, depth)
            if owner.attr != "embeddings" or embedder is None or embedder.api != "openai":
                return None
        if any(k.arg not in _OPENAI_CREATE for k in expr.keywords):
            return None  # dimensions=, extra_body=, ...: the length may differ
        name = self._string(_keyword(expr, "model") or _keyword(expr, "engine"), scope)
        dim = OPENAI_DIMS.get(name) if name else None
        return Embedding(dim, name, "response") if dim else None

    # --- model calls -------------------------------------------------------------------------

    def _call(self, call: ast.Call, scope: Scope, depth: int) -> Embedding | None:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "tolist" and not call.args:
            return self.output(func.value, scope, depth)
        if isinstance(func, ast.Name) and func.id == "list" and len(call.args) == 1:
            if "list" not in self.model.module_scope.defs:
                return self.output(call.args[0], scope, depth)
            return None
        if _has_star(call):
            return None
        if isinstance(func, ast.Attribute):
            embedder = self._embedder(func.value, scope, depth)
            if embedder is not None and embedder.dim is not None:
                return self._model_call(embedder, func.attr, call, scope)
            return None
        if isinstance(func, ast.Name):
            embedder = self._embedder(func, scope, depth)
            if embedder is not None and embedder.api == "milvus" and len(call.args) == 1:
                return Embedding(embedder.dim, embedder.model_name, "batch")  # ef(docs)
            return self._function_return(func, depth)
        return None

    def _model_call(self, embedder: _Embedder, method: str, call: ast.Call, scope: Scope):
        dim, name = embedder.dim, embedder.model_name
        if embedder.api == "st" and method in ("encode", "encode_query", "encode_document"):
            if len(call.args) != 1 or any(k.arg not in _ST_ENCODE for k in call.keywords):
                return None
            return Embedding(dim, name, self._texts_shape(call.args[0], scope))
        if embedder.api == "langchain" and not call.keywords and len(call.args) == 1:
            if method == "embed_query":
                return Embedding(dim, name, "vector")
            if method == "embed_documents":
                return Embedding(dim, name, "batch")
        milvus_batch = method in ("encode_documents", "encode_queries")
        if embedder.api == "milvus" and milvus_batch and len(call.args) == 1 and not call.keywords:
            return Embedding(dim, name, "batch")
        return None

    def _texts_shape(self, texts: ast.expr, scope: Scope) -> str:
        """One vector for one text, a batch for a list of texts."""
        texts, _ = self._unbound(texts, scope)
        if isinstance(texts, (ast.List, ast.ListComp, ast.Tuple)):
            return "batch"
        if isinstance(texts, ast.JoinedStr) or (
            isinstance(texts, ast.Constant) and isinstance(texts.value, str)
        ):
            return "vector"
        return "either"

    def _function_return(self, func: ast.Name, depth: int) -> Embedding | None:
        """A call of a module-level function whose every return is the same embedding."""
        defs = self.model.module_scope.defs.get(func.id, ())
        if len(defs) != 1:
            return None
        function = next(
            (
                s
                for s in self.model.tree.body
                if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == func.id
            ),
            None,
        )
        if function is None or function.decorator_list:
            return None
        inner = self.model.scope_of(function)
        found: Embedding | None = None
        for node in _own_nodes(function):
            if isinstance(node, (ast.Yield, ast.YieldFrom)):
                return None
            if not isinstance(node, ast.Return):
                continue
            result = self.output(node.value, inner, depth) if node.value is not None else None
            if result is None or result.shape == "response":
                return None
            if found is not None and (found.dim, found.shape) != (result.dim, result.shape):
                return None
            found = result
        return found

    # --- model objects -----------------------------------------------------------------------

    def _embedder(self, expr: ast.expr, scope: Scope, depth: int) -> _Embedder | None:
        """The model object an expression is: a name bound once to a known constructor call
        (or the call itself)."""
        expr, scope = self._unbound(expr, scope)
        if not isinstance(expr, ast.Call) or _has_star(expr) or depth > _MAX_DEPTH:
            return None
        made = self._dotted(expr.func)
        keywords = {k.arg for k in expr.keywords}
        if made in _SENTENCE_TRANSFORMER:
            name = expr.args[0] if expr.args else _keyword(expr, "model_name_or_path")
            if len(expr.args) > 1 or keywords - _ST_INIT - {"model_name_or_path"}:
                return None
            return self._named("st", SENTENCE_TRANSFORMER_DIMS, name, scope)
        if made in _OPENAI_CLIENTS:
            if expr.args or keywords & _OPENAI_INIT_UNSAFE:
                return None
            return _Embedder("openai", None, None)
        if made in _LANGCHAIN_OPENAI:
            if expr.args or keywords - _LANGCHAIN_OPENAI_INIT:
                return None
            return self._named("langchain", OPENAI_DIMS, _keyword(expr, "model"), scope)
        if made in _LANGCHAIN_HF:
            if expr.args or keywords - _LANGCHAIN_HF_INIT:
                return None
            return self._named(
                "langchain", SENTENCE_TRANSFORMER_DIMS, _keyword(expr, "model_name"), scope
            )
        if made in _MILVUS_DEFAULT:
            if expr.args or expr.keywords:
                return None
            return _Embedder("milvus", DEFAULT_EMBEDDING_FUNCTION_DIM, "DefaultEmbeddingFunction")
        if made in _MILVUS_ST:
            if expr.args or keywords - _MILVUS_ST_INIT:
                return None
            name = _keyword(expr, "model_name")
            if name is None:  # the documented default
                return _Embedder("milvus", SENTENCE_TRANSFORMER_DIMS["all-MiniLM-L6-v2"],
                                 "all-MiniLM-L6-v2")  # fmt: skip
            return self._named("milvus", SENTENCE_TRANSFORMER_DIMS, name, scope)
        return None

    def _named(self, api: str, dims: dict[str, int], name_expr, scope: Scope):
        name = self._string(name_expr, scope)
        if name is None:
            return None
        if dims is SENTENCE_TRANSFORMER_DIMS:
            name = name.removeprefix("sentence-transformers/")
        dim = dims.get(name)
        return _Embedder(api, dim, name) if dim else None

    # --- names -------------------------------------------------------------------------------

    def _bound(self, name: ast.Name, scope: Scope):
        if self.model.mutated(name):
            return None
        return self.model.binding(name, scope)

    def _unbound(self, expr: ast.expr, scope: Scope) -> tuple[ast.expr | None, Scope]:
        """What a name is bound to (None when not certain); any other expression itself."""
        if not isinstance(expr, ast.Name):
            return expr, scope
        return self._bound(expr, scope) or (None, scope)

    def _string(self, expr: ast.expr | None, scope: Scope) -> str | None:
        return self.model.string(expr, scope) if expr is not None else None

    def _dotted(self, expr: ast.expr) -> str | None:
        """`SentenceTransformer` / `st.SentenceTransformer` / `model.DefaultEmbeddingFunction`
        as the library's dotted name, through module-level imports bound once."""
        parts: list[str] = []
        while isinstance(expr, ast.Attribute):
            parts.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        base = self.imports.get(expr.id)
        if base is None:
            return None
        return ".".join([base, *reversed(parts)])


def _imported_names(model: SemanticModel) -> dict[str, str]:
    """Local name -> dotted name, for module-level imports of a name bound only there."""
    names = _IMPORTS.get(model)
    if names is None:
        found: dict[str, str] = {}
        for statement in model.tree.body:
            if isinstance(statement, ast.Import):
                for alias in statement.names:
                    if alias.asname:
                        found[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        found[top] = top
            elif (
                isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module
            ):
                for alias in statement.names:
                    if alias.name != "*":
                        found[alias.asname or alias.name] = f"{statement.module}.{alias.name}"
        defs = model.module_scope.defs
        names = {local: dotted for local, dotted in found.items() if len(defs.get(local, ())) == 1}
        _IMPORTS[model] = names
    return names


def _own_nodes(function: ast.AST):
    """The nodes of a function body, without those of nested functions, lambdas and classes."""
    stack = list(function.body)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
            ):
                stack.append(child)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    found = keyword(call, name)
    return found.value if found is not None else None


def _has_star(call: ast.Call) -> bool:
    return has_star_kwargs(call) or any(isinstance(a, ast.Starred) for a in call.args)


def _is_constant(node: ast.expr, value: str) -> bool:
    return isinstance(node, ast.Constant) and node.value == value
