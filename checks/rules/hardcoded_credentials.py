"""MV111 hardcoded-credentials."""

from __future__ import annotations

import ast
import re

from checks.rules.base import Invalid, Rule
from checks.semantic import ASYNC_CLIENT, CLIENT
from checks.signatures import argument

CONNECT = "pymilvus.connections.connect"
# scheme://user:password@host
_URI_WITH_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/@:\s]+:[^/@\s]+@")
# Documentation placeholders are not credentials: "<your-token>", "YOUR_API_KEY", "${TOKEN}".
_PLACEHOLDER = re.compile(r"<[^<>]*>|\$\{[^}]*\}|your[_\- ]|xxx", re.IGNORECASE)


class HardcodedCredentials(Rule):
    """A literal token or password is passed to MilvusClient or connections.connect."""

    code = "MV111"
    name = "hardcoded-credentials"
    severity = "warning"
    pymilvus_only = True
    fix = "none"
    editions = frozenset({"2026.11"})

    VALID = [
        """
        import os
        from pymilvus import MilvusClient
        client = MilvusClient(uri=os.environ["MILVUS_URI"], token=os.environ["MILVUS_TOKEN"])
        client = MilvusClient(uri="http://localhost:19530", token=os.getenv("MILVUS_TOKEN", ""))
        """,
        # Variables, and an empty token (no authentication).
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri=uri, token=token)
        client = MilvusClient(uri=uri, user=settings.user, password=settings.password)
        client = MilvusClient("http://localhost:19530", token="")
        client = MilvusClient("./milvus.db")
        client = MilvusClient(uri="http://localhost:19530")
        """,
        # A user name alone is not a secret.
        """
        import os
        from pymilvus import MilvusClient, connections
        client = MilvusClient(uri=URI, user="reader", password=os.environ["MILVUS_PASSWORD"])
        connections.connect(host="localhost", port="19530", user="root", password=pw)
        """,
        # Placeholders from documentation.
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri=CLUSTER_ENDPOINT, token="<your-api-key>")
        client = MilvusClient(uri=CLUSTER_ENDPOINT, token="YOUR_CLUSTER_TOKEN")
        client = MilvusClient(uri="https://<user>:<password>@<host>:19530")
        """,
        # Look-alikes: other libraries' clients.
        """
        import psycopg2
        import redis
        from pymilvus import MilvusClient
        conn = psycopg2.connect(host="db", user="app", password="hunter2")
        r = redis.Redis(password="hunter2")
        client = MilvusClient("./milvus.db")
        """,
        """
        import pymilvus
        from other import MilvusClient
        client = MilvusClient(uri="http://localhost:19530", token="root:Milvus")
        """,
        # A uri with a user but no password, and credentials passed through **kwargs.
        """
        from pymilvus import MilvusClient
        client = MilvusClient(uri="https://reader@milvus.example.com:19530")
        client = MilvusClient(**config)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient(uri="http://localhost:19530", token="root:Milvus")
            """,
            line=2,
        ),
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient(
                uri="https://in01-abc.zillizcloud.com:19538",
                user="admin",
                password="s3cr3t-Pa55",
            )
            """,
            line=5,
        ),
        Invalid(
            """
            from pymilvus import connections
            connections.connect("default", host="10.0.0.5", port="19530", user="root", password="Milvus")
            """,
            line=2,
        ),
        Invalid(
            """
            import pymilvus
            async def connect():
                return pymilvus.AsyncMilvusClient("http://localhost:19530", token="db_admin:Xy7-secret")
            """,
            line=3,
        ),
        # Credentials embedded in the uri.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient("https://root:Milvus@milvus.example.com:19530")
            """,
            line=2,
        ),
        # One finding per call.
        Invalid(
            """
            from pymilvus import MilvusClient
            client = MilvusClient(uri="https://a:b@host:19530", token="root:Milvus", password="x")
            """,
            line=2,
        ),
    ]

    def visit_Call(self, node: ast.Call) -> None:
        qualname = self.ctx.qualname(node.func)
        if qualname not in (CLIENT, ASYNC_CLIENT, CONNECT):
            return
        api = qualname.removeprefix("pymilvus.")  # MilvusClient, connections.connect, ...
        token = argument(node, api, "token")
        password = argument(node, api, "password")
        uri = argument(node, api, "uri")  # connect: keyword only
        if _secret(token) is not None:
            found, what = token, "token"
        elif _secret(password) is not None:
            found, what = password, "password"
        elif uri is not None and _URI_WITH_PASSWORD.match(_secret(uri) or ""):
            found, what = uri, "password in the uri"
        else:
            return
        self.report(
            found,
            f"Read this {what} from the environment instead of writing it into the {api} call.",
            hint='e.g. token=os.environ["MILVUS_TOKEN"] (a "user:password" or API key)',
        )


def _secret(node: ast.expr | None) -> str | None:
    """The text of a non-empty, non-placeholder string literal written in the call."""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return None
    value = node.value.strip()
    if not value or _PLACEHOLDER.search(value):
        return None
    return value
