#!/usr/bin/env python3
# ruff: noqa  (vendored from ../shared/claude-code/harness, Claude Code 2.1.330; keep in sync)
"""Drive the real Claude Code CLI offline against a scripted fake model.

  python3 run_scenario.py --project DIR --scenario SCEN.json --out REPORT.json

See README.md for the scenario format.  Everything runs on 127.0.0.1; every process
started here is in one process group (claude + its hooks + its MCP servers) that is
killed by pgid at the end or on timeout.
"""

import argparse
import fnmatch
import glob
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fake_anthropic  # noqa: E402

PROBE = os.path.join(HERE, "hook_probe.py")
SKIP_DIRS = {".git", "node_modules", "__pycache__", ".venv", "venv", ".mypy_cache", ".pytest_cache"}
ALL_HOOK_EVENTS = [
    "PreToolUse",
    "PostToolUse",
    "PostToolUseFailure",
    "UserPromptSubmit",
    "Stop",
    "SessionStart",
    "SessionEnd",
    "Notification",
    "PermissionRequest",
]
TOOL_EVENTS = {"PreToolUse", "PostToolUse", "PostToolUseFailure", "PermissionRequest"}


def subst(obj, mapping):
    return fake_anthropic._subst(obj, mapping)


def find_claude(explicit):
    for c in [explicit, os.environ.get("CLAUDE_BIN"), shutil.which("claude")]:
        if c and os.path.exists(c):
            return c
    sys.exit("claude binary not found: pass --claude or set CLAUDE_BIN")


def snapshot(root):
    out = {}
    for dp, dns, fns in os.walk(root):
        dns[:] = [d for d in dns if d not in SKIP_DIRS]
        for fn in fns:
            p = os.path.join(dp, fn)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            with open(p, "rb") as f:
                data = f.read()
            out[os.path.relpath(p, root)] = hashlib.sha256(data).hexdigest()
    return out


def read_text(path, limit=262144):
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
        txt = data[:limit].decode("utf-8")
        return txt + ("\n...[truncated]" if len(data) > limit else "")
    except UnicodeDecodeError:
        return "<binary>"
    except FileNotFoundError:
        return None


def probe_settings(events, label="harness"):
    cmd = "%s %s %s" % (shlex_quote(sys.executable), shlex_quote(PROBE), label)
    hooks = {}
    for ev in events:
        entry = {"hooks": [{"type": "command", "command": cmd, "timeout": 30}]}
        if ev in TOOL_EVENTS:
            entry["matcher"] = "*"
        hooks[ev] = [entry]
    return {"hooks": hooks}


def shlex_quote(s):
    import shlex

    return shlex.quote(s)


def deep_merge(a, b):
    """Merge b into a (dicts merged recursively, lists concatenated)."""
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(a.get(k), dict):
            deep_merge(a[k], v)
        elif isinstance(v, list) and isinstance(a.get(k), list):
            a[k] = a[k] + v
        else:
            a[k] = v
    return a


def kill_group(pgid, grace=3.0):
    """Terminate the process group we created (by its id) and reap it."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        t0 = time.time()
        while time.time() - t0 < grace:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


def run_proc(argv, cwd, env, timeout, stdin_data=None):
    """Run argv in its own process group; returns (rc, stdout, stderr, timed_out)."""
    p = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    timed_out = False
    try:
        out, err = p.communicate(stdin_data, timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_group(p.pid)
        out, err = p.communicate()
    finally:
        kill_group(p.pid, grace=1.0)  # leftovers (hooks, MCP servers) of this run
    return p.returncode, out.decode(errors="replace"), err.decode(errors="replace"), timed_out


def build_env(home, port, extra):
    keep = (
        "PATH",
        "LANG",
        "LC_ALL",
        "TERM",
        "TZ",
        "NODE_EXTRA_CA_CERTS",
        "SSL_CERT_FILE",
        "VIRTUAL_ENV",
        "PYTHONPATH",
        "TMPDIR",
    )
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(
        {
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, ".config"),
            "XDG_CACHE_HOME": os.path.join(home, ".cache"),
            "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
            "ANTHROPIC_BASE_URL": "http://127.0.0.1:%d" % port,
            "ANTHROPIC_API_KEY": "dummy",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "DISABLE_TELEMETRY": "1",
            "DISABLE_AUTOUPDATER": "1",
            "DISABLE_ERROR_REPORTING": "1",
            "DISABLE_BUG_COMMAND": "1",
            "CLAUDE_CODE_ENABLE_TELEMETRY": "0",
            "CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY": "1",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            "IS_SANDBOX": "1",  # lets bypassPermissions run as root
            "CI": "1",
        }
    )
    env.update(extra or {})
    return env


def new_messages(messages):
    """Messages after the last assistant message = what is new to the model."""
    last = -1
    for i, m in enumerate(messages):
        if m.get("role") == "assistant":
            last = i
    return messages[last + 1 :]


def summarize_requests(log_path, keep_system=False):
    reqs = []
    if not os.path.exists(log_path):
        return reqs
    with open(log_path) as f:
        for line in f:
            r = json.loads(line)
            b = r.get("body") if isinstance(r.get("body"), dict) else {}
            s = {
                "kind": r.get("kind"),
                "path": r.get("path"),
                "turn_index": r.get("turn_index"),
                "model": b.get("model"),
                "stream": b.get("stream"),
                "tool_names": [t.get("name") for t in b.get("tools", []) or []],
                "anthropic_beta": r.get("headers", {}).get("anthropic-beta"),
                "response_content": r.get("response_content"),
            }
            if r.get("kind") in ("main", "side"):
                msgs = b.get("messages", [])
                s["n_messages"] = len(msgs)
                s["new_messages"] = new_messages(msgs)
                s["messages"] = msgs
                if keep_system:
                    s["system"] = b.get("system")
                    s["tools"] = b.get("tools")
            reqs.append(s)
    return reqs


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--project", help="project directory (copied unless --in-place); default: empty"
    )
    ap.add_argument(
        "--plugin",
        help="plugin directory: copied to <work>/plugin and loaded with --plugin-dir"
        " (keep it apart from the project: files inside a --plugin-dir are 'sensitive' and"
        " the Write/Edit tools refuse them)",
    )
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--out", required=True, help="report JSON path")
    ap.add_argument("--work", help="work dir (default: fresh temp dir, kept for inspection)")
    ap.add_argument(
        "--in-place", action="store_true", help="run in --project itself (it gets modified!)"
    )
    ap.add_argument("--claude", help="claude binary (default: $CLAUDE_BIN or claude on PATH)")
    ap.add_argument("--timeout", type=float, help="overrides scenario timeout (seconds)")
    ap.add_argument(
        "--keep-system", action="store_true", help="include system prompt + tool schemas"
    )
    ap.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra {{KEY}} placeholder (overrides scenario 'vars')",
    )
    a = ap.parse_args()

    claude = find_claude(a.claude)
    with open(a.scenario) as f:
        sc = json.load(f)
    if isinstance(sc, list):
        sc = {"turns": sc}
    timeout = a.timeout or float(sc.get("timeout", 120))
    deadline = time.time() + timeout

    work = os.path.abspath(a.work or tempfile.mkdtemp(prefix="cc-harness-"))
    os.makedirs(work, exist_ok=True)
    home = os.path.join(work, "home")
    logs = os.path.join(work, "logs")
    hook_dir = os.path.join(logs, "hooks")
    for d in (home, logs, hook_dir):
        os.makedirs(d, exist_ok=True)
    if a.in_place and not a.project:
        sys.exit("--in-place needs --project")
    src = os.path.abspath(a.project) if a.project else None
    if a.in_place:
        proj = src
    elif src is None:
        proj = os.path.join(work, "project")
        os.makedirs(proj, exist_ok=True)
    else:
        proj = os.path.join(work, "project")
        if os.path.exists(proj):
            shutil.rmtree(proj)
        shutil.copytree(
            src, proj, symlinks=True, ignore=shutil.ignore_patterns(*SKIP_DIRS - {".git"})
        )
    plugin = None
    if a.plugin:
        plugin = os.path.join(work, "plugin")
        if os.path.exists(plugin):
            shutil.rmtree(plugin)
        shutil.copytree(
            os.path.abspath(a.plugin),
            plugin,
            symlinks=True,
            ignore=shutil.ignore_patterns(*SKIP_DIRS - {".git"}),
        )
    mapping = {
        "PROJECT": proj,
        "HOME": home,
        "HARNESS": HERE,
        "PYTHON": sys.executable,
        "PLUGIN": plugin or "",
    }
    mapping.update({k: str(v) for k, v in (sc.get("vars") or {}).items()})
    mapping.update(dict(v.split("=", 1) for v in a.var))

    for rel, content in (sc.get("project_files") or {}).items():
        p = os.path.join(proj, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(
                content
                if isinstance(content, str)
                else json.dumps(subst(content, mapping), indent=2)
            )
        if rel.endswith((".sh", ".py")) and "/hooks/" in "/" + rel:
            os.chmod(p, 0o755)
    for rel, content in (sc.get("home_files") or {}).items():
        p = os.path.join(home, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(
                content
                if isinstance(content, str)
                else json.dumps(subst(content, mapping), indent=2)
            )

    before = snapshot(proj)

    # fake model server (in-process thread)
    srv = fake_anthropic.make_server(sc.get("turns", []), logs, mapping)
    port = srv.server_address[1]
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()

    plan_path = os.path.join(logs, "hook_plan.json")
    with open(plan_path, "w") as f:
        json.dump(subst(sc.get("hook_plan", []), mapping), f, indent=2)
    env = build_env(home, port, subst(sc.get("env", {}), mapping))
    env["HOOK_LOG_DIR"] = hook_dir
    env["HOOK_PLAN"] = plan_path

    settings = {}
    probe_events = sc.get(
        "probe_hooks",
        ["PreToolUse", "PostToolUse", "PostToolUseFailure", "UserPromptSubmit", "Stop"],
    )
    if probe_events:
        settings = probe_settings(ALL_HOOK_EVENTS if probe_events is True else probe_events)
    deep_merge(settings, subst(sc.get("settings", {}), mapping))
    settings_path = os.path.join(logs, "harness-settings.json")
    with open(settings_path, "w") as f:
        json.dump(settings, f, indent=2)

    report = {
        "scenario": a.scenario,
        "work": work,
        "project": proj,
        "plugin": plugin,
        "port": port,
        "commands": [],
        "claude_version": None,
    }
    try:
        rc, out, err, to = run_proc([claude, "--version"], proj, env, 30)
        report["claude_version"] = out.strip()

        # optional CLI commands before the session, e.g. ["mcp","list"], ["plugin","validate","{{PROJECT}}"]
        for cmd in subst(sc.get("pre_commands", []), mapping):
            left = max(5, deadline - time.time())
            if plugin and cmd[:1] == ["mcp"]:
                cmd = ["--plugin-dir", plugin] + cmd
            rc, out, err, to = run_proc([claude] + cmd, proj, env, min(left, 60))
            report["commands"].append(
                {"argv": cmd, "rc": rc, "stdout": out, "stderr": err, "timed_out": to}
            )

        if sc.get("prompt") is not None or sc.get("turns"):
            argv = [
                claude,
                "-p",
                subst(sc.get("prompt", "Do the task."), mapping),
                "--output-format",
                "stream-json",
                "--verbose",
                "--settings",
                settings_path,
            ]
            pm = sc.get("permission_mode", "acceptEdits")
            if pm:
                argv += ["--permission-mode", pm]
            if plugin:
                argv += ["--plugin-dir", plugin]
            argv += subst(sc.get("claude_args", []), mapping)
            left = max(5, deadline - time.time())
            t0 = time.time()
            rc, out, err, to = run_proc(argv, proj, env, left)
            events = []
            for line in out.splitlines():
                try:
                    events.append(json.loads(line))
                except Exception:
                    events.append({"unparsed": line})
            report["session"] = {
                "argv": argv[1:],
                "rc": rc,
                "timed_out": to,
                "seconds": round(time.time() - t0, 2),
                "stderr": err,
                "events": events,
            }
            report["result"] = next(
                (e for e in reversed(events) if e.get("type") == "result"), None
            )
        for cmd in subst(sc.get("post_commands", []), mapping):
            left = max(5, deadline - time.time())
            rc, out, err, to = run_proc([claude] + cmd, proj, env, min(left, 60))
            report["commands"].append(
                {"argv": cmd, "rc": rc, "stdout": out, "stderr": err, "timed_out": to}
            )
    finally:
        srv.shutdown()
        srv.server_close()

    report["requests"] = summarize_requests(os.path.join(logs, "requests.jsonl"), a.keep_system)
    report["turns_consumed"] = srv.state.turn_index
    hooks = []
    for p in sorted(glob.glob(os.path.join(hook_dir, "*.json"))):
        with open(p) as f:
            rec = json.load(f)
        rec["file"] = os.path.basename(p)
        hooks.append(rec)
    report["hook_payloads"] = hooks
    after = snapshot(proj)
    files = {
        "created": sorted(set(after) - set(before)),
        "deleted": sorted(set(before) - set(after)),
        "modified": sorted(k for k in after if k in before and after[k] != before[k]),
    }
    want = set(files["created"]) | set(files["modified"])
    for pat in sc.get("collect_files", []):
        want |= {k for k in after if fnmatch.fnmatch(k, pat)}
    files["contents"] = {k: read_text(os.path.join(proj, k)) for k in sorted(want)}
    report["files"] = files
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(report, f, indent=2)
    s = report.get("session", {})
    print(
        "report: %s  (rc=%s timed_out=%s main_requests=%d hooks=%d files+%d~%d)"
        % (
            a.out,
            s.get("rc"),
            s.get("timed_out"),
            sum(1 for r in report["requests"] if r["kind"] == "main"),
            len(hooks),
            len(files["created"]),
            len(files["modified"]),
        )
    )


if __name__ == "__main__":
    main()
