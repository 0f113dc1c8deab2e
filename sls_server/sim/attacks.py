"""Staged attacks for the trainer console: the attacker is part of the simulated world.

Each attack drives the real services (``core.logins``, ``core.phones``) from attacker addresses in the
documentation ranges (RFC 5737), so the defences fire for real and show in the audit trail: the per-account
lockout, the per-address throttle, the IB Key push limit and number matching, the SMS route a SIM swap
hijacks. Nothing is faked and nothing is bypassed; an attack only reports what the services answered.

The attacks that need the victim's password (push bombing, SIM swap) take it from the trainer, as if
phished: the emulator cannot know it, it keeps only a hash.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..errors import InvalidRequest, SlsError

if TYPE_CHECKING:
    from ..wiring import Core

#: Passwords every spray and stuffing list starts with (all refused by the password policy, so never real).
COMMON_PASSWORDS = (
    "123456", "password", "Winter2025!", "qwerty123", "letmein1", "Summer2024", "Password1!",
    "iloveyou", "trading123", "Welcome1", "monkey123", "dragon2024",
)  # fmt: skip
DECOY_USERS = ("admin", "trader1", "jsmith", "test", "support")
SPRAY_IP = "198.51.100.23"
BRUTE_IP = "203.0.113.66"
PUSH_IP = "198.51.100.77"
SWAP_IP = "198.51.100.99"
ATTACKER_HANDSET = "attacker"
KINDS = ("password_spray", "brute_force", "credential_stuffing", "push_bombing", "sim_swap")


@dataclass
class Report:
    kind: str
    target: str
    attempts: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)
    succeeded: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "target": self.target,
            "attempts": self.attempts,
            "outcomes": dict(self.outcomes),
            "summary": " ".join(self.lines),
            "attacker_succeeded": self.succeeded,
        }


class Attacks:
    def __init__(self, core: Core) -> None:
        self._core = core

    def run(self, kind: str, username: str, *, password: str | None, now: int) -> dict[str, Any]:
        if kind not in KINDS:
            raise InvalidRequest(f"attack must be one of {', '.join(KINDS)}", field="attack")
        name = self._core.users.get(username).username
        if kind in ("push_bombing", "sim_swap") and not password:
            raise InvalidRequest("this attack needs the victim's password (as if phished)", field="password")
        report = Report(kind, name)
        getattr(self, f"_{kind}")(report, password or "", now=now)
        return report.as_dict()

    def _try(
        self, report: Report, username: str, password: str, ip: str, *, now: int
    ) -> dict[str, Any] | None:
        """One password attempt; the started login when the password was right."""
        report.attempts += 1
        try:
            started = self._core.logins.start(username, password, now=now, ip=ip)
        except SlsError as exc:
            report.outcomes[exc.code] += 1
            return None
        report.outcomes["password_accepted"] += 1
        return started

    def _password_spray(self, report: Report, _: str, *, now: int) -> None:
        """A few common passwords across many accounts from one address: the per-address throttle stops it."""
        others = [u for u in self._core.users.names() if u != report.target]
        targets = [report.target, *others[:5], *DECOY_USERS]
        budget = self._core.settings.ip_throttle_limit + 5
        for password in COMMON_PASSWORDS:
            for user in targets:
                if report.attempts >= budget:
                    break
                self._try(report, user, password, SPRAY_IP, now=now)
        report.lines.append(
            f"{report.attempts} guesses over {len(targets)} accounts from {SPRAY_IP}; after "
            f"{self._core.settings.ip_throttle_limit} failures the address is throttled (429 rate_limited)."
        )

    def _brute_force(self, report: Report, _: str, *, now: int) -> None:
        """Many passwords against one account from one address: the account locks."""
        for password in COMMON_PASSWORDS[: self._core.settings.lockout_threshold + 3]:
            self._try(report, report.target, password, BRUTE_IP, now=now)
        report.lines.append(
            f"{report.attempts} guesses at {report.target} from {BRUTE_IP}; the account locks after "
            f"{self._core.settings.lockout_threshold} (423 account_locked, whatever the password)."
        )

    def _credential_stuffing(self, report: Report, _: str, *, now: int) -> None:
        """Leaked passwords from many addresses, one guess each: no address throttled, the account locks."""
        for i, password in enumerate(COMMON_PASSWORDS[: self._core.settings.lockout_threshold + 4]):
            self._try(report, report.target, password, f"203.0.113.{10 + i}", now=now)
        report.lines.append(
            f"{report.attempts} guesses at {report.target}, each from another address (203.0.113.10-"
            f"{9 + report.attempts}): no address is throttled, but the account lock counts them all."
        )

    def _push_bombing(self, report: Report, password: str, *, now: int) -> None:
        """The password is known; the attacker logs in again and again, hoping a tired user taps Approve."""
        tries = self._core.settings.push_limit + 2
        for _ in range(tries):
            started = self._try(report, report.target, password, PUSH_IP, now=now)
            if started is None:
                continue
            factor = started["factor"]
            if factor["type"] != "ibkey" and any(f["type"] == "ibkey" for f in started["factors"]):
                try:
                    factor = self._core.logins.switch(
                        started["txn_id"], started["login_token"], "ibkey", None, now=now, ip=PUSH_IP
                    )["factor"]
                except SlsError as exc:
                    report.outcomes[exc.code] += 1
                    continue
            if factor["type"] == "ibkey" and factor.get("mode") == "push":
                report.outcomes["push_sent"] += 1
        report.lines.append(
            f"{report.outcomes['push_sent']} notifications reached the victim's phone, each with three "
            f"numbers to pick from (number matching); past {self._core.settings.push_limit} per window "
            "the server refuses to send more (rate_limited)."
        )
        if not report.outcomes["password_accepted"]:
            report.lines.append("The password was refused, so no push was sent.")

    def _sim_swap(self, report: Report, password: str, *, now: int) -> None:
        """Port the victim's number to the attacker's handset, then log in with the SMS code it receives."""
        number = self._core.users.get(report.target).phone
        if not number:
            report.lines.append("The victim has no phone number: there is nothing to swap.")
            return
        before = self._core.phones.conditions(number)
        self._core.phones.set_conditions(number, replace(before, sim_swapped_to=ATTACKER_HANDSET), now=now)
        report.lines.append(f"The SIM of {number} now sits in the attacker's handset.")
        started = self._try(report, report.target, password, SWAP_IP, now=now)
        if started is None:
            report.lines.append("The password was refused.")
            return
        if not any(f["type"] == "sms" for f in started["factors"]):
            report.lines.append("The victim has no SMS factor (IB Key or a card): the swap gains nothing.")
            return
        try:
            if started["factor"]["type"] != "sms":
                self._core.logins.switch(
                    started["txn_id"], started["login_token"], "sms", None, now=now, ip=SWAP_IP
                )
            texts = self._core.phones.messages(ATTACKER_HANDSET, now=now)
            code = next((m["code"] for m in texts if m.get("code") and m.get("purpose") == "login"), None)
            if code is None:
                report.lines.append("No code reached the attacker's handset (the carrier blocked it?).")
                return
            self._core.logins.verify(started["txn_id"], started["login_token"], code, now=now, ip=SWAP_IP)
        except SlsError as exc:
            report.outcomes[exc.code] += 1
            report.lines.append(f"The login was refused: {exc.message}")
            return
        report.succeeded = True
        report.outcomes["logged_in"] += 1
        report.lines.append(
            "The attacker read the SMS code on their handset and logged in: SMS is a restricted "
            "authenticator (NIST SP 800-63B); IB Key or a card would have stopped this."
        )
