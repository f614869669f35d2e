"""Make the Python environment milvus-cto runs in: once, in the background, with a clear message.

The hooks, the MCP server and /milvus-check run with $MILVUS_CTO_PYTHON if set; else, as a
plugin ($CLAUDE_PLUGIN_DATA set), only with the plugin's own $CLAUDE_PLUGIN_DATA/venv; else with
the checkout's .venv. When that is missing this creates it and installs milvus-cto's run-time
dependencies (pyproject's `dependencies`: what the hooks, the checker and the MCP server
import; pymilvus is a test dependency) into it. The code itself runs from the plugin
directory, so a plugin update needs a new venv only when its dependencies change.

    python3 setup_env.py            SessionStart: start the build if needed, print the message
    python3 setup_env.py --wait S   the same, then wait up to S seconds for it (MCP launcher)
    python3 setup_env.py --build    the build itself (started detached by the two above)

Stdlib only, any Python 3; the venv gets Python 3.11 or newer.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIN_PYTHON = (3, 11)
STAMP = ".milvus-cto-deps"


def venv_dir() -> str:
    data = os.environ.get("CLAUDE_PLUGIN_DATA")
    return os.path.join(data, "venv") if data else os.path.join(ROOT, ".venv")


def managed() -> bool:
    """Whether we own the venv (the plugin's), or it is a developer's checkout .venv."""
    return bool(os.environ.get("CLAUDE_PLUGIN_DATA"))


def ready_python() -> str | None:
    """The interpreter the launcher would pick, if there is one (same order as the launcher)."""
    explicit = os.environ.get("MILVUS_CTO_PYTHON")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    python = os.path.join(venv_dir(), "bin", "python")
    return python if os.access(python, os.X_OK) else None


def requirements() -> list[str]:
    import tomllib

    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        project = tomllib.load(f)["project"]
    return sorted(project.get("dependencies", []))


def up_to_date(venv: str) -> bool:
    try:
        with open(os.path.join(venv, STAMP)) as f:
            return json.load(f) == requirements()
    except ImportError:  # no tomllib before 3.11: cannot tell, keep what is there
        return True
    except (OSError, ValueError):
        return False


def base_python() -> str | None:
    """A Python >= 3.11 to make the venv with."""
    if sys.version_info >= MIN_PYTHON:
        return sys.executable
    for name in ("python3.14", "python3.13", "python3.12", "python3.11"):
        found = shutil.which(name)
        if found:
            return found
    return None


def build_running(venv: str) -> bool:
    with open(venv + ".lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(lock, fcntl.LOCK_UN)
    return False


def start_build(venv: str) -> str | None:
    """Start the build detached (it outlives this hook and the session); None if impossible."""
    python = base_python()
    if python is None:
        return None
    os.makedirs(os.path.dirname(venv), exist_ok=True)
    if not build_running(venv):
        with open(venv + ".log", "w") as log:
            subprocess.Popen(
                [python, "-P", os.path.abspath(__file__), "--build"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
            )
    return python


def build() -> int:
    venv = venv_dir()
    with open(venv + ".lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return 0  # another build is running
        if os.path.exists(os.path.join(venv, "bin", "python")) and (
            not managed() or up_to_date(venv)
        ):
            return 0
        partial = venv + ".partial"
        try:
            _build(partial)
        except Exception as exc:
            print(f"milvus-cto: setup failed: {exc.__class__.__name__}: {exc}", flush=True)
            with open(venv + ".failed", "w") as f:
                f.write(str(exc))
            shutil.rmtree(partial, ignore_errors=True)
            return 1
        # Swap in the new venv; hooks running meanwhile still find a working interpreter.
        old = venv + ".old"
        shutil.rmtree(old, ignore_errors=True)
        if os.path.exists(venv):
            os.rename(venv, old)
        os.rename(partial, venv)
        shutil.rmtree(old, ignore_errors=True)
        if os.path.exists(venv + ".failed"):
            os.unlink(venv + ".failed")
        print("milvus-cto: ready", flush=True)
    return 0


def _build(partial: str) -> None:
    shutil.rmtree(partial, ignore_errors=True)
    deps = requirements()
    start = time.monotonic()
    print(f"milvus-cto: creating {partial} with {', '.join(deps) or 'no dependencies'}", flush=True)
    # -P: `-m` would otherwise put the working directory (the user's project) first on sys.path.
    # Without pip in the venv when this Python's pip can install into it (pip >= 22.3,
    # --python): ensurepip costs seconds and pip+setuptools add 25 MB nobody runs.
    own_pip = _pip_version() >= (22, 3)
    venv = [sys.executable, "-P", "-m", "venv", *(["--without-pip"] if own_pip else []), partial]
    subprocess.run(venv, check=True)
    python = os.path.join(partial, "bin", "python")
    pip = (
        [sys.executable, "-P", "-m", "pip", "--python", python]
        if own_pip
        else [python, "-P", "-m", "pip"]
    )
    if deps:
        subprocess.run(
            # --no-compile: Python compiles what it imports on first use, a fraction of it all.
            [
                *pip,
                "install",
                "--disable-pip-version-check",
                "--no-input",
                "--quiet",
                "--no-compile",
                *deps,
            ],
            check=True,
        )
    with open(os.path.join(partial, STAMP), "w") as f:
        json.dump(deps, f)
    print(f"milvus-cto: built in {time.monotonic() - start:.1f} s", flush=True)


def _pip_version() -> tuple[int, ...]:
    """The version of this Python's pip, or () when it has none (Debian's python3 may not)."""
    import importlib.metadata

    try:
        return tuple(int(part) for part in importlib.metadata.version("pip").split(".")[:2])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return ()


def ensure() -> tuple[bool, str | None]:
    """(ready now, message for the user)."""
    venv = venv_dir()
    python = ready_python()
    if os.environ.get("MILVUS_CTO_PYTHON"):
        if python:
            return True, None
        return False, (
            f"milvus-cto: MILVUS_CTO_PYTHON={os.environ['MILVUS_CTO_PYTHON']} is not an "
            "executable; pymilvus edits are not checked."
        )
    if python and (not managed() or up_to_date(venv) or not python.startswith(venv)):
        return True, None
    if not os.path.exists(os.path.join(ROOT, "checks", "hook.py")):
        # The launcher was copied into a project: milvus-cto lives elsewhere.
        return False, (
            "milvus-cto: no Python with milvus-cto found. Install it (pip install milvus-cto, or "
            "a clone with pip install -e) and set MILVUS_CTO_PYTHON to that Python, e.g. in the "
            '"env" of .claude/settings.json. Until then pymilvus edits are not checked.'
        )
    failed = os.path.exists(venv + ".failed")
    if start_build(venv) is None:
        return False, (
            "milvus-cto needs Python 3.11 or newer to set itself up; none was found on PATH. "
            "Set MILVUS_CTO_PYTHON to a Python with milvus-cto installed. Until then pymilvus "
            "edits are not checked."
        )
    if python:
        return True, f"milvus-cto: updating its Python environment in {venv} (log: {venv}.log)."
    again = "The last attempt failed; trying again. " if failed else ""
    return False, (
        f"milvus-cto: {again}setting up its Python environment in {venv} (first run, about "
        f"20 s; log: {venv}.log). Until it is ready, pymilvus edits are not checked."
    )


def main(argv: list[str]) -> int:
    if argv[:1] == ["--build"]:
        return build()
    ready, message = ensure()
    if argv[:1] == ["--wait"]:
        deadline = time.time() + float(argv[1] if len(argv) > 1 else 25)
        started = time.time()
        while not ready and time.time() < deadline:
            time.sleep(0.5)
            ready = ready_python() is not None
            # The build lets go of its lock when it ends; give it a moment to take it first.
            if not ready and time.time() - started > 3 and not build_running(venv_dir()):
                break
        if not ready:
            venv = venv_dir()
            if os.path.exists(venv + ".failed"):
                message = f"milvus-cto: setting up its Python environment failed (log: {venv}.log)."
            if message:
                print(message, file=sys.stderr)
        return 0 if ready else 1
    output = {"systemMessage": message} if message else {}
    context = pymilvus_note(ready_python()) if ready else None
    if context:
        output["hookSpecificOutput"] = {
            "hookEventName": "SessionStart",
            "additionalContext": context,
        }
    if output:
        print(json.dumps(output))
    return 0


PIN_FILES = ("uv.lock", "poetry.lock", "pyproject.toml", "requirements.txt")
NOTE = """\
import sys
from checks.config import resolve_options
warnings = []
options = resolve_options(sys.argv[1], warnings=warnings, lenient=True)
print(options.pymilvus_version, options.version_source, sep="\\t")
"""


def pymilvus_note(python: str | None) -> str | None:
    """For Claude, once per session: the pymilvus this project pins, and that the skill applies.

    Only for a project whose pin files name pymilvus (a few small reads decide, here, in the
    stdlib); then milvus-cto's own version resolution says which version and from where.
    """
    project = os.environ.get("CLAUDE_PROJECT_DIR") or os.getcwd()
    pins = [os.path.join(project, name) for name in PIN_FILES]
    pins += [
        os.path.join(project, n)
        for n in os.listdir(project)
        if n.startswith("requirements") and n.endswith(".txt")
    ]
    if python is None or not any(_mentions_pymilvus(path) for path in dict.fromkeys(pins)):
        return None
    env = dict(os.environ)
    if os.path.exists(os.path.join(ROOT, "checks", "config.py")):
        env["PYTHONPATH"] = ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    try:
        done = subprocess.run(
            [python, "-P", "-c", NOTE, project], capture_output=True, text=True, env=env, timeout=5
        )
        version, source = done.stdout.strip().split("\t")
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    return (
        f"milvus-cto: this project uses pymilvus {version} ({source}). Before writing or changing "
        "code that uses pymilvus or Milvus, load the skill milvus-cto:pymilvus; every edit of "
        f"such code is checked against pymilvus {version}."
    )


def _mentions_pymilvus(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return b"pymilvus" in f.read(4_000_000)
    except OSError:
        return False


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as exc:  # a SessionStart hook never stops the session
        print(f"milvus-cto setup: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        sys.exit(0)
