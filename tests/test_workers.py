"""checks.workers: the CLI's work spread over this process and forked copies of it."""

from __future__ import annotations

import os
import time

import pytest
from processes import children_of

from checks import workers


@pytest.fixture(autouse=True)
def no_process_left_behind():
    """Every child a run starts is waited for (gone, not even a zombie) when it returns."""
    before = children_of(os.getpid())
    yield
    assert children_of(os.getpid()) - before == set()


def test_every_item_is_computed_once_in_order_by_several_processes():
    def work(index: int) -> tuple[int, int]:
        time.sleep(0.02)  # long enough that the child takes some of the items
        return index * index, os.getpid()

    results = workers.run(work, 40, 2)
    assert [square for square, _ in results] == [i * i for i in range(40)]
    assert len({pid for _, pid in results}) == 2
    assert os.getpid() in {pid for _, pid in results}


def test_one_process_or_one_item_forks_nothing():
    assert workers.run(lambda i: (i, os.getpid()), 3, 1) == [(i, os.getpid()) for i in range(3)]
    assert workers.run(lambda i: (i, os.getpid()), 1, 4) == [(0, os.getpid())]


def test_a_child_that_dies_is_an_error():
    parent = os.getpid()

    def work(index: int) -> int:
        if os.getpid() != parent:
            os._exit(3)
        time.sleep(0.01)
        return index

    with pytest.raises(workers.WorkerFailed, match="exit code 3"):
        workers.run(work, 20, 2)


def test_an_interrupted_run_stops_its_children():
    parent = os.getpid()

    def work(index: int) -> int:
        if os.getpid() == parent and index > 2:
            raise KeyboardInterrupt
        time.sleep(0.05)
        return index

    with pytest.raises(KeyboardInterrupt):
        workers.run(work, 50, 2)


def test_many_items_are_handed_out_in_tasks_of_several():
    results = workers.run(lambda i: i, workers._MAX_TASKS * 3 + 1, 2)
    assert results == list(range(workers._MAX_TASKS * 3 + 1))
