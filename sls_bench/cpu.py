"""What a server's processes have spent: its master's and every process it forked, from ``/proc``.

On a machine whose cores the server, its clients and Redis share, flows/s is bounded by CPU, and the share
of the baseline's flows/s that ``sls serve`` reaches is about the inverse ratio of their CPU per flow. So the
benchmark reads each target's usage around every slice it drives (and Redis's own, from ``INFO cpu``) and
reports it per flow: where the two differ is what a change to the hot path has to move.

CPU is split into user and system time, and context switches are counted, because the two targets differ
most in system time: an app that waits on Redis more often per request hands the GIL between its threads
more often, and each hand-over is a thread put to sleep and woken (a voluntary switch). An involuntary
switch is the kernel taking the core away from a thread that could go on running.

Linux only (``/proc/<pid>/...``); elsewhere :func:`tree_usage` answers ``None`` and the report says so.
Clock ticks are 10 ms: over a slice of seconds and thousands of requests, far finer than the noise.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")


@dataclass(frozen=True)
class Usage:
    """Totals since the processes started, or (after ``-``) over a slice."""

    user_s: float
    system_s: float
    voluntary_switches: int
    involuntary_switches: int

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.system_s

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.user_s + other.user_s,
            self.system_s + other.system_s,
            self.voluntary_switches + other.voluntary_switches,
            self.involuntary_switches + other.involuntary_switches,
        )

    def __sub__(self, other: Usage) -> Usage:
        return self + Usage(
            -other.user_s, -other.system_s, -other.voluntary_switches, -other.involuntary_switches
        )


NOTHING = Usage(0.0, 0.0, 0, 0)


def _switches(pid: str) -> tuple[int, int]:
    """Voluntary and involuntary switches of every live thread of ``pid``. ``/proc/<pid>/status`` counts only
    the thread the process started with, and a gunicorn worker serves on its other threads, so each
    thread's own ``task/<tid>/status`` is read. (A thread that ended took its count with it; a worker's
    threads live as long as it does.)"""
    voluntary = involuntary = 0
    try:
        tasks = list((_PROC / pid / "task").iterdir())
    except OSError:
        return 0, 0
    for task in tasks:
        try:
            lines = (task / "status").read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            if line.startswith("voluntary_ctxt_switches:"):
                voluntary += int(line.split()[1])
            elif line.startswith("nonvoluntary_ctxt_switches:"):
                involuntary += int(line.split()[1])
    return voluntary, involuntary


def _stat(pid: str) -> tuple[int, int, int] | None:
    """(parent pid, user ticks, system ticks) of a live process, all its threads' (also those that ended);
    ``None`` if it is gone or unreadable."""
    try:
        text = (_PROC / pid / "stat").read_text()
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()  # the name, in parentheses, may hold spaces
    return int(fields[1]), int(fields[11]), int(fields[12])


def tree_usage(pid: int) -> Usage | None:
    """What ``pid`` and all its descendants (those alive now) have spent so far; ``None`` if it is gone."""
    if not (_PROC / str(pid)).is_dir():
        return None
    children: dict[int, list[int]] = defaultdict(list)
    ticks: dict[int, tuple[int, int]] = {}
    for entry in _PROC.iterdir():
        if entry.name.isdigit() and (stat := _stat(entry.name)) is not None:
            parent, user, system = stat
            children[parent].append(int(entry.name))
            ticks[int(entry.name)] = (user, system)
    per_second = os.sysconf("SC_CLK_TCK")
    total, todo = NOTHING, [pid]
    while todo:
        current = todo.pop()
        user, system = ticks.get(current, (0, 0))
        total += Usage(user / per_second, system / per_second, *_switches(str(current)))
        todo.extend(children.get(current, ()))
    return total
