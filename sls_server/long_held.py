"""One worker process's budget of long-held requests: those that keep a worker thread for seconds on end.

Two kinds: a ``/sim/v1/outbox/latest-code?wait=`` waiting for a code (up to 30 s, ``gateway.outbox``) and a
stream of the trainer's live feed (up to 25 s, ``http/pages/feed.py``). gunicorn serves each request on one
of a worker's ``SLS_THREADS`` threads; with all of them held, no login is answered. So a process lets at most
``threads // 2`` long-held requests in at once, and at least half its threads (``threads - threads // 2``,
never fewer than one) always stay for the logins.

One budget for both kinds, not one each: two limits that together never exceed half the threads would each be
a quarter of them (one of the default 4 threads), so a console open in two tabs would be crowded while no tool
waits for a code. Shared, whichever kind comes first may use what the other does not.

With one thread (gunicorn's sync worker) the budget is 0: a wait is answered at once with 429
``outbox_busy`` and the feed polls (``crowded``), since a single long-held request would hold every login of
that worker. The Flask test client and a development server run no fixed pool of threads: the app then
takes ``SLS_THREADS``'s default, 4, as ``sls serve`` does (a budget of 2).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from .telemetry.metrics import observe_long_held, set_long_held_budget

Kind = Literal["outbox_wait", "trainer_feed"]
KINDS: tuple[Kind, ...] = ("outbox_wait", "trainer_feed")


def budget_for(threads: int) -> int:
    """Long-held requests one process of ``threads`` threads lets in at once: half, rounded down."""
    return threads // 2


class LongHeld:
    """The budget of the process's app (one app per gunicorn worker): taken without waiting, or not at all."""

    def __init__(self, threads: int) -> None:
        self.size = budget_for(threads)
        self._lock = threading.Lock()
        self._held: dict[Kind, int] = dict.fromkeys(KINDS, 0)
        set_long_held_budget(self.size)

    @contextmanager
    def place(self, kind: Kind) -> Iterator[bool]:
        """A place for a request of ``kind`` while the block runs, if one is free now (the ``as`` value says
        whether it was): never waited for, since a wait would itself hold the thread. Given back however the
        block ends."""
        with self._lock:
            taken = sum(self._held.values()) < self.size
            if taken:
                self._held[kind] += 1
        if not taken:
            yield False
            return
        observe_long_held(kind, 1)
        try:
            yield True
        finally:
            with self._lock:
                self._held[kind] -= 1
            observe_long_held(kind, -1)

    def in_use(self) -> dict[Kind, int]:
        """Places held now, by kind."""
        with self._lock:
            return dict(self._held)
