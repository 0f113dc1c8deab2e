"""Who may read ``/metrics`` when ``SLS_METRICS_TOKEN`` is set: the token compared in constant time, and a
wrong one counted against the client's address as a wrong admin or sim token is (``auth.token_guesses``).

The token was compared in memory only, as often as a client cared to ask, and no wrong one reached the audit
trail: an operator-chosen token (16 characters, often a phrase) was open to a dictionary at thousands of
guesses a second, while the admin and sim tokens were already limited. Now the same rule holds, with three
choices made for a door that a machine opens every few seconds:

- **A window of its own** (``keys.metrics_guesses``), with the same numbers (``SLS_IP_THROTTLE_LIMIT`` per
  ``SLS_IP_THROTTLE_WINDOW``). Prometheus often runs on the machine an operator types the admin token on: in
  the admin and sim tokens' window, a Prometheus left with an old token (30 scrapes in 5 minutes at a 10 s
  interval) would shut the admin API and the console to that machine, and a few mistyped admin tokens would
  blind the monitoring. Apart, a guesser gets one more window's worth of guesses against a token of 16 or
  more characters: nothing that matters.
- **While the window is full, the right token is refused too** (``429 rate_limited``), as at the other
  doors, else a right guess would still read as one. So only wrong tokens from the scraper's own address
  (its /64 over IPv6) can hold it off; behind a proxy, set ``SLS_TRUSTED_PROXIES`` so that the address is
  the client's, not the proxy's that every client shares.
- **A scrape while Redis cannot serve still answers** to the right token (the window cannot be read: the
  workers' counters, ``sls_redis_errors_total`` first among them, are what an operator needs then), and a
  wrong token is refused (401) without being counted. A guesser gains nothing from an outage it cannot
  cause, beyond the outage's length; a monitoring blind for it would lose the one metric that tells of it.

A request with no bearer token at all is no guess, costs no Redis round trip and is not counted; a right
token costs one read (a scrape, every few seconds, never a user's request). A wrong one is recorded once per
address and window (``metrics.token_refused``, ``EventLog.record_flood``), never the token.
"""

from __future__ import annotations

import hmac

from ..clock import Clock
from ..config import Settings
from ..errors import StoreUnavailable
from ..events import EventLog
from .token_guesses import TokenGuesses

#: The audit trail's event for a wrong /metrics token.
REFUSED = "metrics.token_refused"


class MetricsAccess:
    def __init__(self, settings: Settings, guesses: TokenGuesses, events: EventLog, clock: Clock) -> None:
        self._settings = settings
        self._guesses = guesses
        self._events = events
        self._clock = clock

    def opens(self, given: str | None, *, ip: str | None) -> bool:
        """Whether a request bearing ``given`` (None: no bearer token) may read /metrics: always when no
        token is set; else only the right one, while ``ip`` has not given too many wrong ones lately
        (``TokenGuessesLimited`` then, whatever the token). The window runs on the app's clock, as the other
        doors' do; it is read only for a token given, so a request without one costs no round trip."""
        token = self._settings.metrics_token
        if token is None:
            return True
        if given is None:
            return False
        right = hmac.compare_digest(given.encode(), token.encode())
        try:
            at = self._clock.now()  # may read Redis too
            self._guesses.judge(right=right, ip=ip, now=at)
            if not right:
                self._events.record_flood(REFUSED, per="ip", at=at, ip=ip, result="wrong_token")
        except StoreUnavailable:
            return right  # nothing can be counted; the scrape still answers (the module says why)
        return right
