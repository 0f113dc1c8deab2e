"""When an Argon2id derivation may run in this process: at most the process's share of the machine's cores at
once, and a multi-lane one alone.

Argon2id is memory-hard: each derivation streams its whole block of memory (19 MiB under ``standard``)
through the core it runs on. More derivations at once than cores finish no sooner in all. They take turns on
the cores, and each switch throws away what the caches held for the other. Measured on the project's two-core
machine, ``standard`` verifies in one process: 107 a second on 2 threads, 98 on 4, 81 on 8. A ``sls serve``
worker has 4 threads and its 2 workers share the 2 cores, so under a flood of logins 8 derivations ran at
once. Now each process runs at most its share of the cores' derivations, and the others wait for a turn (on
a semaphore, without the GIL). ``sls bench --hash-profile standard`` served 66.2 to 68.5 flows/s against 60.9
to 64.4 before, for 8 % less CPU a flow. The price is paid in a saturated server's tails: a login waiting for
its turn holds its worker thread, and the p99s rose in three runs of four (docs/performance.md, "A ninth
step").

A process learns its share from :func:`share_cores`: a gunicorn worker is told how many workers there are
(``cli.gunicorn_app``). Until then, its share is every core it may run on.

OpenSSL derives a multi-lane Argon2id on threads of its own. Two such derivations at once in one process
hang or fail ("Not enough memory to derive key": cryptography 50, OpenSSL 3), which under the ``strong``
profile (p=4) made concurrent logins stall a worker's threads for good or answer 500. They take turns one at a
time; the lanes still run in parallel, so the cores stay busy.
"""

from __future__ import annotations

import os
import threading
from contextlib import AbstractContextManager


def available_cores() -> int:
    """The cores this process may run on (its affinity, where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


_MULTI_LANE = threading.Lock()
_single_lane = threading.BoundedSemaphore(available_cores())


def share_cores(processes: int) -> int:
    """From now on, at most this process's share of the cores' single-lane derivations at once, when
    ``processes`` processes like it share the machine (at least one each). Returns the share.

    Called before the process serves: derivations already waiting keep the turns they were waiting for."""
    global _single_lane
    share = max(1, available_cores() // max(1, processes))
    _single_lane = threading.BoundedSemaphore(share)
    return share


def turn(lanes: int) -> AbstractContextManager[object]:
    """Held while a derivation of ``lanes`` lanes runs."""
    return _MULTI_LANE if lanes > 1 else _single_lane
