"""Issuing OCRA challenges (DSC+ cards, IB Key challenge mode): limited in rate, never an alias of one the
card remembers, with a bounded memory per card.

**Rate.** Each challenge counts in two sliding windows (``store/lua/sliding_window.lua``), one per card and
one per user: ``SLS_CHALLENGE_ISSUE_LIMIT`` (20) per ``SLS_CHALLENGE_ISSUE_WINDOW`` (600 s), 429
``rate_limited`` with ``retry_after`` beyond, and nothing is issued. Whoever has the password could otherwise
draw thousands of challenges a minute by switching factors, to wear out a card's challenge space or to
fish for a challenge they hold a recorded response to.

**Memory.** A card remembers the last ``SLS_CHALLENGE_HISTORY`` (100,000) challenges it was given, by their
encoded bytes (RFC 6287 encodes "1" like "16": ``sls_devices.ocra.encoded_question_key``), and is never given
one it remembers or an alias of it; older ones are forgotten, oldest first
(``store/lua/claim_challenge.lua``). About 100 bytes each in Redis: at most ~10 MB for a card driven at the
limit for a month, a few hundred bytes a day for a card in normal use. (The record used to grow without
bound, and a card that reached 500,000 could not log in any more.)

**Why forgetting is safe.** A response is bound to its login transaction: the server checks it against the
challenge that transaction issued, so a recorded (challenge, response) pair of a card (a shoulder-surfed or
phished login) is useless unless that card is given the same challenge, or an alias of it, again. While the
challenge is remembered, it never is. Once it is forgotten, each new challenge hits it with probability
(aliases of it) / 10**6 divided by the share of challenges not remembered: QN06 has 937,501 distinct
encodings in its 10**6 challenges (878,908 alone, 54,931 pairs, 3,433 triples, 214 fours, 15 fives), so with
100,000 remembered that is about 1 in 890,000 for a challenge without alias, 1 in 440,000 for one of a pair,
1 in 180,000 at worst, and 1 in 780,000 on average over the challenges an eavesdropper can record. To get
there the attacker needs the password and must first make the card issue 100,000 further challenges: at
the default limit (2,880 a day per card) that is 35 days of sustained issuance, every one an audit event;
after that, each recorded pair succeeds with about 0.4% per day at that rate. A user logging in ten times a
day takes 27 years to push a challenge out. Raising ``SLS_CHALLENGE_HISTORY`` (up to 500,000, ~50 MB per
card at worst) or lowering the limit lengthens the 35 days in proportion. Guessing a response instead is
1 in 10**8 per try, at most ``SLS_DEVICE_FAILURE_LIMIT`` tries before the card is disabled.
"""

from __future__ import annotations

import secrets

from sls_devices.ocra import OcraSuite, encoded_question_key

from ..config import Settings
from ..events import EventLog
from ..frozen import frozen
from ..store.devices import DeviceRepo
from ..store.records import DeviceRecord
from . import Begin
from .errors import ChallengeLimited

_CANDIDATES_PER_TRY = 8
_TRIES = 16


@frozen
class ChallengePolicy:
    limit: int
    window: int
    history: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ChallengePolicy:
        return cls(
            limit=settings.challenge_issue_limit,
            window=settings.challenge_issue_window,
            history=settings.challenge_history,
        )


def _draw_candidates(suite: OcraSuite) -> tuple[list[str], list[str]]:
    """A try's candidate challenges and their encodings (RFC 6287's: what the card's memory compares). A
    numeric suite's (every card's) by :func:`numeric_key`: the general encoder checks and pads each one
    first, some 3 µs a challenge, eight a login."""
    candidates = new_challenges(_CANDIDATES_PER_TRY)
    if (
        suite.question_format == "N" and suite.question_length >= 6
    ):  # else the encoder refuses them, as before
        return candidates, [numeric_key(c) for c in candidates]
    return candidates, [encoded_question_key(suite, c) for c in candidates]


def new_challenge() -> str:
    """Six digits from ``secrets``, zero-padded: QN06."""
    return f"{secrets.randbelow(10**6):06d}"


def new_challenges(count: int) -> list[str]:
    """``count`` challenges as :func:`new_challenge` draws them, from one draw of ``secrets``: a number
    uniform below 10**(6 * count) is ``count`` independent uniform six-digit groups, read off its
    zero-padded decimal digits. One call of the CSPRNG for a try, not eight."""
    width = 6 * count
    digits = f"{secrets.randbelow(10**width):0{width}d}"
    return [digits[i : i + 6] for i in range(0, width, 6)]


def numeric_key(challenge: str) -> str:
    """:func:`~sls_devices.ocra.encoded_question_key` of a challenge of decimal digits, worked out on the
    hex digits: RFC 6287 writes the number in hex, pads an odd count with a "0" nibble and the field with
    zero bytes, and the key drops the trailing zero bytes ("00" for zero). The challenge is one this module
    drew, so not checked again. ``tests/unit/test_challenge_draw.py`` compares the two on all 10**6."""
    digits = format(int(challenge), "x")
    if len(digits) % 2:
        digits += "0"
    digits = digits.rstrip("0")  # the zero bytes, and a zero nibble before them (put back below)
    if len(digits) % 2:
        digits += "0"
    return digits or "00"


class ChallengeIssuer:
    """Draws a challenge the card does not remember, within the card's and the user's issuance windows."""

    def __init__(self, devices: DeviceRepo, events: EventLog, policy: ChallengePolicy) -> None:
        self._devices = devices
        self._events = events
        self.policy = policy

    def issue(self, suite: OcraSuite, device: DeviceRecord, step: Begin) -> str | None:
        """A fresh challenge for ``device``, or None when every draw was remembered (practically never: at
        most 56% of the challenges are remembered, at the largest history, so 128 draws all fail with a
        chance below 2**-100).
        :class:`ChallengeLimited` when the card or the user has had its share."""
        device_id = device.device_id
        candidates, encodings = _draw_candidates(suite)
        issued = self._devices.issue_challenge(
            device_id,
            step.username,
            now=step.now,
            window=self.policy.window,
            limit=self.policy.limit,
            member=secrets.token_hex(8),
            encodings=encodings,
            history=self.policy.history,
        )
        if issued.wait:
            self._events.record_flood(
                "challenge.rate_limited",
                per="user",
                at=step.now,
                user=step.username,
                factor=device.type,
                device_id=device_id,
                result="rate_limited",
                detail={"scope": issued.scope, "purpose": step.purpose},
            )
            raise ChallengeLimited(retry_after=issued.wait)
        if issued.claimed:
            return candidates[issued.claimed - 1]
        for _ in range(_TRIES - 1):
            candidates, encodings = _draw_candidates(suite)
            claimed = self._devices.claim_challenge(device_id, encodings, self.policy.history)
            if claimed:
                return candidates[claimed - 1]
        return None
