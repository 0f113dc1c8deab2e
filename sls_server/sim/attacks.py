"""Staged attacks for the trainer console: the attacker is part of the simulated world.

Each attack drives the real services (``core.logins``, ``core.phones``) from attacker addresses in the
documentation ranges (RFC 5737), so the defences fire for real and show in the audit trail: the per-account
lockout, the per-address throttle, the IB Key push limit and number matching, the phone route (texts and
calls alike) a SIM swap hijacks. Nothing is faked and nothing is bypassed; an attack only reports what the
services answered, and why a refused attempt was refused (:func:`refusal`).

The attacks that need the victim's password (push bombing, SIM swap, phishing relay) take it from the trainer,
as if phished: the emulator cannot know it, it keeps only a hash. The relay's victim acts in :mod:`.relay`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, get_args

from sls_devices.phone import NOTICE_CLOSING, SENDER

from ..errors import InvalidRequest, SlsError
from ..shapes.attacks import AttackKind, AttackReport
from .attack_report import Report, attempt, factor_title
from .ibkey_takeover import held_by, log_in_on_app, move_ibkey
from .push_bombing import has_ibkey, push_bombing
from .relay import ATTACKER_HANDSET, PHONE_FACTORS, login_codes, phishing_relay

if TYPE_CHECKING:
    from ..wiring import Core

#: Passwords every spray and stuffing list starts with (all refused by the password policy, so never real).
COMMON_PASSWORDS = (
    "123456", "password", "Winter2025!", "qwerty123", "letmein1", "Summer2024", "Password1!",
    "iloveyou", "trading123", "Welcome1", "monkey123", "dragon2024",
)  # fmt: skip
#: The names a spray tries besides its victim: made up, so a spray never leaves failures on another real
#: account of the class (each would then lock after fewer typos in the next demo).
DECOY_USERS = (
    "admin", "trader1", "jsmith", "test", "support", "backoffice", "mwilson", "demo", "info", "guest",
)  # fmt: skip
#: The attackers' addresses: documentation ranges, none in 203.0.113.0/24, the office the demo's office-olga
#: may log in from, so her allowlist refuses every staged attack as it would a stranger's.
SPRAY_IP = "198.51.100.23"
BRUTE_IP = "198.51.100.66"
SWAP_IP = "198.51.100.99"
#: Credential stuffing's first address; each guess comes from the next one.
STUFFING_BASE = "192.0.2."
KINDS: tuple[str, ...] = get_args(AttackKind)
#: The attacks that start from the victim's password, as if phished.
PHISHED = ("push_bombing", "sim_swap", "phishing_relay")


class Attacks:
    def __init__(self, core: Core) -> None:
        self._core = core

    def run(self, kind: AttackKind, username: str, *, password: str | None, now: int) -> AttackReport:
        """``kind`` as ``AttackRequest`` validated it (the admin route and its console twin both use it)."""
        victim = self._core.users.get(username)
        name = victim.username
        if kind in PHISHED and not password:
            raise InvalidRequest("This attack needs the victim's password, as if phished.", field="password")
        report = Report(kind, name)
        if kind in PHISHED and self._core.users.check_password(name, password or "", now=now) is None:
            report.not_run = True
            report.lines.append(
                f"That is not {name}'s password, so the attack did not run: it starts from the victim's "
                "phished password. Nothing was sent and no failure was counted; give their password to stage "
                "it."
            )
            return report.as_dict()
        told = self._notices(victim.phone)
        getattr(self, f"_{kind}")(report, password or "", now=now)
        self._say_what_her_phone_was_told(report, victim.phone, told)
        return report.as_dict()

    def _try(
        self, report: Report, username: str, password: str, ip: str, *, now: int
    ) -> dict[str, Any] | None:
        return attempt(self._core, report, username, password, ip, now=now)

    def _password_spray(self, report: Report, _: str, *, now: int) -> None:
        """A few common passwords across many accounts from one address: the per-address throttle stops it.
        The accounts are the victim and made-up names (:data:`DECOY_USERS`, none a real user), and the report
        says what failures the victim is left with: the spray damages no one the trainer did not pick."""
        real = set(self._core.users.names())
        targets = [report.target, *(name for name in DECOY_USERS if name not in real)]
        budget = self._core.settings.ip_throttle_limit + 5
        for password in COMMON_PASSWORDS:
            for user in targets:
                if report.attempts >= budget:
                    break
                self._try(report, user, password, SPRAY_IP, now=now)
        limit = self._core.settings.ip_throttle_limit
        report.guessed(
            f"{report.attempts} guesses over {len(targets)} accounts from {SPRAY_IP} ({report.target} and "
            f"{len(targets) - 1} made-up names)",
            defence=f"after {limit} failures the address is throttled (429 rate_limited)",
            acted="rate_limited",
        )
        self._say_failures_left(report, now=now)

    def _say_failures_left(self, report: Report, *, now: int) -> None:
        """The failed sign-ins a guessing attack left on the victim short of a lock: they count towards the
        next lock (a brute force, or the victim's own typos), until Clear in the console's Users table."""
        state = self._core.lockout.status(report.target, now=now)
        if state["locked"]:
            return
        left = max((b["failures"] for b in state["buckets"].values()), default=0)
        if left:
            threshold = self._core.settings.lockout_threshold
            report.lines.append(
                f"{report.target} is left with {left} failed sign-in{'s' if left != 1 else ''}, which count "
                f"towards the lock at {threshold}: Clear in Users (or sls user unlock {report.target}) "
                "resets them."
            )

    def _brute_force(self, report: Report, _: str, *, now: int) -> None:
        """Many passwords against one account from one address: the account locks."""
        for password in COMMON_PASSWORDS[: self._core.settings.lockout_threshold + 3]:
            self._try(report, report.target, password, BRUTE_IP, now=now)
        threshold = self._core.settings.lockout_threshold
        report.guessed(
            f"{report.attempts} guesses at {report.target} from {BRUTE_IP}",
            defence=f"the account locks after {threshold} (423 account_locked, whatever the password)",
            acted="account_locked",
        )

    def _credential_stuffing(self, report: Report, _: str, *, now: int) -> None:
        """Leaked passwords from many addresses, one guess each: no address throttled, the account locks."""
        for i, password in enumerate(COMMON_PASSWORDS[: self._core.settings.lockout_threshold + 4]):
            self._try(report, report.target, password, f"{STUFFING_BASE}{10 + i}", now=now)
        report.guessed(
            f"{report.attempts} guesses at {report.target}, each from another address ({STUFFING_BASE}10-"
            f"{9 + report.attempts})",
            defence="no address is throttled, but the account lock counts them all",
            acted="account_locked",
        )

    def _notices(self, number: str | None) -> dict[str, str]:
        """The notices on the victim's own phone (``number``), id to text, oldest first (ASVS 6.3.5: a lock
        the attack placed, or its sign-in from a new address, texts one more)."""
        if not number:
            return {}
        found = [m for m in self._core.store.phones.messages(number) if m.purpose == "notice"]
        return {m.id: m.text for m in sorted(found, key=lambda m: m.at)}

    def _say_what_her_phone_was_told(
        self, report: Report, number: str | None, before: Mapping[str, str]
    ) -> None:
        """Each notice the attack made reach the victim's own phone, in its words: nothing if she has none, a
        carrier dropped it, a swapped SIM took it, or nothing new happened (a lock already in place)."""
        for id_, text in self._notices(number).items():
            if id_ not in before:
                said = text.removeprefix(f"{SENDER}: ").removesuffix(f" {NOTICE_CLOSING}")
                report.lines.append(f'The victim\'s phone got a text: "{said}"')

    def _title(self, factor: dict[str, Any]) -> str:
        return factor_title(self._core, factor)

    def _has_ibkey(self, username: str) -> bool:
        return has_ibkey(self._core, username)

    def _push_bombing(self, report: Report, password: str, *, now: int) -> None:
        push_bombing(self._core, report, password, now=now)

    def _sim_swap(self, report: Report, password: str, *, now: int) -> None:
        """Port the victim's number to the attacker's handset, then log in with the code that reaches it: a
        text, or a voice callback (calls follow the SIM just as texts do)."""
        number = self._core.users.get(report.target).phone
        if not number:
            report.lines.append("The victim has no phone number: there is nothing to swap.")
            return
        before = self._core.phones.conditions(number)
        self._core.phones.set_conditions(number, replace(before, sim_swapped_to=ATTACKER_HANDSET), now=now)
        was = " already" if before.sim_swapped_to == ATTACKER_HANDSET else " now"
        report.lines.append(
            f"The SIM of {number}{was} sits in the attacker's handset, and stays there until it is given "
            f"back (the victim's phone page, or sls phone conditions {number} --restore-sim)."
        )
        active = self._core.devices.active_of_user(report.target)
        if self._has_ibkey(report.target) and not any(d.type in PHONE_FACTORS for d in active):
            # Straight to the migration: a login would only send a push to the victim's phone, left there.
            names = ", ".join(dict.fromkeys(self._core.factors.get(d.type).title for d in active))
            report.lines.append(
                f"The victim has no SMS or voice-callback factor ({names}): no login code goes over the "
                "phone network."
            )
            self._take_ibkey(report, password, number, now=now)
            return
        seen = login_codes(self._core, ATTACKER_HANDSET, number, now=now)
        started = self._try(report, report.target, password, SWAP_IP, now=now)
        if started is None:
            report.lines.append("No login started.")
            report.say_refusals()
            if report.outcomes["account_locked"]:  # the right password, refused: a lock from before
                report.lines.append(
                    "The account was locked before this attack began (an earlier attack's lockout, still "
                    "running), so the phished password got no further: unlock it (Users, or sls user unlock) "
                    "to stage the swap again."
                )
            return
        offered = [f["type"] for f in started["factors"]]
        channels = [t for t in PHONE_FACTORS if t in offered]
        if not channels:
            names = ", ".join(dict.fromkeys(self._title(f) for f in started["factors"]))
            if self._has_ibkey(report.target):
                report.lines.append(
                    f"The victim has no SMS or voice-callback factor ({names}): no login code goes over the "
                    "phone network."
                )
                self._take_ibkey(report, password, number, now=now)
                return
            report.lines.append(
                f"The victim has no SMS or voice-callback factor ({names}) and no IB Key to migrate: nothing "
                "of the login goes over the phone network, so the swap gains nothing."
            )
            return
        current = started["factor"]["type"]
        channels.sort(key=lambda t: t != current)  # the code already sent first, then the other channel
        try:
            for channel in channels:
                if channel != current:
                    self._core.logins.switch(
                        started["txn_id"], started["login_token"], channel, None, now=now, ip=SWAP_IP
                    )
                arrived = login_codes(self._core, ATTACKER_HANDSET, number, now=now, channel=channel)
                stolen = next((code for id_, code in arrived.items() if id_ not in seen), None)
                if stolen is not None:  # the newest that came with this login
                    self._core.logins.verify(
                        started["txn_id"], started["login_token"], stolen, now=now, ip=SWAP_IP
                    )
                    self._got_in(report, channel)
                    return
                report.lines.append(
                    "The text never reached the attacker's handset (dropped by the carrier, or delayed)."
                    if channel == "sms"
                    else "No call reached the attacker's handset."
                )
        except SlsError as exc:
            report.refused(exc)
            report.lines.append("The login was refused.")
            report.say_refusals()
            return
        report.lines.append("No code reached the attacker: the swap did not get them in this time.")

    def _take_ibkey(self, report: Report, password: str, number: str, *, now: int) -> None:
        """Migrate the victim's IB Key to the attacker's handset, unless an earlier swap already did: then
        the attacker logs in with the one they hold, and no second IB Key is enrolled."""
        held = held_by(self._core, report.target, ATTACKER_HANDSET)
        if held is None:
            move_ibkey(
                self._core, report, password, handset=ATTACKER_HANDSET, number=number, ip=SWAP_IP, now=now
            )
            return
        report.lines.append(
            f"The attacker already holds {report.target}'s IB Key: an earlier SIM swap activated it on their "
            "handset, and it is still the user's only active one. There is nothing more to take, so no "
            "migration was started."
        )
        if log_in_on_app(self._core, report, held, password, ip=SWAP_IP, now=now):
            report.succeeded = True
            report.outcomes["logged_in"] += 1
            report.lines.append("The attacker logged in again, confirming the login on that IB Key.")

    def _phishing_relay(self, report: Report, password: str, *, now: int) -> None:
        phishing_relay(self._core, report, password, now=now)

    def _got_in(self, report: Report, channel: str) -> None:
        report.succeeded = True
        report.outcomes["logged_in"] += 1
        how = "read the SMS code" if channel == "sms" else "answered the voice callback, heard the code"
        report.lines.append(
            f"The attacker {how} on their handset and logged in: SMS and voice callbacks are restricted "
            "authenticators (NIST SP 800-63B), and while the account offers one, its other factors do not "
            "help. A card, with SMS and voice callbacks taken off the account, would have stopped this; IB "
            "Key alone would not, as its migration to a new phone texts the activation code to this same "
            "number unless a card is active."
        )
