"""The staged attacker keeps waiting: a push bombing's logins stay collectable after its report.

A real attacker's page polls its login until the victim answers the push; the staged attack
(``.push_bombing``) returns at once, so a victim who tapped the right number afterwards saw "Approved" while
nobody collected the session (and the trainer console said "The defences held"). Each login the bombing
leaves waiting on a push is kept (``store.attacker_waits``) until its own expiry; when the victim approves
one, :meth:`AttackerWaits.collect` polls it as the attacker's page would, from the attacker's address: the
session is the attacker's, and ``login.succeeded`` from that address says so in the audit trail and the
console's feed. A password reset the SIM swap asked for (``.recovery_attack``) waits the same way on its
IB Key push: approved, the attacker's page sets a password of theirs, and her sessions end.

A collection refused (a lock placed since, an IP allowlist that leaves the attacker's address out, the account
disabled) is ``attack.wait_refused`` in the trail, from the attacker's address, with the refusal's code: the
defence that held after the report, said in the feed and the attack's report on the console (``trainer.js``),
and logged as every event is (no login token nor transaction id in it). It is not raised: the victim's
approval was taken and stands, and a refusal of the attacker's page is not the victim's app's error. An outage
is no refusal: it is raised (503), as for any request.

Each answer to a push bombing's push is counted on the server (``store.push_bombings``, once per push): an
approval here (the attacker in, or refused), a denial or a wrong number picked by :meth:`AttackerWaits.ended`,
so the console after a reload and ``sls attack push-bombing`` following it read the same count and verdict.
"""

from __future__ import annotations

import secrets
from typing import Any, Protocol

from ..errors import SlsError, StoreUnavailable
from ..events import EventLog
from ..store.attacker_waits import AttackerWaitRepo
from ..store.push_bombings import PushBombingRepo


class LoginStatus(Protocol):
    """``LoginService.status``: where a login stands; once approved, the first poll gets the session."""

    def status(
        self, txn_id: str, login_token: str | None, *, now: int, ip: str | None
    ) -> tuple[dict[str, Any], Any]: ...


class Recovery(Protocol):
    """``PasswordRecovery``'s steps after the second factor: the approval polled, then the new password."""

    def verify(self, token: str, response: str | None, *, now: int, ip: str | None) -> dict[str, Any]: ...

    def set_password(self, token: str, password: str, *, now: int, ip: str | None) -> dict[str, Any]: ...


def attackers_password() -> str:
    """The password a staged attacker sets on a reset they got through: the policy's, and nobody's to know."""
    return f"Attacker-{secrets.token_hex(6)}-Owned"


class AttackerWaits:
    def __init__(
        self,
        repo: AttackerWaitRepo,
        logins: LoginStatus,
        events: EventLog,
        recovery: Recovery,
        bombings: PushBombingRepo,
    ) -> None:
        self._repo = repo
        self._bombings = bombings
        self._logins = logins
        self._events = events
        self._recovery = recovery

    def wait(self, username: str, started: dict[str, Any], *, ip: str, now: int) -> None:
        """The attacker's page waits on ``started`` (a login whose step is a push) until it expires."""
        self._repo.wait(
            username,
            str(started["txn_id"]),
            ip=ip,
            login_token=str(started["login_token"]),
            ttl_s=int(started["expires_at"]) - now,
        )

    def wait_recovery(self, username: str, txn_id: str, *, ip: str, token: str, until: int, now: int) -> None:
        """The attacker's "Forgot your password?" page waits on its second factor's push (``txn_id``) until it
        expires: approved, it sets a password of the attacker's (:meth:`collect`)."""
        self._repo.wait(username, txn_id, ip=ip, login_token=token, ttl_s=until - now, kind="recovery")

    def collect(self, username: str, txn_id: str, *, now: int) -> bool:
        """The victim approved ``txn_id``'s push: if an attacker waits on it, their page polls it now and
        gets the session. True when the attacker got in; a refusal (a lock placed since, an address rule)
        leaves them out, as it would their page, and is recorded (``attack.wait_refused``)."""
        waiting = self._repo.take(username, txn_id)
        if waiting is None:
            return False
        ip, token, kind = waiting
        try:
            if kind == "recovery":
                if self._recovery.verify(token, None, now=now, ip=ip).get("state") != "verified":
                    return False
                self._recovery.set_password(token, attackers_password(), now=now, ip=ip)
                return True
            _, session = self._logins.status(txn_id, token, now=now, ip=ip)
        except StoreUnavailable:
            raise
        except SlsError as exc:
            self._events.record(  # no txn_id: each event is a log line too, and logs carry no transaction id
                "attack.wait_refused", at=now, user=username, ip=ip, result=exc.code
            )
            self.ended(username, txn_id, "refused")
            return False
        if session is not None:
            self.ended(username, txn_id, "got_in")
        return session is not None

    def ended(self, username: str, txn_id: str, how: str) -> None:
        """The victim's answer ended ``txn_id``'s login (``how``: ``denied``, ``wrong_number``, ``refused``,
        ``got_in``): counted once if it is one of the last push bombing's pushes, nothing otherwise."""
        self._bombings.answered(username, txn_id, how)
