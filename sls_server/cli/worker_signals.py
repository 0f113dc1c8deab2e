"""A gunicorn worker's signal handlers for ``sls serve``: a quick quit runs once, a graceful stop ends the
long answers first, and a first Ctrl-C is the master's to answer.

gunicorn installs its own handlers in each worker; these wrap them once the worker is ready
(``post_worker_init``), for the two ways gunicorn's own left a worker hanging until it was killed.
"""

from __future__ import annotations

import signal
from typing import Any


def ignore_signal(signum: int, frame: Any) -> None:
    """A quit signal after the first: the worker is quitting already."""


def quit_once(worker: Any) -> None:
    """Make a worker's quick-quit handler run once, whatever else arrives meanwhile.

    Ctrl-C sends SIGINT to the whole process group, so each worker gets it from the terminal and, a moment
    later, SIGQUIT from the master. gunicorn's gthread worker answers both with ``handle_quit``, which shuts
    its thread pool down under a non-reentrant lock: a second signal landing inside the first handler blocks
    on that lock for good, and the master waits ``graceful_timeout`` before it SIGKILLs the worker (found in
    a fresh-clone walk: Ctrl-C sometimes took 10 s and logged "Worker was sent SIGKILL"). The first quit
    signal now ignores the others, then runs the worker's own handler.

    The others are ignored by a handler that does nothing, not by ``SIG_IGN``: both signals usually land
    before Python runs the first handler, and a signal already pending whose handler has become ``SIG_IGN``
    is reported by CPython as an unraisable "OSError: Signal 3 ignored due to race condition", a traceback
    in the log as Ctrl-C stops the server (found stopping `sls demo` run from a fresh clone).
    """
    original = worker.handle_quit

    def handle_quit(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, ignore_signal)
        signal.signal(signal.SIGQUIT, ignore_signal)
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


def leave_first_interrupt_to_the_master() -> None:
    """A worker's first SIGINT does nothing; a later one runs its quick quit.

    Ctrl-C sends SIGINT to the terminal's whole process group, the workers as well as the master, and
    gunicorn's worker answers SIGINT with its quick quit: it said "Worker exiting" while a request was still
    being answered, and the trainer's feed held it until the master killed it. The master takes a first
    Ctrl-C for a graceful stop (``gunicorn_arbiter``) and sends each worker SIGTERM, whose handler ends the
    streams and lets the requests finish. Draining here as well let a worker with nothing in flight end
    before the master's SIGTERM came, which then found it in Python's shutdown with the default handler back
    and killed it ("Worker (pid:N) was sent SIGTERM!", seen with ``--threads 1``). Ctrl-C again is the quick
    quit it was. Installed after ``quit_once``, whose handler it puts back."""
    quit_handler = signal.getsignal(signal.SIGINT)
    assert callable(quit_handler), "the worker's own quit handler is installed first"

    def handle_interrupt(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, quit_handler)

    signal.signal(signal.SIGINT, handle_interrupt)


def worker_signals(worker: Any) -> None:
    """A worker's signal handlers once it is ready: quick quits run once, a graceful stop ends streams, a
    first Ctrl-C waits for the master's graceful stop."""
    quit_once(worker)
    end_streams_on_exit(worker)
    leave_first_interrupt_to_the_master()
