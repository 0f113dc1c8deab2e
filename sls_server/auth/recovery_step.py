"""A forgotten password's second factor: the step a recovery opens once its texted code is right, on a device
other than the phone the code went to, and the address rule every step after the code keeps.

It stands apart from ``password_recovery`` because it is a job of its own with its own rules: which
authenticator the step opens on (``STEP_FACTORS``: never the phone's SMS or voice, or a swapped SIM would be
the whole account), the IB Key Challenge/Response mode, and the approval polled or the response checked.
``PasswordRecovery`` keeps the code, its decoy and the new password, and hands this step the recovery."""

from __future__ import annotations

from typing import Any

from ..accounts.access import IpRestrictions
from ..accounts.errors import IpRestricted
from ..errors import InvalidRequest
from ..events import EventLog
from ..store.records import LoginTxn, UserRecord
from ..store.recoveries import RecoveryRepo
from .errors import ChallengeExpired, ClientServicesRequired
from .prompts import Prompts
from .recovery_codes import token_digest
from .second_factor import SecondFactor

#: What the texts and the step are for, in events, texts and the IB Key notification.
PURPOSE = "password_recovery"
#: The factors a recovery's step may open on, best first: none of them is the phone the code went to.
STEP_FACTORS = ("ibkey", "dscplus", "totp", "temporary")


class RecoveryStep:
    def __init__(
        self,
        repo: RecoveryRepo,
        prompts: Prompts,
        steps: SecondFactor,
        events: EventLog,
        ip_rules: IpRestrictions,
    ) -> None:
        self._repo = repo
        self._prompts = prompts
        self._steps = steps
        self._events = events
        self._ip_rules = ip_rules

    def open(self, digest: str, name: str, user: UserRecord, *, now: int, ip: str | None) -> dict[str, Any]:
        """The step opened on the user's best device other than the phone (the default device first), noted
        on the recovery with the user's standing now (what the password needs); the recovery ended and 403
        ``client_services_required`` when the user has none."""
        pairs = [(f, d) for f, d in self._prompts.usable(name, now=now) if f in STEP_FACTORS]
        if not pairs:
            self._repo.end(digest)
            self._events.record(
                "password_recovery.refused", at=now, user=name, ip=ip, result="client_services_required"
            )
            raise ClientServicesRequired()
        factor, device = min(
            pairs, key=lambda pair: (pair[1].device_id != user.default_device, STEP_FACTORS.index(pair[0]))
        )
        opened = self._prompts.open(
            name,
            now=now,
            ip=ip,
            purpose=PURPOSE,
            type_=factor,
            device_id=device.device_id,
            epoch=user.epoch or "",
        )
        # the code's script moved it to "factor" already; the user's standing now is what the password needs
        self._repo.note(
            digest, txn_id=opened["txn_id"], epoch=user.epoch or "", password_epoch=user.password_epoch or ""
        )
        opened["factors"] = [f for f in opened["factors"] if f["type"] in STEP_FACTORS]
        return {"state": "second_factor", **opened}

    def challenge_mode(self, token: str, *, now: int, ip: str | None) -> dict[str, Any]:
        """The IB Key push of the recovery's step replaced by its Challenge/Response, for a phone that gets no
        notifications (the broker's "IB Key Use Without Notifications"), as a login's and a step-up's may be;
        the new prompt. 410 ``challenge_expired`` when no recovery waits at its second factor; 400 naming
        ``recovery_token`` when that factor is not IB Key."""
        txn = self._at_second_factor(token, now=now, ip=ip)
        if txn.factor != "ibkey":
            raise InvalidRequest("only an IB Key step has a Challenge/Response mode", field="recovery_token")
        switched = self._prompts.switch(txn, "ibkey", txn.device_id, now=now, ip=ip, mode="challenge")
        return {"state": "second_factor", **switched}

    def verify(
        self, token: str, response: str | None, *, now: int, ip: str | None, validity: int
    ) -> dict[str, Any]:
        """The second factor: a typed response, or (none) a poll of an app approval. ``verified``: a new
        password may be set within ``validity`` seconds."""
        digest = token_digest(token)
        txn = self._at_second_factor(token, now=now, ip=ip)
        if response is None:
            if self._steps.collect(txn.txn_id, now=now) != "ok":
                pending = txn.state == "second_factor" and now < txn.expires_at
                self._steps.record_if_expired(txn, now)
                return {"state": "pending" if pending else "denied" if txn.state == "denied" else "expired"}
        else:
            self._steps.answer(txn, response, now=now, ip=ip)
        valid_until = now + validity
        if not self._repo.advance(digest, "factor", "verified", expires_at=str(valid_until)):
            raise ChallengeExpired("No recovery is waiting for a second factor: start again.")
        self._events.record(
            "password_recovery.verified",
            at=now,
            user=txn.username,
            ip=ip,
            factor=txn.factor,
            device_id=txn.device_id,
        )
        return {"state": "verified", "valid_until": valid_until}

    def require_address(self, digest: str, name: str, ip: str | None) -> None:
        """403 ``ip_restricted``, the recovery ended, from outside the user's IP Restrictions: at the code and
        at every step after it, as a login checks the address at its verify too (an allowed address that
        passed the code hands nothing on to another)."""
        if not self._ip_rules.allowed(name, ip):
            self._repo.end(digest)
            raise IpRestricted()

    def _at_second_factor(self, token: str, *, now: int, ip: str | None) -> LoginTxn:
        """The step of the recovery ``token`` names, waiting at its second factor and asked from an address
        its user may use; 410 ``challenge_expired`` otherwise (an address refused ends the recovery)."""
        digest = token_digest(token)
        found = self._repo.get(digest)
        if found.get("stage") != "factor" or not found.get("txn_id") or now >= int(found["expires_at"]):
            raise ChallengeExpired("No recovery is waiting for a second factor: start again.")
        self.require_address(digest, found["username"], ip)
        return self._steps.load(found["txn_id"])
