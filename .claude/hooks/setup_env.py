"""Make the Python environment milvus-cto runs in: once, in the background, with a clear message.

The hooks, the MCP server and /milvus-check run with the first of: $MILVUS_CTO_PYTHON;
$CLAUDE_PLUGIN_DATA/venv (installed as a plugin); .venv of the checkout. When none exists this
creates the venv (in $CLAUDE_PLUGIN_DATA when it is set, else .venv of the checkout) and
installs milvus-cto's run-time dependencies into it. The code itself runs from the plugin
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
# Needed by tests and the evidence suite only; the hooks, CLI and server never import it.
NOT_AT_RUN_TIME = ("pymilvus",)
STAMP = ".milvus-cto-deps"


def venv_dir() -> str:
    data = os.environ.get("CLAUDE_PLUGIN_DATA")
    return os.path.join(data, "venv") if data else os.path.join(ROOT, ".venv")


def managed() -> bool:
    """Whether we own the venv (the plugin's), or it is a developer's checkout .venv."""
    return bool(os.environ.get("CLAUDE_PLUGIN_DATA"))


def ready_python() -> str | None:
    """The interpreter the launcher would pick, if there is one."""
    candidates = [
        os.environ.get("MILVUS_CTO_PYTHON"),
        os.path.join(os.environ["CLAUDE_PLUGIN_DATA"], "venv", "bin", "python")
        if os.environ.get("CLAUDE_PLUGIN_DATA")
        else None,
        os.path.join(ROOT, ".venv", "bin", "python"),
    ]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def requirements() -> list[str]:
    import tomllib

    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        project = tomllib.load(f)["project"]
    return sorted(
        dep
        for dep in project.get("dependencies", [])
        if not dep.replace("_", "-").lower().startswith(NOT_AT_RUN_TIME)
    )


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
    print(f"milvus-cto: creating {partial} with {', '.join(deps) or 'no dependencies'}", flush=True)
    # -P: `-m` would otherwise put the working directory (the user's project) first on sys.path.
    subprocess.run([sys.executable, "-P", "-m", "venv", partial], check=True)
    if deps:
        subprocess.run(
            [os.path.join(partial, "bin", "python"), "-P", "-m", "pip", "install",
             "--disable-pip-version-check", "--no-input", "--quiet", *deps],
            check=True,
        )  # fmt: skip
    with open(os.path.join(partial, STAMP), "w") as f:
        json.dump(deps, f)


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
        f"milvus-cto: {again}setting up its Python environment in {venv} (first run, about a "
        f"minute; log: {venv}.log). Until it is ready, pymilvus edits are not checked."
    )


def main(argv: list[str]) -> int:
    if argv[:1] == ["--build"]:
        return build()
    ready, message = ensure()
    if argv[:1] == ["--wait"]:
        deadline = time.time() + float(argv[1] if len(argv) > 1 else 25)
        while not ready and time.time() < deadline:
            time.sleep(0.5)
            ready = ready_python() is not None
        if not ready and message:
            print(message, file=sys.stderr)
        return 0 if ready else 1
    if message:
        print(json.dumps({"systemMessage": message}))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as exc:  # a SessionStart hook never stops the session
        print(f"milvus-cto setup: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        sys.exit(0)
