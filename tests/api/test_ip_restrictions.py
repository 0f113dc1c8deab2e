"""IP restrictions through the HTTP API: logins and sessions only from designated addresses.

The client address is set per request with ``environ_base`` (the socket peer); X-Forwarded-For is only
believed from a peer in ``SLS_TRUSTED_PROXIES``.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EnrolledUser, move_clock, trail
from flask.testing import FlaskClient
from freezegun import freeze_time
from spec_conformance import error_codes

from sls_server import create_app
from sls_server.errors import StoreUnavailable
from sls_server.store.access import AccessRepo

GOOD = "203.0.113.5"
OTHER = "198.51.100.1"


def at(client: FlaskClient, address: str) -> FlaskClient:
    """Every further request of ``client`` comes from ``address``."""
    client.environ_base["REMOTE_ADDR"] = address
    return client


def set_list(client: FlaskClient, headers: dict[str, str], path: str, entries: Any) -> Any:
    return client.put(f"/admin/v1/{path}/ip-allowlist", json={"ip_allowlist": entries}, headers=headers)


def login(client: FlaskClient, username: str, password: str, **kwargs: Any) -> Any:
    return client.post("/api/v1/auth/login", json={"username": username, "password": password}, **kwargs)


@pytest.mark.parametrize(
    ("allowlist", "address"),
    [
        ([GOOD], GOOD),
        (["203.0.113.0/24"], "203.0.113.77"),
        (["2001:db8::/32"], "2001:db8:5::1"),
        (["10.0.0.0/8", "2001:db8::/32"], "2001:db8::1"),
        (["203.0.113.0/24"], "::ffff:203.0.113.9"),
        (["::ffff:203.0.113.0/120"], GOOD),
    ],
)
def test_login_from_an_allowed_address(
    alice: EnrolledUser, admin_headers: dict[str, str], allowlist: list[str], address: str
) -> None:
    assert set_list(alice.client, admin_headers, "users/alice", allowlist).status_code == 200
    at(alice.client, address)
    token = alice.log_in()  # an allowed address still needs the password and the second factor
    bearer = {"Authorization": f"Bearer {token}"}
    assert alice.client.get("/api/v1/session", headers=bearer).status_code == 200


@freeze_time("2030-01-01 12:00:00")  # one flood window throughout, so the counts below are exact
def test_another_address_is_refused_before_the_password(
    alice: EnrolledUser, admin_headers: dict[str, str], client: FlaskClient
) -> None:
    set_list(client, admin_headers, "users/alice", ["10.0.0.0/8"])
    at(client, GOOD)
    right = login(client, "alice", alice.password)
    wrong = login(client, "alice", "not the password at all")
    assert right.status_code == wrong.status_code == 403
    assert right.get_data() == wrong.get_data()  # no password oracle
    assert right.get_json()["error"] == "ip_restricted"
    rejected = trail(client, admin_headers, "ip.rejected")  # a refusal costs nothing: one per window
    assert [(e["user"], e["ip"], e["result"]) for e in rejected] == [("alice", GOOD, "login_refused")]
    assert trail(client, admin_headers, "login.password_failed") == []  # the password was never looked at
    assert trail(client, admin_headers, "login.password_ok") == []
    assert login(client, "nobody-at-all", "whatever it is").status_code == 401  # no list for unknown users

    for _ in range(12):  # refusals are not password failures: they cannot lock the user out
        login(client, "alice", "not the password at all")
    move_clock(client, admin_headers, 60)  # the flood window closes: its count is in the trail
    [summary] = trail(client, admin_headers, "events.summary")
    assert (summary["ip"], summary["result"], summary["detail"]["type"]) == (
        GOOD,
        "login_refused",
        "ip.rejected",
    )
    assert (summary["detail"]["count"], summary["detail"]["suppressed"]) == (14, 13)
    at(client, "10.9.8.7")
    assert login(client, "alice", "not the password at all").get_json()["error"] == "invalid_credentials"
    alice.log_in()


def test_empty_list_lifts_the_restriction(alice: EnrolledUser, admin_headers: dict[str, str]) -> None:
    set_list(alice.client, admin_headers, "users/alice", ["10.0.0.0/8"])
    at(alice.client, GOOD)
    assert login(alice.client, "alice", alice.password).status_code == 403
    cleared = set_list(alice.client, admin_headers, "users/alice", [])
    assert cleared.get_json() == {"username": "alice", "ip_allowlist": [], "account_id": None}
    alice.log_in()


def test_lists_are_normalised_and_changes_recorded(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    given = ["10.0.0.1/8", "10.0.0.0/8", "2001:DB8::1/32", "::ffff:203.0.113.5", "198.51.100.7/32"]
    stored = ["10.0.0.0/8", "2001:db8::/32", GOOD, "198.51.100.7"]
    assert set_list(alice.client, admin_headers, "users/ALICE", given).get_json()["ip_allowlist"] == stored
    got = alice.client.get("/admin/v1/users/alice/ip-allowlist", headers=admin_headers)
    assert got.get_json() == {"username": "alice", "ip_allowlist": stored, "account_id": None}
    changed = trail(alice.client, admin_headers, "ip.allowlist_changed")
    assert [(e["user"], e["detail"]) for e in changed] == [("alice", {"entries": 4})]


@pytest.mark.parametrize(
    ("entries", "extra"),
    [
        (["10.0.0.0/8", "10.0.0.0/33"], {"index": 1, "entry": "10.0.0.0/33"}),
        (["hello"], {"index": 0, "entry": "hello"}),
        (["10.0.0.0/8", "192.0.2.0/24", "2001:db8::/32", ""], {"index": 3, "entry": ""}),
        (["10.0.0.0/8", 42], {"index": 1, "entry": 42}),
        ([f"10.0.{i // 256}.{i % 256}" for i in range(1001)], {}),
        ("10.0.0.0/8", {}),
        (None, {}),
    ],
)
def test_a_bad_list_is_refused_and_the_old_one_kept(
    alice: EnrolledUser, admin_headers: dict[str, str], entries: Any, extra: dict[str, Any]
) -> None:
    set_list(alice.client, admin_headers, "users/alice", [GOOD])
    refused = set_list(alice.client, admin_headers, "users/alice", entries)
    assert refused.status_code == 400
    body = refused.get_json()
    assert body == {**body, "error": "invalid_request", "field": "ip_allowlist", **extra}
    got = alice.client.get("/admin/v1/users/alice/ip-allowlist", headers=admin_headers).get_json()
    assert got["ip_allowlist"] == [GOOD]


def test_create_user_with_a_list(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    user = {"username": "dave", "password": "vernal-Quartz-harbor-71"}
    bad = client.post(
        "/admin/v1/users", json={**user, "ip_allowlist": ["10.0.0.0/8", "hello"]}, headers=admin_headers
    )
    assert bad.status_code == 400
    assert bad.get_json()["entry"] == "hello"
    assert client.get("/admin/v1/users/dave", headers=admin_headers).status_code == 404
    assert trail(client, admin_headers, "user.created") == []
    made = client.post(
        "/admin/v1/users", json={**user, "ip_allowlist": ["10.0.0.1/8"]}, headers=admin_headers
    )
    assert made.status_code == 201
    got = client.get("/admin/v1/users/dave/ip-allowlist", headers=admin_headers).get_json()
    assert got["ip_allowlist"] == ["10.0.0.0/8"]


def test_a_user_created_with_a_list_is_never_there_without_it(
    client: FlaskClient, admin_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list is written in the step that creates the user: were it a second write, an outage between the
    two (here: every later write of a user's list failing) left a user who could log in from anywhere, and a
    retry was 409 ``user_exists``."""

    def outage(*_: Any, **__: Any) -> None:
        raise StoreUnavailable()

    monkeypatch.setattr(AccessRepo, "set_user_allowlist", outage)
    user = {"username": "olga", "password": "vernal-Quartz-harbor-71"}
    made = client.post(
        "/admin/v1/users", json={**user, "ip_allowlist": ["10.0.0.0/8"]}, headers=admin_headers
    )
    assert made.status_code == 201
    outside = login(at(client, "203.0.113.9"), "olga", user["password"])
    assert (outside.status_code, outside.get_json()["error"]) == (403, "ip_restricted")
    [changed] = trail(client, admin_headers, "ip.allowlist_changed")
    assert (changed["user"], changed["detail"]) == ("olga", {"entries": 1})
    again = client.post("/admin/v1/users", json={**user, "ip_allowlist": []}, headers=admin_headers)
    assert again.status_code == 409  # and the list stays
    got = client.get("/admin/v1/users/olga/ip-allowlist", headers=admin_headers).get_json()
    assert got["ip_allowlist"] == ["10.0.0.0/8"]


def test_unknown_user_and_admin_token(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    assert client.get("/admin/v1/users/ghost/ip-allowlist", headers=admin_headers).status_code == 404
    missing = set_list(client, admin_headers, "users/ghost", [GOOD])
    assert (missing.status_code, missing.get_json()["error"]) == (404, "unknown_user")
    assert client.get("/admin/v1/users/ghost/ip-allowlist").status_code == 401
    assert client.post("/admin/v1/accounts", json={"account_id": "U1"}).status_code == 401


def test_a_session_used_from_outside_the_list_is_ended(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    set_list(alice.client, admin_headers, "users/alice", ["203.0.113.0/24"])
    at(alice.client, GOOD)
    alice.log_in()
    assert alice.client.get("/api/v1/session").status_code == 200
    at(alice.client, OTHER)
    refused = alice.client.get("/api/v1/session")
    assert (refused.status_code, refused.get_json()["error"]) == (403, "ip_restricted")
    at(alice.client, GOOD)
    assert alice.client.get("/api/v1/session").status_code == 401  # ended, not merely refused once
    assert [e["result"] for e in trail(alice.client, admin_headers, "ip.rejected")] == ["session_ended"]

    alice.log_in()  # the list changed mid-session applies to the next request
    set_list(alice.client, admin_headers, "users/alice", ["10.0.0.0/8"])
    assert alice.client.post("/api/v1/session/tickle").status_code == 403
    assert alice.client.get("/api/v1/session").status_code == 401


# --- the client address behind proxies ----------------------------------------------------------------------


@pytest.fixture
def proxied(app_config: dict[str, Any], admin_headers: dict[str, str]) -> EnrolledUser:
    """alice, on an app that trusts 10.0.0.0/8 as its reverse proxies, allowed only from 198.51.100.7."""
    client = create_app({**app_config, "TRUSTED_PROXIES": "10.0.0.0/8"}).test_client()
    user = EnrolledUser(client, admin_headers, "alice", "1234")
    assert set_list(client, admin_headers, "users/alice", ["198.51.100.7"]).status_code == 200
    return user


@pytest.mark.parametrize(
    ("peer", "forwarded", "status", "seen_as"),
    [
        ("203.0.113.5", "198.51.100.7", 403, "203.0.113.5"),  # spoofed by an untrusted peer: ignored
        ("10.0.0.1", "198.51.100.7", 200, "198.51.100.7"),
        ("10.0.0.1", "198.51.100.7, 10.0.0.2", 200, "198.51.100.7"),  # client, proxy2 -> proxy1
        ("10.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.2", 200, "198.51.100.7"),  # what the client prepended
        ("10.0.0.1", "198.51.100.7, 203.0.113.5", 403, "203.0.113.5"),  # right-most untrusted wins
        ("10.0.0.1", "198.51.100.7, not-an-ip", 403, "10.0.0.1"),  # malformed: the last good address
        ("::ffff:10.0.0.1", "::ffff:198.51.100.7", 200, "198.51.100.7"),
    ],
)
def test_forwarded_for_through_trusted_proxies(
    proxied: EnrolledUser, admin_headers: dict[str, str], peer: str, forwarded: str, status: int, seen_as: str
) -> None:
    client = at(proxied.client, peer)
    answer = login(client, "alice", "not the password at all", headers={"X-Forwarded-For": forwarded})
    assert answer.status_code == (401 if status == 200 else 403)
    seen = trail(client, admin_headers, "login.password_failed" if status == 200 else "ip.rejected")
    assert [e["ip"] for e in seen] == [seen_as]


def test_without_trusted_proxies_the_header_is_ignored(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    set_list(alice.client, admin_headers, "users/alice", ["198.51.100.7"])
    at(alice.client, "10.0.0.1")
    answer = login(alice.client, "alice", alice.password, headers={"X-Forwarded-For": "198.51.100.7"})
    assert answer.status_code == 403
    assert [e["ip"] for e in trail(alice.client, admin_headers, "ip.rejected")] == ["10.0.0.1"]


def test_answers_match_the_openapi_document(alice: EnrolledUser, admin_headers: dict[str, str]) -> None:
    """Each status these routes give is documented, with its error code, for the route that gave it."""
    client = alice.client
    spec = client.get("/openapi.json").get_json()
    admin = {"headers": admin_headers}
    calls: list[tuple[str, str, str, int, dict[str, Any]]] = [
        (
            "put",
            "/admin/v1/users/alice/ip-allowlist",
            "/admin/v1/users/{username}/ip-allowlist",
            400,
            {"json": {"ip_allowlist": ["hello"]}, **admin},
        ),
        (
            "put",
            "/admin/v1/users/alice/ip-allowlist",
            "/admin/v1/users/{username}/ip-allowlist",
            200,
            {"json": {"ip_allowlist": ["10.0.0.0/8"]}, **admin},
        ),
        ("get", "/admin/v1/users/ghost/ip-allowlist", "/admin/v1/users/{username}/ip-allowlist", 404, admin),
        (
            "post",
            "/admin/v1/accounts",
            "/admin/v1/accounts",
            201,
            {"json": {"account_id": "U1", "users": ["alice"]}, **admin},
        ),
        ("post", "/admin/v1/accounts", "/admin/v1/accounts", 409, {"json": {"account_id": "U1"}, **admin}),
        ("get", "/admin/v1/accounts/U1", "/admin/v1/accounts/{account_id}", 200, admin),
        ("get", "/admin/v1/accounts/U9", "/admin/v1/accounts/{account_id}", 404, admin),
        (
            "put",
            "/admin/v1/accounts/U1/ip-allowlist",
            "/admin/v1/accounts/{account_id}/ip-allowlist",
            200,
            {"json": {"ip_allowlist": []}, **admin},
        ),
        (
            "post",
            "/admin/v1/accounts/U1/users",
            "/admin/v1/accounts/{account_id}/users",
            200,
            {"json": {"username": "alice"}, **admin},
        ),
        (
            "post",
            "/api/v1/auth/login",
            "/api/v1/auth/login",
            403,
            {"json": {"username": "alice", "password": alice.password}},
        ),
    ]
    for method, path, template, status, kwargs in calls:
        answer = client.open(path, method=method.upper(), environ_base={"REMOTE_ADDR": GOOD}, **kwargs)
        assert answer.status_code == status, (method, path, answer.get_json())
        if status >= 400:
            documented = error_codes(spec, spec["paths"][template][method], status)
            assert answer.get_json()["error"] in documented


def test_a_login_from_outside_a_list_changed_since_its_password_gets_no_new_code(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    """The address is judged again at every step of a login, as a lock is (security.md): a login begun
    inside the list, asking for a new code (or Challenge/Response) from an address the list no longer admits,
    is ``403 ip_restricted``, and nothing is texted, called or drawn: whoever holds the password there cannot
    keep texting the owner. The login model found it: ``/factor`` from there texted a new code."""
    phone = "+15550100077"
    assert (
        alice.client.put(
            "/admin/v1/users/alice/phone", json={"phone": phone}, headers=admin_headers
        ).status_code
        == 200
    )
    sms = alice.client.post("/admin/v1/users/alice/devices", json={"type": "sms"}, headers=admin_headers)
    assert sms.status_code == 201, sms.get_json()
    at(alice.client, GOOD)
    started = alice.start_login()  # the card, the user's default
    binding = {"X-Login-Token": started["login_token"]}
    texts = len(alice.client.get(f"/sim/v1/phones/{phone}/messages").get_json()["messages"])
    set_list(alice.client, admin_headers, "users/alice", ["10.0.0.0/8"])
    for asked in ({"type": "sms"}, {"type": "voice"}, {"type": "dscplus"}):
        switched = alice.client.post(
            f"/api/v1/auth/login/{started['txn_id']}/factor", json=asked, headers=binding
        )
        assert (switched.status_code, switched.get_json().get("error")) == (403, "ip_restricted"), asked
    assert len(alice.client.get(f"/sim/v1/phones/{phone}/messages").get_json()["messages"]) == texts
    assert alice.client.get(f"/sim/v1/phones/{phone}/calls").get_json()["calls"] == []
    assert [e["type"] for e in trail(alice.client, admin_headers, "login.challenge_issued")] == [
        "login.challenge_issued"
    ]
