"""The workers' metric files: a private folder per ``sls serve``, made before the fork, removed at exit.

Kept apart from :mod:`.metrics` on purpose: prometheus_client picks its mode (one process, or files per
process) when it is first imported, so the master must set ``PROMETHEUS_MULTIPROC_DIR`` before anything
imports it; this module imports it only inside :func:`worker_exited`, which runs after the fork.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess_dir() -> Path:
    """A fresh private folder (0700, a new name: no values left from an earlier run), named in the
    environment the workers inherit."""
    folder = Path(tempfile.mkdtemp(prefix="sls-metrics-"))
    os.environ[MULTIPROC_ENV] = str(folder)
    return folder


def remove_multiprocess_dir(folder: Path) -> None:
    """At the master's exit: the files are this run's alone."""
    shutil.rmtree(folder, ignore_errors=True)
    if os.environ.get(MULTIPROC_ENV) == str(folder):
        del os.environ[MULTIPROC_ENV]


def worker_exited(pid: int) -> None:
    """Drop a dead worker's live-only files (gauges); its counters stay in the sums, as Prometheus expects
    of a counter."""
    folder = os.environ.get(MULTIPROC_ENV)
    if folder:
        from prometheus_client.multiprocess import mark_process_dead

        mark_process_dead(pid, folder)  # type: ignore[no-untyped-call]  # prometheus_client: unannotated
