"""Bad input, end to end: `python -m checks` as a subprocess on everything a disk can hold.

Each input gets a clear answer and the exit code DESIGN.md §4 promises (0 nothing found,
1 findings or a file that could not be checked, 2 usage error), never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from checks.engine import MAX_SOURCE_BYTES

MILVUS = "from pymilvus import MilvusClient\n"
FINDING = (
    MILVUS + 'client = MilvusClient("http://localhost:19530")\n'
    'rows = client.query("docs", filter="id > 0", limit=3, consistency_level="strong")\n'
)  # one MV007 on line 3


def run(*args: str, cwd: Path, stdin: bytes | None = None, env=None) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "checks", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )
    err = proc.stderr.decode(errors="replace")
    assert "Traceback" not in err, err
    return proc.returncode, proc.stdout.decode(errors="replace"), err


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return path.name


# name -> (make the input in tmp_path and return the CLI arguments, exit code, message)
Case = tuple[Callable[[Path], list[str]], int, str | None]


def _symlink_loop(tmp: Path) -> list[str]:
    tree = tmp / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "app.py").write_text(FINDING)
    (tree / "pkg" / "up").symlink_to("..")  # tree/pkg/up/pkg/up/... forever
    (tree / "self.py").symlink_to("self.py")  # a link to itself: ELOOP when opened
    (tree / "a.py").symlink_to("b.py")
    (tree / "b.py").symlink_to("a.py")
    return ["tree"]


def _unreadable(tmp: Path) -> list[str]:
    path = tmp / "secret.py"
    path.write_text(FINDING)
    path.chmod(0)
    return ["secret.py"]


def _fifo_in_tree(tmp: Path) -> list[str]:
    (tmp / "tree").mkdir()
    os.mkfifo(tmp / "tree" / "pipe.py")  # opening it would block until someone writes
    (tmp / "tree" / "app.py").write_text(FINDING)
    return ["tree"]


def _deep(tmp: Path) -> list[str]:
    return [write(tmp / "deep.py", (MILVUS + "x = a" + ".b" * 6000 + "\n").encode())]


def _deep_brackets(tmp: Path) -> list[str]:
    return [write(tmp / "deep.py", (MILVUS + "x = " + "[" * 300 + "]" * 300 + "\n").encode())]


def _huge(tmp: Path) -> list[str]:
    return [write(tmp / "huge.py", MILVUS.encode() + b"x = 1\n" * (MAX_SOURCE_BYTES // 6 + 1))]


CASES: dict[str, Case] = {
    "empty file": (lambda t: [write(t / "empty.py", b"")], 0, None),
    "only whitespace": (lambda t: [write(t / "blank.py", b"\n\n  \n\t\n")], 0, None),
    "binary": (
        lambda t: [write(t / "blob.py", bytes(range(256)) * 20)],
        1,
        "blob.py: error: binary file (contains NUL bytes)",
    ),
    "NUL byte in code": (
        lambda t: [write(t / "nul.py", FINDING.encode().replace(b"\n", b"\0\n", 1))],
        1,
        "nul.py: error: binary file (contains NUL bytes)",
    ),
    "latin-1 without a coding cookie": (
        lambda t: [write(t / "latin1.py", ("# café\n" + FINDING).encode("latin-1"))],
        1,
        "latin1.py: error: cannot decode as Python source",
    ),
    "latin-1 with a coding cookie": (
        lambda t: [
            write(
                t / "cookie.py", ("# -*- coding: latin-1 -*-\n# café\n" + FINDING).encode("latin-1")
            )
        ],
        1,
        "cookie.py:5:",  # read and checked: the finding, two lines down
    ),
    "UTF-8 with a BOM and CRLF": (
        lambda t: [write(t / "bom.py", b"\xef\xbb\xbf" + FINDING.replace("\n", "\r\n").encode())],
        1,
        "bom.py:3:",
    ),
    "undecodable UTF-8": (
        lambda t: [write(t / "bad_utf8.py", MILVUS.encode() + b"x = '\xff\xfe'\n")],
        1,
        "bad_utf8.py: error: cannot decode as Python source",
    ),
    "Python 2 syntax": (
        lambda t: [write(t / "py2.py", (MILVUS + 'print "hello"\n').encode())],
        1,
        "py2.py: error: syntax error at line 2: Missing parentheses in call to 'print'",
    ),
    "Python 2 except clause": (
        lambda t: [
            write(
                t / "py2b.py",
                (MILVUS + "try:\n    pass\nexcept Exception, e:\n    pass\n").encode(),
            )
        ],
        1,
        "py2b.py: error: syntax error at line 4",
    ),
    "truncated code": (
        lambda t: [write(t / "cut.py", FINDING[:-20].encode())],
        1,
        "cut.py: error: syntax error at line 3",
    ),
    "truncated in a string": (
        lambda t: [write(t / "cut2.py", (MILVUS + 'x = """never closed\n').encode())],
        1,
        "cut2.py: error: syntax error at line 2",
    ),
    "a path that does not exist": (lambda t: ["missing.py"], 2, "path not found: missing.py"),
    "a directory with a symlink loop": (_symlink_loop, 1, "tree/pkg/app.py:3:"),
    "a symlink to itself, named": (
        lambda t: [*_symlink_loop(t)[:0], "tree/self.py"],
        2,
        "path not found: tree/self.py",
    ),
    "an unreadable file": (_unreadable, 1, None),  # checked below: root can read it anyway
    "a FIFO in a directory": (_fifo_in_tree, 1, "tree/app.py:3:"),
    "a huge file": (
        _huge,
        1,
        f"huge.py: error: file too large: {len(MILVUS) + 6 * (MAX_SOURCE_BYTES // 6 + 1)} bytes "
        f"(limit {MAX_SOURCE_BYTES})",
    ),
    "deep nesting": (_deep, 1, "deep.py: error: cannot parse: the code is nested too deeply"),
    "deep brackets": (_deep_brackets, 1, "deep.py: error: syntax error at line 2: too many nested"),
    "a notebook that is not JSON": (
        lambda t: [write(t / "nb.ipynb", b"{not json")],
        1,
        "nb.ipynb: error:",
    ),
    "a file name that is not UTF-8": (
        lambda t: [os.fsdecode(write(t / os.fsdecode(b"caf\xe9.py"), FINDING.encode()))],
        1,
        ".py:3:",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gets_a_clear_answer(case, tmp_path):
    make, expected_code, message = CASES[case]
    args = make(tmp_path)
    # A strict UTF-8 stdout, as in a real UTF-8 locale: a report must never fail to print.
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict")
    code, out, err = run(*args, cwd=tmp_path, env=env)
    if case == "an unreadable file" and os.access(tmp_path / "secret.py", os.R_OK):
        expected_code, message = 1, "secret.py:3:"  # running as root: reads succeed
    elif case == "an unreadable file":
        message = "secret.py: error: cannot read: Permission denied"
    assert code == expected_code, (out, err)
    text = out + err
    if message is not None:
        assert message in text, text
    if expected_code == 2:
        assert err.startswith("milvus-cto: error:") and out == ""
    else:
        assert err == ""


@pytest.mark.parametrize("case", [c for c, (_, code, _) in CASES.items() if code != 2])
def test_bad_input_in_json(case, tmp_path):
    make, expected_code, _ = CASES[case]
    code, out, _ = run(*make(tmp_path), "--format", "json", cwd=tmp_path)
    assert code == expected_code
    report = json.loads(out)
    for entry in report["files"]:
        assert entry["error"] is None or entry["error"].strip()
        assert entry["error"] is None or not entry["diagnostics"]


def test_symlink_loop_reports_the_real_file_once(tmp_path):
    code, out, _ = run(*_symlink_loop(tmp_path), "--format", "json", cwd=tmp_path)
    assert code == 1
    paths = [f["path"] for f in json.loads(out)["files"]]
    assert paths == [os.path.join("tree", "pkg", "app.py")]


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"", 0, None),
        (bytes(range(256)), 1, "-: error: binary file"),
        ("# café\n".encode("latin-1") + FINDING.encode(), 1, "cannot decode"),
        (b'print "hello"\n', 1, "syntax error at line 1"),
        (FINDING.encode(), 1, "-:3:"),
        (b"x = 1\n" * (MAX_SOURCE_BYTES // 6 + 1), 1, "file too large: more than"),
    ],
)
def test_bad_input_on_stdin(tmp_path, data, code, message):
    got, out, _ = run("-", cwd=tmp_path, stdin=data)
    assert got == code
    if message:
        assert message in out


def test_stdin_filename_that_is_a_looping_symlink(tmp_path):
    (tmp_path / "loopy").symlink_to(tmp_path / "loopy")
    code, out, err = run("-", "--stdin-filename", "loopy", cwd=tmp_path, stdin=FINDING.encode())
    assert code == 1 and "loopy:3:" in out
    assert "internal error" not in err and "Traceback" not in err


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_an_endless_file_named_explicitly(tmp_path):
    code, out, _ = run("/dev/zero", cwd=tmp_path)
    assert code == 1
    assert f"/dev/zero: error: file too large: more than {MAX_SOURCE_BYTES} bytes" in out


def test_usage_errors_exit_2(tmp_path):
    (tmp_path / "app.py").write_text(FINDING)
    for args, message in (
        (["--format", "yaml", "app.py"], "invalid choice"),
        (["--edition", "1999.01", "app.py"], "unknown edition"),
        (["--pymilvus-version", "banana", "app.py"], "invalid pymilvus version"),
        (["-", "app.py"], "cannot be combined"),
    ):
        code, out, err = run(*args, cwd=tmp_path)
        assert code == 2, args
        assert message in err and out == ""


def test_a_bad_pyproject_is_a_usage_error_not_a_traceback(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.milvus-cto\nselect = ")
    (tmp_path / "app.py").write_text(FINDING)
    code, out, err = run("app.py", cwd=tmp_path)
    assert code == 2 and err.startswith("milvus-cto: error:") and out == ""
