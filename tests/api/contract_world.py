"""The demo world's users, built through the document's own routes as ``sls demo`` seeds them
(``sls_server.cli.demo_world``), and the calls an integrating client makes on them: every answer, the set-up's
included, held to /openapi.json by :class:`spec_conformance.Conformance`.

Shared by ``test_contract_examples*.py``: the walk a developer pointing a broker-login client at the
emulator takes, request by request, so any drift between what the server answers and what the document
declares fails there.
"""

from __future__ import annotations

from typing import Any

from spec_conformance import Conformance

from sls_server.cli.demo_world import WORLD, DemoUser, enrol_body

USERS = {user.username: user for user in WORLD}


class DemoWorld:
    """Some of the demo world's users on one app, and the client's calls on them."""

    def __init__(self, c: Conformance, admin_headers: dict[str, str]) -> None:
        self.c = c
        self.admin = {"headers": admin_headers}
        self.devices: dict[str, list[dict[str, Any]]] = {}
        self.passwords = {name: user.password for name, user in USERS.items()}

    # --- the set-up, as sls demo makes it -------------------------------------------------------------------

    def seed(self, *names: str) -> None:
        for name in names:
            user = USERS[name]
            body = {
                "username": name,
                "password": user.password,
                "phone": user.phone,
                "ip_allowlist": list(user.ip_allowlist),
                "sms": user.sms_at_opening,
            }
            created = self.c.send("post", "/admin/v1/users", 201, json=body, **self.admin)
            self.devices[name] = list(created["devices"])
            for spec in user.devices:
                self.devices[name].append(self._enrol(user, spec))

    def _enrol(self, user: DemoUser, spec: dict[str, Any]) -> dict[str, Any]:
        body = enrol_body(spec)
        if "share_from" in spec:
            body = {
                "type": "dscplus",
                "share_device_id": self.device(spec["share_from"], "dscplus")["device_id"],
            }
        path = f"/admin/v1/users/{user.username}/devices"
        device = {**self.c.send("post", path, 201, json=body, **self.admin), **spec}
        if spec["type"] == "ibkey":
            activation = {
                "username": user.username,
                "password": user.password,
                "activation_code": self.code(user.username, "ibkey_activation"),
                **self.unlock(device),
            }
            self.c.send("post", f"/sim/v1/ibkey/{device['device_id']}/activate", 200, json=activation)
        if "share_from" in spec:
            device["pin"] = self.device(spec["share_from"], "dscplus")["pin"]
        return device

    def device(self, name: str, kind: str) -> dict[str, Any]:
        return next(device for device in self.devices[name] if device["type"] == kind)

    @staticmethod
    def unlock(device: dict[str, Any]) -> dict[str, Any]:
        """What the app is unlocked with: the Android app's PIN, or the iPhone's Face ID."""
        return {"biometric": True} if device.get("biometric") else {"pin": device["pin"]}

    def clock(self, seconds: int) -> None:
        self.c.send("post", "/admin/v1/clock", 200, json={"advance_s": seconds}, **self.admin)

    # --- the login ------------------------------------------------------------------------------------------

    def start(
        self, name: str, status: int = 200, password: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        body = {"username": name, "password": password or self.passwords[name]}
        return self.c.send("post", "/api/v1/auth/login", status, json=body, **kwargs)

    @staticmethod
    def bound(started: dict[str, Any]) -> dict[str, str]:
        return {"X-Login-Token": started["login_token"]}

    def verify(self, started: dict[str, Any], response: str, status: int = 200) -> dict[str, Any]:
        path = f"/api/v1/auth/login/{started['txn_id']}/verify"
        return self.c.send("post", path, status, json={"response": response}, headers=self.bound(started))

    def switch(self, started: dict[str, Any], status: int = 200, **body: Any) -> dict[str, Any]:
        path = f"/api/v1/auth/login/{started['txn_id']}/factor"
        return self.c.send("post", path, status, json=body, headers=self.bound(started))

    def poll(self, started: dict[str, Any]) -> dict[str, Any]:
        return self.c.send("get", f"/api/v1/auth/login/{started['txn_id']}", 200, headers=self.bound(started))

    # --- what the user holds --------------------------------------------------------------------------------

    def card(self, name: str, challenge: str, pin: str | None = None, status: int = 200) -> dict[str, Any]:
        card = self.device(name, "dscplus")
        body = {"pin": pin or card["pin"], "challenge": challenge}
        return self.c.send("post", f"/sim/v1/dscplus/{card['device_id']}/respond", status, json=body)

    def code(self, name: str, purpose: str = "login", channel: str = "messages") -> str:
        """The newest code sent to the user's phone for ``purpose``, by text or (``calls``) read out."""
        box = self.c.send("get", f"/sim/v1/phones/{USERS[name].phone}/{channel}", 200)[channel]
        return str(next(item["code"] for item in box if item["purpose"] == purpose))

    def totp(self, name: str) -> str:
        device_id = self.device(name, "totp")["device_id"]
        return str(self.c.send("get", f"/sim/v1/totp/{device_id}/code", 200)["code"])

    def approve(self, name: str, match: str) -> dict[str, Any]:
        """The user approves the newest push in the app, picking the number the page shows."""
        app = self.device(name, "ibkey")
        note = self.c.send("get", f"/sim/v1/ibkey/{app['device_id']}/notifications", 200)["notifications"][0]
        path = f"/sim/v1/ibkey/{app['device_id']}/notifications/{note['id']}/approve"
        return self.c.send("post", path, 200, json={"match": match, **self.unlock(app)})

    def app_response(self, name: str, challenge: str) -> str:
        app = self.device(name, "ibkey")
        body = {"challenge": challenge, **self.unlock(app)}
        return str(
            self.c.send("post", f"/sim/v1/ibkey/{app['device_id']}/respond", 200, json=body)["response"]
        )

    def answer(self, name: str, factor: dict[str, Any], purpose: str = "login") -> str | None:
        """What the user types for ``factor``; None for a push, which the app approves instead."""
        kind = factor["type"]
        if kind == "dscplus":
            return str(self.card(name, factor["challenge"])["response"])
        if kind == "ibkey" and factor["mode"] == "challenge":
            return self.app_response(name, factor["challenge"])
        if kind == "ibkey":
            self.approve(name, factor["match"])
            return None
        if kind in ("sms", "voice"):
            return self.code(name, purpose, "messages" if kind == "sms" else "calls")
        if kind == "totp":
            return self.totp(name)
        return str(self.device(name, "temporary")["passcode"])

    def log_in(self, name: str) -> dict[str, str]:
        """A session on the user's default factor: its bearer header."""
        started = self.start(name)
        response = self.answer(name, started["factor"])
        done = self.poll(started) if response is None else self.verify(started, response)
        return {"Authorization": f"Bearer {done['session']['token']}"}

    def step_up(
        self, name: str, bearer: dict[str, str], purpose: str = "withdrawal", **choice: Any
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """A step-up on the factor ``choice`` names (``type``, ``mode``): the `verified` answer and the
        bearer header of the session it rotated to."""
        opened = self.c.send(
            "post", "/api/v1/verify", 200, json={"purpose": purpose, **choice}, headers=bearer
        )
        response = self.answer(name, opened["factor"], purpose)
        finish = {"txn_id": opened["txn_id"], **({} if response is None else {"response": response})}
        done = self.c.send("post", "/api/v1/verify", 200, json=finish, headers=bearer)
        return done, {"Authorization": f"Bearer {done['session']['token']}"}
