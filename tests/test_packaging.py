"""An installed (non-editable) copy works: the wheel carries the guide beside the code."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_the_guide_and_runs_from_it(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("milvus_cto-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    guide_files = [*sorted(ROOT.glob("guide/**/*.md")), ROOT / "guide" / "editions.toml"]
    for path in guide_files:
        assert path.relative_to(ROOT).as_posix() in names
    assert "server/__main__.py" in names and "checks/rules/search_before_load.py" in names
    for path in sorted(ROOT.glob("checks/api/data/*.api")):
        assert path.relative_to(ROOT).as_posix() in names

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    app = tmp_path / "app.py"
    app.write_text(
        'from pymilvus import MilvusClient\nMilvusClient("x.db").search("d", data=[[0.1]], consistency_level="strong")\n'
    )
    # Run from the unpacked wheel only (no checkout on the path): the guide must be found there.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "import checks.guide as g; assert g.__file__.startswith(sys.argv[1]), g.__file__; "
        "assert g.guide_text('2026.11'); "
        "from checks.cli import main; sys.exit(main([sys.argv[2], '--format', 'json']))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", code, str(site), str(app)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    assert '"MV007"' in result.stdout
