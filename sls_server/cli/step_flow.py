"""A second-factor step in progress, a login, a step-up or a password recovery, as ``/api/v1`` sees it:
:class:`Flow`.

It sends the login's binding (``X-Login-Token``) or the session token, verifies a typed answer, polls an app
approval, switches factor; ``wait_for_approval`` polls until the app answers. Apart from ``answering``
(finding the answer the way the person holding the authenticator would) because a step kept between two
commands (``login_state``) is only this: what to send, and to which route.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from ..shapes.login_names import LOGIN_TOKEN_HEADER
from .admin_client import AdminClient, segment
from .output import CliError


@dataclasses.dataclass
class Flow:
    kind: str  # "login", "stepup" or "recovery"
    username: str
    txn_id: str
    factor: dict[str, Any]
    factors: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    login_token: str | None = None
    session_token: str | None = None
    purpose: str | None = None
    seen: list[str] = dataclasses.field(default_factory=list)  # texts and calls there before the code
    recovery_token: str | None = None  # a recovery's hold on its step (/api/v1/auth/recovery)

    @classmethod
    def from_saved(cls, saved: dict[str, Any]) -> Flow:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in saved.items() if k in known})

    def saved(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def _api(self, base: AdminClient) -> AdminClient:
        return base.with_token(self.session_token if self.kind == "stepup" else None)

    def _headers(self) -> dict[str, str]:
        return {LOGIN_TOKEN_HEADER: self.login_token} if self.kind == "login" and self.login_token else {}

    def verify(self, base: AdminClient, response: str) -> dict[str, Any]:
        if self.kind == "recovery":
            body = {"recovery_token": self.recovery_token, "response": response}
            return self._api(base).request("POST", "/api/v1/auth/recovery/verify", body)
        if self.kind == "login":
            path = f"/api/v1/auth/login/{segment(self.txn_id)}/verify"
            return self._api(base).request("POST", path, {"response": response}, headers=self._headers())
        body = {"txn_id": self.txn_id, "response": response}
        return self._api(base).request("POST", "/api/v1/verify", body)

    def poll(self, base: AdminClient) -> dict[str, Any]:
        if self.kind == "recovery":
            body = {"recovery_token": self.recovery_token}
            return self._api(base).request("POST", "/api/v1/auth/recovery/verify", body)
        if self.kind == "login":
            path = f"/api/v1/auth/login/{segment(self.txn_id)}"
            return self._api(base).request("GET", path, headers=self._headers())
        return self._api(base).request("POST", "/api/v1/verify", {"txn_id": self.txn_id})

    def switch(
        self, base: AdminClient, type_: str, device_id: str | None, *, challenge: bool = False
    ) -> dict[str, Any]:
        """Another factor, or a new code on this one; ``challenge``: IB Key's challenge/response instead of a
        push. A step-up has no switch route: it begins again."""
        if self.kind == "recovery":
            raise CliError("a password recovery asks for its one authenticator: start again to use another")
        body: dict[str, Any] = {"type": type_, **({"device_id": device_id} if device_id else {})}
        if challenge:
            body["mode"] = "challenge"
        if self.kind == "login":
            path = f"/api/v1/auth/login/{segment(self.txn_id)}/factor"
            answer = self._api(base).request("POST", path, body, headers=self._headers())
        else:
            answer = self._api(base).request("POST", "/api/v1/verify", {"purpose": self.purpose, **body})
            self.txn_id = answer.get("txn_id", self.txn_id)
            self.factors = answer.get("factors") or self.factors
        self.factor = answer.get("factor") or self.factor
        return answer

    @property
    def is_push(self) -> bool:
        return self.factor.get("type") == "ibkey" and self.factor.get("mode") == "push"

    @property
    def code_purpose(self) -> str:
        return "login" if self.kind == "login" else str(self.purpose)


def done(body: dict[str, Any]) -> bool:
    """The step is over and won: a login's or a step-up's session, a recovery's time to set the password."""
    state = body.get("state")
    return state in ("authenticated", "verified") and ("session" in body or "valid_until" in body)


def ended(flow: Flow, body: dict[str, Any]) -> CliError:
    """A step the app answered for good without a session: ``login denied``, ``login expired (...)``."""
    state = body.get("state")
    reason = f" ({body['reason']})" if body.get("reason") else ""
    return CliError(f"{flow.kind} {state}{reason}", code=f"{flow.kind}_{state}")


def wait_for_approval(
    flow: Flow, api: AdminClient, timeout_s: float, *, interval_s: float = 1.0
) -> dict[str, Any]:
    """Poll until the app approves (the session comes with the first poll after), denies, or time runs out."""
    deadline = time.monotonic() + timeout_s
    while True:
        body = flow.poll(api)
        if done(body):
            return body
        if body.get("state") not in ("pending", "approved"):
            raise ended(flow, body)
        if time.monotonic() >= deadline:
            raise CliError(
                f"no approval within {timeout_s:g} s; the {flow.kind} is still waiting: sls answer",
                code="approval_timeout",
            )
        time.sleep(interval_s)  # a person is tapping a phone: the CLI waits for them (tests never sleep)
