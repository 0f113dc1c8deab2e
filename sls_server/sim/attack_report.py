"""What a staged attack (:mod:`.attacks`) reports: its counts, and each refusal in the words a trainer reads
out, taken from the error's code (and class), never from the service's English."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import TYPE_CHECKING, Any

from sls_devices.phone import NOTICE_CLOSING, SENDER

from ..errors import SlsError, StoreUnavailable
from ..shapes.attacks import AttackKind, AttackReport, AttackVerdict, AttackWaiting

if TYPE_CHECKING:
    from ..store import Store
    from ..store.records import TextMessage
    from ..wiring import Core

_RATE_LIMITS = {
    "SendLimited": "the send limit refused another code to the phone",
    "ChallengeLimited": "the card's challenge limit refused another challenge",
}
_REFUSALS = {
    "invalid_credentials": "the password was wrong",
    "account_locked": "the account is locked, whatever the password",
    "account_disabled": "the account is disabled",
    "ip_restricted": "IP restrictions refuse the attacker's address",
    "no_second_factor": "the account has no active security device",
    "device_locked": "every security device of the account is locked",
    "client_services_required": "a password is never reset with the phone alone: only Client Services can",
}


def refusal(exc: SlsError) -> str:
    """Why the service refused an attempt, for the report: by the error's code (and, for the limits that
    share ``rate_limited``, its class), never by parsing the service's English."""
    if exc.code == "rate_limited":
        reason = _RATE_LIMITS.get(type(exc).__name__, "the attacker's address is throttled")
    else:
        reason = _REFUSALS.get(exc.code, "the service refused it")
    return f"{reason} ({exc.status} {exc.code})"


@dataclass
class Report:
    kind: AttackKind
    target: str
    attempts: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    #: Each refused attempt's reason (:func:`refusal`), counted, so the summary says what really stopped it.
    refusals: Counter[str] = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)
    #: The seconds each rate limit that refused an attempt said to wait (its last ``retry_after``), by the
    #: error's class: the limits that share ``rate_limited`` outlast the attack, and may hit the victim too.
    waits: dict[str, int] = field(default_factory=dict)
    succeeded: bool = False
    #: The attack never ran (a phished password that is not the victim's, or a lock from before that would
    #: refuse every login, :mod:`.prior_lock`): neither side won, so the verdict
    #: is neither "the attacker got in" nor "the defences held".
    not_run: bool = False
    #: It did not run because the victim was locked from before (:mod:`.prior_lock`): the console then
    #: offers to unlock them and stage it again, the next step a trainer running attacks back to back takes.
    victim_locked: bool = False
    #: Logins left waiting on the victim's approval (push bombing): the attacker's address and until when
    #: (``sim.attacker_waits``); an approval lets the attacker in after the report.
    waiting: AttackWaiting | None = None
    #: A push bombing's logins left waiting on a push: txn id -> its expiry (``.push_bombing_state``).
    pushes_waiting: dict[str, int] = field(default_factory=dict)
    #: The address the attacker logs in from, for the attacks that log in with a phished password: the
    #: first of its range the victim never signed in from (:func:`fresh_address`).
    ip: str = ""

    def refused(self, exc: SlsError) -> None:
        """Count a refusal; an outage is not one (the attack stops: 503, as any request would)."""
        if isinstance(exc, StoreUnavailable):
            raise exc
        self.outcomes[exc.code] += 1
        self.refusals[refusal(exc)] += 1
        if exc.code == "rate_limited":
            self.waits[type(exc).__name__] = int(exc.extra.get("retry_after") or 0)

    def relabel(self, code: str, count: int, reason: str) -> None:
        """Say ``count`` of the refusals with ``code`` in ``reason``'s words instead: an attack that knows
        whose account refused them says so (a spray's made-up names are not its victim)."""
        for key in [k for k in self.refusals if k.endswith(f" {code})")]:
            moved = min(count, self.refusals[key])
            if not moved:
                continue
            count -= moved
            self.refusals[key] -= moved
            if not self.refusals[key]:
                del self.refusals[key]
            self.refusals[f"{reason}{key[key.rindex(' (') :]}"] += moved

    def guessed(self, said: str, *, defence: str, acted: str) -> None:
        """A guessing attack's summary: ``said`` (what it tried), then ``defence`` only if the answers show it
        acted (an ``acted`` error among the outcomes: an allowlist may have refused every guess first), then
        what refused each attempt."""
        self.lines.append(f"{said}; {defence}." if self.outcomes[acted] else f"{said}.")
        self.say_refusals()

    def say_send_limit_from_before(self, attack: str) -> None:
        """A send limit already reached (an earlier attack's codes, a push bombing's say) refused this
        attack's login before any code went out: said, with when it lifts, so the room is not told the
        defences held against this attack when it never reached the victim's phone."""
        wait = self.waits.get("SendLimited")
        if wait is None:
            return
        minutes = max(1, -(-wait // 60))
        self.lines.append(
            "The phone's send limit was already reached (an earlier attack's codes count for a while), so "
            f"the login was refused before any code was sent. It lifts in about {minutes} min: move the "
            f"clock on, then stage the {attack} again."
        )

    def say_refusals(self) -> None:
        for reason, count in self.refusals.most_common():
            self.lines.append(f"{count} attempt{'s' if count != 1 else ''} refused: {reason}.")

    def verdict(self) -> AttackVerdict:
        if self.not_run:
            return "not_run"
        return "attacker_got_in" if self.succeeded else "defences_held"

    def as_dict(self) -> AttackReport:
        report: AttackReport = {
            "kind": self.kind,
            "target": self.target,
            "attempts": self.attempts,
            "outcomes": dict(self.outcomes),
            "summary": " ".join(self.lines),
            "attacker_succeeded": self.succeeded,
            "verdict": self.verdict(),
        }
        if self.waiting is not None:
            report["waiting"] = self.waiting
        if self.victim_locked:
            report["victim_locked"] = True
        return report


#: How many addresses each phished-password attack has, from its first (a documentation range, RFC 5737).
POOL = 10


def address_pool(first: str) -> list[str]:
    """The attack's addresses: ``first`` and the next :data:`POOL` - 1."""
    start = ip_address(first)
    return [str(start + i) for i in range(POOL)]


def fresh_address(core: Core, username: str, first: str) -> str:
    """The first address of the attack's pool ``username`` never signed in from: a run comes from a place new
    to the victim, so her sign-in notice tells of it every run, not only the first (a relay that got in once
    made its address known, and the next relay's login was no news). All known: ``first``, and the report
    says why no notice came."""
    known = set(core.store.lockout.known_ips(username))
    return next((ip for ip in address_pool(first) if ip not in known), first)


def attempt(
    core: Core, report: Report, username: str, password: str, ip: str, *, now: int
) -> dict[str, Any] | None:
    """One password attempt by the attacker; the started login when the password was right."""
    report.attempts += 1
    try:
        started = core.logins.start(username, password, now=now, ip=ip)
    except SlsError as exc:
        report.refused(exc)
        return None
    report.outcomes["password_accepted"] += 1
    return started


def factor_title(core: Core, factor: dict[str, Any]) -> str:
    """What the report calls a factor of a login step: the factor's own title (and IB Key's mode)."""
    title = core.factors.get(factor["type"]).title
    return f"{title} challenge/response" if factor.get("mode") == "challenge" else title


def hhmm(at: int) -> str:
    """An instant as the reports say it (UTC, to the minute): how long an attacker's page keeps waiting."""
    return time.strftime("%H:%M", time.gmtime(at))


def notice_messages(store: Store, number: str | None) -> list[TextMessage]:
    """The notices on the phone of ``number``, oldest first (ASVS 6.3.5: a lock the attack placed, or its
    sign-in from a new address, texts one more), which the reports and the relay's attacker screen quote."""
    if not number:
        return []
    found = [m for m in store.phones.messages(number) if m.purpose == "notice"]
    return sorted(found, key=lambda m: m.at)


def notices_on(store: Store, number: str | None) -> dict[str, str]:
    """:func:`notice_messages`, id to text: what a report compares before and after the attack."""
    return {m.id: m.text for m in notice_messages(store, number)}


def quote_notice(text: str) -> str:
    """A notice as a report quotes it, without the sender's name and the closing line every notice has."""
    said = text.removeprefix(f"{SENDER}: ").removesuffix(f" {NOTICE_CLOSING}")
    return f'The victim\'s phone got a text: "{said}"'
