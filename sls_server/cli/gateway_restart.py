"""``sls gateway``'s start as the real gateway's restart: the session the instance held ends, unless another
process of the instance still serves it.

The Client Portal Gateway keeps its session in its own process, so a new process asks for a login. Here the
session lives in Redis (the embedded one persists it in the data folder), and without this step a gateway
stopped and started again answered ``authenticated: true`` with the old session: a tool that restarts a
stuck gateway and then logs in (IBeam) could not be tested on that path. But a gateway of several processes
on one ``SLS_GATEWAY_INSTANCE`` (two ports behind a balancer, a rolling restart) never went down as a whole:
each process holds a lease (``gateway_lease``), and a start finds the others' (``gateway_restart.lua``: the
check, its own lease and the ending in one step). ``--keep-session`` skips the step and only takes the lease.

The step runs in a forked child: it records events, whose module loads prometheus-client, and the master
must not load that before ``serve_run.run`` names the workers' metrics folder
(``tests/unit/test_metrics_mode``), or every worker would count in memory and ``/metrics`` would show none
of it. The child tells what it did through a pipe (one letter) and always exits 0: the retry (Redis did not
answer at start) runs under gunicorn, whose master reaps any child that exits and may read its status first.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import signal
import sys
import time
from typing import TYPE_CHECKING, Literal

from ..config import Settings
from ..errors import StoreUnavailable
from ..store.base import outage_said_by_caller
from ..store.records.gateway import GatewayProcess
from .gateway_liveness import gone

if TYPE_CHECKING:
    from ..store import Store

log = logging.getLogger(__name__)
#: What a start did: ended a live session; kept it (another live process serves it); found none to end;
#: could not look (Redis did not answer, or the child failed).
Outcome = Literal["ended", "kept", "none", "unknown"]
OUTCOMES: tuple[Outcome, ...] = ("ended", "kept", "none", "unknown")
#: Seconds the master waits for the child's answer: a few Redis round trips, on a loaded machine. A child
#: that gives none is stuck (a lock it inherited held for ever, a Redis that takes its commands but does not
#: answer them): killed, the start is ``unknown`` (the gateway answers 503, ``starting``), and the step is
#: tried again every second. Read at each try: a test shortens it (tests/unit/test_gateway_start_timeout.py).
ANSWER_S = 30.0
#: gunicorn's handlers, which a child forked from the running master (the retry) must not run: a stop
#: (IBeam's kill matches its title too) ends it at once, as any process.
_MASTER_SIGNALS = ("SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGCHLD", "SIGUSR1", "SIGUSR2", "SIGTTIN")


def end_previous_session(
    settings: Settings, process: GatewayProcess, token: str, *, quiet: bool = False
) -> Outcome:
    """Take the process's lease and end the instance's gateway session if one is live and no other
    process holds a lease (``gateway_restarted``, with its events); what it did. ``unknown`` when Redis
    does not answer (or the child fails): the caller says so, and tries again (``gateway_lease``), ``quiet``
    then (the store's warning said the outage once)."""
    sys.stdout.flush()  # the child must not inherit (and repeat) buffered output
    sys.stderr.flush()
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected; tests/e2e/test_gateway_*
        os.close(reading)
        outcome: Outcome = "unknown"
        try:
            for name in _MASTER_SIGNALS:
                signal.signal(getattr(signal, name), signal.SIG_DFL)
            with outage_said_by_caller() if quiet else contextlib.nullcontext():
                outcome = _end(settings, process, token)
        except StoreUnavailable:  # the store's own warning said why; the caller says what it means
            pass
        except Exception as exc:  # its kind only: a Redis URL (and its password) stays out of the log
            log.warning("could not end the gateway session the last run held (%s)", type(exc).__name__)
        finally:
            os.write(writing, outcome[0].encode())
            os._exit(0)  # no atexit (the master's embedded Redis stop), no buffers flushed twice
    os.close(writing)
    try:
        said = _answer(reading, pid)
    finally:
        os.close(reading)
    return next((outcome for outcome in OUTCOMES if outcome[0] == said), "unknown")


def _answer(reading: int, pid: int) -> str:
    """The child's one letter, or '' when it ended without one (killed) or gave none within
    :data:`ANSWER_S` (then it is killed: the caller tries again). Not read to the pipe's end: a worker
    gunicorn forked while the pipe was open holds its writing end too, and the end would never come."""
    deadline = time.monotonic() + ANSWER_S
    while time.monotonic() < deadline:
        if select.select([reading], [], [], 0.1)[0]:
            letter = os.read(reading, 1).decode(errors="replace")
            with contextlib.suppress(ChildProcessError):  # it exits right after: no zombie left
                os.waitpid(pid, 0)
            return letter
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # gunicorn's master reaped it (the retry, under gunicorn)
            done = pid
        if done:  # it wrote before it exited, if it did: read what is there
            ready = select.select([reading], [], [], 0)[0]
            return os.read(reading, 1).decode(errors="replace") if ready else ""
    log.warning("the gateway's start step gave no answer in %g s: stopped, to be tried again", ANSWER_S)
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    return ""


def _end(settings: Settings, process: GatewayProcess, token: str) -> Outcome:
    from ..store import Store  # in the child only (see the module's docstring)
    from ..wiring import build_core

    assert settings.redis_url is not None
    store = Store.from_url(settings.redis_url, timeout_s=settings.redis_timeout)
    try:
        _drop_the_gone(store, settings.gateway_instance, process, token)
        core = build_core(settings, store)
        done = core.gateway.restarted(process, token, now=core.clock.now())
    finally:
        store.close()
    return "ended" if done.ended else "kept" if done.live and done.others else "none"


def _drop_the_gone(store: Store, instance: str, process: GatewayProcess, token: str) -> None:
    """The leases of processes known to have ended (killed without their stop, in this pid namespace:
    ``gateway_liveness``) go before the step looks, rather than keep the session for the rest of their 10 s.
    Dropping a dead process's lease is right whenever it is done: nothing can renew it."""
    for lease in store.gateway.leases(instance):
        if lease.token != token and gone(lease.process, process.ns):
            store.gateway.drop_process(instance, lease.token)
            gone_one = lease.process
            log.warning(
                "%s:%d (pid %d) is gone (killed without its stop): its lease is dropped, not waited for",
                gone_one.host,
                gone_one.port,
                gone_one.pid,
            )
