"""Run the Claude Code hook's main() in process, on given stdin bytes (shared by test modules)."""

from __future__ import annotations

import io
import signal
import sys
from unittest import mock


def run_hook_main(payload: bytes) -> tuple[int, str, str]:
    """checks.hook.main() on these stdin bytes: (exit code, stdout, stderr)."""
    from checks import hook

    stdin = io.TextIOWrapper(io.BytesIO(payload))
    stdout, stderr = io.StringIO(), io.StringIO()
    handler = signal.getsignal(signal.SIGALRM)
    try:
        with (
            mock.patch.object(sys, "stdin", stdin),
            mock.patch.object(sys, "stdout", stdout),
            mock.patch.object(sys, "stderr", stderr),
        ):
            code = hook.main()
    finally:  # main() arms a timer for its time budget; a failure may leave it armed
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, handler)
    return code, stdout.getvalue(), stderr.getvalue()
