"""Hostile bytes at every route the app has, as its caller is allowed to reach it (security review): none may
answer 5xx.

``test_openapi_fuzz.py`` generates requests the published document describes, for ``/api/v1``, ``/sim/v1``
and ``/admin/v1``; this sweeps what it does not: every route of the URL map (the pages, the trainer console's
JSON actions, the gateway's, the probes), signed in where a caller can be (the admin token, the console's
sign-in, the simulators' CSRF token, a user's session, a login's binding), with what no schema generates: NUL
bytes and lone surrogates in strings, 5,000-digit numbers, ``NaN``, nesting past the decoder's limit,
duplicate keys, bodies that are no object, bytes that are no UTF-8, a body in UTF-16, content types that lie,
and path segments of the same kind. A refusal must be a 4xx naming what it refuses (the other tests hold the
words); an exception escaping a view is a 500, which is what this looks for.

The world is re-seeded when a request took it away (a reset, a deletion, a sign-out are routes like others),
so every route meets real records.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import pytest
from conftest import ADMIN_TOKEN
from flask import Flask
from flask.testing import FlaskClient

from sls_server import create_app

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-Battery-9"
#: Values each field a route reads is given, one at a time.
VALUES: list[Any] = ["\x00", "\ud800", "a" * 5000, -1, 10**40, 1e308, None, [], {"a": "\x00"}]
#: How many of :data:`VALUES` each field is given (:func:`_pairs`).
PER_FIELD = 3
#: Bodies no field list produces: not JSON, JSON past what the decoder takes, JSON that is no object.
RAW_BODIES: list[tuple[bytes | str, str]] = [
    ('{"username":"alice","username":"bob","password":"x","password":"y"}', "application/json"),
    ("[" * 100 + "]" * 100, "application/json"),
    ('{"a":' * 40 + "1" + "}" * 40, "application/json"),
    ('{"a":' + "9" * 5000 + "}", "application/json"),
    ('{"a":NaN,"b":Infinity}', "application/json"),
    ('{"a":"\\ud800\\u0000"}', "application/json"),
    (b'{"a":"\xff\xfe"}', "application/json"),
    ('{"a":', "application/json"),
    ("\ufeff{}", "application/json"),
    ('[1, "x", null]', "application/json"),
    ('"text"', "application/json"),
    ("{}".encode("utf-16"), "application/json"),
    ("{}", "application/json; charset=klingon"),
    ("{}", "text/plain"),
    ("a=%00&b=%ff&next=%ff&csrf_token=%00&token=%00", "application/x-www-form-urlencoded"),
    (
        b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n\x00\xff\r\n--x--\r\n',
        "multipart/form-data; boundary=x",
    ),
    ("{}", "multipart/form-data"),
]
#: What a path's variable part is given, beside a real id: text no id ever is.
SEGMENTS = ["%00", "a" * 2000, "x%0d%0ay"]
#: The fields a route outside the published document (a page's form, the console's JSON actions) is given.
PAGE_FIELDS = (
    *("username", "password", "new_password", "pin", "response", "code", "phone", "ip", "ip_allowlist"),
    *("account_id", "type", "purpose", "step", "set_at", "state", "reason", "device", "enabled", "platform"),
    *("biometric", "next", "token", "sms", "sim_swapped"),
)


@pytest.fixture(params=[False, True], ids=["portal", "gateway"])
def app(app_config: dict[str, Any], request: pytest.FixtureRequest) -> Flask:
    """The app as ``sls serve`` runs it, and in gateway mode (``SLS_GATEWAY``: its ``/sso`` pages, the REST
    routes a tool polls and the console's gateway card on top)."""
    return create_app({**app_config, "IP_THROTTLE_LIMIT": 1_000_000, "GATEWAY": request.param})


class Caller:
    """A client that is everyone a route lets in: the admin, the console signed in, a user logged in (their
    session cookie and bearer), a login waiting on its second factor; re-seeded when a request ended any."""

    def __init__(self, app: Flask) -> None:
        self.client: FlaskClient = app.test_client()
        self.ids: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        self.seed()

    def seed(self) -> None:
        """alice made anew (whatever the sweep did to her: disabled, locked, her card revoked), logged in,
        with a login waiting; the console signed in."""
        client = self.client
        assert client.delete("/admin/v1/users/alice", headers=ADMIN).status_code in (200, 404)
        body = {"username": "alice", "password": PASSWORD, "phone": "+15550100001"}
        assert client.post("/admin/v1/users", json=body, headers=ADMIN).status_code == 201
        card = {"type": "dscplus", "pin": "1234"}
        made = client.post("/admin/v1/users/alice/devices", json=card, headers=ADMIN)
        assert made.status_code == 201, made.get_json()
        self.ids["device_id"] = made.get_json()["device_id"]
        if 'data-testid="trainer-sign-out"' not in client.get("/trainer").get_data(as_text=True):
            form = _form_token(client.get("/trainer").get_data(as_text=True))
            signed = client.post("/trainer/sign-in", data={"token": ADMIN_TOKEN, "csrf_token": form})
            assert signed.status_code == 303
        started = client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
        assert started.status_code == 200, started.get_json()
        login = started.get_json()
        answered = client.post(
            f"/sim/v1/dscplus/{self.ids['device_id']}/respond",
            json={"pin": "1234", "challenge": login["factor"]["challenge"]},
        )
        verified = client.post(
            f"/api/v1/auth/login/{login['txn_id']}/verify",
            json={"response": answered.get_json()["response"]},
            headers={"X-Login-Token": login["login_token"]},
        )
        assert verified.status_code == 200, verified.get_json()
        waiting = client.post(
            "/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}
        ).get_json()
        self.ids.update(username="alice", txn_id=waiting["txn_id"])
        script = re.search(
            r'<meta name="csrf-token" content="([^"]+)"', client.get("/trainer").get_data(as_text=True)
        )
        assert script
        self.headers = {
            **ADMIN,
            "X-CSRF-Token": script.group(1),
            "X-Login-Token": waiting["login_token"],
            "Sec-Fetch-Site": "same-origin",
        }

    def send(self, method: str, path: str, body: bytes | str | None, content_type: str | None) -> int:
        headers = dict(self.headers)
        if path.startswith("/api/v1") and not path.startswith("/api/v1/auth"):
            session = self.client.get_cookie("sls_session")
            headers["Authorization"] = f"Bearer {session.value if session else 'none'}"
        if content_type:
            headers["Content-Type"] = content_type
        return self.client.open(path, method=method, data=body, headers=headers).status_code

    def intact(self) -> bool:
        """Whether the world and the sign-ins the next route needs are still there: alice enabled, her
        session live, the console signed in."""
        user = self.client.get("/admin/v1/users/alice", headers=ADMIN)
        if user.status_code != 200 or user.get_json().get("disabled"):
            return False
        session = self.client.get_cookie("sls_session")
        bearer = {"Authorization": f"Bearer {session.value if session else 'none'}"}
        live = self.client.get("/api/v1/session", headers=bearer).status_code == 200
        return live and self.client.get("/trainer/users").status_code == 200


def _form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "a form without its CSRF token"
    return found.group(1)


def _fields(app: Flask) -> dict[tuple[str, str], list[str]]:
    """The field names each operation of the published document reads from its body, by method and the URL
    map's rule (its own schema, the alternatives of a ``oneOf`` included)."""
    document = app.test_client().get("/openapi.json").get_json()
    schemas = document["components"]["schemas"]

    def names(node: Any) -> set[str]:
        if not isinstance(node, dict):
            return set()
        if "$ref" in node:
            return names(schemas[node["$ref"].rsplit("/", 1)[-1]])
        found = set(node.get("properties", {}))
        for key in ("oneOf", "anyOf", "allOf"):
            for alternative in node.get(key, []):
                found |= names(alternative)
        return found

    fields: dict[tuple[str, str], list[str]] = {}
    for path, operations in document["paths"].items():
        rule = re.sub(r"\{(\w+)\}", r"<\1>", path)
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            body = names(content.get("application/json", {}).get("schema"))
            fields[(method.upper(), rule)] = sorted(body)
    return fields


def _pairs(fields: Sequence[str]) -> list[tuple[str, Any]]:
    """Each field with :data:`PER_FIELD` of the values, the next field starting one further on: every value
    reaches every kind of field somewhere in the sweep, at a third of the requests of every pair."""
    return [(name, VALUES[(i + k) % len(VALUES)]) for i, name in enumerate(fields) for k in range(PER_FIELD)]


def _paths(rule: str, arguments: set[str], ids: dict[str, str]) -> list[str]:
    """The rule with its variable parts filled: by a real id (or ``x``), then by each odd segment."""

    def filled(value: str | None) -> str:
        return re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda m: value or ids.get(m.group(1), "x"), rule)

    return [filled(None), *(filled(segment) for segment in SEGMENTS)] if arguments else [rule]


def test_no_route_answers_5xx_to_hostile_input(app: Flask) -> None:
    caller = Caller(app)
    fields = _fields(app)
    broken: list[str] = []
    sent = 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            for path in _paths(rule.rule, set(rule.arguments), caller.ids):
                cases: list[tuple[bytes | str | None, str | None]] = [(None, None)]
                if method != "GET" and path == _paths(rule.rule, set(rule.arguments), caller.ids)[0]:
                    cases += RAW_BODIES
                    read = fields.get(
                        (method, re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"<\1>", rule.rule)), PAGE_FIELDS
                    )
                    cases += [(json.dumps({name: value}), "application/json") for name, value in _pairs(read)]
                for body, content_type in cases:
                    sent += 1
                    status = caller.send(method, path, body, content_type)
                    if status >= 500:
                        shown = body if body is None or len(body) < 80 else f"{body[:80]!r}..."
                        broken.append(f"{method} {path[:100]} {content_type} {shown!r}: {status}")
                if not caller.intact():
                    caller.seed()
    assert not broken, "\n".join(broken)
    assert sent > 5_000, sent  # the sweep reached every route, not a few
