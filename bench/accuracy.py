"""Per-rule finding counts over a directory of Python files, for reviewing precision.

    python bench/accuracy.py DIR [--edition ID] [--pymilvus-version X.Y] [--show CODE ...]

Not a test: it prints what the checker reports on real code so that a person can read every
finding and call it true or false. `--show` prints each finding of those codes with its source
line. `--examples` checks the project's own examples instead of DIR: every rule's VALID
examples and the guide's good examples must be silent, its INVALID and bad examples must fire.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.config import resolve_options  # noqa: E402
from checks.engine import check_source  # noqa: E402
from checks.sources import check_bytes, iter_files  # noqa: E402


def scan(directory: Path, options, show: set[str]) -> int:
    counts: Counter[str] = Counter()
    files = with_findings = unparsable = 0
    for path, _ in iter_files([directory]):
        files += 1
        data = path.read_bytes()
        result = check_bytes(data, str(path), options)
        if result.error:
            unparsable += 1
            continue
        with_findings += bool(result.diagnostics)
        lines = data.decode("utf-8", "replace").splitlines()
        for d in result.diagnostics:
            counts[d.code] += 1
            if d.code in show or "ALL" in show:
                text = lines[d.line - 1].strip() if d.line <= len(lines) and d.cell is None else ""
                print(f"{path}:{d.line}: {d.code} {d.message}\n    | {text}")
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
    parser.add_argument("--pymilvus-version", default="3.0")
    parser.add_argument("--show", nargs="*", default=[])
    args = parser.parse_args()

    def options_for(edition=None):
        return resolve_options(
            ROOT, edition=args.edition or edition, pymilvus_version=args.pymilvus_version
        )

    if args.examples:
        return examples(options_for)
    if not args.directory:
        parser.error("give a directory, or --examples")
    return scan(args.directory, options_for(), {c.upper() for c in args.show})


if __name__ == "__main__":
    sys.exit(main())
