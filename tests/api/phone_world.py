"""Sam, a user with a phone and an SMS (or voice) device, and what the SMS and voice tests do with them.

Shared by ``test_sms_voice.py``, ``test_sms_conditions.py`` and ``test_sms_audio_events.py``, which import the
``sam`` fixture (``from phone_world import sam_phone``). Codes are read the way a QA script reads them, from
``GET /sim/v1/phones/<number>/messages`` (or ``/calls``). Like every API test these run at a frozen instant
(the autouse ``frozen_time`` of ``tests/conftest.py``), moved only with ``POST /admin/v1/clock``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import move_clock
from flask.testing import FlaskClient

PHONE = "+15555550123"
MASKED = "+1•••••••0123"
PASSWORD = "Velvet-Harbor-Sms-58"


class Phone:
    """A user with a phone and an SMS (or voice) device, and what the test does with them."""

    def __init__(
        self, client: FlaskClient, headers: dict[str, str], username: str = "sam", type_: str = "sms"
    ) -> None:
        self.client, self.headers, self.username = client, headers, username
        created = client.post(
            "/admin/v1/users",
            json={"username": username, "password": PASSWORD, "phone": PHONE, "sms": False},
            headers=headers,
        )
        assert created.status_code == 201, created.get_json()
        enrolled = client.post(f"/admin/v1/users/{username}/devices", json={"type": type_}, headers=headers)
        assert enrolled.status_code == 201, enrolled.get_json()
        self.device = enrolled.get_json()

    def login(self, status: int = 200) -> dict[str, Any]:
        started = self.client.post(
            "/api/v1/auth/login", json={"username": self.username, "password": PASSWORD}
        )
        assert started.status_code == status, started.get_json()
        return started.get_json()  # type: ignore[no-any-return]

    def texts(self, handset: str = PHONE) -> list[dict[str, Any]]:
        """Code-bearing texts (not change notices) on ``handset``, newest first."""
        answer = self.client.get(f"/sim/v1/phones/{handset}/messages")
        assert answer.status_code == 200, answer.get_json()
        return [m for m in answer.get_json()["messages"] if m["purpose"] == "login"]

    def calls(self, handset: str = PHONE) -> list[dict[str, Any]]:
        answer = self.client.get(f"/sim/v1/phones/{handset}/calls")
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()["calls"]  # type: ignore[no-any-return]

    def code(self, handset: str = PHONE) -> str:
        newest = self.texts(handset)[0]
        assert re.fullmatch(r"[0-9]{6}", newest["code"]) and newest["code"] in newest["text"]
        return newest["code"]  # type: ignore[no-any-return]

    def new_code(self, txn_id: str, type_: str = "sms", status: int = 200) -> Any:
        switched = self.client.post(f"/api/v1/auth/login/{txn_id}/factor", json={"type": type_})
        assert switched.status_code == status, switched.get_json()
        return switched.get_json()

    def verify(self, txn_id: str, code: str) -> Any:
        return self.client.post(f"/api/v1/auth/login/{txn_id}/verify", json={"response": code})

    def move_clock(self, seconds: int) -> int:
        return move_clock(self.client, self.headers, seconds)

    def conditions(self, status: int = 200, number: str = PHONE, **body: Any) -> Any:
        answer = self.client.put(f"/sim/v1/phones/{number}/conditions", json=body)
        assert answer.status_code == status, answer.get_json()
        return answer.get_json()


@pytest.fixture(name="sam")
def sam_phone(client: FlaskClient, admin_headers: dict[str, str]) -> Phone:
    return Phone(client, admin_headers)


def fresh_code(sam: Phone, txn_id: str, old: str) -> str:
    """A new SMS whose code differs from ``old`` (two equal 6-digit draws are a one-in-a-million event)."""
    for _ in range(3):
        sam.new_code(txn_id)
        if sam.code() != old:
            return sam.code()
    raise AssertionError("three new codes all equal to the old one")
