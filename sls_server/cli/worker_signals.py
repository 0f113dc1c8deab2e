"""A gunicorn worker's signal handlers for ``sls serve``: a quick quit runs once, a graceful stop ends the
long answers first.

gunicorn installs its own handlers in each worker; these wrap them once the worker is ready
(``post_worker_init``), for the two ways gunicorn's own left a worker hanging until it was killed.
"""

from __future__ import annotations

import signal
from typing import Any


def quit_once(worker: Any) -> None:
    """Make a worker's quick-quit handler run once, whatever else arrives meanwhile.

    Ctrl-C sends SIGINT to the whole process group, so each worker gets it from the terminal and, a moment
    later, SIGQUIT from the master. gunicorn's gthread worker answers both with ``handle_quit``, which shuts
    its thread pool down under a non-reentrant lock: a second signal landing inside the first handler blocks
    on that lock for good, and the master waits ``graceful_timeout`` before it SIGKILLs the worker (found in
    a fresh-clone walk: Ctrl-C sometimes took 10 s and logged "Worker was sent SIGKILL"). The first quit
    signal now ignores the others, then runs the worker's own handler.
    """
    original = worker.handle_quit

    def handle_quit(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGQUIT, signal.SIG_IGN)
        original(signum, frame)

    signal.signal(signal.SIGINT, handle_quit)
    signal.signal(signal.SIGQUIT, handle_quit)


def end_streams_on_exit(worker: Any) -> None:
    """On SIGTERM (a graceful stop), tell the long answers to end (``sls_server.stopping``) before gunicorn's
    own handler stops taking requests: the trainer's feed would otherwise hold the worker until the graceful
    timeout, and be killed."""
    from sls_server.stopping import request_stop

    original = worker.handle_exit

    def handle_exit(signum: int, frame: Any) -> None:
        request_stop()
        original(signum, frame)

    signal.signal(signal.SIGTERM, handle_exit)


def worker_signals(worker: Any) -> None:
    """A worker's signal handlers once it is ready: quick quits run once, a graceful stop ends streams."""
    quit_once(worker)
    end_streams_on_exit(worker)
