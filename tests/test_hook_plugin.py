"""The plugin around the hooks: registrations, the launcher's interpreter, the venv set-up,
/milvus-check and the MCP registration, each run the way Claude Code runs it."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = ROOT / ".claude" / "hooks" / "milvus-cto"
SETUP = ROOT / ".claude" / "hooks" / "setup_env.py"
EVENTS = {"SessionStart": "setup", "PreToolUse": "hook", "PostToolUse": "hook"}
SERVER_TOOLS = ("check_snippet", "check_file", "rewrite_snippet", "explain_rule")
BAD = (
    "from pymilvus import MilvusClient\n"
    "client = MilvusClient('demo.db')\n"
    "client.create_collection('docs', schema=schema)\n"
    "client.search('docs', data=[[0.1] * 8], limit=3)\n"
)


def load_json(relative: str) -> dict:
    return json.loads((ROOT / relative).read_text(encoding="utf-8"))


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8", **extra}


# --- Registrations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "launcher"),
    [
        ("hooks/hooks.json", 'sh "${CLAUDE_PLUGIN_ROOT}/.claude/hooks/milvus-cto"'),
        (".claude/settings.json", 'sh "$CLAUDE_PROJECT_DIR/.claude/hooks/milvus-cto"'),
    ],
)
def test_hooks_are_registered_alike_for_plugin_and_project(relative, launcher):
    hooks = load_json(relative)["hooks"]
    assert set(hooks) == set(EVENTS)
    for event, subcommand in EVENTS.items():
        (entry,) = hooks[event]
        (hook,) = entry["hooks"]
        assert hook["type"] == "command"
        assert hook["command"] == f"{launcher} {subcommand}"
        if event != "SessionStart":
            # MultiEdit no longer exists in Claude Code 2.1.330 (PROTOCOL.md §1).
            assert entry["matcher"] == "Write|Edit|NotebookEdit"
            # The hook's own budget (checks.hook.BUDGET_SECONDS) ends first: a clean exit 0.
            assert hook["timeout"] > 10


def test_manifests():
    manifest = load_json(".claude-plugin/plugin.json")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert manifest["name"] == "milvus-cto"
    assert manifest["version"] == project["version"]
    assert manifest["description"] and manifest["author"]["name"] and manifest["homepage"]
    assert "Milvus" in manifest["description"] and "pymilvus" in manifest["description"]
    marketplace = load_json(".claude-plugin/marketplace.json")
    (entry,) = marketplace["plugins"]
    assert (entry["name"], entry["source"]) == ("milvus-cto", "./plugin")
    settings = load_json(".claude/settings.json")
    assert settings["enabledMcpjsonServers"] == ["milvus-cto"]


def test_the_marketplace_plugin_directory_ships_the_plugin_and_nothing_else():
    """A plugin install copies its source directory whole (symlinks followed, only .git left
    out), so the marketplace points at plugin/, which links what the plugin runs: a clone's
    .venv, .cache and tests stay behind."""
    plugin = ROOT / "plugin"
    shipped = {p.relative_to(plugin).as_posix() for p in plugin.rglob("*") if p.is_symlink()}
    assert shipped == {
        ".claude-plugin", ".mcp.json", ".claude/hooks", "hooks", "commands", "skills",
        "checks", "server", "guide", "pyproject.toml", "README.md",
    }  # fmt: skip
    for name in shipped:
        link = plugin / name
        assert link.resolve() == (ROOT / name).resolve(), name
        assert not os.path.isabs(os.readlink(link)), name  # relative: valid in any clone
    # Everything the plugin's manifests and hooks name is there.
    for needed in ("hooks/hooks.json", "commands/milvus-check.md", "skills/pymilvus/SKILL.md",
                   ".claude/hooks/milvus-cto", ".claude/hooks/setup_env.py", "checks/hook.py",
                   "server/app.py", "guide/editions.toml"):  # fmt: skip
        assert (plugin / needed).is_file(), needed


# --- /milvus-check ----------------------------------------------------------------------------


def command_file(relative: str) -> tuple[dict[str, str], str]:
    text = (ROOT / relative).read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = dict(line.split(": ", 1) for line in front.strip().splitlines())
    return meta, body


def bang_line(body: str) -> str:
    (command,) = re.findall(r"^!`([^`]*)`$", body, re.M)
    return command


@pytest.mark.parametrize(
    ("relative", "prefix"),
    [
        (".claude/commands/milvus-check.md", "mcp__milvus-cto__"),
        ("commands/milvus-check.md", "mcp__plugin_milvus-cto_milvus-cto__"),
    ],
)
def test_milvus_check_command_is_allowed_to_run_its_own_lines(relative, prefix):
    meta, body = command_file(relative)
    command = bang_line(body)
    # PROTOCOL.md §3: a variable in a ! line aborts the command; Claude Code replaces
    # ${CLAUDE_PLUGIN_ROOT} and ${CLAUDE_PLUGIN_DATA} (plugin commands) before the line runs.
    assert "$" not in command.replace("${CLAUDE_PLUGIN_ROOT}", "").replace(
        "${CLAUDE_PLUGIN_DATA}", ""
    )
    allowed = [tool.strip() for tool in meta["allowed-tools"].split(",")]
    bash = [tool[5:-3] for tool in allowed if tool.startswith("Bash(") and tool.endswith(":*)")]
    assert any(command.startswith(pattern) for pattern in bash), (command, bash)
    assert {prefix + tool for tool in SERVER_TOOLS} <= set(allowed)
    assert "ReadMcpResourceTool" in allowed
    assert "rewrite_snippet" in body and "$ARGUMENTS" in body


def test_plugin_and_project_commands_say_the_same():
    _, project = command_file(".claude/commands/milvus-check.md")
    _, plugin = command_file("commands/milvus-check.md")
    plugin = plugin.replace(
        'sh "${CLAUDE_PLUGIN_ROOT}/.claude/hooks/milvus-cto" check --data "${CLAUDE_PLUGIN_DATA}"',
        "sh .claude/hooks/milvus-cto check",
    )
    assert plugin.replace("plugin:milvus-cto:milvus-cto", "milvus-cto") == project


def test_bang_lines_report_findings_and_always_succeed(tmp_path):
    (tmp_path / "app.py").write_text(BAD)
    _, body = command_file("commands/milvus-check.md")
    command = bang_line(body).replace("${CLAUDE_PLUGIN_ROOT}", str(ROOT))
    command = command.replace("${CLAUDE_PLUGIN_DATA}", str(tmp_path / "data"))
    # A ! line gets neither CLAUDE_PLUGIN_ROOT nor CLAUDE_PLUGIN_DATA in its environment.
    env = base_env(tmp_path, MILVUS_CTO_PYTHON=sys.executable)
    done = subprocess.run(
        command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0  # findings exit 1 in the CLI; a failing ! line aborts
    assert "app.py:4:1: MV001 [error]" in done.stdout
    assert "guide: milvus-guide://2026.11/rules/MV001" in done.stdout
    (tmp_path / "app.py").write_text("print('no milvus here')\n")
    done = subprocess.run(
        command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0 and "All checks passed" in done.stdout
    # Project scope: the same launcher by a path relative to the project root.
    _, body = command_file(".claude/commands/milvus-check.md")
    done = subprocess.run(
        f"{bang_line(body)} {tmp_path}",
        shell=True,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "All checks passed" in done.stdout


# --- The MCP registration ---------------------------------------------------------------------


def rpc(process: subprocess.Popen, id_: int, method: str, params: dict | None = None) -> dict:
    message = {"jsonrpc": "2.0", "id": id_, "method": method, "params": params or {}}
    process.stdin.write((json.dumps(message) + "\n").encode())
    process.stdin.flush()
    ready, _, _ = select.select([process.stdout], [], [], 60)
    assert ready, "the MCP server did not answer"
    return json.loads(process.stdout.readline())


@pytest.mark.parametrize("scope", ["project", "plugin"])
def test_mcp_json_starts_the_server_in_both_scopes(tmp_path, scope):
    (server,) = load_json(".mcp.json")["mcpServers"].items()
    name, config = server
    assert name == "milvus-cto" and config["type"] == "stdio"
    env = base_env(tmp_path, MILVUS_CTO_PYTHON=sys.executable)
    if scope == "plugin":  # the plugin's MCP servers get CLAUDE_PLUGIN_ROOT in their env
        env["CLAUDE_PLUGIN_ROOT"] = str(ROOT)
    process = subprocess.Popen(
        [config["command"], *config["args"]],
        cwd=ROOT if scope == "project" else tmp_path,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        init = rpc(process, 1, "initialize", {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "test", "version": "0"},
        })  # fmt: skip
        assert init["result"]["serverInfo"]["name"] == "milvus-cto"
        process.stdin.write(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}\n')
        tools = {tool["name"] for tool in rpc(process, 2, "tools/list")["result"]["tools"]}
        assert set(SERVER_TOOLS) <= tools
    finally:
        process.kill()
        process.wait()


# --- The launcher's interpreter ---------------------------------------------------------------


STAND_IN = "import sys\n\n\ndef main():\n    print({})\n    return 0\n"


@pytest.fixture
def fake_plugin(tmp_path) -> Path:
    """A plugin root with the real launcher and a stand-in hook that says who ran it."""
    root = tmp_path / "plugin"
    (root / ".claude" / "hooks").mkdir(parents=True)
    shutil.copy(LAUNCHER, root / ".claude" / "hooks" / "milvus-cto")
    shutil.copy(SETUP, root / ".claude" / "hooks" / "setup_env.py")
    (root / "checks").mkdir()
    (root / "checks" / "hook.py").write_text(STAND_IN.format("'hook by', sys.executable"))
    # What tells the launcher that its root is milvus-cto's own checkout.
    (root / ".claude-plugin").mkdir()
    (root / ".claude-plugin" / "plugin.json").write_text('{"name": "milvus-cto"}')
    (root / "server").mkdir()
    (root / "server" / "app.py").write_text("")
    return root


def wrapper(path: Path, label: str) -> Path:
    path.parent.mkdir(parents=True)
    path.write_text(f'#!/bin/sh\necho {label}\nexec "{sys.executable}" "$@"\n')
    path.chmod(0o755)
    return path


def launch(
    root: Path, tmp_path: Path, *args: str, stdin: bytes = b"{}", **env: str
) -> subprocess.CompletedProcess:
    command = f'sh "{root}/.claude/hooks/milvus-cto" ' + " ".join(args)
    return subprocess.run(
        command, shell=True, input=stdin, capture_output=True, env=base_env(tmp_path, **env),
        cwd=tmp_path,
    )  # fmt: skip


def test_interpreter_order(fake_plugin, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    # Nothing yet: the edit goes through, silently (SessionStart said it is being set up).
    done = launch(fake_plugin, tmp_path, "hook", CLAUDE_PLUGIN_DATA=str(data))
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    # A checkout's .venv serves the checkout, never the plugin: a plugin (CLAUDE_PLUGIN_DATA
    # set, or `check --data` from a ! line) has only its own venv.
    wrapper(fake_plugin / ".venv" / "bin" / "python", "checkout-venv")
    assert launch(fake_plugin, tmp_path, "hook").stdout.startswith(b"checkout-venv\nhook by")
    done = launch(fake_plugin, tmp_path, "hook", CLAUDE_PLUGIN_DATA=str(data))
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    wrapper(data / "venv" / "bin" / "python", "plugin-venv")
    assert launch(fake_plugin, tmp_path, "hook", CLAUDE_PLUGIN_DATA=str(data)).stdout.startswith(
        b"plugin-venv\nhook by"
    )
    done = launch(
        fake_plugin,
        tmp_path,
        "hook",
        CLAUDE_PLUGIN_DATA=str(data),
        MILVUS_CTO_PYTHON=sys.executable,
    )
    assert done.stdout == f"hook by {sys.executable}\n".encode()


def test_check_finds_the_plugin_venv_from_its_data_argument(fake_plugin, tmp_path):
    """A ! line and Claude's Bash calls get no CLAUDE_PLUGIN_DATA; /milvus-check passes it."""
    data = tmp_path / "data"
    wrapper(data / "venv" / "bin" / "python", "plugin-venv")
    (fake_plugin / "checks" / "__main__.py").write_text(
        "import sys; print('checks', sys.argv[1:])\n"
    )
    done = launch(fake_plugin, tmp_path, "check", "--data", str(data), "app.py")
    assert done.stdout == b"plugin-venv\nchecks ['--format', 'text', 'app.py']\n", done.stderr
    done = launch(fake_plugin, tmp_path, "check", "--data", str(data))
    assert done.stdout.endswith(b"checks ['--format', 'text', '.']\n")


def test_check_waits_for_the_first_build_then_says_why_not(fake_plugin, tmp_path):
    data = tmp_path / "data"  # no pyproject.toml in this plugin: the build fails at once
    done = launch(fake_plugin, tmp_path, "check", "--data", str(data))
    assert done.returncode == 0
    assert b"the check did not run" in done.stdout
    assert b"setting up its Python environment failed" in done.stdout
    wait_for_build(data / "venv")


def test_hook_runs_with_python_S(fake_plugin, tmp_path):
    (fake_plugin / "checks" / "hook.py").write_text(STAND_IN.format("sys.flags.no_site"))
    done = launch(fake_plugin, tmp_path, "hook", MILVUS_CTO_PYTHON=sys.executable)
    assert (done.stdout, done.stderr) == (b"1\n", b"")


def load_setup():
    spec = importlib.util.spec_from_file_location("setup_env", SETUP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_plugin_venv_gets_the_run_time_dependencies_only():
    deps = load_setup().requirements()
    names = {re.split(r"[<>=\[ ]", dep)[0] for dep in deps}
    assert {"libcst", "pydantic", "packaging", "mcp"} <= names
    assert "pymilvus" not in names


def wait_for_build(venv: Path) -> None:
    """The build runs detached; wait until it lets go of its lock."""
    import fcntl

    deadline = time.time() + 180
    while time.time() < deadline:
        with open(f"{venv}.lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError:
                pass
        time.sleep(0.5)
    raise AssertionError("the venv build did not finish")


def test_session_start_builds_the_venv_once_with_a_message(fake_plugin, tmp_path):
    (fake_plugin / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = []\n')
    data = tmp_path / "data"
    assert launch(fake_plugin, tmp_path, "setup", MILVUS_CTO_PYTHON=sys.executable).stdout == b""
    done = launch(fake_plugin, tmp_path, "setup", CLAUDE_PLUGIN_DATA=str(data))
    assert done.returncode == 0
    message = json.loads(done.stdout)["systemMessage"]
    assert f"setting up its Python environment in {data / 'venv'}" in message
    assert "Until it is ready, pymilvus edits are not checked." in message
    time.sleep(0.5)
    wait_for_build(data / "venv")
    assert (data / "venv" / "bin" / "python").exists(), (data / "venv.log").read_text()
    assert launch(fake_plugin, tmp_path, "setup", CLAUDE_PLUGIN_DATA=str(data)).stdout == b""
    done = launch(fake_plugin, tmp_path, "hook", CLAUDE_PLUGIN_DATA=str(data))
    assert done.stdout.startswith(b"hook by " + str(data / "venv" / "bin" / "python").encode())


def test_a_launcher_copied_into_a_project_asks_for_milvus_cto_python(fake_plugin, tmp_path):
    (fake_plugin / "checks" / "hook.py").unlink()  # the project's own root: no milvus-cto here
    done = launch(fake_plugin, tmp_path, "setup")
    assert "set MILVUS_CTO_PYTHON" in json.loads(done.stdout)["systemMessage"]
    assert not (fake_plugin / ".venv").exists()
    # With it set (settings.json "env"), the installed package runs: python -m checks.hook.
    write = {"hook_event_name": "PreToolUse", "tool_name": "Write",
             "tool_input": {"file_path": str(tmp_path / "app.py"), "content": BAD}}  # fmt: skip
    done = launch(
        fake_plugin,
        tmp_path,
        "hook",
        stdin=json.dumps(write).encode(),
        MILVUS_CTO_PYTHON=sys.executable,
    )
    assert json.loads(done.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"


def test_a_failed_build_is_reported_and_retried(fake_plugin, tmp_path):
    data = tmp_path / "data"  # no pyproject.toml: the build cannot know what to install
    launch(fake_plugin, tmp_path, "setup", CLAUDE_PLUGIN_DATA=str(data))
    time.sleep(0.5)
    wait_for_build(data / "venv")
    assert (data / "venv.failed").exists()
    done = launch(fake_plugin, tmp_path, "setup", CLAUDE_PLUGIN_DATA=str(data))
    assert "The last attempt failed; trying again." in json.loads(done.stdout)["systemMessage"]
    time.sleep(0.5)
    wait_for_build(data / "venv")


# --- The project's code never runs ------------------------------------------------------------


@pytest.fixture
def hostile_project(tmp_path) -> Path:
    """A project whose own modules are named like ours and like our dependencies: importing
    any of them leaves a file behind."""
    project = tmp_path / "project"
    project.mkdir()
    trap = "open({!r}, 'a').write({!r})\n"
    for module in ("server.py", "checks.py", "mcp/__init__.py", "pydantic.py", "libcst.py"):
        path = project / module
        path.parent.mkdir(exist_ok=True)
        path.write_text(trap.format(str(project / "RAN"), module + "\n"))
    (project / "app.py").write_text(BAD)
    return project


def mcp_initialize(command: list[str], cwd: Path, env: dict[str, str]) -> dict:
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        return rpc(process, 1, "initialize", {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "test", "version": "0"},
        })  # fmt: skip
    finally:
        process.kill()
        process.wait()


def test_the_plugin_never_runs_the_projects_modules(hostile_project, tmp_path):
    env = base_env(tmp_path, MILVUS_CTO_PYTHON=sys.executable, CLAUDE_PLUGIN_ROOT=str(ROOT))
    ((_, config),) = load_json(".mcp.json")["mcpServers"].items()
    init = mcp_initialize([config["command"], *config["args"]], hostile_project, env)
    assert init["result"]["serverInfo"]["name"] == "milvus-cto"
    done = subprocess.run(
        ["sh", str(LAUNCHER), "check"], cwd=hostile_project, env=env, capture_output=True,
        text=True,
    )  # fmt: skip
    assert "app.py:4:1: MV001 [error]" in done.stdout, done.stdout + done.stderr
    payload = {
        "hook_event_name": "PreToolUse", "tool_name": "Write", "cwd": str(hostile_project),
        "tool_input": {"file_path": str(hostile_project / "new.py"), "content": BAD},
    }  # fmt: skip
    done = subprocess.run(
        ["sh", str(LAUNCHER), "hook"], cwd=hostile_project, env=env, capture_output=True,
        input=json.dumps(payload), text=True,
    )  # fmt: skip
    assert '"permissionDecision": "deny"' in done.stdout, done.stdout + done.stderr
    assert not (hostile_project / "RAN").exists(), (hostile_project / "RAN").read_text()


def test_a_launcher_copied_into_a_project_never_runs_the_projects_modules(
    hostile_project, tmp_path
):
    """Project settings: the launcher sits in the project, so its root is the project; the
    installed milvus-cto runs, not the project's server.py or checks.py."""
    hooks = hostile_project / ".claude" / "hooks"
    hooks.mkdir(parents=True)
    shutil.copy(LAUNCHER, hooks / "milvus-cto")
    shutil.copy(ROOT / ".mcp.json", hostile_project / ".mcp.json")
    env = base_env(tmp_path, MILVUS_CTO_PYTHON=sys.executable)
    ((_, config),) = load_json(".mcp.json")["mcpServers"].items()
    init = mcp_initialize([config["command"], *config["args"]], hostile_project, env)
    assert init["result"]["serverInfo"]["name"] == "milvus-cto"
    done = subprocess.run(
        ["sh", ".claude/hooks/milvus-cto", "check", "app.py"], cwd=hostile_project, env=env,
        capture_output=True, text=True,
    )  # fmt: skip
    assert "app.py:4:1: MV001 [error]" in done.stdout, done.stdout + done.stderr
    assert not (hostile_project / "RAN").exists(), (hostile_project / "RAN").read_text()


def test_the_console_script_never_runs_the_projects_modules(hostile_project, tmp_path):
    script = Path(sys.executable).parent / "milvus-cto"
    if not script.exists():
        pytest.skip("milvus-cto is not installed as a console script in this environment")
    done = subprocess.run(
        [str(script), "app.py"], cwd=hostile_project, env=base_env(tmp_path),
        capture_output=True, text=True,
    )  # fmt: skip
    assert "app.py:4:1: MV001 [error]" in done.stdout, done.stdout + done.stderr
    assert not (hostile_project / "RAN").exists(), (hostile_project / "RAN").read_text()


def test_session_start_tells_claude_which_pymilvus_the_project_uses(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    env = base_env(tmp_path, MILVUS_CTO_PYTHON=sys.executable, CLAUDE_PROJECT_DIR=str(project))
    run = lambda: subprocess.run(  # noqa: E731
        ["sh", str(LAUNCHER), "setup"], cwd=project, env=env, capture_output=True, text=True
    )
    done = run()
    assert (done.returncode, done.stdout) == (0, "")  # no pymilvus pin: nothing to say
    (project / "requirements.txt").write_text("fastapi\npymilvus>=2.5,<2.6\n")
    done = run()
    context = json.loads(done.stdout)["hookSpecificOutput"]
    assert context["hookEventName"] == "SessionStart"
    assert context["additionalContext"].startswith(
        "milvus-cto: this project uses pymilvus 2.5 (requirements.txt). Before writing or "
        "changing code that uses pymilvus or Milvus, load the skill milvus-cto:pymilvus"
    )
