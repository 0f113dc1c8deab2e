"""Checks the secret key against Redis once Redis answers, when it did not at start-up.

``sls serve`` refuses to start on a Redis whose secrets are sealed under another ``SLS_SECRET_KEY`` (exit 2
naming it: ``runtime.claim_secret_key``), but a Redis that did not answer at start-up was never asked: a
second instance started on another machine while the team's Redis restarted (each machine generates its
own key into its data folder) went on serving once Redis came back, answering 500 for every card the others
had enrolled and sealing its own enrolments under a key they could not open, and a first server recorded
no check for later ones to meet. Now the gunicorn master asks again once a second until Redis answers: the
same key, and it says so and stops asking; another one, and it logs the start-up's error and stops the
server (exit 2, as at start-up). Between Redis coming back and the next look (a second at most) each worker
checks the key itself before serving (``key_gate``): they were served unchecked.
"""

from __future__ import annotations

import logging
import os
import signal
import threading

from ..config import Settings
from ..errors import InvalidConfig
from ..runtime import claim_secret_key

log = logging.getLogger(__name__)


class KeyWatch:
    def __init__(self, settings: Settings, *, every_s: float = 1.0) -> None:
        self._settings = settings
        self._every_s = every_s
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        #: Why the server was stopped (the key does not match, or the URL is refused), once it was.
        self.refused: InvalidConfig | None = None

    def start(self) -> KeyWatch:
        self._thread = threading.Thread(target=self._run, name="sls-secret-key-watch", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def check(self) -> bool:
        """One look: True when it is settled (the key checked, or the server being stopped)."""
        try:
            checked = claim_secret_key(self._settings, quiet=True)
        except InvalidConfig as exc:
            self.refused = exc
            log.error("%s; stopping the server", exc.message)
            os.kill(os.getpid(), signal.SIGTERM)  # gunicorn's graceful stop; ``serve_run.run`` exits 2
            return True
        if checked:
            log.info("SLS_SECRET_KEY: checked against Redis, which answers now")
        return checked

    def _run(self) -> None:
        while not self._stopped.wait(self._every_s):
            if self.check():
                return
