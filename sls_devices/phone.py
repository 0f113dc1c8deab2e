"""The subscriber's phone as the network sees it: texts and voice calls, and the conditions that change
where they arrive (a carrier that blocks SMS, roaming, texts lost abroad, a delay, a SIM swapped to someone
else's handset, a phone that needs a restart).

Pure: the server's delivery code asks these functions what happens and stores the result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CODE_RE = re.compile(r"\b(\d{6,8})\b")
HANDSET_RE = re.compile(r"^(?:\+[1-9][0-9]{6,14}|[A-Za-z0-9_.+-]*[A-Za-z][A-Za-z0-9_.+-]*)$")
"""A handset's name: its own number, or a short name for a phone without one of its own (``attacker``).

A name has a letter: digits alone are a number whose ``+`` was left out (``15555550104``), and taken as a
name they would address an empty phone of their own, so that a carrier block set on it silently blocks
nothing. At most :data:`HANDSET_MAX` characters (the length is checked apart: Rust's regex engine, which
validates the request shapes, has no look-ahead)."""
HANDSET_MAX = 32
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
SENDER = "IBKR"
MASK_DOTS = 7


@dataclass(frozen=True)
class Conditions:
    carrier_blocks_sms: bool = False
    roaming: bool = False
    delivery_delay_s: int = 0
    sim_swapped_to: str | None = None
    """Another handset now holds this number's SIM: texts and calls reach it, not the subscriber."""
    needs_restart: bool = False
    """The subscriber's phone stopped taking texts until it is powered down and on again (the broker's
    "I am not receiving text messages", step 2: "Usually this should be sufficient for text messages to
    start coming through"). Texts sent meanwhile are lost; voice callbacks still ring (step 3)."""
    roaming_loses_every: int = 0
    """While roaming, every Nth text is lost (1: all of them, 2: the second, fourth...; 0: none): the
    broker's "roaming outside of your carrier's coverage (when abroad) you might not receive all messages".
    A rule, not a chance, so a test or a demo knows which text goes missing; texts are counted from when the
    conditions were last set (``route_sms``'s ``roaming_text_no``)."""
    approves_pushes: bool = False
    """A test hook, not a network's doing: the IB Key app on this smartphone approves each push as it
    arrives, as an owner who taps every notification would (``sim.ibkey.app``'s ``approve_by_itself``). No
    effect on texts and calls."""

    def handset_for(self, number: str) -> str:
        return self.sim_swapped_to or number


@dataclass(frozen=True)
class Delivery:
    """Where a text or call ends up, and when; ``delivered`` False means the network dropped it."""

    handset: str
    deliver_at: int
    delivered: bool
    notes: tuple[str, ...] = field(default_factory=tuple)


def conditions_update(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The whole set a client sends to replace a number's conditions (``PUT .../conditions``) when it means
    to change only ``changes``: ``current`` as the server showed it (its ``number`` left out), with
    ``changes`` over it. Leaving roaming drops the loss rule, unless ``changes`` names one: a rule that
    holds only abroad would otherwise be refused at home. The one rule every client of the API applies
    (``sls phone conditions``, the scenarios' step, the pytest fixture)."""
    merged = {key: value for key, value in current.items() if key != "number"} | dict(changes)
    if changes.get("roaming") is False and "roaming_loses_every" not in changes:
        merged["roaming_loses_every"] = 0
    return merged


def counts_roaming_texts(conditions: Conditions) -> bool:
    """Whether a text to this number takes a place in the roaming count :func:`route_sms` judges by: one
    the carrier, a phone that needs a restart, or a swapped SIM takes first is not counted."""
    blocked = conditions.carrier_blocks_sms or conditions.needs_restart or conditions.sim_swapped_to
    return conditions.roaming and conditions.roaming_loses_every > 0 and not blocked


def route_sms(number: str, conditions: Conditions, *, now: int, roaming_text_no: int = 0) -> Delivery:
    """Where a text lands. ``roaming_text_no``: its place among the texts counted while roaming (from 1),
    when :func:`counts_roaming_texts`; every ``roaming_loses_every``-th is lost."""
    notes = []
    if conditions.sim_swapped_to:
        notes.append("sim_swapped")
    if conditions.carrier_blocks_sms:
        return Delivery(conditions.handset_for(number), now, False, (*notes, "carrier_blocked"))
    if conditions.needs_restart and not conditions.sim_swapped_to:  # a swapped SIM is in another phone
        return Delivery(number, now, False, ("needs_restart",))
    if counts_roaming_texts(conditions):
        if roaming_text_no < 1:
            raise ValueError("a text counted while roaming needs its place in the count (from 1)")
        if roaming_text_no % conditions.roaming_loses_every == 0:
            return Delivery(number, now, False, ("roaming_lost",))
    if conditions.delivery_delay_s:
        notes.append("delayed")
    return Delivery(conditions.handset_for(number), now + conditions.delivery_delay_s, True, tuple(notes))


def route_call(number: str, conditions: Conditions, *, now: int) -> Delivery:
    """Voice reaches the handset even where the carrier blocks texts (the broker's fallback for that case)."""
    notes = ("sim_swapped",) if conditions.sim_swapped_to else ()
    return Delivery(conditions.handset_for(number), now, True, notes)


def how_long(seconds: int) -> str:
    """How long a text may say a code lives that lives ``seconds``: whole minutes rounded down, never up, so
    a user who takes the text at its word is never refused (90 s is "1 minute", not "2 minutes"); under a
    minute, the seconds."""
    if seconds < 60:
        return "1 second" if seconds == 1 else f"{max(seconds, 0)} seconds"
    minutes = seconds // 60
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def security_code_text(code: str, *, valid_s: int) -> str:
    return (
        f"{SENDER}: Your security code is {code}. It is valid for {how_long(valid_s)}. "
        "IBKR will never ask you for this code. Do not share it with anyone."
    )


def number_check_text(code: str, *, valid_s: int) -> str:
    """The text a new number gets before it replaces the old one on the account (proof that its holder has
    it: NIST SP 800-63B-4 treats a new number as a new authenticator)."""
    return (
        f"{SENDER}: Your code to confirm this phone number is {code}. It is valid for {how_long(valid_s)}. "
        "If you did not ask to add this number to an account, ignore this message."
    )


def activation_code_text(code: str, *, valid_s: int) -> str:
    return (
        f"{SENDER}: Your IBKR Mobile activation code is {code}. Enter it in the app within "
        f"{how_long(valid_s)}. If you did not request it, contact IBKR Client Services."
    )


#: The last sentence of every security notice.
NOTICE_CLOSING = "If this was not you, contact IBKR Client Services immediately."


def notice_text(what: str) -> str:
    return f"{SENDER}: {what} {NOTICE_CLOSING}"


def voice_transcript(code: str) -> str:
    """The callback reads the code digit by digit, twice, as the broker's voice system does."""
    spoken = ", ".join(DIGIT_WORDS[int(d)] for d in code)
    return (
        "Hello. This is Interactive Brokers with your login authentication code. "
        f"Your code is: {spoken}. Again, your code is: {spoken}. Goodbye."
    )


def is_handset(name: str) -> bool:
    """Whether ``name`` can address a phone: an E.164 number, or a short handset name for a swapped SIM."""
    return len(name) <= HANDSET_MAX and bool(HANDSET_RE.fullmatch(name))


def parse_code(text: str) -> str | None:
    found = CODE_RE.search(text)
    return found.group(1) if found else None


def mask_number(number: str) -> str:
    """What a login page shows: country code and the last four digits, like ``+1•••••••0100``.

    The hidden part is always seven dots, as in the broker's pages, so the mask does not tell the length.
    """
    if len(number) < 6:
        return "•" * len(number)
    return number[:2] + "•" * MASK_DOTS + number[-4:]
