"""gunicorn's master for ``sls serve``, ``sls demo`` and ``sls gateway``: a first Ctrl-C drains, as SIGTERM.

gunicorn takes SIGINT for its quick stop: the master sends SIGQUIT to the workers and each leaves at once,
saying "Worker exiting" while its requests in flight were still being answered (a trainer's live feed held its
worker until the master killed it, 10 s later). The docs promised what an operator expects of a first Ctrl-C,
the graceful stop of SIGTERM: no new connection, the requests in flight finished (up to gunicorn's graceful
timeout), then the embedded Redis stopped. Here a first SIGINT is taken for SIGTERM, and said so in one line;
a second is gunicorn's own quick stop (gunicorn >= 27 watches for it while it drains; the workers, which get
Ctrl-C from the terminal too, quit on it in any version: ``worker_signals``).
"""

from __future__ import annotations

import signal
from typing import Any

from .gunicorn_base import Arbiter


class DrainingArbiter(Arbiter):
    """gunicorn's ``Arbiter``, whose first SIGINT is a graceful stop that says so."""

    interrupted = False

    def signal(self, sig: int, frame: Any) -> None:
        """gunicorn's handler, which only queues the signal: a first SIGINT is queued as SIGTERM (here, not in
        ``handle_int``, so a SIGTERM from ``sls demo``'s supervisor queued before it is not taken for a
        second Ctrl-C: the demo passes the terminal's SIGINT on as SIGTERM)."""
        if sig == signal.SIGINT and not self.interrupted:
            self.interrupted = True
            sig = signal.SIGTERM
        super().signal(sig, frame)

    def handle_term(self) -> None:
        # gunicorn's own line before this one says "Handling signal: term" for a first Ctrl-C too: say why
        how = "Ctrl-C (SIGINT, taken as SIGTERM)" if self.interrupted else "SIGTERM"
        assert self.log is not None, "gunicorn sets its logger up before it handles a signal"
        self.log.info(
            "%s: finishing the requests in flight (up to %s s), then stopping; Ctrl-C again to stop at once",
            how,
            self.cfg.graceful_timeout,
        )
        super().handle_term()
