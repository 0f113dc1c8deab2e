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

from ..accounts.allowlists import parse_addresses
from ..errors import InvalidRequest, SlsError
from ..shapes.attacks import AttackKind, AttackReport
from .attack_report import (
    Report,
    address_pool,
    attempt,
    factor_title,
    fresh_address,
    notices_on,
    quote_notice,
)
from .guessing import (
    BRUTE_IP,
    SPRAY_IP,
    brute_force,
    credential_stuffing,
    password_spray,
    stuffing_addresses,
)
from .ibkey_takeover import held_by, log_in_on_app, move_ibkey
from .last_attack import keep as keep_last
from .prior_lock import lock_from_before, say_not_run
from .push_bombing import PUSH_IP, has_ibkey, push_bombing
from .push_bombing_state import keep as keep_bombing
from .recovery_attack import sim_swap_reset
from .relay import ATTACKER_HANDSET, PHONE_FACTORS, RELAY_IP, login_codes, phishing_relay
from .relay_screen import Screen

if TYPE_CHECKING:
    from ..wiring import Core

#: The attackers' addresses: documentation ranges (RFC 5737), none in 203.0.113.0/24, the office the demo's
#: office-olga may log in from, so her allowlist refuses every staged attack as it would a stranger's. The
#: guessing attacks' own are in :mod:`.guessing`, push bombing's in :mod:`.push_bombing`.
SWAP_IP = "198.51.100.99"
KINDS: tuple[str, ...] = get_args(AttackKind)
#: The attacks that start from the victim's password, as if phished.
PHISHED = ("push_bombing", "sim_swap", "phishing_relay")


#: The first address of each phished-password attack's pool (:func:`.attack_report.fresh_address`).
FIRST_ADDRESS = {"push_bombing": PUSH_IP, "sim_swap": SWAP_IP, "phishing_relay": RELAY_IP}


def attacker_addresses(core: Core) -> tuple[str, ...]:
    """Every address a staged attack comes from, credential stuffing's one a guess, and each address of the
    phished-password attacks' pools: the trainer's feed shows what came from one as the attacker's doing, so
    an approval or a login from there is no good news."""
    pools = [ip for first in FIRST_ADDRESS.values() for ip in address_pool(first)]
    marked = core.store.attacker_waits.marked_attackers()  # a scenario demo's attacker actors
    return tuple(dict.fromkeys((SPRAY_IP, BRUTE_IP, *pools, *stuffing_addresses(core), *marked)))


def locked_out_from(core: Core, kind: AttackKind, ip: str) -> tuple[str, ...]:
    """The addresses whose every login a lock from before would refuse, for the attacks it leaves nothing to
    show (:mod:`.prior_lock`); ``ip``: the phished-password attack's address this run. None for the spray
    (the address throttle is its defence, over made-up names too) and the reset (a password reset is not
    refused by the lock)."""
    if kind in FIRST_ADDRESS:
        return (ip,)
    return {
        "brute_force": (BRUTE_IP,),
        "credential_stuffing": tuple(stuffing_addresses(core)),
    }.get(kind, ())


class Attacks:
    def __init__(self, core: Core) -> None:
        self._core = core

    def run(self, kind: AttackKind, username: str, *, password: str | None, now: int) -> AttackReport:
        """``kind`` as ``AttackRequest`` validated it (the admin route and its console twin both use it). Its
        report is kept as the last attack's (``last_attack``), for a console opened or reloaded later."""
        report = self._run(kind, username, password=password, now=now)
        keep_last(self._core, report, now=now)
        return report

    def _run(self, kind: AttackKind, username: str, *, password: str | None, now: int) -> AttackReport:
        victim = self._core.users.get(username)
        name = victim.username
        if kind in PHISHED and not password:
            raise InvalidRequest("This attack needs the victim's password, as if phished.", field="password")
        if kind == "push_bombing" and not has_ibkey(self._core, name):
            # refused before any login: ~20 password logins would only spend the victim's card challenges
            raise InvalidRequest(
                f"{name} has no active IB Key: push bombing needs an app to bomb with notifications",
                field="username",
            )
        report = Report(kind, name)
        if (
            kind in PHISHED
            and self._core.users.passwords.check_password(name, password or "", now=now) is None
        ):
            report.not_run = True
            report.lines.append(
                f"That is not {name}'s password, so the attack did not run: it starts from the victim's "
                "phished password. Nothing was sent and no failure was counted; give their password to stage "
                "it."
            )
            return report.as_dict()
        if kind in FIRST_ADDRESS:
            report.ip = fresh_address(self._core, name, FIRST_ADDRESS[kind])
        addresses = locked_out_from(self._core, kind, report.ip)
        lock = lock_from_before(self._core, name, addresses, now=now) if addresses else None
        if lock is not None:
            say_not_run(report, lock)
            return report.as_dict()
        told = self._notices(victim.phone)
        known_before = bool(report.ip) and self._core.store.lockout.is_known_ip(name, report.ip)
        screen = getattr(self, f"_{kind}")(report, password or "", now=now)
        said_before = len(report.lines)
        self._say_what_her_phone_was_told(report, victim.phone, told)
        if isinstance(screen, Screen):  # the relay's attacker screen, with the notice her phone got
            for line in report.lines[said_before:]:
                screen.say("victim", line)
            screen.keep(self._core)
        if report.succeeded and known_before:
            report.lines.append(
                f"No sign-in notice: {name} has signed in from {report.ip} before (every address of this "
                "attack's range is known to them now), so the attacker's login was no new place."
            )
        answer = report.as_dict()
        if kind == "push_bombing":  # its count of her answers kept on the server, beside its report
            keep_bombing(self._core, answer, report.pushes_waiting, ip=report.ip, now=now)
        return answer

    def mark(self, addresses: list[str], *, now: int) -> list[str]:
        """Mark ``addresses`` as an attacker's for the trainer's feed (``PUT /admin/v1/attackers``): stored
        for a console opened later, and told in the trail (``attack.addresses_marked``) to the consoles
        already open, which tag them from then on. 400 naming the entry that is no IP address; nothing
        changes then."""
        marked = parse_addresses(addresses, field="addresses")
        self._core.store.attacker_waits.mark_attackers(marked)
        self._core.events.record("attack.addresses_marked", at=now, detail={"addresses": marked})
        return marked

    def _try(
        self, report: Report, username: str, password: str, ip: str, *, now: int
    ) -> dict[str, Any] | None:
        return attempt(self._core, report, username, password, ip, now=now)

    def _password_spray(self, report: Report, _: str, *, now: int) -> None:
        password_spray(self._core, report, now=now)

    def _brute_force(self, report: Report, _: str, *, now: int) -> None:
        brute_force(self._core, report, now=now)

    def _credential_stuffing(self, report: Report, _: str, *, now: int) -> None:
        credential_stuffing(self._core, report, now=now)

    def _notices(self, number: str | None) -> dict[str, str]:
        return notices_on(self._core.store, number)

    def _say_what_her_phone_was_told(
        self, report: Report, number: str | None, before: Mapping[str, str]
    ) -> None:
        """Each notice the attack made reach the victim's own phone, in its words: nothing if she has none, a
        carrier dropped it, a swapped SIM took it, or nothing new happened (a lock already in place)."""
        for id_, text in self._notices(number).items():
            if id_ not in before:
                report.lines.append(quote_notice(text))

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
        was = " already" if before.sim_swapped_to == ATTACKER_HANDSET else " now"
        if was == " now":  # moved once: a second write would tell the trail of a second swap
            self._core.phones.set_conditions(
                number, replace(before, sim_swapped_to=ATTACKER_HANDSET), now=now, user=report.target
            )
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
        started = self._try(report, report.target, password, report.ip, now=now)
        if started is None:
            report.lines.append("No login started.")
            report.say_refusals()
            report.say_send_limit_from_before("SIM swap")
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
                        started["txn_id"], started["login_token"], channel, None, now=now, ip=report.ip
                    )
                arrived = login_codes(self._core, ATTACKER_HANDSET, number, now=now, channel=channel)
                stolen = next((code for id_, code in arrived.items() if id_ not in seen), None)
                if stolen is not None:  # the newest that came with this login
                    self._core.logins.verify(
                        started["txn_id"], started["login_token"], stolen, now=now, ip=report.ip
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
                self._core, report, password, handset=ATTACKER_HANDSET, number=number, ip=report.ip, now=now
            )
            return
        report.lines.append(
            f"The attacker already holds {report.target}'s IB Key: an earlier SIM swap activated it on their "
            "handset, and it is still the user's only active one. There is nothing more to take, so no "
            "migration was started."
        )
        if log_in_on_app(self._core, report, held, password, ip=report.ip, now=now):
            report.succeeded = True
            report.outcomes["logged_in"] += 1
            report.lines.append("The attacker logged in again, confirming the login on that IB Key.")

    def _sim_swap_reset(self, report: Report, _: str, *, now: int) -> None:
        sim_swap_reset(self._core, report, now=now)

    def _phishing_relay(self, report: Report, password: str, *, now: int) -> Screen:
        return phishing_relay(self._core, report, password, now=now)

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
