"""Work spread over every core: this process and forked copies of it (the CLI's checks).

Forked, not spawned, and without concurrent.futures: the children share the checker this
process has loaded (rules, API model: `engine.preload` before the fork), and nothing is
imported or started but the children themselves (concurrent.futures and multiprocessing cost
more to import than a typical check of a file; a pool also leaves this process idle while its
workers compute). Work is handed out one task at a time through a pipe that holds every task
number: each process, this one included, reads the next four bytes (a read that small from a
pipe is atomic) until the pipe is empty, so no process sits idle while another has a queue.
A child writes its results, pickled, to a temporary file of its own and leaves with
`os._exit`; this process reads them once the child has exited.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

# Task numbers are written to the pipe before the children start: at 4 bytes each, they must
# fit in a pipe's buffer without blocking, and Linux gives a pipe one page (4 KiB) when the
# user has many. Beyond that, a task is several items.
_MAX_TASKS = 1024


class WorkerFailed(RuntimeError):
    """A child process ended without its results (killed, or an error it could not report)."""


def processes_available() -> int:
    """How many processes can compute at once here (the CPUs this process may run on)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(work, count: int, processes: int) -> list:
    """`[work(i) for i in range(count)]`, computed by `processes` processes: this one and
    `processes - 1` forked children. `work` must not raise (an exception in a child is a
    WorkerFailed here); put the biggest items first."""
    children = min(processes, count) - 1
    if children < 1:
        return [work(i) for i in range(count)]
    import pickle  # here: a run over few files (or a warm cache) never needs it
    import tempfile

    per_task = -(-count // _MAX_TASKS)
    tasks = -(-count // per_task)
    read_end, write_end = os.pipe()
    os.write(write_end, b"".join(t.to_bytes(4, "little") for t in range(tasks)))
    os.close(write_end)  # an empty pipe then reads as the end of the work
    parent = os.getpid()
    started: dict[int, object] = {}
    results: list = [None] * count
    try:
        with contextlib.ExitStack() as outputs:
            for _ in range(children):
                output = outputs.enter_context(tempfile.TemporaryFile())
                sys.stdout.flush()  # what is buffered is printed once, by this process
                sys.stderr.flush()
                try:
                    pid = os.fork()
                except OSError:  # no more processes: this one does the rest
                    break
                if pid == 0:  # the child: never returns
                    _child(work, count, per_task, read_end, output, parent)
                started[pid] = output
            for index, result in _take_tasks(work, count, per_task, read_end):
                results[index] = result
            for pid in list(started):
                _, status = os.waitpid(pid, 0)
                output = started.pop(pid)
                code = os.waitstatus_to_exitcode(status)
                if code != 0:
                    raise WorkerFailed(f"a worker process ended with exit code {code}")
                output.seek(0)
                for index, result in pickle.load(output):
                    results[index] = result
    except BaseException:  # interrupted, or a child failed: stop the others now
        for pid in started:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        raise
    finally:
        os.close(read_end)
    return results


def _take_tasks(work, count: int, per_task: int, read_end: int):
    while chunk := os.read(read_end, 4):
        first = int.from_bytes(chunk, "little") * per_task
        for index in range(first, min(count, first + per_task)):
            yield index, work(index)


def _child(work, count: int, per_task: int, read_end: int, output, parent: int):
    import pickle

    # Leaves with os._exit: no atexit handlers, no finalizers, they belong to the parent. An
    # exception (Ctrl-C, SIGTERM) ends it with 1, which the parent reports if it is running.
    try:
        _exit_with_parent(parent)
        done = list(_take_tasks(work, count, per_task, read_end))
        pickle.dump(done, output, protocol=pickle.HIGHEST_PROTOCOL)
        output.flush()
        os._exit(0)
    finally:
        os._exit(1)


def _exit_with_parent(parent: int) -> None:
    """In a child: end when the parent is gone (killed with SIGKILL, nothing could stop us)."""
    import threading
    import time

    def watch():
        while os.getppid() == parent:
            time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
