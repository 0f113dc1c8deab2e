"""CPU seconds a server's processes have spent: its master and every process it forked, from ``/proc``.

On a machine whose cores the server, its clients and Redis share, flows/s is bounded by CPU, and the share
of the baseline's flows/s that ``sls serve`` reaches is about the inverse ratio of their CPU per flow. So the
benchmark reads each target's CPU around every slice it drives (and Redis's own, from ``INFO cpu``) and
reports both per flow: where the two differ is what a change to the hot path has to move.

Linux only (``/proc/<pid>/stat``); elsewhere :func:`tree_cpu_s` answers ``None`` and the report says so.
Clock ticks are 10 ms: over a slice of seconds and thousands of requests, far finer than the noise.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

_PROC = Path("/proc")


def _stat(pid: str) -> tuple[int, int] | None:
    """(parent pid, user + system clock ticks) of a live process; ``None`` if it is gone or unreadable."""
    try:
        text = (_PROC / pid / "stat").read_text()
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()  # the name, in parentheses, may hold spaces
    return int(fields[1]), int(fields[11]) + int(fields[12])


def tree_cpu_s(pid: int) -> float | None:
    """CPU seconds spent so far by ``pid`` and all its descendants (those alive now)."""
    if not (_PROC / str(pid)).is_dir():
        return None
    children: dict[int, list[int]] = defaultdict(list)
    ticks: dict[int, int] = {}
    for entry in _PROC.iterdir():
        if entry.name.isdigit() and (stat := _stat(entry.name)) is not None:
            parent, spent = stat
            children[parent].append(int(entry.name))
            ticks[int(entry.name)] = spent
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += ticks.get(current, 0)
        todo.extend(children.get(current, ()))
    return total / os.sysconf("SC_CLK_TCK")
