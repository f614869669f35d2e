"""MV153: build an AsyncMilvusClient at import time and inside a running loop; print the outcomes.

Run with the release under test first on PYTHONPATH (its wheel unpacked), on the project's
interpreter, which has pymilvus' dependencies. Nothing listens on the uri: the client connects
lazily, and only its construction is observed.
"""

import asyncio
import json
import warnings

warnings.simplefilter("ignore")
import pymilvus  # noqa: E402
from pymilvus import AsyncMilvusClient  # noqa: E402

URI = "http://127.0.0.1:9"
result = {"pymilvus": pymilvus.__version__}


def outcome(build):
    try:
        build()
    except Exception as exc:
        return {"raised": True, "error_type": type(exc).__name__, "message": str(exc)}
    return {"raised": False}


result["import_time"] = outcome(lambda: AsyncMilvusClient(URI, timeout=1))
result["import_time_with_alias"] = outcome(lambda: AsyncMilvusClient(URI, timeout=1, alias="mv153"))


async def main():
    result["running_loop"] = outcome(lambda: AsyncMilvusClient(URI, timeout=1))


asyncio.run(main())
print("EVIDENCE-RESULT " + json.dumps(result))
