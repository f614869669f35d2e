"""The CLI as users run it: exit codes, formats, config, versions, notebooks, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from checks.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
SEED = (FIXTURES / "seed_pattern.py").read_text(encoding="utf-8")
SEED_2026_01 = ["--edition", "2026.01", "--pymilvus-version", "2.5"]


def run_json(capsys, *args: str) -> tuple[int, dict]:
    code = main([*args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def codes_of(report: dict) -> list[str]:
    return [d["code"] for f in report["files"] for d in f["diagnostics"]]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# The seed guide's own pattern is correct by its own edition ...
def test_seed_pattern_is_clean_in_its_edition(tmp_path, capsys):
    code, report = run_json(capsys, str(write(tmp_path, "seed.py", SEED)), *SEED_2026_01)
    assert (code, codes_of(report)) == (0, [])
    assert report["edition"] == "2026.01"
    assert report["pymilvus_version"] == "2.5"


# ... and each of its mistakes, introduced alone, is reported alone.
SEED_MISTAKES = {
    "MV001": [("collection.load()\n", "")],
    "MV002": [
        ("# Create index AFTER bulk insert\ncollection.create_index(", "XX"),
        (
            "data = [texts",
            'collection.create_index(\n    "embedding",\n    {"index_type": "HNSW", "metric_type": "COSINE", "params": {}}\n)\ndata = [texts',
        ),
    ],
    "MV003": [('"index_type": "HNSW"', '"index_type": "FLAT"')],
    "MV004": [('consistency_level="Strong"', 'consistency_level="Eventually"')],
    "MV005": [
        ('collection.create_partition("2026_q1")\n', ""),
        ('collection.create_partition("2026_q2")\n', ""),
        ("fields = [\n", 'fields = [\n    FieldSchema(name="created_at", dtype=DataType.INT64),\n'),
    ],
    "MV006": [("collection.release()\n", ""), ('connections.disconnect("default")\n', "")],
    "MV007": [('consistency_level="Strong"', 'consistency_level="strong"')],
}


@pytest.mark.parametrize("expected", sorted(SEED_MISTAKES))
def test_each_seed_mistake_is_reported_alone(expected, tmp_path, capsys):
    source = SEED
    for old, new in SEED_MISTAKES[expected]:
        assert old in source, old
        source = source.replace(old, new, 1)
    if expected == "MV002":  # drop the original, now broken, index call
        start = source.index("XX")
        end = source.index(")\n", source.index("}\n)", start)) + 2
        source = source[:start] + source[end:]
    compile(source, "seed", "exec")
    code, report = run_json(capsys, str(write(tmp_path, "seed.py", source)), *SEED_2026_01)
    assert codes_of(report) == [expected]
    assert code == 1


LOOK_ALIKES = """
import re
import json
from elasticsearch import Elasticsearch
from mylib import Collection

class Collection2:
    def search(self, q): ...

es = Elasticsearch()
es.search(index="docs", query={"match": {}}, top_k=3, expr="x")
re.search("a", "b")
json.load(open("x.json"))
col = Collection("docs", schema)
col.search("query", filter="x")
Collection2().search("q")
"""


def test_look_alikes_are_silent(tmp_path, capsys):
    path = write(tmp_path, "other.py", "from pymilvus import MilvusClient\n" + LOOK_ALIKES)
    code, report = run_json(capsys, str(path))
    assert (code, codes_of(report)) == (0, [])


def test_user_defined_collection_class_is_not_pymilvus(tmp_path, capsys):
    source = (
        "from pymilvus import MilvusClient\n"
        "class Collection:\n    def __init__(self, name, schema): ...\n    def search(self, **kw): ...\n"
        "col = Collection('docs', schema)\ncol.search(consistency_level='strong')\n"
    )
    _code, report = run_json(capsys, str(write(tmp_path, "a.py", source)))
    assert codes_of(report) == []


BUGGY = 'from pymilvus import MilvusClient\nc = MilvusClient("x.db")\nc.search("docs", data=[[0.1]], consistency_level="strong")\n'


def test_text_output_reads_like_ruff(tmp_path, capsys):
    path = write(tmp_path, "app.py", BUGGY)
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:3:" in out and "MV007 [error]" in out
    assert "guide: milvus-guide://2026.11/rules/MV007" in out
    assert "hint:" in out


def test_noqa_suppresses(tmp_path, capsys):
    source = BUGGY.rstrip("\n") + "  # noqa: MV007\n"
    code, report = run_json(capsys, str(write(tmp_path, "app.py", source)))
    assert (code, codes_of(report)) == (0, [])
    source = BUGGY.rstrip("\n") + "  # noqa: MV001\n"
    assert run_json(capsys, str(write(tmp_path, "app.py", source)))[1] and codes_of(
        run_json(capsys, str(tmp_path / "app.py"))[1]
    ) == ["MV007"]


def test_select_and_ignore(tmp_path, capsys):
    path = str(write(tmp_path, "app.py", BUGGY))
    assert codes_of(run_json(capsys, path, "--ignore", "MV007")[1]) == []
    assert codes_of(run_json(capsys, path, "--select", "MV0")[1]) == ["MV007"]


def test_config_in_pyproject(tmp_path, capsys):
    write(
        tmp_path, "pyproject.toml", '[tool.milvus-cto]\nignore = ["MV007"]\nedition = "2026.01"\n'
    )
    _code, report = run_json(capsys, str(write(tmp_path, "app.py", BUGGY)))
    assert (codes_of(report), report["edition"]) == ([], "2026.01")


def test_bad_config_is_a_usage_error(tmp_path, capsys):
    write(tmp_path, "pyproject.toml", "[tool.milvus-cto]\nignore = 3\n")
    assert main([str(write(tmp_path, "app.py", BUGGY))]) == 2
    assert "pyproject.toml" in capsys.readouterr().err


def test_unknown_edition_is_a_usage_error(tmp_path, capsys):
    assert main([str(write(tmp_path, "app.py", BUGGY)), "--edition", "1999.01"]) == 2
    assert "unknown edition" in capsys.readouterr().err


def test_directory_walk_skips_venvs_and_non_milvus_files(tmp_path, capsys):
    write(tmp_path, "app.py", BUGGY)
    (tmp_path / ".venv").mkdir()
    write(tmp_path / ".venv", "lib.py", BUGGY)
    write(tmp_path, "broken_but_unrelated.py", "def (:\n")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    _code, report = run_json(capsys, str(tmp_path))
    checked = {Path(f["path"]).name: f for f in report["files"]}
    assert codes_of(report) == ["MV007"]
    assert checked["broken_but_unrelated.py"]["error"] is None  # prefiltered, never parsed
    assert not any(".venv" in f["path"] or "loop" in f["path"] for f in report["files"])


def test_syntax_error_is_a_file_error_not_a_traceback(tmp_path, capsys):
    code, report = run_json(capsys, str(write(tmp_path, "bad.py", "from pymilvus import (\n")))
    assert code == 1
    assert report["files"][0]["error"].startswith("syntax error at line 1")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"from pymilvus import MilvusClient\x00\n", "binary"),
        (b"# -*- coding: utf-8 -*-\nx = '\xe9'\n", "cannot decode"),
    ],
)
def test_undecodable_input_is_a_file_error(tmp_path, capsys, data, message):
    path = tmp_path / "x.py"
    path.write_bytes(data)
    code, report = run_json(capsys, str(path))
    assert code == 1 and message in report["files"][0]["error"]


def test_latin1_with_coding_cookie_is_read(tmp_path, capsys):
    path = tmp_path / "x.py"
    path.write_bytes(b"# -*- coding: latin-1 -*-\nfrom pymilvus import MilvusClient\nx = '\xe9'\n")
    assert run_json(capsys, str(path))[0] == 0


def test_missing_path_exits_2(capsys):
    assert main(["does/not/exist.py"]) == 2
    err = capsys.readouterr().err
    assert "path not found" in err and "Traceback" not in err


def test_stdin_with_filename(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "checks", "-", "--stdin-filename", "app.py", "--format", "json"],
        input=BUGGY,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert report["files"][0]["path"] == "app.py"
    assert codes_of(report) == ["MV007"]


def test_empty_input_is_clean(tmp_path, capsys):
    assert run_json(capsys, str(write(tmp_path, "empty.py", "")))[0] == 0


def test_notebook_is_checked_cell_by_cell(tmp_path, capsys):
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["# Demo"]},
            {
                "cell_type": "code",
                "source": ["!pip install pymilvus\n", "from pymilvus import MilvusClient\n"],
            },
            {
                "cell_type": "code",
                "source": ['%time c = MilvusClient("x.db")\n', 'c = MilvusClient("x.db")\n'],
            },
            {
                "cell_type": "code",
                "source": ['c.search("d", data=[[0.1]], consistency_level="strong")'],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = write(tmp_path, "demo.ipynb", json.dumps(notebook))
    _code, report = run_json(capsys, str(path))
    [diagnostic] = report["files"][0]["diagnostics"]
    assert (diagnostic["code"], diagnostic["cell"], diagnostic["line"]) == ("MV007", 4, 1)
    assert main([str(path)]) == 1
    assert "demo.ipynb[cell 4]:1:" in capsys.readouterr().out


def test_broken_notebook_is_a_file_error(tmp_path, capsys):
    code, report = run_json(capsys, str(write(tmp_path, "x.ipynb", "{not json")))
    assert code == 1 and "not a notebook" in report["files"][0]["error"]


def test_github_format(tmp_path, capsys):
    main([str(write(tmp_path, "app.py", BUGGY)), "--format", "github"])
    line = capsys.readouterr().out.strip()
    assert line.startswith("::error file=") and ",line=3," in line and "::Use a valid" in line


def test_sarif_validates_against_the_sarif_2_1_0_model(tmp_path, capsys):
    # sarif-pydantic models SARIF 2.1.0 (types, required properties); no copy of the official
    # JSON schema is published on PyPI or npm.
    from sarif_pydantic import Sarif

    write(tmp_path, "broken.py", "from pymilvus import (\n")
    main([str(write(tmp_path, "app.py", BUGGY)), str(tmp_path / "broken.py"), "--format", "sarif"])
    document = json.loads(capsys.readouterr().out)
    log = Sarif.model_validate(document)
    assert log.version == "2.1.0"
    [run] = log.runs
    assert [r.rule_id for r in run.results] == ["MV007"]
    assert run.invocations[0].execution_successful
    # The file that could not be checked (the model does not cover notifications).
    [note] = document["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert "broken.py" in note["message"]["text"] and note["level"] == "error"


def test_sarif_has_the_required_fields(tmp_path, capsys):
    main([str(write(tmp_path, "app.py", BUGGY)), "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0" and sarif["$schema"]
    [run] = sarif["runs"]
    assert run["tool"]["driver"]["name"] == "milvus-cto"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    [result] = run["results"]
    assert result["ruleId"] == "MV007" and rule_ids[result["ruleIndex"]] == "MV007"
    assert result["message"]["text"] and result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 3 and region["startColumn"] >= 1


def test_console_script_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "checks", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "pymilvus" in result.stdout


def test_a_killed_worker_costs_no_file_its_report(tmp_path, monkeypatch, capsys):
    """A worker process killed mid-run (out of memory, a signal) loses its results: the CLI
    checks its files itself, and every file is still reported."""
    import os
    import signal
    import time

    from checks import cli

    parent = os.getpid()
    checked = cli.check_file

    def killed_in_a_worker(path, *args):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # the worker dies at its first file
        time.sleep(0.01)  # the parent leaves the worker time to take one
        return checked(path, *args)

    monkeypatch.setattr(cli, "check_file", killed_in_a_worker)
    monkeypatch.setattr(cli.workers, "processes_available", lambda: 2)
    for n in range(cli.PARALLEL_THRESHOLD + 6):
        write(tmp_path, f"app_{n}.py", BUGGY)
    assert main([str(tmp_path), "--no-cache", "--format", "json"]) == 1
    out = capsys.readouterr()
    reported = {Path(item["path"]).name for item in json.loads(out.out)["files"]}
    assert reported == {f"app_{n}.py" for n in range(cli.PARALLEL_THRESHOLD + 6)}
    assert "worker process ended" in out.err
