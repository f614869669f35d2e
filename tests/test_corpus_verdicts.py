"""The hand-verdict file beside the corpus manifest parses and its keys are well formed."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bench.accuracy import (
    Finding,
    Verdict,
    line_hash,
    load_verdicts,
    match,
    verdict_problems,
)

CORPUS = Path(__file__).resolve().parent.parent / "bench" / "corpus"


def manifest_files() -> set[str]:
    manifest = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))
    return {entry["id"] for entry in manifest["file"]}


def test_manifest_entries_are_complete():
    manifest = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))
    packages = {(p["name"], p["version"], p["archive"]) for p in manifest["package"]}
    ids = [entry["id"] for entry in manifest["file"]]
    assert len(ids) == len(set(ids))
    for entry in manifest["file"]:
        assert len(entry["sha256"]) == 64 and entry["role"] in ("uses", "mentions", "look-alike")
        if entry["source"] == "pypi":
            name, version = entry["package"].split("==")
            assert (name, version, entry["archive"]) in packages
            assert entry["id"].startswith(f"pypi/{name}/")
        else:
            assert entry["source"] == "github" and entry["id"].startswith("github/")
            assert entry.get("index_id") or {"repo", "path", "commit"} <= entry.keys()


def test_verdict_file_parses_and_keys_are_well_formed():
    verdicts = load_verdicts(CORPUS / "verdicts.toml")
    assert verdict_problems(verdicts, manifest_files()) == []


def test_malformed_verdicts_are_reported():
    good = Verdict("pypi/x/a.py", "MV001", 3, line_hash("x = 1"), "true", "real")
    bad = [
        Verdict("pypi/x/a.py", "MV1", 3, good.hash, "true", "real"),
        Verdict("pypi/x/a.py", "MV001", 0, good.hash, "true", "real"),
        Verdict("pypi/x/a.py", "MV001", 3, "xyz", "true", "real"),
        Verdict("pypi/x/a.py", "MV001", 3, good.hash, "maybe", "real"),
        Verdict("pypi/x/a.py", "MV001", 3, good.hash, "true", ""),
        Verdict("/abs/a.py", "MV001", 3, good.hash, "true", "real"),
        Verdict("pypi/y/b.py", "MV001", 3, good.hash, "true", "real"),
        Verdict("pypi/x/a.py", "MV001", 3, good.hash, "true", "real", pymilvus="latest"),
    ]
    assert verdict_problems([good], {"pypi/x/a.py"}) == []
    for verdict in bad:
        assert verdict_problems([verdict], {"pypi/x/a.py"}), verdict
    assert verdict_problems([good, good], {"pypi/x/a.py"})  # recorded twice


def finding(line: int, text: str, code: str = "MV001") -> Finding:
    return Finding("pypi/x/a.py", code, "error", line, None, text, "msg")


def test_a_moved_line_keeps_its_verdict_and_a_changed_one_is_stale():
    verdicts = [
        Verdict("pypi/x/a.py", "MV001", 10, line_hash("c.search(v)"), "false", "loaded"),
        Verdict("pypi/x/a.py", "MV001", 20, line_hash("c.query(e)"), "true", "not loaded"),
    ]
    findings = [finding(14, "c.search(v)"), finding(20, "c.query(e, limit=3)"), finding(30, "x")]
    status, unused = match(findings, verdicts)
    assert status == {0: "false", 1: "stale", 2: "unreviewed"}
    assert [v.line for v in unused] == [20]


def test_identical_lines_take_their_own_verdicts():
    text = "res = client.search(data=v)"
    verdicts = [
        Verdict("pypi/x/a.py", "MV001", 5, line_hash(text), "true", "first"),
        Verdict("pypi/x/a.py", "MV001", 50, line_hash(text), "false", "second"),
    ]
    status, unused = match([finding(52, text), finding(5, text)], verdicts)
    assert status == {0: "false", 1: "true"} and unused == []
