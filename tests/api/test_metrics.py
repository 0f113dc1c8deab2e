"""``/metrics`` through prometheus-client (issue 13): counted from the audit events and the requests,
in-process; what only Redis knows read at scrape time. Values are process-wide, so each test reads deltas."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from conftest import ADMIN_TOKEN, EnrolledUser
from flask.testing import FlaskClient

from sls_server import create_app
from sls_server.store.embedded import EmbeddedRedis

SAMPLE = re.compile(r"^(?P<name>[a-z_]+)(?P<labels>\{[^}]*\})? (?P<value>\S+)$")


def samples(client: FlaskClient) -> dict[str, float]:
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.mimetype == "text/plain"
    found = {}
    for line in answer.get_data(as_text=True).splitlines():
        match = SAMPLE.match(line)
        if match:
            found[match["name"] + (match["labels"] or "")] = float(match["value"])
    return found


def delta(before: dict[str, float], after: dict[str, float], name: str) -> float:
    return after.get(name, 0.0) - before.get(name, 0.0)


def test_a_login_counts_each_step_by_result_and_factor(alice: EnrolledUser) -> None:
    before = samples(alice.client)
    started = alice.start_login()
    wrong = alice.verify(started["txn_id"], "00000000")
    assert wrong.status_code == 401
    done = alice.verify(started["txn_id"], alice.card_response(started["factor"]["challenge"]))
    assert done.status_code == 200
    after = samples(alice.client)

    def counted(result: str, factor: str) -> float:
        return delta(before, after, f'sls_login_attempts_total{{factor="{factor}",result="{result}"}}')

    assert counted("success", "password") == 1
    assert counted("invalid_response", "dscplus") == 1
    assert counted("success", "dscplus") == 1
    verify = 'route="/api/v1/auth/login/<txn_id>/verify"'
    assert delta(before, after, f'sls_http_requests_total{{method="POST",{verify},status="401"}}') == 1
    assert delta(before, after, f'sls_http_request_duration_seconds_count{{method="POST",{verify}}}') == 2
    text = alice.client.get("/metrics").get_data(as_text=True)
    assert started["txn_id"] not in text and alice.device_id not in text  # patterns, never ids
    assert after["sls_active_sessions"] == 1
    assert after['sls_events_total{type="login.succeeded"}'] == 1  # the trail's totals, from Redis


def test_wrong_passwords_count_and_the_lock_counts_once(alice: EnrolledUser) -> None:
    before = samples(alice.client)
    for _ in range(7):
        alice.client.post("/api/v1/auth/login", json={"username": "alice", "password": "wrong-password-x1"})
    after = samples(alice.client)
    wrong = 'sls_login_attempts_total{factor="password",result="invalid_credentials"}'
    locked = 'sls_login_attempts_total{factor="password",result="account_locked"}'
    assert (delta(before, after, wrong), delta(before, after, locked)) == (5, 2)
    assert delta(before, after, 'sls_lockouts_total{kind="account"}') == 1


def test_codes_sent_are_counted_by_channel(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    made = client.post(
        "/admin/v1/users",
        json={
            "username": "sam",
            "password": "Correct-Horse-Battery-9",
            "phone": "+15550100077",
            "sms": False,  # the SMS enrolled below sends the notice counted
        },
        headers=admin_headers,
    )
    assert made.status_code == 201
    before = samples(client)
    assert (
        client.post("/admin/v1/users/sam/devices", json={"type": "sms"}, headers=admin_headers).status_code
        == 201
    )
    started = client.post(
        "/api/v1/auth/login", json={"username": "sam", "password": "Correct-Horse-Battery-9"}
    )
    assert started.status_code == 200 and started.get_json()["factor"]["type"] == "sms"
    after = samples(client)
    delivered = 'sls_messages_sent_total{channel="sms",outcome="delivered",reason="none"}'
    assert delta(before, after, delivered) == 2  # the enrolment notice, the code


def _sms_counts(before: dict[str, float], after: dict[str, float]) -> dict[tuple[str, str], float]:
    """The SMS series that moved, by (outcome, reason)."""
    found = {}
    for name in after:
        match = re.fullmatch(r'sls_messages_sent_total\{channel="sms",outcome="(\w+)",reason="(\w+)"\}', name)
        if match and delta(before, after, name):
            found[(match[1], match[2])] = delta(before, after, name)
    return found


def test_texts_the_network_drops_are_counted_apart_from_those_delivered(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """A text the phone never got (off until restarted, the carrier blocking texts) was counted as sent,
    like one delivered; and one a swapped SIM took to another handset was counted as the subscriber's."""
    number = "+15550100078"
    made = client.post(
        "/admin/v1/users",
        json={"username": "sid", "password": "Correct-Horse-Battery-9", "phone": number, "sms": False},
        headers=admin_headers,
    )
    assert made.status_code == 201
    conditions = f"/sim/v1/phones/{number}/conditions"
    before = samples(client)
    assert client.put(conditions, json={"needs_restart": True}).status_code == 200
    enrolled = client.post("/admin/v1/users/sid/devices", json={"type": "sms"}, headers=admin_headers)
    assert enrolled.status_code == 201  # its notice: lost, the phone needs a restart
    assert client.put(conditions, json={"carrier_blocks_sms": True}).status_code == 200
    login = {"username": "sid", "password": "Correct-Horse-Battery-9"}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200  # the code: blocked
    assert client.put(conditions, json={"sim_swapped_to": "attacker"}).status_code == 200
    assert client.post("/api/v1/auth/login", json=login).status_code == 200  # the code: the attacker's
    after = samples(client)
    assert _sms_counts(before, after) == {
        ("dropped", "needs_restart"): 1,
        ("dropped", "carrier_blocked"): 1,
        ("delivered", "sim_swapped"): 1,
    }


def test_a_redis_that_cannot_serve_is_counted_and_the_scrape_still_answers(
    app_config: dict[str, Any], tmp_path: Path
) -> None:
    own = EmbeddedRedis(tmp_path / "own-redis", appendonly=False).start()
    client = create_app({**app_config, "REDIS_URL": own.url, "REDIS_TIMEOUT": 0.5}).test_client()
    before = samples(client)
    own.stop()
    assert client.get("/readyz").status_code == 503
    after = samples(client)
    assert (
        delta(before, after, 'sls_redis_errors_total{kind="unavailable"}') == 2
    )  # /readyz, the scrape's read
    assert "sls_active_sessions" not in after
    assert ADMIN_TOKEN not in client.get("/metrics").get_data(as_text=True)


def test_a_method_the_server_does_not_know_is_counted_as_other(client: FlaskClient) -> None:
    """The method is a label: counted by name, any token a client makes up would be a new series for good."""
    before = samples(client)
    for n in range(5):
        assert client.open("/api/v1/session", method=f"BREW{n}").status_code == 405
        assert client.open(f"/nowhere/{n}", method=f"BREW{n}").status_code == 404
    after = samples(client)
    assert not any('method="BREW' in name for name in after)
    counted = [name for name in after if name.startswith("sls_http_requests_total")]
    assert sum(delta(before, after, name) for name in counted if 'method="other"' in name) == 10


def test_a_405_on_a_route_is_counted_under_its_pattern(client: FlaskClient) -> None:
    """The path is a route's, only the method is wrong: the route's pattern (never the id in the path), the
    method as ``other`` if made up; a made-up path stays the one ``(unmatched)``."""
    before = samples(client)
    assert client.open("/api/v1/session", method="FOO").status_code == 405
    assert client.delete("/api/v1/auth/login").status_code == 405
    assert client.open("/api/v1/auth/login/txn-secret-1/verify", method="FOO").status_code == 405
    assert client.open("/made/up/path", method="FOO").status_code == 404
    after = samples(client)

    def requests(route: str, method: str, status: int) -> float:
        name = f'sls_http_requests_total{{method="{method}",route="{route}",status="{status}"}}'
        return delta(before, after, name)

    assert requests("/api/v1/session", "other", 405) == 1
    assert requests("/api/v1/auth/login", "DELETE", 405) == 1
    assert requests("/api/v1/auth/login/<txn_id>/verify", "other", 405) == 1
    assert requests("(unmatched)", "other", 405) == 0
    assert requests("(unmatched)", "other", 404) == 1
    assert "txn-secret-1" not in client.get("/metrics").get_data(as_text=True)
