"""Gateway mode's REST routes against the gateway session a page login established: tickle, status,
validate, reauthenticate, ssodh/init and logout under /v1/api and /v1/portal, and every staged change
(a brokerage drop, a competing session, an SSO expiry, the daily reset) as a tool keeping the session sees it.
Time moves only with /admin/v1/clock; the test clock is frozen (conftest)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from gateway_kit import PASSWORD, logged_in

from sls_server import create_app
from sls_server.store.embedded import EmbeddedRedis

PREFIXES = ("/v1/api", "/v1/portal")
ROUTES = [
    ("post", "/tickle"),
    ("get", "/tickle"),
    ("get", "/iserver/auth/status"),
    ("post", "/iserver/auth/status"),
    ("post", "/iserver/reauthenticate?force=true"),
    ("post", "/iserver/auth/ssodh/init"),
    ("post", "/logout"),
    ("get", "/sso/validate"),
]
AUTH_STATUS_KEYS = {"authenticated", "competing", "connected", "message", "MAC", "serverInfo"}


@pytest.fixture
def gateway_app(app_config: dict[str, Any]) -> Flask:
    return create_app({**app_config, "GATEWAY": True})


@pytest.fixture
def gw(gateway_app: Flask) -> FlaskClient:
    return gateway_app.test_client()


@pytest.fixture
def sam(gw: FlaskClient, admin_headers: dict[str, str]) -> str:
    body = {"username": "sam", "password": PASSWORD, "phone": "+15555550171", "sms": False}
    assert gw.post("/admin/v1/users", json=body, headers=admin_headers).status_code == 201
    assert (
        gw.post("/admin/v1/users/sam/devices", json={"type": "sms"}, headers=admin_headers).status_code == 201
    )
    return "sam"


def call(client: FlaskClient, method: str, path: str) -> Any:
    return getattr(client, method)(path)


def stage(client: FlaskClient, headers: dict[str, str], change: str) -> dict[str, Any]:
    answer = client.post(f"/admin/v1/gateway/{change}", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_without_a_session_every_route_answers_401(
    gw: FlaskClient, prefix: str, method: str, route: str
) -> None:
    answer = call(gw, method, prefix + route)
    assert answer.status_code == 401
    assert answer.get_json()["error"] == "no_session"


def test_the_routes_exist_only_in_gateway_mode(client: FlaskClient) -> None:
    for path in ("/v1/api/tickle", "/sso/Login", "/admin/v1/gateway", "/sim/v1/outbox/latest-code?user=a"):
        assert client.get(path).status_code in (404, 405), path


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(
    ("method", "route"),
    [
        ("get", "/iserver/accounts"),  # ibind's receive_brokerage_accounts()
        ("get", "/portfolio/accounts"),
        ("get", "/iserver/marketdata/snapshot?conids=265598&fields=31"),
        ("post", "/iserver/account/U1234567/orders"),
    ],
)
def test_a_route_of_the_gateway_that_is_not_emulated_says_so(
    gw: FlaskClient, sam: str, prefix: str, method: str, route: str
) -> None:
    """A client (ibind) calling the gateway's data routes learns that gateway mode does not have them and
    which routes it does have, not that the URL may be misspelt."""
    logged_in(gw, sam)
    answer = call(gw, method, prefix + route)
    assert answer.status_code == 404
    body = answer.get_json()
    assert body["error"] == "not_found"
    assert "not emulated" in body["message"] and "spelling" not in body["message"]
    for _, emulated in ROUTES:
        assert emulated.partition("?")[0] in body["message"], emulated
    assert "GET or POST /tickle" in body["message"]
    assert call(gw, "get", prefix + "/logout").status_code == 405  # a route it has, by another method


def test_tickle_and_validate_after_a_page_login(gw: FlaskClient, sam: str) -> None:
    logged_in(gw, sam)
    tickle = gw.post("/v1/api/tickle").get_json()
    assert set(tickle) == {"session", "ssoExpires", "collission", "userId", "iserver"}
    assert tickle["collission"] is False
    assert tickle["ssoExpires"] == 900 * 1000  # the idle timeout, just renewed by the tickle itself
    assert set(tickle["iserver"]["authStatus"]) == AUTH_STATUS_KEYS
    status = tickle["iserver"]["authStatus"]
    assert (status["authenticated"], status["connected"], status["competing"]) == (True, True, False)
    validated = gw.get("/v1/portal/sso/validate").get_json()
    assert validated["RESULT"] is True and validated["USER_NAME"] == "sam"
    assert validated["USER_ID"] == tickle["userId"]
    assert validated["LOGIN_TYPE"] == 1
    assert set(validated) == {"RESULT", "USER_ID", "USER_NAME", "AUTH_TIME", "LOGIN_TYPE", "EXPIRES"}
    full = gw.get("/v1/api/iserver/auth/status").get_json()
    assert set(full) == AUTH_STATUS_KEYS | {"fail", "hardware_info"}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_get_tickle_is_a_tickle(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str], prefix: str
) -> None:
    """Scripts and health checks written against the real gateway tickle with a plain GET (`curl -k
    https://localhost:5000/v1/api/tickle`, `requests.get(...)`, a container's HEALTHCHECK) and read the
    session from it: the same answer as the POST's, and the same activity against automatic logoff."""
    logged_in(gw, sam)
    gw.post("/admin/v1/clock", json={"advance_s": 600}, headers=admin_headers)
    got = gw.get(prefix + "/tickle")
    assert got.status_code == 200 and got.get_json() == gw.post(prefix + "/tickle").get_json()
    gw.post("/admin/v1/clock", json={"advance_s": 600}, headers=admin_headers)
    assert gw.get(prefix + "/tickle").status_code == 200  # 1200 s since the login: the GET kept it alive
    foreign = gw.get(prefix + "/tickle", headers={"Sec-Fetch-Site": "cross-site"})
    assert foreign.status_code == 403  # an <img> on another site cannot keep it alive either


def test_no_cookie_is_needed_the_session_is_the_gateways(
    gw: FlaskClient, gateway_app: Flask, sam: str
) -> None:
    logged_in(gw, sam)
    tool = gateway_app.test_client()  # another client, no cookies at all: IBeam's urllib
    assert tool.post("/v1/api/tickle").status_code == 200
    assert tool.get("/v1/api/sso/validate").get_json()["USER_NAME"] == "sam"


def test_a_brokerage_drop_is_healed_by_reauthenticate(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    logged_in(gw, sam)
    staged = stage(gw, admin_headers, "drop")
    assert staged["session"]["authenticated"] is False and staged["session"]["connected"] is True
    status = gw.post("/v1/api/tickle").get_json()["iserver"]["authStatus"]
    assert (status["authenticated"], status["connected"]) == (False, True)
    assert gw.get("/v1/api/sso/validate").status_code == 200  # SSO is still valid
    assert gw.post("/v1/portal/iserver/reauthenticate?force=true").get_json() == {"message": "triggered"}
    assert gw.post("/v1/api/tickle").get_json()["iserver"]["authStatus"]["authenticated"] is True


def test_a_competing_session_shows_until_reauthenticated(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    logged_in(gw, sam)
    stage(gw, admin_headers, "compete")
    status = gw.post("/v1/api/tickle").get_json()["iserver"]["authStatus"]
    assert (status["competing"], status["authenticated"]) == (True, False)
    init = gw.post("/v1/api/iserver/auth/ssodh/init")
    assert init.status_code == 200 and init.get_json()["competing"] is False
    assert init.get_json()["authenticated"] is True


def test_an_sso_expiry_needs_the_login_page_again(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    logged_in(gw, sam)
    assert stage(gw, admin_headers, "expire")["session"] is None
    for method, route in ROUTES:  # every caller is told why, not only the first (the staging itself ended it)
        answer = call(gw, method, "/v1/api" + route)
        assert answer.status_code == 401 and answer.get_json()["reason"] == "sso_expired", route
    events = gw.get("/admin/v1/events?type=gateway.session_ended", headers=admin_headers).get_json()["events"]
    assert [e["result"] for e in events] == ["sso_expired"]
    logged_in(gw, sam)
    assert gw.post("/v1/api/tickle").status_code == 200
    assert gw.post("/v1/api/logout").status_code == 200
    assert gw.post("/v1/api/tickle").get_json()["reason"] == "logout"  # the last ending is the news


def test_automatic_logoff_applies_and_tickle_is_activity(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    logged_in(gw, sam)
    for _ in range(3):
        gw.post("/admin/v1/clock", json={"advance_s": 600}, headers=admin_headers)
        assert gw.post("/v1/api/tickle").status_code == 200  # 30 minutes, kept alive by tickles
    gw.post("/admin/v1/clock", json={"advance_s": 901}, headers=admin_headers)
    ended = gw.post("/v1/api/tickle")  # 901 s without a request: the session is logged off
    assert ended.status_code == 401 and ended.get_json()["reason"] == "session_expired"
    # every later call says the same: it said "No gateway session: log in ... first", as if none had been
    for later in (gw.post("/v1/api/tickle"), gw.get("/v1/api/sso/validate")):
        assert later.status_code == 401 and later.get_json() == ended.get_json()
    assert ended.get_json()["message"] == (
        "The gateway's session has ended (session_expired): log in through the gateway's login page again."
    )


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/iserver/auth/status"), ("post", "/iserver/auth/status"), ("get", "/sso/validate")],
)
def test_any_rest_call_is_activity_not_only_a_tickle(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str], prefix: str, method: str, path: str
) -> None:
    """The broker's automatic logoff ends a session "after a specified period of inactivity", and the
    gateway's own API reference says a session times out when the gateway "has not received any requests
    for several minutes", the tickle being one way to send one. So a bot polling only the status or
    ``sso/validate`` keeps its session: it used to be logged off 901 s after its last tickle."""
    logged_in(gw, sam)
    for _ in range(3):  # 30 minutes, twice the idle timeout, with no tickle at all
        gw.post("/admin/v1/clock", json={"advance_s": 600}, headers=admin_headers)
        assert call(gw, method, prefix + path).status_code == 200
    assert gw.post("/v1/api/tickle").get_json()["ssoExpires"] == 900 * 1000
    gw.post("/admin/v1/clock", json={"advance_s": 901}, headers=admin_headers)
    ended = call(gw, method, prefix + path)  # a request that finds it idle too long does not revive it
    assert ended.status_code == 401 and ended.get_json()["ended_by"] == "idle"


def test_the_daily_reset_ends_the_session_at_its_time(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    logged_in(gw, sam)  # the frozen clock says 12:00 UTC
    put = gw.put("/admin/v1/gateway/daily-reset", json={"at": "12:10"}, headers=admin_headers)
    assert put.status_code == 200 and put.get_json()["daily_reset"] == "12:10"
    assert gw.post("/v1/api/tickle").get_json()["ssoExpires"] == 600 * 1000  # the reset comes first
    gw.post("/admin/v1/clock", json={"advance_s": 599}, headers=admin_headers)
    assert gw.post("/v1/api/tickle").status_code == 200
    gw.post("/admin/v1/clock", json={"advance_s": 1}, headers=admin_headers)
    ended = gw.post("/v1/api/tickle")
    assert ended.status_code == 401 and ended.get_json()["reason"] == "daily_reset"
    again = gw.get("/v1/api/sso/validate")  # the next caller too, in the same words, until a login
    assert again.status_code == 401 and again.get_json() == ended.get_json()
    bad = gw.put("/admin/v1/gateway/daily-reset", json={"at": "25:00"}, headers=admin_headers)
    assert bad.status_code == 400 and bad.get_json()["field"] == "at"


def test_logout_answers_exactly_and_ends_the_session(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    logged_in(gw, sam)
    out = gw.post("/v1/api/logout")
    assert out.status_code == 200 and out.get_data() == b'{"status":true}'  # IBeam compares the text
    assert gw.post("/v1/api/tickle").status_code == 401
    assert gw.get(f"/admin/v1/users/{sam}/sessions", headers=admin_headers).get_json()["sessions"] == []


def test_a_new_login_replaces_the_gateway_session(
    gw: FlaskClient, gateway_app: Flask, sam: str, admin_headers: dict[str, str]
) -> None:
    body = {"username": "tom", "password": PASSWORD, "phone": "+15555550172", "sms": False}
    gw.post("/admin/v1/users", json=body, headers=admin_headers)
    gw.post("/admin/v1/users/tom/devices", json={"type": "sms"}, headers=admin_headers)
    logged_in(gw, sam)
    logged_in(gateway_app.test_client(), "tom")
    assert gw.get("/v1/api/sso/validate").get_json()["USER_NAME"] == "tom"
    assert gw.get(f"/admin/v1/users/{sam}/sessions", headers=admin_headers).get_json()["sessions"] == []


def test_the_same_user_logging_in_again_ends_the_older_session_once_in_the_trail(
    gw: FlaskClient, gateway_app: Flask, sam: str, admin_headers: dict[str, str]
) -> None:
    """The new login replaced the older session (``session.replaced``); then the gateway ended it again as
    ``session.replaced_by_gateway_login``: two endings of one session in the audit trail."""
    logged_in(gw, sam)
    first = gw.get("/admin/v1/gateway", headers=admin_headers).get_json()
    logged_in(gateway_app.test_client(), sam)
    assert gw.post("/v1/api/tickle").status_code == 200
    events = gw.get("/admin/v1/events?limit=1000", headers=admin_headers).get_json()["events"]
    ended = [e for e in events if e["type"].startswith("session.") and e["type"] != "session.created"]
    assert [e["type"] for e in ended] == ["session.replaced"], ended
    assert first  # the gateway held a session before the second login


def test_disabling_the_user_ends_the_gateway_session(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    logged_in(gw, sam)
    assert gw.post(f"/admin/v1/users/{sam}/disable", headers=admin_headers).status_code == 200
    ended = gw.post("/v1/api/tickle")
    assert ended.status_code == 401 and ended.get_json()["reason"] == "session_revoked"  # the user disabled


def test_other_sites_browsers_are_refused(gw: FlaskClient, sam: str) -> None:
    logged_in(gw, sam)
    refused = gw.post("/v1/api/logout", headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403 and refused.get_json()["error"] == "cross_site_request"
    foreign = gw.post("/v1/api/tickle", headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert gw.post("/v1/api/tickle").status_code == 200  # still logged in: nothing was done


def test_the_admin_routes_need_the_admin_token(gw: FlaskClient) -> None:
    for method, path in (("get", ""), ("post", "/drop"), ("post", "/compete"), ("post", "/expire")):
        answer = call(gw, method, "/admin/v1/gateway" + path)
        assert answer.status_code == 401 and answer.get_json()["error"] == "admin_token_required"


def test_staging_without_a_session_changes_nothing(gw: FlaskClient, admin_headers: dict[str, str]) -> None:
    for change in ("drop", "compete", "expire"):
        assert stage(gw, admin_headers, change)["session"] is None
    state = gw.get("/admin/v1/gateway", headers=admin_headers).get_json()
    assert state == {
        "session": None,
        "ended": None,
        "profile": "classic",
        "notification_step": False,
        "daily_reset": None,
        "processes": [],  # no sls gateway process: an app in gateway mode holds no lease
    }


def test_with_redis_down_a_route_not_emulated_answers_503(app_config: dict[str, Any], tmp_path: Path) -> None:
    """It counts as the session's activity, which needs Redis: unread, it is the outage every route answers
    (a client retries, as after a tickle's 503), never a 404 that would pass for a session kept."""
    own = EmbeddedRedis(tmp_path / "own-redis", appendonly=True).start()
    try:
        app = create_app({**app_config, "GATEWAY": True, "REDIS_URL": own.url, "REDIS_TIMEOUT": 0.5})
        client = app.test_client()
        assert client.get("/v1/api/portfolio/accounts").status_code == 404
        own.stop()
        down = client.get("/v1/api/portfolio/accounts")
        assert down.status_code == 503 and down.get_json()["error"] == "store_unavailable"
    finally:
        own.stop()
