"""Each gateway process's lease on its instance: the gunicorn master holds it while the process serves, so
the next start of another process knows whether the gateway as a whole went down. Every process that serves
the gateway holds one (``serve_run.run``): ``sls gateway``, and ``sls serve`` and ``sls demo`` in gateway mode
(``SLS_GATEWAY=True``), which take the lease alone, as ``--keep-session`` does, and never end the session.

Several processes may serve one ``SLS_GATEWAY_INSTANCE`` (two ports behind a balancer); restarting one of them
must not log the user out, as the gateway never went down, but restarting the only one must, as the real
gateway's restart does (``gateway_restart``). A lease is a key with a TTL in real time, never the app
clock (``/admin/v1/clock`` moves that one; a process is alive or not in real time), renewed by the master
every third of it (``store.gateway.LEASE_MS``) and deleted when the process stops cleanly (SIGTERM, as
IBeam's kill): a process killed without its stop counts as live until its lease runs out.

The master, not a worker: it lives as long as the process serves, and gunicorn replaces workers at will. It
renews with the store alone (no events: prometheus-client must not load in the master, see
``gateway_restart``); only the start's step, which records events, runs in a forked child. The thread
starts once gunicorn's master is ready (``when_ready``), when the app's modules are imported: a child forked
while the main thread was importing one waited on that module's lock for ever (seen on a loaded machine).

When Redis did not answer at the start, the step could not run: the master tries again every second, and
the first time Redis answers the step runs as it would have at the start. Until then every request that needs
Redis answers 503, and the gateway's routes go on answering 503 until the step's lease is in Redis
(``starting``): nobody is served the old session in the second between Redis answering and the step.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable

from .. import starting
from ..config import Settings
from ..errors import StoreUnavailable
from ..store import Store
from ..store.base import outage_said_by_caller
from ..store.gateway import LEASE_MS
from ..store.records.gateway import GatewayProcess
from .gateway_restart import Outcome, end_previous_session
from .recorded_process import namespace

log = logging.getLogger(__name__)
#: Seconds between two renewals: a third of the lease, so one lost renewal does not lose it.
RENEW_S = LEASE_MS / 3000
#: Seconds between two tries of the start's step while Redis does not answer.
RETRY_S = 1.0


def start_words(outcome: Outcome, instance: str) -> str | None:
    """What the start's step did, in words for the log (None: nothing worth a line)."""
    if outcome == "ended":
        return "ended the gateway session the last run held (gateway_restarted): log in again"
    if outcome == "kept":
        return f"kept the gateway session: another gateway process of instance {instance!r} serves it"
    if outcome == "unknown":
        return (
            f"the gateway session of instance {instance!r}, if any, is not ended yet: Redis did not answer; "
            "it ends once Redis does, unless another gateway process of the instance serves it"
        )
    return None


class GatewayLease:
    def __init__(self, settings: Settings, *, port: int) -> None:
        self._settings = settings
        self.token = secrets.token_hex(8)
        where = (socket.gethostname(), os.getpid(), port, int(time.time()))
        self.process = GatewayProcess(*where, ns=namespace())
        self._pending = False
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def begin(self, *, end_session: bool) -> Outcome | None:
        """At the start, before any worker serves: the start's step (``end_session``), else only the lease.
        What the step did (None: not asked)."""
        if not end_session:
            self.hold()
            return None
        outcome = end_previous_session(self._settings, self.process, self.token)
        self._pending = outcome == "unknown"
        return outcome

    def start(self) -> GatewayLease:
        self._thread = threading.Thread(target=self._run, name="sls-gateway-lease", daemon=True)
        self._thread.start()
        return self

    def when_ready(self, arbiter: object) -> None:
        """gunicorn's hook: the renewals start once its master is ready (see the module's docstring)."""
        self.start()

    def stop(self) -> None:
        """The process stops (the master's exit): no more renewals, and the lease goes. Once."""
        if os.getpid() != self.process.pid or self._stopped.is_set():
            return  # a worker that unwound through the master's code: the lease is the master's
        self._stopped.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._with_store(
            lambda store: store.gateway.drop_process(self._settings.gateway_instance, self.token)
        )

    def hold(self) -> bool:
        """Take or renew the lease; whether Redis answered."""
        instance = self._settings.gateway_instance
        return self._with_store(lambda store: store.gateway.hold_process(instance, self.process, self.token))

    def _run(self) -> None:
        while not self._stopped.wait(RETRY_S if self._pending else RENEW_S):
            if self._pending:
                self._retry()
            else:
                self.hold()

    def _retry(self) -> None:
        outcome = end_previous_session(self._settings, self.process, self.token, quiet=True)
        if outcome == "unknown":
            return
        self._pending = False
        starting.settle()  # workers forked from now on need not look
        words = start_words(outcome, self._settings.gateway_instance)
        log.info("Redis answers: %s", words or "no gateway session was live")

    def _with_store(self, act: Callable[[Store], None]) -> bool:
        assert self._settings.redis_url is not None
        try:
            with outage_said_by_caller():  # every few seconds while Redis is down: the requests' 503s say it
                store = Store.from_url(self._settings.redis_url, timeout_s=self._settings.redis_timeout)
                try:
                    act(store)
                finally:
                    store.close()
        except StoreUnavailable:
            return False
        except Exception as exc:  # its kind only: a Redis URL (and its password) stays out of the log
            log.warning("the gateway process's lease was not renewed (%s)", type(exc).__name__)
            return False
        return True
