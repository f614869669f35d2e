"""The `milvus-check` prompt: review and fix pymilvus code with the tools and the guide."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

PATH_SUFFIXES = (".py", ".pyi", ".ipynb")

STEPS = """\
2. For each finding, read its guide entry: the `guide_uri` resource, or `explain_rule` with its \
code. It says why the code fails against Milvus or returns wrong results, and shows correct code.
3. Call `rewrite_snippet` on the code to apply the safe fixes and review the diff. Pass \
`unsafe: true` only where the entry's "Fix safety" section shows the change is right for this \
code, and say that you did.
4. Fix the `remaining` findings by hand, following the entry's good example.
5. Check again until nothing is reported, or explain each finding you keep on purpose (for \
example a FLAT index for exact recall on small data).

Finish with the corrected code and a short list of what changed and why."""


def milvus_check(
    code_or_path: Annotated[
        str,
        Field(
            description="pymilvus code to review, or the path of a .py/.ipynb file using it. "
            "Empty: the project's files that use pymilvus."
        ),
    ] = "",
) -> str:
    """Review and fix pymilvus (Milvus) code with the milvus-cto checker and correction guide."""
    target = code_or_path.strip()
    if not target:
        return (
            "Review this project's Python code that uses pymilvus (Milvus) with the milvus-cto "
            "tools.\n\n1. Find the .py and .ipynb files that import pymilvus and call "
            f"`check_file` on each.\n{STEPS}\nWrite the corrected code back to the files."
        )
    if "\n" not in target and target.endswith(PATH_SUFFIXES):
        return (
            f"Review the pymilvus code in `{target}` with the milvus-cto tools.\n\n"
            f"1. Call `check_file` with path `{target}`.\n{STEPS}\n"
            "Write the corrected code back to the file."
        )
    return (
        "Review this Python code that uses pymilvus (Milvus) with the milvus-cto tools.\n\n"
        f"1. Call `check_snippet` with the code below.\n{STEPS}\n\n"
        f"```python\n{code_or_path.rstrip()}\n```\n"
    )
