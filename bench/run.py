"""How much milvus-cto costs, as ratios to bare Python measured side by side in one run.

    .venv/bin/python bench/run.py                 # prints the tables, writes bench/RESULTS.md
    .venv/bin/python bench/run.py --repeat 5      # quicker, noisier
    .venv/bin/python bench/run.py --no-write      # print only

Not a test: timings depend on the machine. Each measured command and its baseline run in
turn, round after round, so that both see the same machine state; the tables give the median
and the minimum of the rounds, and ratios of medians (and of minimums: on a noisy machine the
minimum is the better guide to the real cost).

- The hooks run exactly as `.claude/settings.json` registers them for PreToolUse on Write: the
  command string through `/bin/sh -c`, cwd and `$CLAUDE_PROJECT_DIR` the repository, and a
  recorded Claude Code payload (`tests/e2e/payloads/pretooluse-write.json`, paths moved to a
  temp dir) on stdin. Baselines: `python -c pass`, and `python -c "import ast; ast.parse(src)"`
  reading the same file.
- The CLI runs as `python -m checks DIR` over a generated project (`bench/corpus.py`); its
  baseline is one `python -c` process that walks the same tree and `ast.parse`s every file.
- The MCP server is started as a stdio subprocess by the SDK client, warmed up, then timed
  call by call on `check_snippet` with a 200-line snippet.

A piece that is missing (no hook registered yet, no server) is reported as such; the rest is
still measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402

SETTINGS = ROOT / ".claude" / "settings.json"
MCP_CONFIG = ROOT / ".mcp.json"
# Recorded Claude Code payloads: vendored with the end-to-end tests, or the shared originals.
PAYLOADS = next(
    (
        d
        for d in (
            ROOT / "tests" / "e2e" / "payloads",
            ROOT.parent / "shared" / "claude-code" / "payloads",
        )
        if (d / "pretooluse-write.json").is_file()
    ),
    None,
)
RESULTS = ROOT / "bench" / "RESULTS.md"
PYTHON = sys.executable

PARSE_ONE = "import ast, sys; ast.parse(open(sys.argv[1], 'rb').read())"
PARSE_TREE = """
import ast, os, sys
for directory, _, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith('.py'):
            with open(os.path.join(directory, name), 'rb') as handle:
                ast.parse(handle.read())
"""

# A payload in case the recorded ones are not next to the checkout: the same shape.
FALLBACK_PAYLOAD = {
    "session_id": "00000000-0000-0000-0000-000000000000",
    "transcript_path": "/home/user/.claude/projects/project/session.jsonl",
    "cwd": "/home/user/project",
    "permission_mode": "acceptEdits",
    "hook_event_name": "PreToolUse",
    "tool_name": "Write",
    "tool_input": {"file_path": "/home/user/project/app.py", "content": ""},
    "tool_use_id": "toolu_01AAAAAAAAAAAAAAAAAAAAAA",
}

MARKDOWN = "# Notes\n\nSearch results are reranked before they are shown.\n" * 20

# Appended to the MCP snippet so that the round trip includes findings to report.
SNIPPET_TAIL = """
quick = MilvusClient("http://localhost:19530")
quick.create_collection("scratch", schema=MilvusClient.create_schema(auto_id=True))
hits = quick.search("scratch", data=[[0.1, 0.2]], top_k=3, consistency_level="strong")
"""


def base_env() -> dict[str, str]:
    """The environment every measured command gets: ours, less what would skew it.

    PYTHONDONTWRITEBYTECODE would make every run compile the modules changed since their
    .pyc was written; users run with bytecode caches, so the benchmark does too.
    """
    skewing = ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME", "PYTHONDEVMODE")
    return {
        k: v for k, v in os.environ.items() if k not in skewing and not k.startswith("MILVUS_CTO_")
    }


@dataclass
class Case:
    """One command timed round after round; `baseline` names the case it is divided by."""

    key: str
    label: str
    argv: list[str]
    stdin: bytes | None = None
    cwd: Path = ROOT
    env: dict[str, str] = field(default_factory=base_env)
    baseline: str | None = None
    target: float | None = None
    quiet: bool = False  # anything on stderr is a failure (a hook that failed open)
    times: list[float] = field(default_factory=list)
    failure: str | None = None

    def run_once(self) -> None:
        start = time.perf_counter()
        proc = subprocess.run(
            self.argv,
            input=self.stdin,
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            check=False,
        )
        self.times.append(time.perf_counter() - start)
        if (
            proc.returncode not in (0, 1)
            or b"Traceback" in proc.stderr
            or (self.quiet and proc.stderr)
        ):
            self.failure = f"exit {proc.returncode}: {proc.stderr.decode(errors='replace')[-300:]}"

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)


# --- What is there to measure ------------------------------------------------------------------


def registered_hooks(event: str = "PreToolUse", tool: str = "Write") -> list[dict]:
    """The command hooks `.claude/settings.json` runs for this event and tool."""
    if not SETTINGS.is_file():
        return []
    data = json.loads(SETTINGS.read_text(encoding="utf-8"))
    hooks = []
    for group in data.get("hooks", {}).get(event, []):
        matcher = group.get("matcher") or ""
        if matcher not in ("", "*") and not re.fullmatch(matcher, tool):
            continue
        hooks += [h for h in group.get("hooks", []) if h.get("type") == "command"]
    return hooks


def hook_argv(hook: dict) -> list[str]:
    """What Claude Code runs: a command string through the shell, or the exec form."""
    if "args" in hook:
        return [os.path.expandvars(hook["command"]), *map(os.path.expandvars, hook["args"])]
    return ["/bin/sh", "-c", hook["command"]]


def hook_env() -> dict[str, str]:
    env = base_env()
    env.update(
        CLAUDE_PROJECT_DIR=str(ROOT),
        CLAUDECODE="1",
        CLAUDE_CODE_ENTRYPOINT="sdk-cli",
        CLAUDE_CODE_SESSION_ID=f"bench-{os.getpid()}",
    )
    return env


def payload(path: Path, content: str, project: Path) -> bytes:
    """The recorded PreToolUse Write payload, moved into the temp project."""
    recorded = PAYLOADS / "pretooluse-write.json" if PAYLOADS else None
    data = json.loads(recorded.read_text()) if recorded else dict(FALLBACK_PAYLOAD)
    data["cwd"] = str(project)
    data["transcript_path"] = str(project / "session.jsonl")
    data["session_id"] = f"bench-{os.getpid()}"
    data["tool_input"] = {"file_path": str(path), "content": content}
    return json.dumps(data).encode()


def mcp_command() -> tuple[str, list[str], dict[str, str] | None]:
    """The server as `.mcp.json` registers it, else `python -m server`."""
    if MCP_CONFIG.is_file():
        servers = json.loads(MCP_CONFIG.read_text()).get("mcpServers", {})
        server = servers.get("milvus-cto") or next(iter(servers.values()), None)
        if server and server.get("command"):
            env = dict(base_env(), CLAUDE_PROJECT_DIR=str(ROOT))
            expand = _expander(env)
            return (
                expand(server["command"]),
                [expand(a) for a in server.get("args", [])],
                {**env, **{k: expand(v) for k, v in server.get("env", {}).items()}},
            )
    return PYTHON, ["-m", "server"], base_env()


def _expander(env: dict[str, str]):
    def expand(text: str) -> str:
        # Claude Code expands ${VAR} and ${VAR:-default}; a bare $VAR is left to the shell.
        return re.sub(r"\$\{(\w+)(?::-([^}]*))?\}", lambda m: env.get(m[1], m[2] or ""), text)

    return expand


# --- Measuring --------------------------------------------------------------------------------


def build_cases(work: Path, files: int) -> tuple[list[Case], list[str], dict]:
    project = work / "project"
    tree = work / "tree"
    project.mkdir()
    # A project as users have it: its pyproject names the pymilvus it targets.
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "1"\ndependencies = ["pymilvus>=2.6"]\n'
    )
    clean = corpus.clean_module(600)
    plain = corpus.plain_module(random.Random(3), 200)
    (project / "app.py").write_text(clean)
    corpus.write_tree(tree, files)
    facts = {
        "tree_files": len(list(tree.rglob("*.py"))),
        "tree_lines": sum(p.read_text().count("\n") for p in tree.rglob("*.py")),
        "clean_lines": clean.count("\n"),
        "plain_lines": plain.count("\n"),
    }
    notes: list[str] = []
    cases = [
        Case("pass", "`python -c pass`", [PYTHON, "-c", "pass"]),
        Case(
            "parse",
            f'`python -c "import ast; ast.parse(src)"` ({facts["clean_lines"]} lines)',
            [PYTHON, "-c", PARSE_ONE, str(project / "app.py")],
        ),
    ]
    hooks = registered_hooks()
    if not hooks:
        notes.append(
            "hook: no PreToolUse command hook for Write in .claude/settings.json yet; "
            "hook rows not measured"
        )
    else:
        hook = hooks[0]
        if len(hooks) > 1:
            notes.append(f"hook: {len(hooks)} PreToolUse hooks registered; timing the first")
        argv, env = hook_argv(hook), hook_env()
        notes.append(f"hook command: `{hook['command']}`" + _args_note(hook))
        for key, label, name, content, baseline, target in (
            ("hook-md", "hook, markdown edit", "README.md", MARKDOWN, "pass", 1.5),
            ("hook-plain", f"hook, non-Milvus .py edit ({facts['plain_lines']} lines)",
             "util.py", plain, "pass", 1.5),
            ("hook-600", f"hook, pymilvus .py edit, no findings ({facts['clean_lines']} lines)",
             "service.py", clean, "parse", 3.0),
        ):  # fmt: skip
            stdin = payload(project / name, content, project)
            cases.append(Case(key, label, argv, stdin, ROOT, env, baseline, target, quiet=True))
        notes += sanity_check_hook(argv, env, project)
    cases += [
        Case(
            "parse-tree",
            f"one `python` process: `ast.parse` of every file ({facts['tree_files']} files)",
            [PYTHON, "-c", PARSE_TREE, str(tree)],
        ),
        Case(
            "cli",
            f"`python -m checks DIR` ({facts['tree_files']} files, {facts['tree_lines']} lines)",
            [PYTHON, "-m", "checks", str(tree)],
            baseline="parse-tree",
            target=3.0,
        ),
    ]
    return cases, notes, facts


def _args_note(hook: dict) -> str:
    return f" with args {shlex.join(hook['args'])}" if "args" in hook else ""


def sanity_check_hook(argv: list[str], env: dict[str, str], project: Path) -> list[str]:
    """The timings mean something only if the hook really checks: a known error is denied."""
    bad = "from pymilvus import MilvusClient\nclient = MilvusClient('http://localhost:19530')\n"
    bad += "client.search('docs', data=[[0.1, 0.2]], limit=3, consistency_level='strong')\n"
    proc = subprocess.run(
        argv,
        input=payload(project / "bad.py", bad, project),
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    if b'"deny"' in proc.stdout:
        return []
    return [
        "WARNING: the hook did not deny a known error (MV007), so its timings may not include "
        f"a check: exit {proc.returncode}, stdout {proc.stdout[:200]!r}, "
        f"stderr {proc.stderr[-200:]!r}"
    ]


def measure(cases: list[Case], repeat: int) -> None:
    for case in cases:  # one untimed run each: page cache, .pyc files
        case.run_once()
        case.times.clear()
    for round_ in range(repeat):
        for case in cases:
            case.run_once()
        print(f"\r  round {round_ + 1}/{repeat}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def mcp_snippet(lines: int) -> str:
    """Generated MilvusClient code with three findings at the end, exactly `lines` long."""
    size = lines
    while True:
        code = corpus.clean_module(size, seed=5) + SNIPPET_TAIL
        if code.count("\n") <= lines:
            return code + "".join(f"# reviewed {n}\n" for n in range(lines - code.count("\n")))
        size -= 2


def measure_mcp(calls: int, warmup: int = 5) -> tuple[dict | None, str]:
    try:
        import anyio
        from mcp import Client, StdioServerParameters
    except ImportError as exc:
        return None, f"MCP: the SDK client is not importable ({exc}); not measured"
    if not (ROOT / "server" / "__main__.py").is_file():
        return None, "MCP: no server (server/__main__.py) yet; not measured"
    command, args, env = mcp_command()
    snippet = mcp_snippet(200)
    params = StdioServerParameters(command=command, args=args, cwd=ROOT, env=env)

    async def run() -> dict:
        times = []
        async with Client(params) as client:
            for number in range(warmup + calls):
                start = time.perf_counter()
                result = await client.call_tool("check_snippet", {"code": snippet})
                elapsed = time.perf_counter() - start
                if result.is_error:
                    raise RuntimeError(f"check_snippet failed: {result.content}")
                if number >= warmup:
                    times.append(elapsed)
            findings = len(result.structured_content.get("diagnostics", []))
        return {"times": times, "findings": findings, "lines": snippet.count("\n")}

    try:
        stats = anyio.run(run)
    except Exception as exc:  # a broken server is a result to report, not a crash
        while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
            exc = exc.exceptions[0]
        return None, f"MCP: round trip failed ({exc.__class__.__name__}: {exc}); not measured"
    return stats, f"MCP command: `{shlex.join([command, *args])}`"


# --- Reporting --------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def process_table(cases: list[Case]) -> list[str]:
    by_key = {case.key: case for case in cases}
    rows = [
        "| measured | median | min | baseline | baseline median | baseline min "
        "| ratio (median) | ratio (min) | target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for case in cases:
        if case.baseline is None:
            continue
        base = by_key[case.baseline]
        ratio, best = case.median / base.median, case.best / base.best
        verdict = "met" if ratio <= case.target else "**missed**"
        if case.failure:
            verdict = f"**failed**: {case.failure.splitlines()[0][:80]}"
        rows.append(
            f"| {case.label} | {ms(case.median)} | {ms(case.best)} | {base.label} "
            f"| {ms(base.median)} | {ms(base.best)} | {ratio:.2f}× | {best:.2f}× "
            f"| ≤ {case.target:g}× {verdict} |"
        )
    return rows


def mcp_table(stats: dict | None) -> list[str]:
    if stats is None:
        return []
    times = sorted(stats["times"])
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return [
        "| measured | calls | p50 | p95 | min |",
        "|---|---|---|---|---|",
        f"| MCP `check_snippet` round trip, warm server, {stats['lines']}-line snippet "
        f"({stats['findings']} findings) | {len(times)} | {ms(statistics.median(times))} "
        f"| {ms(p95)} | {ms(times[0])} |",
    ]


def machine() -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    load = " / ".join(f"{n:.1f}" for n in os.getloadavg())
    return (
        f"{date.today().isoformat()}, commit {commit or '?'}, {os.cpu_count()} cores "
        f"(load {load} at the end), {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def report(cases, notes, facts, mcp_stats, repeat) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/run.py` (see its docstring for what each row runs). Ratios divide",
        "the measured command by its baseline, both timed in the same run, round after round.",
        "",
        f"{machine()}; {repeat} rounds. Corpus generated by `bench/corpus.py`: "
        f"{facts['tree_files']} files ({facts['tree_lines']} lines) in the tree.",
        "",
        *process_table(cases),
        "",
        *mcp_table(mcp_stats),
    ]
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    lines += ["", *limits()]
    return "\n".join(lines).rstrip() + "\n"


def limits() -> list[str]:
    """The input limits, from the constants that enforce them (tests/test_limits.py)."""
    from checks.engine import MAX_SOURCE_BYTES

    try:
        from checks.hook import BUDGET_SECONDS
    except ImportError:
        BUDGET_SECONDS = None
    try:
        from server.tools import MAX_CODE_BYTES
    except ImportError:
        MAX_CODE_BYTES = None
    lines = [
        "## Limits",
        "",
        f"- Size: a file or source over {MAX_SOURCE_BYTES:,} bytes is not checked; it gets "
        "`file too large` (CLI) or `input too large`. A check costs up to about 4 s per MB of "
        "back-to-back pymilvus calls, so this bounds one file to several seconds.",
        "- Nesting: whatever CPython's parser accepts (200 nested brackets, 100 indentation "
        "levels, expression chains some thousands deep) is checked, without recursion; deeper "
        "code gets `cannot parse: the code is nested too deeply for Python's parser`. Fixes "
        "(libcst) give up on code nested more than about 200 levels and leave the finding in "
        "`remaining`; the code is returned unchanged.",
        "- The CLI reads at most the size limit from any input (stdin, `/dev/zero`, a FIFO "
        "named on the command line) and skips FIFOs and devices it meets while walking.",
    ]
    if MAX_CODE_BYTES is not None:
        lines.append(f"- MCP tools refuse code over {MAX_CODE_BYTES:,} bytes with a tool error.")
    if BUDGET_SECONDS is not None:
        lines.append(
            f"- Hooks: after {BUDGET_SECONDS:g} s (`MILVUS_CTO_HOOK_BUDGET`) a hook stops and "
            "lets the edit through, with one line on stderr; so does any internal failure."
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="rounds per command (15)")
    parser.add_argument("--files", type=int, default=300, help="files in the generated tree")
    parser.add_argument("--calls", type=int, default=100, help="timed MCP calls (100)")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="milvus-cto-bench-") as work:
        cases, notes, facts = build_cases(Path(work), args.files)
        print(f"measuring {len(cases)} commands, {args.repeat} rounds", file=sys.stderr)
        measure(cases, args.repeat)
    failures = [f"{case.label}: {case.failure}" for case in cases if case.failure]
    notes += [f"FAILED {failure}" for failure in failures]
    print("measuring the MCP round trip", file=sys.stderr)
    mcp_stats, mcp_note = measure_mcp(args.calls)
    notes.append(mcp_note)
    text = report(cases, notes, facts, mcp_stats, args.repeat)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")
        print(f"written to {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
