"""Which pymilvus version the code targets, from each place a project can say it (DESIGN.md §3)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from checks.cli import main
from checks.config import resolve_options
from checks.versions import installed_version, version_from_spec

ORM = "from pymilvus import connections, Collection\nconnections.connect(uri='x.db')\n"


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("spec", "version"),
    [
        ("==2.4.15", "2.4.15"),
        (">=2.4,<2.6", "2.5"),
        ("~=2.5.4", "2.5"),
        ("<2.5", "2.4"),
        (">=2.4", "3.0"),
        ("", "3.0"),
        ("^2.4.0", "2.6"),  # Poetry caret: >=2.4.0,<3.0
        ("~2.5", "2.5"),  # Poetry tilde: >=2.5,<2.6
        ("not a spec", None),
    ],
)
def test_version_from_spec(spec, version):
    assert version_from_spec(spec) == version


@pytest.mark.parametrize(
    ("files", "version", "source"),
    [
        (
            {
                "pyproject.toml": '[project]\nname = "a"\ndependencies = ["numpy", "pymilvus[milvus_lite]>=2.4,<2.6"]\n'
            },
            "2.5",
            "pyproject.toml",
        ),
        (
            {
                "pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\npymilvus = "^2.4.0"\n'
            },
            "2.6",
            "pyproject.toml",
        ),
        (
            {
                "pyproject.toml": '[tool.poetry.dependencies]\npymilvus = { version = "~2.5", extras = ["bulk_writer"] }\n'
            },
            "2.5",
            "pyproject.toml",
        ),
        (
            {
                "requirements.txt": "# deps\n-r base.txt\npymilvus_orm==1.0\npymilvus==2.4.15 ; python_version >= '3.8'\n"
            },
            "2.4.15",
            "requirements.txt",
        ),
        ({"requirements-dev.txt": "pymilvus~=2.6.3\n"}, "2.6", "requirements-dev.txt"),
        (
            {"uv.lock": 'version = 1\n[[package]]\nname = "pymilvus"\nversion = "2.6.17"\n'},
            "2.6.17",
            "uv.lock",
        ),
        (
            {
                "poetry.lock": '[[package]]\nname = "grpcio"\nversion = "1.0"\n[[package]]\nname = "pymilvus"\nversion = "2.4.9"\n'
            },
            "2.4.9",
            "poetry.lock",
        ),
        # A lock file is what is installed: it wins over a loose requirement.
        (
            {
                "pyproject.toml": '[project]\nname = "a"\ndependencies = ["pymilvus>=2.4"]\n',
                "uv.lock": '[[package]]\nname = "pymilvus"\nversion = "2.4.15"\n',
            },
            "2.4.15",
            "uv.lock",
        ),
        # The config beats the project's pins.
        (
            {
                "pyproject.toml": '[project]\nname = "a"\ndependencies = ["pymilvus==2.4.1"]\n[tool.milvus-cto]\npymilvus-version = "2.6"\n'
            },
            "2.6",
            "[tool.milvus-cto]",
        ),
    ],
)
def test_version_from_the_project(tmp_path, files, version, source):
    options = resolve_options(project(tmp_path, files) / "app.py")
    assert options.pymilvus_version == version
    assert source in options.version_source


def test_the_flag_beats_everything(tmp_path):
    root = project(tmp_path, {"uv.lock": '[[package]]\nname = "pymilvus"\nversion = "2.4.15"\n'})
    assert resolve_options(root, pymilvus_version="3.0").pymilvus_version == "3.0"


def test_installed_in_the_projects_venv(tmp_path):
    (tmp_path / ".venv/lib/python3.11/site-packages/pymilvus-2.5.8.dist-info").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "a"\n', encoding="utf-8")
    assert installed_version(tmp_path) == "2.5.8"
    options = resolve_options(tmp_path / "app.py")
    assert (options.pymilvus_version, options.version_source) == ("2.5.8", "installed pymilvus")


def test_installed_in_this_interpreter():
    # The test environment itself has pymilvus 3.x installed.
    assert installed_version(None).startswith("3.")


def run(capsys, *args) -> dict:
    main([*args, "--format", "json"])
    return json.loads(capsys.readouterr().out)


def test_mv101_runs_only_where_its_range_includes_the_target(tmp_path, capsys):
    app = tmp_path / "app.py"
    app.write_text(ORM, encoding="utf-8")
    codes = lambda report: [d["code"] for f in report["files"] for d in f["diagnostics"]]  # noqa: E731
    assert "MV101" not in codes(run(capsys, str(app), "--pymilvus-version", "2.5"))
    report = run(capsys, str(app), "--pymilvus-version", "3.0")
    assert report["pymilvus_version"] == "3.0"
    [mv101] = [d for f in report["files"] for d in f["diagnostics"] if d["code"] == "MV101"]
    assert mv101["severity"] == "warning"
    [mv101] = [
        d
        for f in run(capsys, str(app), "--pymilvus-version", "3.1")["files"]
        for d in f["diagnostics"]
        if d["code"] == "MV101"
    ]
    assert mv101["severity"] == "error"


def test_mv101_from_a_pinned_project(tmp_path, capsys):
    project(tmp_path, {"requirements.txt": "pymilvus==2.4.15\n", "app.py": ORM})
    report = run(capsys, str(tmp_path / "app.py"))
    assert report["pymilvus_version"] == "2.4.15"
    assert report["files"][0]["diagnostics"] == []
