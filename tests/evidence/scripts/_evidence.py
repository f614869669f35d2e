"""Shared by the Milvus Lite 2.4 evidence scripts: run named cases, print one JSON result.

A script calls `case(name, fn)` for each behaviour it observes, then `emit()`. Each case records
either the value `fn` returned or the exception it raised (type, code, message). `emit()` prints
one line, `EVIDENCE-RESULT {json}`, on stdout; Milvus Lite and pymilvus log to stderr.
Usage of a script: python <script>.py <path/to/milvus.db>
"""

import json
import sys
import warnings
from importlib import metadata

MARKER = "EVIDENCE-RESULT "

_cases: dict = {}


def case(name, fn):
    """Run fn() and record what happened under name."""
    try:
        value = fn()
    except Exception as exc:
        code = getattr(exc, "code", None)
        _cases[name] = {
            "raised": True,
            "error_type": type(exc).__name__,
            "error_bases": [cls.__name__ for cls in type(exc).__mro__],
            "code": code if isinstance(code, int) else None,
            "message": str(getattr(exc, "message", None) or exc),
        }
    else:
        _cases[name] = {"raised": False, "value": value}


def db_path() -> str:
    return sys.argv[1]


def quiet():
    """pymilvus 2.4 warns about pkg_resources on import; nothing here is about that."""
    warnings.simplefilter("ignore")


def emit():
    result = {
        "python": sys.version.split()[0],
        "pymilvus": metadata.version("pymilvus"),
        "milvus_lite": metadata.version("milvus-lite"),
        "cases": _cases,
    }
    print(MARKER + json.dumps(result, default=repr), flush=True)
