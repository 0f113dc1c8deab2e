"""The admin, the phones and the login page of one IB Key test: shared by the IB Key test modules.

Everything goes through the three surfaces as a test in another language would: /admin/v1 to set up, /sim/v1
for the phone (the activation code is read from the simulated phone's inbox), /api/v1 for the login page.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import trail
from flask.testing import FlaskClient

PASSWORD = "Amber-Falcon-Ibkey-17"
UNLOCK = {"android": {"pin": "12ab"}, "ios": {"biometric": True}}
PHONES = {"alice": "+15550100001", "bob": "+15550100002", "carol": "+15550100003"}


class World:
    """The admin, the phones and the login page of one test."""

    def __init__(self, client: FlaskClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    def user(self, name: str, *, phone: bool = True) -> str:
        body = {
            "username": name,
            "password": PASSWORD,
            "sms": False,
            **({"phone": PHONES[name]} if phone else {}),
        }
        created = self.client.post("/admin/v1/users", json=body, headers=self.headers)
        assert created.status_code == 201, created.get_json()
        return name

    def enrol(self, name: str, platform: str) -> dict[str, Any]:
        enrolled = self.client.post(
            f"/admin/v1/users/{name}/devices",
            json={"type": "ibkey", "platform": platform},
            headers=self.headers,
        )
        assert enrolled.status_code == 201, enrolled.get_json()
        return enrolled.get_json()  # type: ignore[no-any-return]

    def code(self, number: str) -> str:
        inbox = self.client.get(f"/sim/v1/phones/{number}/messages")
        assert inbox.status_code == 200, inbox.get_json()
        texts = [m for m in inbox.get_json()["messages"] if "activation code" in m["text"]]
        return texts[0]["code"]  # type: ignore[no-any-return]  # newest first

    def activate(self, ref: str, name: str, code: str, **unlock: Any) -> Any:
        body = {"username": name, "password": PASSWORD, "activation_code": code, **unlock}
        return self.client.post(f"/sim/v1/ibkey/{ref}/activate", json=body)

    def activated(self, name: str, platform: str) -> str:
        """A user with an active IB Key on a new phone; the phone's id."""
        device_id = self.enrol(name, platform)["device_id"]
        done = self.activate(device_id, name, self.code(PHONES[name]), **UNLOCK[platform])
        assert done.status_code == 200, done.get_json()
        assert done.get_json()["status"] == "active"
        return device_id

    def activated_user(self, name: str, platform: str) -> str:
        """A new user (:meth:`user`) with an active IB Key on a new phone (:meth:`activated`); the phone's id:
        the setup most IB Key tests start from."""
        self.user(name)
        return self.activated(name, platform)

    def login(self, name: str) -> dict[str, Any]:
        started = self.client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
        assert started.status_code == 200, started.get_json()
        return started.get_json()  # type: ignore[no-any-return]

    def notifications(self, app: str) -> list[dict[str, Any]]:
        listed = self.client.get(f"/sim/v1/ibkey/{app}/notifications")
        assert listed.status_code == 200, listed.get_json()
        return listed.get_json()["notifications"]  # type: ignore[no-any-return]

    def note_for(self, app: str, txn_id: str) -> dict[str, Any]:
        return next(n for n in self.notifications(app) if n["txn_id"] == txn_id)

    def approve(self, app: str, note: dict[str, Any], match: str, **unlock: Any) -> Any:
        return self.client.post(
            f"/sim/v1/ibkey/{app}/notifications/{note['id']}/approve", json={"match": match, **unlock}
        )

    def deny(self, app: str, note: dict[str, Any], **unlock: Any) -> Any:
        return self.client.post(f"/sim/v1/ibkey/{app}/notifications/{note['id']}/deny", json=unlock)

    def answer(self, app: str, txn: dict[str, Any], answer: str, **unlock: Any) -> Any:
        """The push of ``txn`` (a login's or a step-up's first answer) approved with its number, or denied."""
        note = self.note_for(app, txn["txn_id"])
        if answer == "approve":
            return self.approve(app, note, txn["factor"]["match"], **unlock)
        return self.deny(app, note, **unlock)

    def respond(self, app: str, challenge: str, **body: Any) -> Any:
        return self.client.post(f"/sim/v1/ibkey/{app}/respond", json={"challenge": challenge, **body})

    def poll(self, txn_id: str) -> dict[str, Any]:
        polled = self.client.get(f"/api/v1/auth/login/{txn_id}")
        assert polled.status_code == 200, polled.get_json()
        return polled.get_json()  # type: ignore[no-any-return]

    def verify(self, txn_id: str, response: str) -> Any:
        return self.client.post(f"/api/v1/auth/login/{txn_id}/verify", json={"response": response})

    def roam(self, name: str, roaming: bool = True) -> None:
        put = self.client.put(f"/sim/v1/phones/{PHONES[name]}/conditions", json={"roaming": roaming})
        assert put.status_code == 200, put.get_json()

    def events(self, type_: str, user: str | None = None) -> list[dict[str, Any]]:
        return trail(self.client, self.headers, type_, **({"user": user} if user else {}))  # type: ignore[no-any-return]

    def device(self, name: str, device_id: str) -> dict[str, Any]:
        listed = self.client.get(f"/admin/v1/users/{name}/devices", headers=self.headers).get_json()
        return next(d for d in listed["devices"] if d["device_id"] == device_id)


def push_login(world: World, name: str, app: str) -> tuple[dict[str, Any], dict[str, Any]]:
    started = world.login(name)
    factor = started["factor"]
    assert factor["type"] == "ibkey" and factor["mode"] == "push"
    return started, world.note_for(app, started["txn_id"])


@pytest.fixture(name="world")
def ibkey_world(client: FlaskClient, admin_headers: dict[str, str]) -> World:
    """The test's ``World`` (import it as ``ibkey_world``: the fixture is named ``world``)."""
    return World(client, admin_headers)


@pytest.fixture(name="pauses")
def counted_pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits for a turn (``sls_server.turns``), counted instead of waited (import it as
    ``counted_pauses``: the fixture is named ``pauses``)."""
    waited: list[float] = []
    monkeypatch.setattr("sls_server.turns._pause", waited.append)
    return waited
