"""A password recovery's secrets and its codes' tries: what is kept of the token and the code (digests:
the token's SHA-256, the code's HMAC under a pepper derived from the server's key, which is not in Redis),
the text that carries the code, and the count of codes tried at one name across its recoveries.

The count is kept in two budgets, as ``lockout_known_ips`` keeps a login's failures: one for the addresses the
user has signed in from (``known``), one for every other address together (``new``). A single count let
anyone who knew a name spend its tries and block the owner's own reset for a day (ASVS 5.0 6.1.1: no
malicious lockout); a stranger now spends only the ``new`` budget, and since every address new to the user
shares it, changing address buys a guesser no try (NIST SP 800-63B-4 §3.2.2 allows a count per known place).
A name no user has knows no address: every try at it is ``new``, as a stranger's at a user's.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import NamedTuple

from sls_devices.phone import SENDER, how_long

from ..event_details import CodeBudget
from ..secretbox import pepper as derive_pepper
from ..store.phones import PhoneRepo
from .errors import RateLimited

#: Wrong codes a recovery takes before it ends.
CODE_ATTEMPTS = 5
#: Codes tried at one name in one budget, whichever of its recoveries, in :data:`CODE_TRIES_WINDOW_S`, before
#: its recoveries take no more from that budget's addresses (429): a new recovery must not give five fresh
#: guesses (NIST SP 800-63B-4: a new code does not reset the count; at most 100 failures in a row: both
#: budgets together are 40). A right code forgets its budget's.
CODE_TRIES_PER_NAME = 20
CODE_TRIES_WINDOW_S = 86_400
#: The token's bytes of randomness (the client's only hold on the recovery).
TOKEN_BYTES = 24


def pepper_from(secret_key: bytes) -> bytes:
    return derive_pepper(secret_key, b"sls password recovery code")


def recovery_text(code: str, *, valid_s: int) -> str:
    return (
        f"{SENDER}: Your code to reset your password is {code}. It is valid for {how_long(valid_s)}. "
        "If you did not ask for it, someone knows your username: contact IBKR Client Services."
    )


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


#: Which count a try falls in: the user's own addresses', or every other address's (the trail's
#: ``detail.budget``).
Budget = CodeBudget


class Tried(NamedTuple):
    """A code tried at a name: the name's reference (empty for a recovery with no name), the try's own member
    of the window (handed back unless the code was judged), its budget, and the seconds to wait when that
    budget is spent (0: counted)."""

    ref: str
    member: str
    budget: Budget
    wait: int


class RecoveryCodes:
    """The digests a recovery keeps, and the tries of codes at one name (:data:`CODE_TRIES_PER_NAME` in
    :data:`CODE_TRIES_WINDOW_S`), counted in the send windows' store."""

    def __init__(self, pepper: bytes, windows: PhoneRepo, known: Callable[[str, str], bool]) -> None:
        self._pepper = pepper
        self._windows = windows
        self._known = known  # (name, address): has the user signed in from it (``LockoutRepo.is_known_ip``)

    def name_ref(self, name: str) -> str:
        """The name as its tries are counted: keyed (the pepper is not in Redis), so the keys name nobody."""
        return hmac.new(self._pepper, f"name:{name}".encode(), hashlib.sha256).hexdigest()[:32]

    def digest(self, digest: str, code: str) -> str:
        """What is kept of the code of the recovery whose token's digest is ``digest``."""
        return hmac.new(self._pepper, f"{digest}:{code}".encode(), hashlib.sha256).hexdigest()

    def budget(self, name: str, ip: str | None) -> Budget:
        """The budget of a try at ``name`` from ``ip``: ``known`` from an address the user signed in from.
        Asked of Redis for every name, a user's or not, so both send the same commands."""
        return "known" if ip and self._known(name, ip) else "new"

    def tried(self, name: str | None, ip: str | None, *, now: int) -> Tried:
        """Count a code tried at ``name`` (the recovery's; None: it has none) from ``ip``, in the budget of
        that address; its ``wait`` says the budget is spent, which a name no user has reaches alike. The
        address is looked up for every name, a user's or not, so both send the same commands."""
        ref, member = (self.name_ref(name) if name else ""), secrets.token_hex(8)
        budget = self.budget(name, ip) if name else "new"
        wait = 0
        if ref:
            wait = self._windows.hit(
                "recovery_code",
                _who(ref, budget),
                now=now,
                window_s=CODE_TRIES_WINDOW_S,
                limit=CODE_TRIES_PER_NAME,
                member=member,
            )
        return Tried(ref, member, budget, wait)

    def settle(self, tried: Tried, status: str) -> None:
        """A right code forgets the tries of the budget it came through; a try the code's check did not judge
        (no recovery waiting) is handed back; a wrong one stays counted."""
        who = _who(tried.ref, tried.budget)
        if tried.ref and status == "ok":
            self._windows.forget_window("recovery_code", who)
        elif tried.ref and status != "wrong":
            self._windows.unhit("recovery_code", who, tried.member)


def spent(wait: int) -> RateLimited:
    """The refusal of a try whose budget is spent: the same words from either budget and at any name (which
    budget it was is the trail's to say, not an outsider's to learn)."""
    return RateLimited(
        "Too many wrong codes at this username from where you are: wait, or ask Client Services to reset the "
        "password.",
        retry_after=wait,
    )


def _who(ref: str, budget: Budget) -> str:
    """The window of one budget of the name ``ref``: one key each, each its own slot (``sliding_window.lua``
    counts and limits in one step, never a read then a write)."""
    return f"{ref}:{budget}"
