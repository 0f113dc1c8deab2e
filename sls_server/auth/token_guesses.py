"""Wrong admin and simulator tokens counted per client address, so no client can try tokens one after another.

The admin token opens everything (users' passwords, the state export with every card's key); the sim token
opens every simulated phone's texts. ``sls demo`` generates the admin token (256 bits), but an operator may
set either (``SLS_ADMIN_TOKEN``, ``SLS_SIM_TOKEN``: at least 16 characters, often a phrase a person chose),
and a classroom whose students play the attacker has every reason to try. Each check was in memory and
unlimited: a client could send thousands of guesses a second, none of them in the audit trail.

Now every wrong token given (an ``Authorization: Bearer`` at ``/admin/v1`` or ``/sim/v1``, a token typed at
the console's or the simulator pages' sign-in) counts in the address's own sliding window (an IPv6 client by
its /64, as the login throttle counts it): ``SLS_IP_THROTTLE_LIMIT`` of them in ``SLS_IP_THROTTLE_WINDOW``
(30 in 5 minutes by default), the same numbers as failed logins but a window apart (``keys.token_guesses``),
so a trainer's negative login tests never shut the admin API. While the window is full, every token from that
address is refused, the right one too (``429 rate_limited`` with ``retry_after``): else the answer to a right
guess would still tell it apart. A request that gives no token at all (a browser opening an admin address)
is no guess and is not counted. A right token from an address with no wrong ones costs one read.
"""

from __future__ import annotations

import secrets

from ..accounts.clientip import client_block
from ..store.lockout import GuessPool, LockoutRepo
from .errors import TokenGuessesLimited
from .lockout_policy import LockoutPolicy


class TokenGuesses:
    def __init__(self, repo: LockoutRepo, policy: LockoutPolicy, pool: GuessPool = "doors") -> None:
        """``pool``: the window the guesses count in, the admin and sim tokens' or /metrics' own
        (``auth.metrics_access`` says why apart)."""
        self._repo = repo
        self._policy = policy
        self._pool: GuessPool = pool

    def judge(self, *, right: bool, ip: str | None, now: int) -> None:
        """Count a wrong token from ``ip`` and pass a right one, unless the address's window is full: then
        :class:`TokenGuessesLimited` either way. The caller refuses a wrong token that passed (its 401) and
        records it. No address (a client the server cannot place) is not judged."""
        if ip is None:
            return
        block = client_block(ip)
        window, limit = self._policy.ip_window_s, self._policy.ip_limit
        if right:
            stamps = self._repo.token_guesses_in(block, now=now, window_s=window, pool=self._pool)
            if len(stamps) >= limit:
                raise TokenGuessesLimited(retry_after=max(stamps[0] + window - now, 1))
            return
        wait = self._repo.token_guess(
            block, now=now, window_s=window, limit=limit, guess_id=secrets.token_hex(8), pool=self._pool
        )
        if wait:
            raise TokenGuessesLimited(retry_after=wait)
