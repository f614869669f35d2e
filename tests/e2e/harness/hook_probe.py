#!/usr/bin/env python3
# ruff: noqa  (vendored from ../shared/claude-code/harness, Claude Code 2.1.330; keep in sync)
"""Command hook for Claude Code that records its stdin payload and optionally
answers in a scripted way.

Usage in settings.json:  "command": "python3 /path/hook_probe.py LABEL"

Environment:
  HOOK_LOG_DIR   directory to write <seq>-<label>-<event>-<tool>.json into (required)
  HOOK_PLAN      path to a JSON list of rules (optional). First matching rule wins:
                 {"label": "probe", "event": "PostToolUse", "tool": "Write", "nth": 1,
                  "exit": 2, "stderr": "...", "stdout": "...", "stdout_json": {...},
                  "sleep": 30}
                 label/event/tool/nth/input_contains are match conditions (omitted = any;
                 tool is a regex matched with re.fullmatch; nth counts calls per
                 label+event+tool, starting at 1; input_contains is a substring of the
                 JSON-encoded tool_input, or of the prompt for UserPromptSubmit).  Without a matching rule: exit 0, no output.
Each record file holds {"label", "argv", "env" (CLAUDE_* vars), "stdin_raw", "payload",
"action"}.
"""

import json
import os
import re
import sys
import time


def main():
    label = sys.argv[1] if len(sys.argv) > 1 else "probe"
    raw = sys.stdin.read()
    try:
        payload = json.loads(raw)
    except Exception:
        payload = None
    event = (payload or {}).get("hook_event_name", "unknown")
    tool = (payload or {}).get("tool_name", "") or ""
    log_dir = os.environ.get("HOOK_LOG_DIR") or os.path.join(os.getcwd(), ".hook-log")
    os.makedirs(log_dir, exist_ok=True)

    # per label/event/tool call counter (files are the counter; hooks may run in parallel)
    safe_tool = re.sub(r"[^A-Za-z0-9_.-]", "_", tool) or "none"
    key = "%s-%s-%s" % (label, event, safe_tool)
    nth = 1 + sum(1 for n in os.listdir(log_dir) if n.split("-", 1)[-1].startswith(key + "-"))
    action = {}
    plan_path = os.environ.get("HOOK_PLAN")
    if plan_path and os.path.exists(plan_path):
        with open(plan_path) as f:
            for rule in json.load(f):
                if rule.get("label", label) != label:
                    continue
                if rule.get("event", event) != event:
                    continue
                if "tool" in rule and not re.fullmatch(rule["tool"], tool):
                    continue
                if rule.get("nth", nth) != nth:
                    continue
                if "input_contains" in rule and rule["input_contains"] not in json.dumps(
                    (payload or {}).get("tool_input", (payload or {}).get("prompt", ""))
                ):
                    continue
                action = rule
                break
    seq = "%d%06d" % (int(time.time()), os.getpid() % 1000000)
    rec = {
        "label": label,
        "nth": nth,
        "argv": sys.argv,
        "cwd": os.getcwd(),
        "env": {k: v for k, v in os.environ.items() if k.startswith("CLAUDE")},
        "stdin_raw": raw,
        "payload": payload,
        "action": action,
    }
    path = os.path.join(log_dir, "%s-%s-%d.json" % (seq, key, nth))
    with open(path, "w") as f:
        json.dump(rec, f, indent=2)

    if action.get("sleep"):
        time.sleep(float(action["sleep"]))
    if "stdout_json" in action:
        sys.stdout.write(json.dumps(action["stdout_json"]))
    if "stdout" in action:
        sys.stdout.write(action["stdout"])
    if "stderr" in action:
        sys.stderr.write(action["stderr"])
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(int(action.get("exit", 0)))


if __name__ == "__main__":
    main()
