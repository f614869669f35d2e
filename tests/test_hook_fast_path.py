"""The launcher's fast path: edits that cannot concern pymilvus end in the shell, before any
Python starts; every other edit reaches checks.hook with its payload byte for byte.

A stand-in `checks/hook.py` records each run (and the stdin it got), so a test can tell
whether Python started.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = ROOT / ".claude" / "hooks" / "milvus-cto"
RECORDER = """import sys


def main():
    data = sys.stdin.buffer.read()
    with open({log!r}, "ab") as log:
        log.write(len(data).to_bytes(8, "big") + data)
    return 0
"""
PLAIN = "class Collection:\n    def search(self, top_k=3):\n        return []\n"
MILVUS = "from pymilvus import MilvusClient\nclient = MilvusClient('demo.db')\n"


@pytest.fixture
def plugin(tmp_path) -> Path:
    root = tmp_path / "plugin"
    (root / ".claude" / "hooks").mkdir(parents=True)
    shutil.copy(LAUNCHER, root / ".claude" / "hooks" / "milvus-cto")
    (root / "checks").mkdir()
    (root / "checks" / "hook.py").write_text(RECORDER.format(log=str(tmp_path / "ran")))
    (root / ".claude-plugin").mkdir()
    (root / ".claude-plugin" / "plugin.json").write_text('{"name": "milvus-cto"}')
    (root / "server").mkdir()
    (root / "server" / "app.py").write_text("")
    return root


def runs(plugin: Path, stdin: bytes) -> list[bytes]:
    """The payloads Python received for this one hook run ([] when the shell decided)."""
    log = plugin.parent / "ran"
    log.unlink(missing_ok=True)
    env = {"PATH": os.environ["PATH"], "HOME": str(plugin.parent), "LANG": "C.UTF-8"}
    done = subprocess.run(
        ["sh", str(plugin / ".claude" / "hooks" / "milvus-cto"), "hook"],
        input=stdin, capture_output=True, cwd=plugin.parent, timeout=30,
        env={**env, "MILVUS_CTO_PYTHON": sys.executable},
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, b"")
    seen, data = [], log.read_bytes() if log.exists() else b""
    while data:
        size = int.from_bytes(data[:8], "big")
        seen.append(data[8 : 8 + size])
        data = data[8 + size :]
    return seen


def event(tool: str, tool_input: dict, name: str = "PreToolUse", **extra) -> dict:
    return {
        "session_id": "s", "cwd": "/tmp", "hook_event_name": name, "tool_name": tool,
        "tool_input": tool_input, "tool_use_id": "t", **extra,
    }  # fmt: skip


def encodings(payload: dict) -> list[bytes]:
    """As Claude Code sends it (compact JSON), and pretty-printed, as recorded payloads are."""
    return [
        json.dumps(payload, separators=(",", ":")).encode(),
        json.dumps(payload, indent=2).encode(),
    ]


@pytest.mark.parametrize("pretty", [0, 1])
def test_edits_that_cannot_concern_pymilvus_never_start_python(plugin, tmp_path, pretty):
    plain = tmp_path / "shapes.py"
    plain.write_text(PLAIN)
    milvus_notes = tmp_path / "NOTES.md"
    milvus_notes.write_text(MILVUS)
    cases = [
        # Another library's Collection: the word alone is no Milvus mention.
        event("Write", {"file_path": str(tmp_path / "new.py"), "content": PLAIN}),
        event("Edit", {"file_path": str(plain), "old_string": "3", "new_string": "4"}),
        event("Write", {"file_path": str(tmp_path / "README.md"), "content": MILVUS}),
        event("Edit", {"file_path": str(milvus_notes), "old_string": "a", "new_string": "b"}),
        event("Write", {"file_path": str(tmp_path / "x.pyc"), "content": MILVUS}),
        event(
            "Edit",
            {"file_path": str(plain), "old_string": "3", "new_string": "4"},
            "PostToolUse",
            tool_response={"filePath": str(plain), "originalFile": PLAIN},
        ),
    ]
    for case in cases:
        assert runs(plugin, encodings(case)[pretty]) == [], case


@pytest.mark.parametrize("pretty", [0, 1])
def test_edits_that_may_concern_pymilvus_reach_python_unchanged(plugin, tmp_path, pretty):
    milvus = tmp_path / "app.py"
    milvus.write_text(MILVUS)
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "code", "source": [MILVUS]}]}))
    cases = [
        event("Write", {"file_path": str(tmp_path / "new.py"), "content": MILVUS}),
        event("Write", {"file_path": str(tmp_path / "NEW.PY"), "content": MILVUS}),
        event("Write", {"file_path": str(tmp_path / "stub.pyi"), "content": MILVUS}),
        # The edit's strings say nothing; the file it changes does.
        event("Edit", {"file_path": str(milvus), "old_string": "demo", "new_string": "prod"}),
        event("NotebookEdit", {"notebook_path": str(notebook), "cell_id": "c", "new_source": "1"}),
        # After the write, the file on disk is the edited one: a word the edit assembled from
        # pieces of the old text and its own ("py" + "milvus") is seen there.
        event(
            "Edit",
            {"file_path": str(milvus), "old_string": "X", "new_string": "milvus"},
            "PostToolUse",
            tool_response={"filePath": str(milvus), "originalFile": "import pyX\n"},
        ),
        # A path the shell cannot read plainly: Python decides.
        event("Write", {"file_path": str(tmp_path / 'we"ird.py'), "content": PLAIN}),
        event("Write", {"file_path": str(tmp_path / "back\\slash.md"), "content": PLAIN}),
        {"hook_event_name": "PreToolUse"},
    ]
    for case in cases:
        payload = encodings(case)[pretty]
        assert runs(plugin, payload) == [payload + b"\n"], case


def test_the_payload_reaches_python_byte_for_byte(plugin, tmp_path):
    content = MILVUS + "s = '$HOME `id` $(id) \\\\ \\n \\\" é'\n" + "x = 1\n" * 20_000
    payload = json.dumps(event("Write", {"file_path": str(tmp_path / "a.py"), "content": content}))
    assert runs(plugin, payload.encode()) == [payload.encode() + b"\n"]


def test_a_fifo_at_the_path_does_not_hang_the_shell(plugin, tmp_path):
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    case = event("Edit", {"file_path": str(fifo), "old_string": "a", "new_string": "b"})
    assert runs(plugin, json.dumps(case).encode()) == []
