"""MV113 client-host-port."""

from __future__ import annotations

import ast
import re

from checks.fixes import ReplaceExpression, cst, keyword_argument, remove_elements
from checks.rules.base import Invalid, Rule
from checks.semantic import ASYNC_CLIENT, CLIENT, has_star_kwargs, keyword
from checks.signatures import argument

DEFAULT_PORT = "19530"
# "host:port" (optionally "/db"): what a uri without its scheme looks like.
_HOST_PORT = re.compile(r"[A-Za-z0-9_.-]+:\d+(/[A-Za-z0-9_-]*)?")


class ConnectWithUri(ReplaceExpression):
    """Give the client the uri it reads: `uri=` for host/port, an http:// scheme for a bare one."""

    description = "`{old}` → `{new}`"

    def leave_Call(self, original_node, updated_node):
        diagnostic = self.diagnostic_for(original_node)
        if diagnostic is None or diagnostic.fix_data.get("kind") != "host_port":
            return updated_node
        remove = set(diagnostic.fix_data["remove"])
        uri = keyword_argument("uri", cst.parse_expression(diagnostic.fix_data["uri"]))
        first = next(a for a in updated_node.args if a.keyword and a.keyword.value in remove)
        args = [uri.with_changes(comma=a.comma) if a is first else a for a in updated_node.args]
        args = remove_elements(args, lambda a: a.keyword is not None and a.keyword.value in remove)
        self.fixed(diagnostic, f"{' and '.join(f'`{r}=`' for r in sorted(remove))} → `uri=`")
        return updated_node.with_changes(args=args)

    def replacement(self, diagnostic, node):
        if diagnostic.fix_data.get("kind") != "scheme":
            return None
        return super().replacement(diagnostic, node)


class ClientHostPort(Rule):
    """MilvusClient given host/port, which it ignores, or a uri without a scheme."""

    code = "MV113"
    name = "client-host-port"
    severity = "error"
    pymilvus_only = True
    fix = "safe"
    fixer = ConnectWithUri
    editions = frozenset({"2026.11"})

    VALID = [
        """
        from pymilvus import MilvusClient
        local = MilvusClient("./milvus.db")
        lite = MilvusClient(uri="milvus_demo.db")
        server = MilvusClient(uri="http://localhost:19530")
        cloud = MilvusClient("https://in01-abc.zillizcloud.com:19538", token=token)
        sock = MilvusClient(uri="unix:/tmp/milvus.sock")
        """,
        # The ORM connection takes host and port.
        """
        from pymilvus import connections
        connections.connect("default", host="localhost", port="19530")
        connections.connect(host=os.environ["MILVUS_HOST"], port=19530)
        """,
        # A uri we cannot read.
        """
        import os
        from pymilvus import MilvusClient
        client = MilvusClient(uri=os.environ["MILVUS_URI"])
        client = MilvusClient(uri=f"{host}:{port}")
        client = MilvusClient(**settings)
        """,
        # Look-alikes: another library's client with host/port.
        """
        import redis
        from pymilvus import MilvusClient
        r = redis.Redis(host="localhost", port=6379)
        client = MilvusClient(uri="http://localhost:19530")
        es = Elasticsearch(host="localhost", port=9200)
        """,
        """
        import pymilvus
        from qdrant_client import QdrantClient as MilvusClient
        client = MilvusClient(host="localhost", port=6333)
        """,
        # Not a host:port string: we do not guess.
        """
        from pymilvus import MilvusClient
        client = MilvusClient("milvus_demo")
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient(host="10.0.0.5", port=19530)
            """,
            line=2,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient(uri="http://10.0.0.5:19530")
            """,
        ),
        Invalid(
            """
            import os
            from pymilvus import MilvusClient
            client = MilvusClient(host=os.environ["MILVUS_HOST"], port=PORT, token=token)
            """,
            line=3,
            fixed="""
            import os
            from pymilvus import MilvusClient
            client = MilvusClient(uri=f'http://{os.environ["MILVUS_HOST"]}:{PORT}', token=token)
            """,
        ),
        # Only a host: the default port.
        Invalid(
            """
            import pymilvus
            client = pymilvus.MilvusClient(host=milvus_host)
            """,
            line=2,
            fixed="""
            import pymilvus
            client = pymilvus.MilvusClient(uri=f"http://{milvus_host}:19530")
            """,
        ),
        # Async client.
        Invalid(
            """
            from pymilvus import AsyncMilvusClient
            async def connect():
                return AsyncMilvusClient(host="milvus", port="19530")
            """,
            line=3,
            fixed="""
            from pymilvus import AsyncMilvusClient
            async def connect():
                return AsyncMilvusClient(uri="http://milvus:19530")
            """,
        ),
        # A uri without a scheme.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient(uri="localhost:19530")
            """,
            line=2,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient(uri="http://localhost:19530")
            """,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("10.0.0.5:19530", token=token)
            """,
            line=2,
            fixed="""
            from pymilvus import MilvusClient
            client = MilvusClient("http://10.0.0.5:19530", token=token)
            """,
        ),
        # uri given too: host/port are dead arguments; no rewrite.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient(uri="http://10.0.0.5:19530", host="10.0.0.6")
            """,
            line=2,
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        qualname = self.ctx.qualname(node.func)
        if qualname not in (CLIENT, ASYNC_CLIENT):
            return
        client = qualname.removeprefix("pymilvus.")
        host, port = keyword(node, "host"), keyword(node, "port")
        uri = argument(node, client, "uri")
        if host is None and port is None:
            if uri is not None:
                self._check_scheme(uri)
            return
        given = [kw.arg for kw in (host, port) if kw is not None]
        ignored = "`/`".join(given)
        them = "them" if len(given) > 1 else "it"
        if uri is not None:
            self.report(
                node,
                f"Remove `{ignored}` from {client}: it ignores {them} and connects to the uri.",
                fix="none",
            )
            return
        new_uri = None
        if not has_star_kwargs(node) and keyword(node, "secure") is None:
            new_uri = _uri_expression(
                host.value if host else None, port.value if port else None, self.ctx.text
            )
        self.report(
            node,
            f'Pass `uri="http://host:port"` to {client} instead of `{ignored}`: it ignores {them} '
            "and connects to localhost:19530.",
            hint=f"replace {them} with uri={new_uri}" if new_uri else None,
            fix=None if new_uri else "none",
            fix_data={"kind": "host_port", "uri": new_uri, "remove": given} if new_uri else None,
        )

    def _check_scheme(self, uri: ast.expr) -> None:
        value = self.ctx.literal(uri)
        if not isinstance(value, str) or not _HOST_PORT.fullmatch(value):
            return
        fixable = isinstance(uri, ast.Constant)
        self.report(
            uri,
            f'Start the uri with a scheme (`"http://{value}"`): pymilvus refuses "{value}".',
            hint="a uri starts with http://, https://, tcp:// or unix:, or is a local .db file",
            fix=None if fixable else "none",
            fix_data={"kind": "scheme", "replacement": _string(f"http://{value}")}
            if fixable
            else None,
        )


def _uri_expression(host: ast.expr | None, port: ast.expr | None, text_of) -> str | None:
    """The text of a uri expression built from host and port, or None when unsure."""
    host_value = host.value if isinstance(host, ast.Constant) else None
    port_value = port.value if isinstance(port, ast.Constant) else None
    if host is None:
        host_value = "localhost"
    if port is None:
        port_value = DEFAULT_PORT
    if host_value is not None and not isinstance(host_value, str):
        return None
    if isinstance(host_value, str) and not re.fullmatch(r"[A-Za-z0-9_.-]+", host_value):
        return None  # a scheme, a port or a path already in "host": leave it to the author
    if port_value is not None and not (
        type(port_value) is int or (isinstance(port_value, str) and port_value.isdigit())
    ):
        return None
    if host_value is not None and port_value is not None:
        return _string(f"http://{host_value}:{port_value}")
    host_part = host_value if host_value is not None else _placeholder(text_of(host))
    port_part = str(port_value) if port_value is not None else _placeholder(text_of(port))
    if host_part is None or port_part is None:
        return None
    body = f"http://{host_part}:{port_part}"
    if '"' not in body:
        return f'f"{body}"'
    if "'" not in body:
        return f"f'{body}'"
    return None


def _placeholder(text: str) -> str | None:
    """`{expr}` for an f-string, if the expression can sit there on Python 3.11."""
    if any(c in text for c in "\\\n{}#"):
        return None
    return "{" + text + "}"


def _string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
