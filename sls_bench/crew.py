"""Processes spawned once for a whole run, each doing one job per turn: the clients' and the hashing bound's.

Each slice used to spawn its processes afresh (``spawn``: a new interpreter that imports the job's modules,
and the caller's main module again), some 0.4 s of CPU a process: 2 client processes for each target in each
round, and one hashing process per core each round, when the slice itself may last half a second. What a
turn measures begins at its job's own barrier, after the job's warm-up, so a process that served the turn
before serves this one the same; only the start-up, which nothing measured, is paid once.

A crew is ready (every process started and waiting) when it is made: a process still importing must not
take the cores from a slice being measured. A job that raises ends the turn with its traceback, rather than
leaving the caller waiting for a result that will not come.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any

READY = "ready"
START_TIMEOUT_S = 120.0


def _serve(job: Callable[..., Any], own: tuple[Any, ...], barrier: Any, orders: Any, results: Any) -> None:
    """One process: ``job(*own, barrier, *order)`` for each order, until ``None``."""
    results.put((READY, None))
    while (order := orders.get()) is not None:
        try:
            results.put(("done", job(*own, barrier, *order)))
        except BaseException:  # the caller waits for every process's answer: give it the cause
            results.put(("failed", traceback.format_exc()))
            barrier.abort()  # the other processes' threads must not wait at it for this one
            break
    # Out without the interpreter's teardown (a spawned process ends with sys.exit): with the server's modules
    # loaded it costs some 0.15 s of CPU a process, and nothing in it is needed once the results are sent.
    results.close()
    results.join_thread()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class Crew:
    """``len(own)`` processes, the i-th calling ``job(*own[i], barrier, *order)`` each turn; ``parties`` is
    how many wait at the shared barrier (the processes, or the threads inside them); ``name`` says whose
    they are in an error."""

    def __init__(
        self, name: str, job: Callable[..., Any], own: Sequence[tuple[Any, ...]], parties: int
    ) -> None:
        self.name = name
        context = multiprocessing.get_context("spawn")
        self._barrier = context.Barrier(parties)
        self._results: Any = context.Queue()
        self._orders: list[Any] = [context.SimpleQueue() for _ in own]
        self._processes = [
            context.Process(
                target=_serve, args=(job, mine, self._barrier, orders, self._results), daemon=True
            )
            for mine, orders in zip(own, self._orders, strict=True)
        ]
        try:
            for process in self._processes:
                process.start()
            for _ in self._processes:
                self._answer(START_TIMEOUT_S)
        except BaseException:
            self.close()
            raise

    def turn(self, *order: Any, timeout_s: float) -> list[Any]:
        """Every process does its job once with ``order``; their results, in the order they came."""
        for orders in self._orders:
            orders.put(order)
        return [self._answer(timeout_s) for _ in self._processes]

    def _answer(self, timeout_s: float) -> Any:
        """The next result; a process that ended without one (killed, out of memory) is said at once."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                kind, value = self._results.get(timeout=min(1.0, max(deadline - time.monotonic(), 0.0)))
                break
            except queue.Empty:
                ended = [p.exitcode for p in self._processes if p.exitcode is not None]
                if ended or time.monotonic() >= deadline:
                    said = f"processes ended with {ended}" if ended else f"no answer within {timeout_s:g} s"
                    raise RuntimeError(f"the run's {self.name} processes: {said}") from None
        if kind == "failed":
            raise RuntimeError(f"one of the run's {self.name} processes failed:\n{value}")
        return value

    def close(self) -> None:
        """Each process asked to end after its turn, and ended if it does not within seconds."""
        for process, orders in zip(self._processes, self._orders, strict=True):
            if process.is_alive():
                orders.put(None)
        for process in self._processes:
            if process.pid is None:  # never started
                continue
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()
        self._results.close()

    def __enter__(self) -> Crew:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
