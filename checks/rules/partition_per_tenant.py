"""MV109 partition-per-tenant."""

from __future__ import annotations

import ast
import builtins

from checks.flow import loop_blocks
from checks.rules.base import Invalid, Rule

MAX_PARTITIONS = 1024  # rootCoord.maxPartitionNum, the server default
_BUILTINS = frozenset(dir(builtins))


class PartitionPerTenant(Rule):
    """Partitions created with computed names or in a loop, one per tenant, user or date."""

    code = "MV109"
    call_names = frozenset({"create_partition"})
    pymilvus_only = True
    name = "partition-per-tenant"
    severity = "warning"
    fix = "none"
    editions = frozenset({"2026.11"})

    VALID = [
        # A few literal partitions.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        client.create_partition("docs", "2024")
        client.create_partition(collection_name="docs", partition_name="archive")
        """,
        # A fixed literal set of names, or a small literal range.
        """
        from pymilvus import Collection
        col = Collection("docs")
        for quarter in ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]:
            col.create_partition(quarter)
        REGIONS = ("eu", "us")
        for region in REGIONS:
            col.create_partition(region)
        for i, region in enumerate(REGIONS):
            col.create_partition(region)
        """,
        # A template or a constant-named set over a fixed set of values: a bounded, small
        # number of coarse partitions (per language, category, knowledge base, shard).
        """
        from pymilvus import Collection, MilvusClient
        col = Collection("podcasts")
        for lang in ["zh", "en", "ja", "ko"]:
            col.create_partition(partition_name=f"lang_{lang}")
        KB_POLICY = "kb_policy"
        KB_NEWS = "kb_news"
        client = MilvusClient("./milvus.db")
        for p in (KB_POLICY, KB_NEWS):
            if not client.has_partition("docs", p):
                client.create_partition("docs", p)
        SHARDS = 20
        for idx in range(5, SHARDS):
            col.create_partition(partition_name=f"partition_{idx + 1}")
        """,
        # A progress bar over a bounded range.
        """
        from pymilvus import Collection
        from tqdm import tqdm
        col = Collection("code")
        num_partitions = 20
        for idx in tqdm(range(5, num_partitions), desc="Inserting"):
            col.create_partition(partition_name=f"partition_{idx + 1}")
        """,
        # The loop varies the collection, not the partition.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        for name in client.list_collections():
            client.create_partition(name, "archive")
        """,
        # A name we know nothing about: a wrapper's parameter.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        def ensure_partition(partition_name):
            if not client.has_partition("docs", partition_name):
                client.create_partition("docs", partition_name)
        """,
        # A name built only from constants.
        """
        from pymilvus import MilvusClient
        YEAR = "2024"
        client = MilvusClient("./milvus.db")
        client.create_partition("docs", f"year_{YEAR}")
        client.create_partition("docs", "p_" + YEAR)
        """,
        # Look-alikes: not Milvus.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("./milvus.db")
        for tenant in tenants:
            kafka_admin.create_partition(f"topic_{tenant}")
            table.create_partition(tenant)
        """,
        """
        import pymilvus
        from mylib import Collection
        col = Collection("docs")
        for tenant in tenants:
            col.create_partition(f"tenant_{tenant}")
        """,
        # A class of the user's own named Collection.
        """
        from pymilvus import MilvusClient
        class Collection:
            def create_partition(self, name): ...
        col = Collection()
        for tenant in tenants:
            col.create_partition(f"tenant_{tenant}")
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            for tenant in tenants:
                client.create_partition("docs", partition_name=f"tenant_{tenant}")
            """,
            line=4,
        ),
        # The bare loop variable, over data we cannot bound.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            for user in db.fetch_users():
                client.create_partition("docs", user.id)
            """,
            line=4,
        ),
        # A computed name outside any loop: one partition per call of the function.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            def on_signup(user_id):
                client.create_partition("docs", "user_" + str(user_id))
            """,
            line=4,
        ),
        Invalid(
            """
            from pymilvus import Collection
            col = Collection("events")
            def add_day(day):
                name = "day_{}".format(day.isoformat())
                col.create_partition(name)
            """,
            line=5,
        ),
        # Async client, in a comprehension.
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def setup():
                client = AsyncMilvusClient("http://localhost:19530")
                await asyncio.gather(*[client.create_partition("docs", f"t_{t}") for t in tenants])
            """,
            line=4,
        ),
        # A template over a bounded loop still varies with unbounded data.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("milvus_demo.db")
            for tenant in load_tenants():
                for lang in ["en", "de"]:
                    client.create_partition("docs", partition_name=f"{tenant}_{lang}")
            """,
            line=5,
        ),
        # A progress bar over data we cannot bound.
        Invalid(
            """
            from pymilvus import Collection
            from tqdm.auto import tqdm as progress
            col = Collection("events")
            for user in progress(db.users()):
                col.create_partition(f"user_{user.id}")
            """,
            line=5,
        ),
        # Nested literal ranges whose product passes the limit.
        Invalid(
            """
            from pymilvus import Collection
            col = Collection("events")
            for year in range(2000, 2040):
                for day in range(366):
                    col.create_partition(f"d_{year}_{day}")
            """,
            line=5,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("./milvus.db")
            for i in range(5000):
                client.create_partition("docs", names[i])
            """,
            line=4,
        ),
    ]

    _loops: dict | None = None

    def visit_Call(self, node: ast.Call) -> None:
        create = self.ctx.method_call(node, "create_partition")
        partition = create.argument("partition_name") if create is not None else None
        if partition is None or self.ctx.literal(partition) is not None:
            return
        self._bounded_names = self._bounded_loop_names()
        if not self._computed(partition) and not self._varies_with_loop(partition):
            return
        self.report(
            node,
            "Use a partition key field instead of one partition per tenant: a collection holds "
            f"at most {MAX_PARTITIONS} partitions.",
            hint="add_field(..., is_partition_key=True), create_collection(..., num_partitions=N), "
            "then filter on that field",
        )

    def _computed(self, expr: ast.expr) -> bool:
        """A string built at run time from something that is not a constant."""
        bound = self.ctx.model.binding(expr, self.ctx.scope)
        if bound is not None:
            expr = bound[0]
        if isinstance(expr, ast.JoinedStr):
            parts = [v.value for v in expr.values if isinstance(v, ast.FormattedValue)]
        elif isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
            parts = [expr.left, expr.right]
        elif (
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Attribute)
            and expr.func.attr == "format"
            and isinstance(expr.func.value, ast.Constant)
        ):
            parts = [*expr.args, *(kw.value for kw in expr.keywords)]
        else:
            return False
        return any(self._not_constant(part) for part in parts)

    def _not_constant(self, expr: ast.expr) -> bool:
        if isinstance(expr, (ast.Tuple, ast.List)):
            return any(self._not_constant(e) for e in expr.elts)
        if isinstance(expr, (ast.JoinedStr, ast.BinOp)):
            return self._computed(expr)
        if self.ctx.literal(expr) is not None:
            return False
        # Built only from the variables of enclosing loops over a fixed, small set of values
        # (and builtins such as str()).
        called = {id(n.func) for n in ast.walk(expr) if isinstance(n, ast.Call)}
        used = {
            n.id
            for n in ast.walk(expr)
            if isinstance(n, ast.Name)
            and not (id(n) in called and n.id in _BUILTINS and not self._defined(n.id))
        }
        return not used or not used <= self._bounded_names

    _bounded_names: frozenset[str] = frozenset()

    def _defined(self, name: str) -> bool:
        return self.ctx.model.definitions(name, self.ctx.scope) is not None

    def _bounded_loop_names(self) -> frozenset[str]:
        """Variables of the loops around the call that run over a fixed set of values, when all
        of those loops together run at most MAX_PARTITIONS times."""
        if self._loops is None:
            self._loops = loop_blocks(self.ctx.model)
        names: set[str] = set()
        total = 1
        for block in self.ctx.blocks:
            loop = self._loops.get(block)
            if loop is None:
                continue
            for target, iterable in _targets(loop):
                count = self._bounded(iterable)
                if count is None:
                    continue
                total *= max(count, 1)
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        return frozenset(names) if total <= MAX_PARTITIONS else frozenset()

    def _varies_with_loop(self, expr: ast.expr) -> bool:
        """In a loop whose variable the name uses, unless that loop is short and literal."""
        if self._loops is None:
            self._loops = loop_blocks(self.ctx.model)
        used = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}
        for block in self.ctx.blocks:
            loop = self._loops.get(block)
            if loop is None:
                continue
            for target, _ in _targets(loop):
                names = {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
                if names & used and not names <= self._bounded_names:
                    return True
        return False

    def _bounded(self, iterable: ast.expr) -> int | None:
        """How many values a literal collection of constants, or a range() of constant ints,
        yields (also through enumerate/sorted/reversed or a name bound once); else None."""
        bound = self.ctx.model.binding(iterable, self.ctx.scope)
        if bound is not None and not self.ctx.model.mutated(iterable):
            iterable = bound[0]
        if isinstance(iterable, ast.Call) and iterable.args and self._passes_items(iterable):
            return self._bounded(iterable.args[0])
        if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
            if all(
                not isinstance(e, ast.Starred) and self.ctx.literal(e) is not None
                for e in iterable.elts
            ):
                return len(iterable.elts)
            return None
        if (
            isinstance(iterable, ast.Call)
            and isinstance(iterable.func, ast.Name)
            and iterable.func.id == "range"
            and not self._defined(iterable.func.id)
            and not iterable.keywords
            and not any(isinstance(a, ast.Starred) for a in iterable.args)
        ):
            args = [self.ctx.literal(a) for a in iterable.args]
            if args and all(type(a) is int for a in args) and (len(args) < 3 or args[2] != 0):
                return len(range(*args))
        return None

    def _passes_items(self, call: ast.Call) -> bool:
        """enumerate/sorted/reversed/list/tuple, or a tqdm progress bar: yields the items of its
        first argument."""
        func = call.func
        if isinstance(func, ast.Name) and not self._defined(func.id):
            return func.id in _ITEM_BUILTINS and len(call.args) == 1
        if isinstance(func, ast.Name):
            return func.id in _tqdm_names(self.ctx.model.tree) and self._defined_once(func.id)
        return (
            isinstance(func, ast.Attribute)
            and func.attr == "tqdm"
            and isinstance(func.value, ast.Name)
            and func.value.id in _tqdm_modules(self.ctx.model.tree)
            and self._defined_once(func.value.id)
        )

    def _defined_once(self, name: str) -> bool:
        defs = self.ctx.model.definitions(name, self.ctx.scope)
        return defs is not None and len(defs) == 1


_ITEM_BUILTINS = frozenset({"enumerate", "sorted", "reversed", "list", "tuple"})
_TQDM_MODULES = frozenset({"tqdm", "tqdm.auto", "tqdm.notebook", "tqdm.rich", "tqdm.std"})


def _tqdm_names(tree: ast.Module) -> frozenset[str]:
    """Local names bound by `from tqdm[.auto] import tqdm [as x]`."""
    return frozenset(
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in _TQDM_MODULES
        for alias in node.names
        if alias.name == "tqdm"
    )


def _tqdm_modules(tree: ast.Module) -> frozenset[str]:
    """Local names bound by `import tqdm` / `import tqdm.auto as t` (for `t.tqdm(...)`)."""
    return frozenset(
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name in _TQDM_MODULES and (alias.asname or alias.name == "tqdm")
    )


def _targets(loop: ast.AST) -> list[tuple[ast.expr, ast.expr]]:
    """(target, iterable) pairs a loop binds; a while loop binds none."""
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        return [(loop.target, loop.iter)]
    return [(g.target, g.iter) for g in getattr(loop, "generators", ())]
