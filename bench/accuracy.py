"""Per-rule findings over real code, and their hand verdicts: the project's precision number.

    python bench/accuracy.py DIR [--edition ID] [--pymilvus-version X.Y] [--show CODE ...]
    python bench/accuracy.py DIR --verdicts [FILE] [--unreviewed] [--codes CODE ...]
    python bench/accuracy.py --examples

Not a test: it prints what the checker reports on real code so that a person can read every
finding and call it true or false. `--show` prints each finding of those codes with its source
line. `--verdicts` matches every finding against the hand verdicts kept beside the corpus
(bench/corpus/verdicts.toml, see CONTRIBUTING "Recording verdicts") and reports, per rule,
findings / true / false / debatable / unreviewed / stale, and false positives per 100 files among
errors and warnings. `--unreviewed` lists the findings that have no verdict yet (or a stale one)
with their source line and a verdict stub to fill in. `--examples` checks the project's own
examples instead of DIR: every rule's VALID examples and the guide's good examples must be silent,
its INVALID and bad examples must fire.

A verdict is keyed by file id (the path under DIR), rule code, line, and a hash of the reported
line's text: a finding whose line moved keeps its verdict (same text, nearest line); a finding on a
line whose text changed shows as stale until someone reads it again.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.config import resolve_options  # noqa: E402
from checks.engine import check_source  # noqa: E402
from checks.notebook import NotebookError, notebook_module  # noqa: E402
from checks.sources import InputError, check_bytes, decode, iter_files  # noqa: E402

VERDICTS = ROOT / "bench" / "corpus" / "verdicts.toml"
VERDICT_VALUES = ("true", "false", "debatable")
DEFAULT_TARGET = "3.0"  # the pymilvus version findings are counted at unless a verdict says
CODE = re.compile(r"MV\d{3}")
LINE_HASH = re.compile(r"[0-9a-f]{12}")


def line_hash(text: str) -> str:
    """The key of a reported line: its text without surrounding whitespace, hashed."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:12]


@dataclass
class Finding:
    file: str  # the path under the corpus directory, '/'-separated: the file's id
    code: str
    severity: str
    line: int
    cell: int | None
    text: str  # the reported line's text, stripped
    message: str

    @property
    def hash(self) -> str:
        return line_hash(self.text)

    @property
    def where(self) -> str:
        cell = f"cell {self.cell} " if self.cell else ""
        return f"{self.file}:{cell}{self.line}"


@dataclass
class Verdict:
    file: str
    code: str
    line: int
    hash: str
    verdict: str
    reason: str
    cell: int | None = None
    pymilvus: str | None = None  # the target this finding exists at, when not the default


def reported_lines(data: bytes, path: Path) -> dict[tuple[int | None, int], str]:
    """(cell, line) -> text, for the lines a finding in this file can point at."""
    try:
        text = decode(data)
    except InputError:  # an undecodable file has no findings either
        return {}
    if path.suffix != ".ipynb":
        return {(None, n): line for n, line in enumerate(text.splitlines(), start=1)}
    try:
        module = notebook_module(text)
    except NotebookError:
        return {}
    return dict(zip(module.line_map, module.source.splitlines(), strict=False))


def collect(directory: Path, options) -> tuple[list[Finding], int, int]:
    """Every finding in DIR, the number of files, and how many could not be checked."""
    findings: list[Finding] = []
    files = unparsable = 0
    for path, _ in sorted(iter_files([directory])):
        files += 1
        data = path.read_bytes()
        result = check_bytes(data, str(path), options)
        if result.error:
            unparsable += 1
            continue
        lines = reported_lines(data, path) if result.diagnostics else {}
        file_id = path.relative_to(directory).as_posix()
        for d in result.diagnostics:
            text = lines.get((d.cell, d.line), "").strip()
            findings.append(Finding(file_id, d.code, d.severity, d.line, d.cell, text, d.message))
    return findings, files, unparsable


def load_verdicts(path: Path) -> list[Verdict]:
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("verdict", [])
    return [Verdict(**entry) for entry in entries]


def verdict_problems(verdicts: list[Verdict], known_files: set[str] | None = None) -> list[str]:
    """What is malformed in a verdict file: the test suite requires an empty list."""
    problems = []
    seen = set()
    for v in verdicts:
        where = f"{v.file}:{v.line} {v.code}"
        if not CODE.fullmatch(v.code):
            problems.append(f"{where}: code is not MVnnn")
        if not isinstance(v.line, int) or v.line < 1:
            problems.append(f"{where}: line must be a positive integer")
        if v.cell is not None and (not isinstance(v.cell, int) or v.cell < 1):
            problems.append(f"{where}: cell must be a positive integer")
        if not LINE_HASH.fullmatch(v.hash):
            problems.append(f"{where}: hash must be 12 hex digits (bench/accuracy.py line_hash)")
        if v.verdict not in VERDICT_VALUES:
            problems.append(f"{where}: verdict must be one of {', '.join(VERDICT_VALUES)}")
        if not v.reason.strip() or "\n" in v.reason:
            problems.append(f"{where}: reason must be one non-empty line")
        if v.file.startswith("/") or "\\" in v.file or ".." in v.file.split("/"):
            problems.append(f"{where}: file must be a relative '/'-separated path under the corpus")
        if v.pymilvus is not None and not re.fullmatch(r"\d+\.\d+(\.\d+)?", str(v.pymilvus)):
            problems.append(f"{where}: pymilvus must be a version such as 2.6.9")
        if known_files is not None and v.file not in known_files:
            problems.append(f"{where}: file is not in the corpus manifest")
        key = (v.file, v.code, v.cell, v.line, v.hash)
        if key in seen:
            problems.append(f"{where}: recorded twice")
        seen.add(key)
    return problems


def match(findings: list[Finding], verdicts: list[Verdict]) -> tuple[dict[int, str], list[Verdict]]:
    """Status of each finding (by index): a verdict, 'unreviewed' or 'stale'; and unused verdicts.

    Same file, code and line text: that verdict, the nearest line first (a line that moved keeps
    its verdict). Otherwise a verdict on the same file, code and line whose text differs: stale.
    """
    by_text: dict[tuple, list[Verdict]] = {}
    for v in verdicts:
        by_text.setdefault((v.file, v.code, v.cell, v.hash), []).append(v)
    by_line = {(v.file, v.code, v.cell, v.line) for v in verdicts}
    used: set[int] = set()
    status: dict[int, str] = {}
    # Exact lines first, so that a moved duplicate cannot take another line's verdict.
    order = sorted(
        range(len(findings)),
        key=lambda i: (
            not any(v.line == findings[i].line for v in by_text.get(_text_key(findings[i]), []))
        ),
    )
    for i in order:
        f = findings[i]
        candidates = [v for v in by_text.get(_text_key(f), []) if id(v) not in used]
        if candidates:
            best = min(candidates, key=lambda v: abs(v.line - f.line))
            used.add(id(best))
            status[i] = best.verdict
        elif (f.file, f.code, f.cell, f.line) in by_line:
            status[i] = "stale"
        else:
            status[i] = "unreviewed"
    unused = [v for v in verdicts if id(v) not in used]
    return status, unused


def _text_key(f: Finding) -> tuple:
    return (f.file, f.code, f.cell, f.hash)


def stub(f: Finding, pymilvus: str = DEFAULT_TARGET) -> str:
    """A verdict entry for this finding, to paste into verdicts.toml and complete."""
    cell = f"cell = {f.cell}\n" if f.cell else ""
    target = f'pymilvus = "{pymilvus}"\n' if pymilvus != DEFAULT_TARGET else ""
    return (
        f'[[verdict]]\nfile = "{f.file}"\ncode = "{f.code}"\n{cell}line = {f.line}\n'
        f'hash = "{f.hash}"\n{target}verdict = "?"  # true | false | debatable\nreason = ""\n'
    )


COLUMNS = ("findings", "true", "false", "debatable", "unreviewed", "stale")


def report(findings, status, files, unparsable, unused, show_unreviewed: bool, target: str) -> dict:
    """Print the per-rule table and the summary; return the numbers (for README and tests)."""
    table: dict[str, Counter] = {}
    severity: dict[str, str] = {}
    for i, f in enumerate(findings):
        row = table.setdefault(f.code, Counter())
        row["findings"] += 1
        row[status[i]] += 1
        severity[f.code] = f.severity
    print(f"{'rule':<6} {'severity':<8} " + " ".join(f"{c:>10}" for c in COLUMNS))
    for code in sorted(table):
        cells = " ".join(f"{table[code][c]:>10}" for c in COLUMNS)
        print(f"{code:<6} {severity[code]:<8} {cells}")
    serious = [i for i, f in enumerate(findings) if f.severity in ("error", "warning")]
    counts = Counter(status[i] for i in serious)
    judged = counts["true"] + counts["false"]
    numbers = {
        "files": files,
        "unparsable": unparsable,
        "findings": len(findings),
        "serious": len(serious),
        **{key: counts[key] for key in ("true", "false", "debatable", "unreviewed", "stale")},
        "fp_per_100_files": round(100 * counts["false"] / files, 2) if files else 0.0,
        "precision": round(counts["true"] / judged, 3) if judged else None,
    }
    open_ = counts["unreviewed"] + counts["stale"]
    print(
        f"\n{files} files ({unparsable} not checked), {len(findings)} findings,"
        f" {len(serious)} errors and warnings: {counts['true']} true, {counts['false']} false,"
        f" {counts['debatable']} debatable, {open_} without a current verdict"
    )
    print(
        f"false positives per 100 files (errors+warnings): {numbers['fp_per_100_files']}"
        + (f"; precision {numbers['precision']:.1%} of {judged} judged" if judged else "")
        + (
            f"; at most {round(100 * (counts['false'] + open_) / files, 2)} if every"
            " unreviewed one were false"
            if open_ and files
            else ""
        )
    )
    if unused:
        print(f"{len(unused)} verdicts match no finding (the rule no longer fires there)")
    if show_unreviewed:
        for i, f in enumerate(findings):
            if status[i] in ("unreviewed", "stale"):
                print(f"\n# {status[i]}: {f.where}: {f.code} {f.message}\n#   | {f.text}")
                print(stub(f, target), end="")
        for v in unused:
            print(f"\n# no finding any more: {v.file}:{v.line} {v.code} ({v.verdict}: {v.reason})")
    return numbers


def scan(directory: Path, options, show: set[str]) -> int:
    findings, files, unparsable = collect(directory, options)
    counts = Counter(f.code for f in findings)
    for f in findings:
        if f.code in show or "ALL" in show:
            print(f"{directory / f.file}:{f.line}: {f.code} {f.message}\n    | {f.text}")
    with_findings = len({f.file for f in findings})
    print(f"\n{files} files, {with_findings} with findings, {unparsable} not checked (errors)")
    for code, count in sorted(counts.items()):
        print(f"  {code}  {count}")
    return 0


def examples(options_for) -> int:
    """The project's own examples: rules' VALID/INVALID and the guide's good/bad examples."""
    from checks.rules import ALL_RULES
    from checks.rules.base import Invalid, Valid, example_source

    problems = 0
    counts: Counter[str] = Counter()
    for rule in ALL_RULES:
        edition = "2026.11" if "2026.11" in rule.editions else "2026.01"
        for example in rule.VALID:
            example = example if isinstance(example, Valid) else Valid(example)
            found = check_source(example_source(example.code), options_for(edition)).diagnostics
            counts["rule VALID examples with findings of any rule"] += bool(found)
        for example in rule.INVALID:
            example = example if isinstance(example, Invalid) else Invalid(example)
            found = check_source(example_source(example.code), options_for(edition)).diagnostics
            counts["rule INVALID examples"] += 1
            counts["  ... with other rules' findings too"] += any(
                d.code != rule.code for d in found
            )
    for doc in sorted((ROOT / "guide").glob("*/rules/MV*.md")):
        edition, code = doc.parent.parent.name, doc.stem
        text = doc.read_text(encoding="utf-8")
        if 'status = "retired"' in text:
            continue
        for section, must_fire in (("Bad example", True), ("Good example", False)):
            block = re.search(rf"## {section}\n+```python\n(.*?)```", text, re.S)
            if not block:
                continue
            found = check_source(block.group(1), options_for(edition)).diagnostics
            fired = code in {d.code for d in found}
            if (must_fire and not fired) or (not must_fire and found):
                problems += 1
                print(f"{doc.relative_to(ROOT)} {section}: {[d.code for d in found]}")
    for name, count in counts.items():
        print(f"{name}: {count}")
    print(f"guide example problems: {problems}")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path)
    parser.add_argument("--examples", action="store_true")
    parser.add_argument("--edition")
    parser.add_argument("--pymilvus-version", default=DEFAULT_TARGET)
    parser.add_argument("--show", nargs="*", default=[])
    parser.add_argument(
        "--verdicts", nargs="?", type=Path, const=VERDICTS, metavar="FILE",
        help=f"match findings against hand verdicts (default {VERDICTS.relative_to(ROOT)})",
    )  # fmt: skip
    parser.add_argument("--unreviewed", action="store_true", help="list findings without verdict")
    parser.add_argument("--codes", nargs="*", default=[], help="only these rule codes")
    args = parser.parse_args()

    def options_for(edition=None):
        return resolve_options(
            ROOT, edition=args.edition or edition, pymilvus_version=args.pymilvus_version
        )

    if args.examples:
        return examples(options_for)
    if not args.directory:
        parser.error("give a directory, or --examples")
    if args.verdicts is None:
        return scan(args.directory, options_for(), {c.upper() for c in args.show})
    verdicts = load_verdicts(args.verdicts)
    problems = verdict_problems(verdicts)
    # A verdict made at another target (a rule gated to an older pymilvus) is not expected here.
    verdicts = [v for v in verdicts if v.pymilvus in (None, args.pymilvus_version)]
    for problem in problems:
        print(f"{args.verdicts}: {problem}")
    findings, files, unparsable = collect(args.directory, options_for())
    codes = {c.upper() for c in args.codes}
    if codes:
        findings = [f for f in findings if f.code in codes]
        verdicts = [v for v in verdicts if v.code in codes]
    status, unused = match(findings, verdicts)
    report(findings, status, files, unparsable, unused, args.unreviewed, args.pymilvus_version)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
