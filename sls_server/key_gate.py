"""A worker's own check of ``SLS_SECRET_KEY`` against Redis, when its server could not make it at start-up.

``sls serve`` refuses a Redis whose secrets are sealed under another key (``runtime.claim_secret_key``), but
a Redis that did not answer at start-up was judged only by the master's ``cli.key_watch``, once a second
after it came back: in between, the workers served requests with a key no other instance on that Redis
shares (a card enrolled then was sealed under it, and answered 500 on every other instance). Told the key is
unchecked (``create_app(key_checked=False)``), a worker asks Redis before each request that may use it (one
round trip), until one finds the key is the one Redis records (or records it, as the first server's start
does): from then on it asks nothing. Another key: 503 ``store_unavailable``, nothing served, said once at
error level; the master's watch stops the server within the second.
"""

from __future__ import annotations

import logging

from .errors import StoreUnavailable
from .secretbox import key_check
from .store import Store

log = logging.getLogger(__name__)


class KeyGate:
    def __init__(self, store: Store, secret_key: bytes) -> None:
        self._store = store
        self._mine = key_check(secret_key)
        self._first_form = key_check(secret_key, form=1)
        self._checked = False
        self._said = False

    def check(self) -> None:
        """Nothing once the key was found right; else one round trip: StoreUnavailable (503) when Redis does
        not answer, or holds another key's check."""
        if self._checked:
            return
        recorded = self._store.claim_key_check(self._mine, first_form=self._first_form)
        if recorded == self._mine:
            self._checked = True
            return
        if not self._said:
            self._said = True
            log.error(
                "SLS_SECRET_KEY: this Redis holds secrets sealed under another key: every request answers "
                "503 until the server stops"
            )
        raise StoreUnavailable()
