"""Helpers for tests that start processes: which children a process has (Linux /proc)."""

from __future__ import annotations

from pathlib import Path


def children_of(pid: int) -> set[int]:
    """The processes whose parent is `pid`, zombies included (until they are waited for)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found
