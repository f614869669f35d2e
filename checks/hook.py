"""Claude Code hook: check pymilvus edits before they land (DESIGN.md §6).

    sh .claude/hooks/milvus-cto hook     # PreToolUse and PostToolUse on Write|Edit|NotebookEdit

The launcher imports this module and calls `main()` under `python -S`. Until an edit is known
to touch a Python file that mentions pymilvus, nothing but the stdlib is imported (not even
site-packages): an edit of README.md costs one interpreter start. Then the engine checks the file as it would be after the edit,
and the file before it, and only what the edit introduces is reported (a finding is old when
the same code was reported on the same line text before).

Settings: `[tool.milvus-cto.hook]` in the pyproject.toml nearest to the edited file.
  mode            guard (default) | autofix | review | off; env MILVUS_CTO_HOOK_MODE wins
  block-severity  the least severity that blocks an edit: error (default) | warning | info
  ignore          codes or prefixes the hooks never report, e.g. ["MV005", "MV1"]

What the model sees (PROTOCOL.md §2): a denied edit is not written and its tool result is the
reason; after a write, `additionalContext` arrives as a system message. Any failure lets the
edit through: exit 0 and one line on stderr, never exit 2.
"""

from __future__ import annotations

import os
import sys

from checks import MILVUS_WORDS

PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")
EDIT_TOOLS = ("Write", "Edit", "NotebookEdit")
MODES = ("guard", "autofix", "review", "off")
MAX_FILE_BYTES = 2_000_000  # the engine's limit; bigger files are not checked
# Below the hook timeout in hooks.json, so that a slow check still exits cleanly (fail-open);
# MILVUS_CTO_HOOK_BUDGET overrides it (seconds).
BUDGET_SECONDS = 10.0
MAX_DIFF_LINES = 40


class OutOfTime(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` swallows it."""


def main() -> int:
    try:
        raw = sys.stdin.buffer.read()
        if not may_concern_pymilvus(raw):
            return 0
        import json  # with re and enum, 7 ms: not before the payload can concern Python
        import signal

        # The budget covers everything from here: parsing the payload, reading the file (a FIFO
        # blocks), expanding the edit, checking and fixing.
        budget = time_budget()
        signal.signal(signal.SIGALRM, lambda signum, frame: _out_of_time(budget))
        signal.setitimer(signal.ITIMER_REAL, budget)
        try:
            output = _handle(json.loads(raw))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if output:
            sys.stdout.write(json.dumps(output))
        return 0
    except BaseException as exc:  # fail open, whatever happened
        _warn(f"{exc.__class__.__name__}: {exc}")
        return 0


def _handle(payload) -> dict | None:
    if not isinstance(payload, dict):
        return None
    event = payload.get("hook_event_name")
    if payload.get("tool_name") not in EDIT_TOOLS or event not in ("PreToolUse", "PostToolUse"):
        return None
    if os.environ.get("MILVUS_CTO_HOOK_MODE", "").strip().lower() == "off":
        return None
    change = (before_and_after_pre if event == "PreToolUse" else before_and_after_post)(payload)
    if change is None or not mentions_milvus(change.after):
        return None
    if sys.flags.no_site:
        _enable_site_packages()
    return (pre_tool_use if event == "PreToolUse" else post_tool_use)(payload, change)


def time_budget() -> float:
    """MILVUS_CTO_HOOK_BUDGET in seconds, if it is a positive finite number; else the default
    (0, a negative, nan or inf would disable the budget or every check)."""
    text = os.environ.get("MILVUS_CTO_HOOK_BUDGET", "").strip()
    if not text:
        return BUDGET_SECONDS
    try:
        budget = float(text)
    except ValueError:
        budget = 0.0
    if not 0 < budget < 3600:  # also false for nan; inf is out of range
        _note(
            f"MILVUS_CTO_HOOK_BUDGET={text[:40]!r} is not a number of seconds between 0 and "
            f"3600; using {BUDGET_SECONDS:g}"
        )
        return BUDGET_SECONDS
    return budget


def _enable_site_packages() -> None:
    """The launcher starts Python with -S for the fast path; the engine needs site-packages
    (packaging; libcst for autofix). In a plain venv, add its site-packages directly: site.main()
    would also run every .pth file (an editable install's finder, setuptools' shims), ~10 ms per
    edit that the engine does not need (`checks` is on sys.path already)."""
    venv = os.path.dirname(os.path.dirname(sys.executable))
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    site_packages = os.path.join(venv, "lib", version, "site-packages")
    try:
        with open(os.path.join(venv, "pyvenv.cfg"), encoding="utf-8") as cfg:
            plain = "include-system-site-packages = true" not in cfg.read().lower()
    except OSError:
        plain = False
    if plain and os.path.isdir(site_packages):
        sys.path.append(site_packages)
        return
    import site

    site.main()


def may_concern_pymilvus(raw: bytes) -> bool:
    """Decided on the payload's bytes, before paying for `import json` (most edits end here).

    No Python path in it: no. Nothing in it mentions pymilvus: no, unless it is an Edit or
    NotebookEdit, whose file on disk may (a Write carries all its content; after an Edit, the
    file may say pymilvus although neither the old file nor the new string does: `pyX` → `X`
    replaced by `milvus`).
    """
    if b".py" not in raw and b".ipynb" not in raw:
        return False
    if any(word.encode() in raw for word in MILVUS_WORDS):
        return True
    return _peek(raw, b"tool_name") in (b"Edit", b"NotebookEdit")


def _peek(raw: bytes, key: bytes) -> bytes | None:
    """The string value of a top-level key. A quoted key cannot occur inside a JSON string
    (its quotes would be escaped), so the first match is the key itself."""
    start = raw.find(b'"' + key + b'"')
    if start < 0:
        return None
    colon = raw.find(b":", start + len(key) + 2)
    opening = raw.find(b'"', colon + 1)
    closing = raw.find(b'"', opening + 1)
    return raw[opening + 1 : closing] if 0 <= colon < opening < closing else None


def _out_of_time(budget: float):
    raise OutOfTime(f"no answer within {budget:g} s")


def _warn(message: str) -> None:
    _note(f"{message}; the edit was not checked")


def _note(message: str) -> None:
    line = " ".join(str(message).split())[:300]
    try:  # noqa: SIM105 (contextlib is not imported on the fast path)
        sys.stderr.write(f"milvus-cto hook: {line}\n")
    except Exception:
        pass


def mentions_milvus(text: str) -> bool:
    # Substring tests rather than checks.engine's regex: importing `re` costs more than this.
    return any(word in text for word in MILVUS_WORDS)


# --- The file before and after the edit (stdlib only) ---------------------------------------


class Change:
    """One edit: the file's text before and after it (notebooks: the notebook JSON text)."""

    __slots__ = ("after", "before", "cell", "path", "tool", "tool_input")

    def __init__(self, tool, tool_input, path, before, after, cell=None):
        self.tool = tool
        self.tool_input = tool_input
        self.path = path
        self.before = before  # "" for a new file
        self.after = after
        self.cell = cell  # NotebookEdit: the 1-based number of the edited cell, if it remains

    @property
    def is_notebook(self) -> bool:
        return self.tool == "NotebookEdit" or self.path.lower().endswith(".ipynb")


def _python_path(tool_input) -> str | None:
    if not isinstance(tool_input, dict):
        return None
    path = tool_input.get("notebook_path") or tool_input.get("file_path")
    if not isinstance(path, str) or not path.lower().endswith(PYTHON_SUFFIXES):
        return None
    return path


def _read_text(path: str) -> str | None:
    """The file's text in its declared encoding (PEP 263 cookie or BOM; notebooks are UTF-8),
    or None when it is missing, not a regular file (a FIFO would block), too big or binary."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    if not _is_regular(fd):  # before open(): a directory raises IsADirectoryError there
        os.close(fd)
        return None
    with open(fd, "rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES or b"\0" in data:
        return None
    encoding = "utf-8" if path.lower().endswith(".ipynb") else _declared_encoding(data)
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _is_regular(fd: int) -> bool:
    from stat import S_ISREG

    return S_ISREG(os.fstat(fd).st_mode)


def _declared_encoding(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if b"coding" not in b"\n".join(data.split(b"\n", 2)[:2]):
        return "utf-8"  # the common case, without importing tokenize
    import io
    import tokenize

    try:
        return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError:  # an unknown or inconsistent declaration
        return "utf-8"


def before_and_after_pre(payload: dict) -> Change | None:
    tool, tool_input = payload["tool_name"], payload.get("tool_input")
    path = _python_path(tool_input)
    if path is None:
        return None
    if tool == "Write":
        content = tool_input.get("content")
        if not isinstance(content, str):
            return None
        before = _read_text(path) if os.path.exists(path) else ""
        return Change(tool, tool_input, path, before or "", content)
    if tool == "Edit":
        return _edit_change(tool_input, path)
    return _notebook_change(tool_input, path)


def _edit_change(tool_input: dict, path: str) -> Change | None:
    old, new = tool_input.get("old_string"), tool_input.get("new_string")
    if not isinstance(old, str) or not isinstance(new, str):
        return None
    if not os.path.exists(path):
        # Edit creates a file only from an empty old_string.
        return Change("Edit", tool_input, path, "", new) if old == "" else None
    before = _read_text(path)
    if before is None or old == "":
        return None
    if old not in before and "\r\n" in before:
        old, new = old.replace("\n", "\r\n"), new.replace("\n", "\r\n")
    if old not in before:
        return None  # Claude Code refuses this edit before any hook runs
    count = before.count(old) if tool_input.get("replace_all") is True else 1
    if len(before) + count * (len(new) - len(old)) > MAX_FILE_BYTES:
        return None  # past the engine's limit: not checked (and not built, it may be GBs)
    return Change("Edit", tool_input, path, before, before.replace(old, new, count))


def _notebook_change(tool_input: dict, path: str) -> Change | None:
    new_source = tool_input.get("new_source")
    mode = tool_input.get("edit_mode") or "replace"
    cell_type = tool_input.get("cell_type")
    if not isinstance(new_source, str) and mode != "delete":
        return None
    before = _read_text(path)
    if before is None:
        return None
    import json

    try:
        notebook = json.loads(before)
    except ValueError:  # not a notebook Claude Code could edit either
        return None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
        return None
    index = cell_index(cells, tool_input.get("cell_id"))
    if mode == "replace":
        if index is None:
            return None
        cell = dict(cells[index], source=new_source)
        if cell_type in ("code", "markdown"):
            cell["cell_type"] = cell_type
        cells[index] = cell
        number = index + 1
    elif mode == "insert":
        position = 0 if index is None else index + 1
        cells.insert(position, {"cell_type": cell_type or "code", "source": new_source})
        number = position + 1
    elif mode == "delete" and index is not None:
        del cells[index]
        number = None
    else:
        return None
    if number is not None and cells[number - 1].get("cell_type") != "code":
        number = None
    return Change("NotebookEdit", tool_input, path, before, json.dumps(notebook), number)


def cell_index(cells: list, cell_id) -> int | None:
    """The index of the cell Claude Code means: by its `id`, or `cell-N` for the N-th (0-based)."""
    if not isinstance(cell_id, str) or not cell_id:
        return None
    for index, cell in enumerate(cells):
        if isinstance(cell, dict) and cell.get("id") == cell_id:
            return index
    if cell_id.startswith("cell-") and cell_id[5:].isdigit():
        index = int(cell_id[5:])
        return index if index < len(cells) else None
    return None


def before_and_after_post(payload: dict) -> Change | None:
    tool, tool_input = payload["tool_name"], payload.get("tool_input")
    path = _python_path(tool_input)
    response = payload.get("tool_response")
    if path is None or not isinstance(response, dict):
        return None
    after = _read_text(path)
    if tool == "NotebookEdit":
        before = response.get("original_file")
        after = after if after is not None else response.get("updated_file")
    else:
        before = response.get("originalFile")
        if before is None and response.get("type") == "create":
            before = ""
        if after is None and tool == "Write":
            after = tool_input.get("content")
    if not isinstance(before, str) or not isinstance(after, str):
        return None
    return Change(tool, tool_input, path, before, after)


# --- Settings ---------------------------------------------------------------------------------


HOOK_KEYS = ("mode", "block-severity", "ignore")


class Settings:
    __slots__ = ("block", "mode", "options", "problems")

    def __init__(self, mode: str, block: str, options, problems=()):
        self.mode, self.block, self.options = mode, block, options
        self.problems = tuple(problems)  # settings that could not be used, one line each

    def blocks(self, diagnostic) -> bool:
        from checks.diagnostic import SEVERITY_RANK  # loaded with the engine by now

        return SEVERITY_RANK.get(diagnostic.severity, 0) >= SEVERITY_RANK[self.block]


def load_settings(path: str) -> Settings:
    """The hook settings and engine options for a file.

    A setting that cannot be used (a typo in `mode`, an unknown rule code, a config file of the
    wrong shape) never turns checking off: it keeps its default, and `problems` says what was
    wrong so that the user and Claude are told (see `with_settings_notice`).
    """

    from checks import versions
    from checks.hook_state import TomlMemo

    versions.toml_memo = memo = TomlMemo()
    try:
        return _load_settings(path)
    finally:
        versions.toml_memo = None
        memo.close()


def _load_settings(path: str) -> Settings:
    from checks.config import Config, ConfigError, load_config, resolve_options, unknown_codes
    from checks.diagnostic import SEVERITY_RANK

    config = load_config(path)
    problems: list[str] = []
    hook = config.hook
    where = f"{config.path} [tool.milvus-cto.hook]"
    problems += [
        f"{where}: unknown key {k!r} (known: {', '.join(HOOK_KEYS)})"
        for k in hook
        if k not in HOOK_KEYS
    ]
    from_env = os.environ.get("MILVUS_CTO_HOOK_MODE", "").strip()
    mode = str(from_env or hook.get("mode", "guard")).strip().lower()
    if mode not in MODES:
        source = "MILVUS_CTO_HOOK_MODE" if from_env else f"{where}: mode"
        problems.append(f"{source} must be one of {', '.join(MODES)}, not {mode!r}; using guard")
        mode = "guard"
    block = str(hook.get("block-severity", "error")).strip().lower()
    if block not in SEVERITY_RANK:
        problems.append(
            f"{where}: block-severity must be error, warning or info, not {block!r}; using error"
        )
        block = "error"
    ignore = hook.get("ignore", [])
    ignore = [ignore] if isinstance(ignore, str) else ignore
    if not isinstance(ignore, list) or not all(isinstance(code, str) for code in ignore):
        problems.append(f"{where}: ignore must be a list of rule codes, not {ignore!r}; ignored")
        ignore = []
    ignore = [code.strip().upper() for code in ignore]
    unknown = unknown_codes(ignore)
    if unknown:
        problems.append(f"{where}: ignore: {unknown}; ignored")
        ignore = []
    try:
        options = resolve_options(path, config=config, warnings=problems, lenient=True)
    except ConfigError as exc:  # not expected once lenient; checking with defaults beats none
        problems.append(f"{exc}; using the defaults")
        options = resolve_options(path, config=Config())
    if ignore:
        options = options.replace(ignore=(*options.ignore, *ignore))
    return Settings(mode, block, options, dict.fromkeys(problems))


def with_settings_notice(output: dict | None, payload: dict, settings: Settings, event: str):
    """Tell the user (systemMessage) and Claude (additionalContext) what is wrong with the
    settings: once per session and problem, so that a typo is fixed, not repeated per edit."""
    if not settings.problems:
        return output
    from checks import hook_state

    fresh = hook_state.first_reports(
        _session(payload), [f"settings\0{p}" for p in settings.problems]
    )
    problems = [p for p in settings.problems if f"settings\0{p}" in fresh]
    if not problems:
        return output
    text = "milvus-cto settings: " + " | ".join(problems)
    output = dict(output or {})
    output["systemMessage"] = text
    specific = dict(output.get("hookSpecificOutput") or {"hookEventName": event})
    context = specific.get("additionalContext")
    specific["additionalContext"] = (
        (f"{context}\n\n" if context else "")
        + f"{text}\nmilvus-cto keeps checking with the defaults for these settings; tell the user if they should be fixed."
    )
    output["hookSpecificOutput"] = specific
    return output


# --- Findings the edit introduces -------------------------------------------------------------


class Module:
    """Python source to check, and where its lines are for the reader (notebook cells)."""

    __slots__ = ("lines", "notebook", "source")

    def __init__(self, source: str, notebook=None):
        from checks.engine import split_lines  # the engine runs on this module anyway

        self.source = source
        self.lines = split_lines(source)  # as ast numbers them: line_text(diagnostic.line)
        self.notebook = notebook  # checks.notebook.NotebookModule for a notebook

    @classmethod
    def of(cls, text: str, is_notebook: bool) -> Module:
        if not is_notebook:
            return cls(text)
        from checks.notebook import NotebookError, notebook_module

        if not text.strip():
            return cls("")
        try:
            notebook = notebook_module(text)
        except NotebookError:
            return cls("")
        return cls(notebook.source, notebook)

    def line_text(self, line: int) -> str:
        return self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""

    def where(self, line: int) -> str:
        if self.notebook is None:
            return f"line {line}"
        cell, cell_line = self.notebook.locate(line)
        return f"cell {cell} line {cell_line}"


def introduced(before: Module, after: Module, options, path: str) -> list:
    """Findings in `after` that `before` did not have (same code on the same line text)."""
    from collections import Counter

    from checks.engine import check_source

    result = check_source(after.source, options, path)
    if result.error or not result.diagnostics:
        return []  # a syntax error is the edit's own business, not a pymilvus finding
    old: Counter = Counter()
    if mentions_milvus(before.source):
        for diagnostic in check_source(before.source, options, path).diagnostics:
            old[diagnostic.code, before.line_text(diagnostic.line)] += 1
    new = []
    for diagnostic in result.diagnostics:
        key = diagnostic.code, after.line_text(diagnostic.line)
        if old[key]:
            old[key] -= 1
        else:
            new.append(diagnostic)
    return new


# --- PreToolUse -------------------------------------------------------------------------------


def pre_tool_use(payload: dict, change: Change) -> dict | None:
    settings = load_settings(change.path)
    return with_settings_notice(
        _pre_tool_use(payload, change, settings), payload, settings, "PreToolUse"
    )


def _pre_tool_use(payload: dict, change: Change, settings: Settings) -> dict | None:
    if settings.mode not in ("guard", "autofix"):
        return None
    before = Module.of(change.before, change.is_notebook)
    after = Module.of(change.after, change.is_notebook)
    found = introduced(before, after, settings.options, change.path)
    if settings.mode == "autofix" and any(d.fix == "safe" for d in found):
        fixed = autofix(payload, change, before, after, found, settings)
        if fixed is not None:
            return fixed
    if any(settings.blocks(d) for d in found):
        return deny(change, after, found, settings)
    return None  # warnings and info are reported after the write


def deny(change: Change, after: Module, found: list, settings: Settings, fixable=()) -> dict:
    blocking = [d for d in found if settings.blocks(d)]
    others = [d for d in found if not settings.blocks(d)]
    options = settings.options
    lines = [
        f"milvus-cto blocked this edit of {_shown(change.path)}: it would introduce "
        f"{_count(len(blocking), 'pymilvus error' if settings.block == 'error' else 'pymilvus finding')} "
        f"(pymilvus {options.pymilvus_version}, guide {options.edition}).",
        *(finding_line(d, after) for d in blocking),
    ]
    if others:
        lines.append("Also, not blocking:")
        lines += [finding_line(d, after, severity=True) for d in others]
    if fixable:
        lines.append(
            "milvus-cto applies the safe fixes for "
            + ", ".join(sorted({f.code for f in fixable}))
            + " itself once the rest is fixed."
        )
    lines.append(
        "Correct the code and retry. Only if a finding is wrong here, add "
        f"`# noqa: {blocking[0].code}` to its line."
    )
    return {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": "\n".join(lines),
        }
    }


def autofix(payload, change, before, after, found, settings) -> dict | None:
    """Apply the safe fixes through a complete updatedInput; None when that is not possible."""
    try:
        from checks.fixes import rewrite_source
    except ImportError:  # a checkout without the rewrite engine: behave as guard
        return None
    codes = sorted({d.code for d in found if d.fix == "safe"})
    if not codes:
        return None
    result = rewrite_source(after.source, settings.options, rules=codes, path=change.path)
    if result.error or not result.applied:
        return None
    fixed_keys = {(fix.code, fix.line) for fix in result.applied}
    remaining = introduced(before, Module(result.code), settings.options, change.path)
    if any(settings.blocks(d) for d in remaining):
        # Line numbers as the model wrote them: its findings, less those the fixes resolve.
        left = [d for d in found if (d.code, d.line) not in fixed_keys]
        fixable = [d for d in found if (d.code, d.line) in fixed_keys]
        if not any(settings.blocks(d) for d in left):
            left, fixable = found, []  # the fixes themselves left an error: show it all
        return deny(change, after, left, settings, fixable)
    new_input = updated_input(change, after, result.code)
    if new_input is None:
        return None
    from checks import hook_state

    report = [
        f"milvus-cto autofix changed your {change.tool} of {_shown(change.path)} before it was "
        "saved, so the file on disk is not exactly what you sent:",
        *(f"- {after.where(fix.line)}: {fix.code} {fix.description}" for fix in result.applied),
        *_short_diff(result.diff),
        "Read the file again before you edit these lines.",
    ]
    tool_use_id = payload.get("tool_use_id")
    if isinstance(tool_use_id, str):
        try:
            hook_state.remember_fixes(_session(payload), tool_use_id, "\n".join(report))
        except OSError as exc:  # fixed silently, the model would not know: behave as guard
            _note(f"{exc}; autofix acts as guard")
            return None
    return {"hookSpecificOutput": {"hookEventName": "PreToolUse", "updatedInput": new_input}}


def updated_input(change: Change, after: Module, fixed_source: str) -> dict | None:
    """The tool's whole input with the fixed code (Claude Code replaces, never merges, it)."""
    tool_input = dict(change.tool_input)
    if change.tool == "Write":
        tool_input["content"] = fixed_source
        return tool_input
    if change.tool == "Edit":
        edit = narrow_edit(change.before, fixed_source)
        if edit is None:
            return None
        tool_input["old_string"], tool_input["new_string"] = edit
        tool_input["replace_all"] = False
        return tool_input
    source = fixed_cell(after, fixed_source, change.cell, change.tool_input.get("new_source"))
    if source is None:
        return None
    tool_input["new_source"] = source
    return tool_input


def narrow_edit(before: str, after: str) -> tuple[str, str] | None:
    """The smallest whole-line old_string → new_string, unique in `before`, giving `after`."""
    if before == after or not before:
        return None
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    head = 0
    while head < min(len(old_lines), len(new_lines)) and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(old_lines), len(new_lines)) - head
        and old_lines[-1 - tail] == new_lines[-1 - tail]
    ):
        tail += 1
    while True:
        old = "".join(old_lines[head : len(old_lines) - tail])
        if old and before.find(old) == before.rfind(old):
            break
        if head == 0 and tail == 0:
            return None
        if head > 0:
            head -= 1  # widen by a line of context, above first
        else:
            tail -= 1
    new = "".join(new_lines[head : len(new_lines) - tail])
    return (old, new) if before.replace(old, new, 1) == after else None


def fixed_cell(after: Module, fixed_source: str, cell: int | None, new_source) -> str | None:
    """The edited cell's new source, if the fixes changed nothing outside it."""
    notebook = after.notebook
    if notebook is None or cell is None or not isinstance(new_source, str):
        return None
    if any(line.lstrip().startswith(("!", "%")) for line in new_source.splitlines()):
        return None  # IPython lines were blanked for the check: the fixed text lacks them
    rows = [i for i, (number, _) in enumerate(notebook.line_map) if number == cell]
    if not rows:
        return None
    from checks.engine import split_lines

    lines, fixed = after.lines, split_lines(fixed_source)
    start, tail = rows[0], len(lines) - rows[-1] - 1
    if len(fixed) < start + tail or fixed[:start] != lines[:start]:
        return None
    if tail and fixed[len(fixed) - tail :] != lines[len(lines) - tail :]:
        return None
    source = "\n".join(fixed[start : len(fixed) - tail])
    return source + "\n" if new_source.endswith("\n") else source


# --- PostToolUse ------------------------------------------------------------------------------


def post_tool_use(payload: dict, change: Change) -> dict | None:
    from checks import hook_state

    session = _session(payload)
    tool_use_id = payload.get("tool_use_id")
    parts = []
    if isinstance(tool_use_id, str):
        fixes = hook_state.take_fixes(session, tool_use_id)
        if fixes:
            parts.append(fixes)
    settings = load_settings(change.path)
    output = _post_tool_use(session, change, settings, parts)
    return with_settings_notice(output, payload, settings, "PostToolUse")


def _post_tool_use(session: str, change: Change, settings: Settings, parts: list) -> dict | None:
    from checks import hook_state

    if settings.mode != "off":
        before = Module.of(change.before, change.is_notebook)
        after = Module.of(change.after, change.is_notebook)
        found = introduced(before, after, settings.options, change.path)
        keys = {_report_key(change.path, d, after): d for d in found}
        fresh = hook_state.first_reports(session, keys)
        found = [d for key, d in keys.items() if key in fresh]
        if found:
            options = settings.options
            parts.append(
                "\n".join(
                    [
                        f"milvus-cto found pymilvus issues this edit introduced in "
                        f"{_shown(change.path)} (pymilvus {options.pymilvus_version}, "
                        f"guide {options.edition}):",
                        *(finding_line(d, after, severity=True) for d in found),
                        "Fix them now unless you have a reason not to.",
                    ]
                )
            )
    if not parts:
        return None
    return {
        "hookSpecificOutput": {
            "hookEventName": "PostToolUse",
            "additionalContext": "\n\n".join(parts),
        }
    }


def _report_key(path: str, diagnostic, module: Module) -> str:
    if diagnostic.severity == "info":  # advice, not a mistake: once per rule per session
        return "\0".join(("info", diagnostic.code))
    return "\0".join((os.path.abspath(path), diagnostic.code, module.line_text(diagnostic.line)))


def _session(payload: dict) -> str:
    session = payload.get("session_id") or os.environ.get("CLAUDE_CODE_SESSION_ID") or ""
    return session if isinstance(session, str) else ""


# --- Text for the model -----------------------------------------------------------------------


def finding_line(diagnostic, module: Module, *, severity: bool = False) -> str:
    """`- line N: MVxxx message — fix: hint — read milvus-guide://…`"""
    tag = f" [{diagnostic.severity}]" if severity else ""
    fix = f" — fix: {diagnostic.shown_hint}" if diagnostic.shown_hint else ""
    return (
        f"- {module.where(diagnostic.line)}: {diagnostic.code}{tag} {diagnostic.message}{fix}"
        f" — read {diagnostic.guide_uri}"
    )


def _short_diff(diff: str) -> list[str]:
    lines = diff.splitlines()
    if not lines or len(lines) > MAX_DIFF_LINES:
        return []
    return ["```diff", *lines, "```"]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _shown(path: str) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


if __name__ == "__main__":
    # Run as a script: the repository root, not checks/, goes first on sys.path.
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
