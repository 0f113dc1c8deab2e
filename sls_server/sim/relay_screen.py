"""The attacker's screen of a phishing relay: what the attacker saw, step by step, for a room to watch.

The relay (:mod:`.relay`) writes down what reaches the attacker as it runs (a :class:`Screen`): the copied
login page the victim was lured to, at its look-alike address; that her password and then her code arrived
(never what they were: the screen says "captured" beside a fixed mask, so neither a secret nor its length
reaches a page, a log or the trail); the relaying to the real login from the attacker's address; and what
the real login asked for. A push's outcome is not known when the relay returns: the victim answers on her
phone later. :func:`read_screen` reads it then from the login itself (its state in the store), so the page
and ``sls attack-screen`` say where it stands now: waiting on the number the attacker must get her to pick,
stopped by number matching, denied, expired, or the attacker in; once in, with the sign-in notice her phone
got then (the one the relay's login texted), which the report, made before her pick, could not quote.
The last :data:`KEPT` relays are kept, newest first: a class stages several, and a relay still waiting on
her phone when the next is staged ends on the screen of its own.

Plain functions over the core, no Flask: the trainer's page, the admin route and the CLI print the same
sentences.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from sls_devices.phone import notice_text

from ..auth import Suspicion, sign_in_text
from ..shapes.attacks import RelayRun, RelayScreen, RelayStep
from .attack_report import hhmm, notice_messages, quote_notice

if TYPE_CHECKING:
    from ..store.records import LoginTxn
    from ..wiring import Core

#: The copy's address: a look-alike of the broker's, on a name reserved for examples (RFC 2606), so it can
#: never be anybody's real page.
FAKE_ADDRESS = "https://ndcdyn.interactivebrokers.com.secure-login.example/sso/Login"
#: What a secret the victim typed is shown as: always the same, so not even its length is told.
MASK = "••••••••"
#: How long the relays' screens are kept: a class, not for good.
KEPT_S = 86400
#: How many relays' screens are kept and shown: the newest and the few before it.
KEPT = 5

Side = Literal["victim", "attacker", "real"]
State = Literal["waiting", "got_in", "stopped", "over"]

#: A refusal of the relayed password (its error code) as the defence that stopped the relay.
DEFENCES = {
    "ip_restricted": "IP restrictions: the relay's address is outside the allowlist",
    "account_locked": "the account lock",
    "account_disabled": "the account is disabled",
    "rate_limited": "a rate limit",
    "device_locked": "every security device of the account is locked",
    "no_second_factor": "the account has no active security device",
}

#: What the victim's answer to each kind of step is called on the attacker's screen.
TYPED = {
    "dscplus": "the card's response",
    "sms": "the texted code",
    "voice": "the code the call read out",
    "totp": "the authenticator app's code",
    "ibkey": "IB Key's response",
    "temporary": "the temporary passcode",
}


@dataclass
class Screen:
    """What one relay showed its attacker, as the relay ran; kept as a JSON document (no secret in it)."""

    victim: str
    ip: str
    at: int
    steps: list[RelayStep] = field(default_factory=list)
    state: State = "over"
    outcome: str = ""
    defence: str | None = None
    #: The relayed login waiting on the victim's phone (a push): its state is read from the store later.
    txn_id: str | None = None
    number: str | None = None
    expires_at: int | None = None

    def say(self, side: Side, said: str) -> None:
        self.steps.append({"side": side, "said": said})

    def lured(self) -> None:
        self.say(
            "victim",
            f"{self.victim} opened the attacker's look-alike of the login page, at {FAKE_ADDRESS}, and typed "
            "their username and password.",
        )
        self.say("attacker", f"Captured: username {self.victim}, password {MASK}.")
        self.say("attacker", f"The attacker's server relayed them to the real login page from {self.ip}.")

    def captured(self, kind: str, *, on_attackers_handset: bool = False) -> None:
        """The victim typed her answer to a ``kind`` step into the copy (or, after a SIM swap, the code
        reached the attacker's own handset): said masked."""
        what = TYPED.get(kind, "the answer")
        if on_attackers_handset:
            self.say("attacker", f"Read on the attacker's own handset: {what} {MASK}.")
        else:
            self.say("attacker", f"Captured: {what} {MASK}.")
        self.say("attacker", f"The attacker relayed it to the real login page from {self.ip}.")

    def end(self, state: State, outcome: str, defence: str | None = None) -> None:
        self.state, self.outcome, self.defence = state, outcome, defence

    def stopped_by(self, code: str, reason: str) -> None:
        """The real login refused the relayed password or code (``code``: its error's)."""
        self.say("real", f"The real login refused it: {reason}.")
        defence = DEFENCES.get(code)
        said = f"Stopped by {defence}." if defence else "The real login refused the relay."
        self.end("stopped", said, defence)

    def waits_on_push(self, txn_id: str, number: str | None, expires_at: int) -> None:
        self.txn_id, self.number, self.expires_at = txn_id, number, expires_at
        shown = f"the number {number}" if number else "a number"
        self.say(
            "real",
            f"The real login page shows the attacker {shown} and sends a notification to {self.victim}'s "
            "phone: approving it means picking that number there.",
        )
        self.say(
            "attacker",
            "The copied page does not show the number, so the victim can only guess: the attacker must get "
            f"them to pick {number or 'it'} (by phone, in a chat: a live proxy would copy it onto the page).",
        )
        self.end("waiting", f"Waiting for {self.victim} to pick {number or 'the number'} on their phone.")

    def keep(self, core: Core) -> None:
        core.store.attacker_waits.keep_relay_screen(asdict(self), ttl_s=KEPT_S, kept=KEPT)


#: A relayed push login's state in the store, on the attacker's screen: (state, outcome, defence).
_PUSH_ENDS: dict[str, tuple[State, str, str | None]] = {
    "authenticated": (
        "got_in",
        "{victim} picked the right number: the attacker's page took the session and the attacker got in.",
        None,
    ),
    "approved": (
        "waiting",
        "{victim} picked the right number: the attacker's page is taking the session.",
        None,
    ),
    "failed": (
        "stopped",
        "Stopped by IB Key's number matching: {victim} picked a number that was not the "
        "one on the attacker's screen, and the login ended.",
        "IB Key's number matching",
    ),
    "denied": (
        "stopped",
        "Stopped: {victim} denied the login request on their phone.",
        "the victim denied the notification",
    ),
    "expired": (
        "stopped",
        "The notification expired unanswered: the login is over.",
        "the notification's lifetime",
    ),
    "revoked": ("stopped", "The login ended: the account or its IB Key was taken out of use.", None),
    "device_revoked": ("stopped", "The login ended: the account or its IB Key was taken out of use.", None),
}


def follow(doc: dict[str, Any], txn_state: str | None, *, now: int) -> dict[str, Any]:
    """``doc`` (a kept :class:`Screen`) with a waiting push's outcome as the login stands now
    (``txn_state``: its state in the store; None once the store has let it go)."""
    if doc.get("state") != "waiting" or not doc.get("txn_id"):
        return doc
    victim = str(doc.get("victim"))
    state = txn_state
    if state == "second_factor" and now >= int(doc.get("expires_at") or 0):
        state = "expired"
    if state is None:
        state = "expired"
    found = _PUSH_ENDS.get(state)
    if found is None:
        return doc
    kind, said, defence = found
    return {**doc, "state": kind, "outcome": said.format(victim=victim), "defence": defence}


def read_screen(core: Core, *, now: int) -> RelayScreen:
    """The last relay's attacker screen as it stands now, with the ones before it (``earlier``, newest
    first); ``staged`` False when none was staged (or kept)."""
    docs = core.store.attacker_waits.relay_screens()
    if not docs:
        none: RelayScreen = {"staged": False, "fake_address": FAKE_ADDRESS, "steps": [], "lines": []}
        none["lines"] = lines(none)
        return none
    latest, *earlier = (_as_now(core, doc, now=now) for doc in docs)
    screen: RelayScreen = {**latest, "earlier": earlier}
    screen["lines"] = lines(screen)
    return screen


def _as_now(core: Core, doc: dict[str, Any], *, now: int) -> RelayRun:
    """One kept screen, its waiting push followed to where the login stands now."""
    txn_id = doc.get("txn_id")
    txn = core.store.logins.get(str(txn_id)) if txn_id else None
    followed = follow(doc, txn.state if txn else None, now=now)
    steps = list(followed.get("steps") or [])
    if txn is not None and followed.get("state") == "got_in":
        steps += _late_notices(core, txn)
    run: RelayRun = {
        "staged": True,
        "fake_address": FAKE_ADDRESS,
        "victim": str(followed["victim"]),
        "attacker_ip": str(followed["ip"]),
        "at": int(followed["at"]),
        "steps": steps,
        "number": followed.get("number"),
        "state": followed.get("state") or "over",
        "outcome": str(followed.get("outcome") or ""),
        "defence": followed.get("defence"),
        "lines": [],
    }
    run["lines"] = said(run)
    return run


def _late_notices(core: Core, txn: LoginTxn) -> list[RelayStep]:
    """The sign-in notice her phone got when her late pick let the attacker in: the one the relay's own
    login texted, recognised by that login, not by the relay's address: its words (what its password step
    found, kept on the login: a new place, which names the address, and wrong passwords before, which names
    none) sent at the instant it succeeded. An address alone missed a notice of failed attempts only (the
    relay's address no news to her: she never signed in before, or from all of the pool's). None when her
    phone got none: no phone, a carrier that drops texts, a swapped SIM, nothing to tell."""
    told = sign_in_text(Suspicion(txn.failed_before or 0, bool(txn.new_place)), txn.ip)
    succeeded_at = txn.collected_at or txn.settled_at
    if told is None or succeeded_at is None:
        return []
    user = core.store.users.get(txn.username)
    text = notice_text(told)
    return [
        {"side": "victim", "said": quote_notice(message.text)}
        for message in notice_messages(core.store, user.phone if user else None)
        if message.text == text and message.sent_at == succeeded_at
    ]


#: Whose screen each step happened on, as the page labels it and ``lines`` begins it.
SIDES = {"victim": "Victim", "attacker": "Attacker", "real": "Real login"}


def said(run: RelayRun) -> list[str]:
    """One relay in sentences: its steps, the number while it waits, and its outcome."""
    if not run["staged"]:
        return ["No phishing relay has been staged yet."]
    told = [
        f"The attacker's look-alike page: {run['fake_address']} (not the broker's).",
        *(f"{SIDES[step['side']]}: {step['said']}" for step in run["steps"]),
    ]
    if run.get("state") == "waiting" and run.get("number"):
        told.append(f"Number to get the victim to pick: {run['number']}")
    told.append(f"Outcome: {run.get('outcome')}")
    return told


def lines(screen: RelayScreen) -> list[str]:
    """The screen in sentences, as ``sls attack-screen`` prints them and the page's text says them: the last
    relay's whole, the ones before it by their outcome."""
    told = said(screen)
    earlier = screen.get("earlier") or []
    if earlier:
        told.append("Earlier relays, newest first:")
        told += [
            f"  {hhmm(run.get('at') or 0)} UTC, {run.get('victim')} from {run.get('attacker_ip')}: "
            f"{run.get('outcome')}"
            for run in earlier
        ]
    return told
