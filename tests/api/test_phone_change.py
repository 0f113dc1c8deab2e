"""A user's own new phone number (POST /api/v1/account/phone): a code texted to the new number first, and
the number changed only when that code comes back, from the same session, in time (ASVS 5.0 6.6.1; NIST SP
800-63B-4 §3.1.3.3: a new number is a new authenticator)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser, move_clock, words
from flask.testing import FlaskClient
from json_error_kit import told_to_wait

from sls_server.app import create_app
from sls_server.auth.phone_change import CONFIRM_ATTEMPTS, CONFIRM_WINDOW_ATTEMPTS, CONFIRM_WINDOW_S
from sls_server.store import keys
from sls_server.store.embedded import EmbeddedRedis

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
OLD, NEW = "+15555550123", "+15555550999"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class PhoneUser(EnrolledUser):
    """An enrolled card user who also has a phone number on record."""

    def __init__(self, client: FlaskClient, headers: dict[str, str], username: str, pin: str) -> None:
        self.client, self.username, self.pin = client, username, pin
        self.password = "Correct-Horse-4-Battery"
        body = {"username": username, "password": self.password, "phone": OLD}
        assert client.post("/admin/v1/users", json=body, headers=headers).status_code == 201
        card = client.post(
            f"/admin/v1/users/{username}/devices", json={"type": "dscplus", "pin": pin}, headers=headers
        )
        assert card.status_code == 201, card.get_json()
        self.card, self.device_id = card.get_json(), card.get_json()["device_id"]

    def ask(self, token: str, phone: str = NEW) -> Any:
        return self.client.post("/api/v1/account/phone", json={"phone": phone}, headers=_bearer(token))

    def confirm(self, token: str, code: str, phone: str = NEW) -> Any:
        return self.client.post(
            "/api/v1/account/phone", json={"phone": phone, "code": code}, headers=_bearer(token)
        )

    def phone(self) -> str:
        return str(self.client.get(f"/admin/v1/users/{self.username}", headers=ADMIN).get_json()["phone"])

    def texts(self, number: str) -> list[dict[str, Any]]:
        got = self.client.get(f"/sim/v1/phones/{number}/messages")
        assert got.status_code == 200
        return list(got.get_json()["messages"])

    def code_texted(self, number: str = NEW) -> str:
        """The newest code the number got for a phone change (the texts come newest first)."""
        return next(m["code"] for m in self.texts(number) if m["purpose"] == "phone_change")


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.fixture
def nina(client: FlaskClient) -> PhoneUser:
    return PhoneUser(client, ADMIN, "nina", "1234")


def test_the_new_number_is_texted_a_code_and_becomes_the_users_only_with_it(nina: PhoneUser) -> None:
    token = nina.step_up(purpose="change_contact")
    sent = nina.ask(token)
    assert sent.status_code == 200, sent.get_json()
    body = sent.get_json()
    assert body["state"] == "code_sent" and body["sent_to"] == "+1•••••••0999"
    assert body["attempts_left"] == 5
    code = nina.code_texted()
    assert code in next(m["text"] for m in nina.texts(NEW) if m["purpose"] == "phone_change")
    assert nina.phone() == OLD  # nothing changed yet
    assert not [m for m in nina.texts(OLD) if "was changed" in m["text"]]

    changed = nina.confirm(token, code)
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json() == {
        "state": "changed",
        "username": "nina",
        "phone": NEW,
        "previous_phone": OLD,
    }
    assert nina.phone() == NEW
    assert any("phone number on your account was changed" in m["text"] for m in nina.texts(OLD))
    assert any("phone number on your account was changed" in m["text"] for m in nina.texts(NEW))
    assert any("Digital Security Card+ was added" in m["text"] for m in nina.texts(OLD))  # the enrolment's
    again = nina.confirm(token, code)  # good once
    assert again.status_code == 410 and again.get_json()["error"] == "challenge_expired"


def test_login_codes_keep_going_to_the_old_number_until_the_new_one_is_confirmed(client: FlaskClient) -> None:
    client.post(
        "/admin/v1/users",
        json={"username": "pia", "password": "Correct-Horse-4-Battery", "phone": OLD},
        headers=ADMIN,
    )
    client.post("/admin/v1/users/pia/devices", json={"type": "sms"}, headers=ADMIN)

    def newest_code(number: str, purpose: str) -> str:
        messages = client.get(f"/sim/v1/phones/{number}/messages").get_json()["messages"]
        return next(m["code"] for m in messages if m["purpose"] == purpose)

    def start(number: str) -> dict[str, Any]:
        started = client.post(
            "/api/v1/auth/login", json={"username": "pia", "password": "Correct-Horse-4-Battery"}
        ).get_json()
        assert started["factor"]["sent_to"].endswith(number[-4:]), started
        return dict(started)

    def log_in(number: str) -> str:
        started = start(number)
        done = client.post(
            f"/api/v1/auth/login/{started['txn_id']}/verify", json={"response": newest_code(number, "login")}
        )
        assert done.status_code == 200, done.get_json()
        return str(done.get_json()["session"]["token"])

    token = log_in(OLD)
    step = client.post(
        "/api/v1/verify", json={"purpose": "change_contact"}, headers=_bearer(token)
    ).get_json()
    done = client.post(
        "/api/v1/verify",
        json={"txn_id": step["txn_id"], "response": newest_code(OLD, "change_contact")},
        headers=_bearer(token),
    ).get_json()
    token = done["session"]["token"]
    assert (
        client.post("/api/v1/account/phone", json={"phone": NEW}, headers=_bearer(token)).status_code == 200
    )
    start(OLD)  # asked for, not confirmed: the SMS factor stays on the old number
    code = newest_code(NEW, "phone_change")
    confirmed = client.post(
        "/api/v1/account/phone", json={"phone": NEW, "code": code}, headers=_bearer(token)
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    log_in(NEW)  # the SMS factor followed the confirmed number


def test_wrong_codes_are_counted_and_the_fifth_kills_the_code(nina: PhoneUser) -> None:
    token = nina.step_up(purpose="change_contact")
    nina.ask(token)
    code = nina.code_texted()
    for left in (4, 3, 2, 1, 0):
        refused = nina.confirm(token, _wrong(code))
        assert refused.status_code == 401, refused.get_json()
        assert refused.get_json()["error"] == "invalid_response"
        assert refused.get_json()["attempts_left"] == left
    dead = nina.confirm(token, code)
    assert dead.status_code == 410 and dead.get_json()["error"] == "challenge_expired"
    assert nina.phone() == OLD
    events = nina.client.get(
        "/admin/v1/events", query_string={"type": "user.phone_change_failed"}, headers=ADMIN
    ).get_json()["events"]
    assert len(events) == 5
    assert sorted(e["detail"]["attempts_left"] for e in events) == [0, 1, 2, 3, 4]
    assert code not in words(str(events)) and _wrong(code) not in words(str(events))


def test_racing_wrong_codes_are_each_counted(nina: PhoneUser, app: Any) -> None:
    token = nina.step_up(purpose="change_contact")
    nina.ask(token)
    code = nina.code_texted()

    def guess(_: int) -> int:
        answer = app.test_client().post(
            "/api/v1/account/phone", json={"phone": NEW, "code": _wrong(code)}, headers=_bearer(token)
        )
        return int(answer.status_code)

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(guess, range(8)))
    assert sorted(statuses) == [401] * 5 + [410] * 3  # exactly five counted; the code then died
    assert nina.confirm(token, code).status_code == 410
    assert nina.phone() == OLD


def test_the_right_code_sent_twice_at_once_changes_the_number_once(nina: PhoneUser, app: Any) -> None:
    token = nina.step_up(purpose="change_contact")
    nina.ask(token)
    code = nina.code_texted()

    def confirm(_: int) -> int:
        answer = app.test_client().post(
            "/api/v1/account/phone", json={"phone": NEW, "code": code}, headers=_bearer(token)
        )
        return int(answer.status_code)

    with ThreadPoolExecutor(6) as pool:
        statuses = sorted(pool.map(confirm, range(6)))
    assert statuses == [200] + [410] * 5  # one winner; the code was spent by it
    changed = nina.client.get(
        "/admin/v1/events", query_string={"type": "user.phone_changed"}, headers=ADMIN
    ).get_json()["events"]
    assert len(changed) == 1
    assert nina.phone() == NEW


def test_a_code_past_its_time_is_refused_and_spent(app_config: dict[str, Any]) -> None:
    # a step-up that outlives the code (600 s against 300), so the code's own expiry answers
    client = create_app({**app_config, "STEPUP_VALIDITY": 600}).test_client()
    nina = PhoneUser(client, ADMIN, "nina", "1234")
    token = nina.step_up(purpose="change_contact")
    now = move_clock(client, ADMIN, 0)
    assert nina.ask(token).get_json()["expires_at"] == now + 300  # SLS_SMS_CODE_TTL's default
    code = nina.code_texted()
    move_clock(client, ADMIN, 300)
    late = nina.confirm(token, code)
    assert late.status_code == 410 and late.get_json()["error"] == "challenge_expired"
    assert move_clock(client, ADMIN, -100)
    assert nina.confirm(token, code).status_code == 410  # spent: a clock put back does not revive it
    assert nina.phone() == OLD
    failed = client.get(
        "/admin/v1/events", query_string={"type": "user.phone_change_failed"}, headers=ADMIN
    ).get_json()["events"]
    assert [e["detail"]["reason"] for e in failed] == ["expired"]


def test_the_step_up_must_still_be_fresh_when_the_code_comes_back(nina: PhoneUser) -> None:
    token = nina.step_up(purpose="change_contact")
    nina.ask(token)
    move_clock(nina.client, ADMIN, 300)  # the step-up's 300 s are over
    stale = nina.confirm(token, nina.code_texted())
    assert stale.status_code == 401 and stale.get_json()["error"] == "reauth_required"
    assert nina.phone() == OLD


def test_only_the_session_that_asked_can_confirm(app_config: dict[str, Any]) -> None:
    client = create_app({**app_config, "SESSION_CONCURRENCY": "allow"}).test_client()
    nina = PhoneUser(client, ADMIN, "nina", "1234")
    first = nina.step_up(purpose="change_contact")
    nina.ask(first)
    code = nina.code_texted()
    second = nina.step_up(
        purpose="change_contact"
    )  # another session of hers, verified too (sessions may run side by side)
    other = nina.confirm(second, code)
    assert other.status_code == 410 and other.get_json()["error"] == "challenge_expired"
    assert nina.confirm(first, code).status_code == 200


def test_the_code_names_its_number(nina: PhoneUser) -> None:
    token = nina.step_up(purpose="change_contact")
    nina.ask(token)
    other = nina.confirm(token, nina.code_texted(), phone="+15555550777")
    assert other.status_code == 400
    assert other.get_json()["error"] == "invalid_request" and other.get_json()["field"] == "phone"
    assert nina.confirm(token, nina.code_texted()).status_code == 200  # not spent by that


def test_asking_again_replaces_the_code(nina: PhoneUser) -> None:
    token = nina.step_up(purpose="change_contact")
    nina.ask(token)
    first = nina.code_texted()
    nina.ask(token)
    second = nina.code_texted()
    if first != second:  # one chance in a million that they are the same code
        replaced = nina.confirm(token, first)
        assert replaced.status_code == 401 and replaced.get_json()["attempts_left"] == 4
    assert nina.confirm(token, second).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": OLD}, "phone"),  # already hers
        ({"phone": "5555550999"}, "phone"),
        ({"phone": NEW, "code": "12345"}, "code"),
        ({"phone": NEW, "code": 123456}, "code"),
        ({"phone": NEW, "code": "12345a"}, "code"),
        ({"code": "123456"}, "phone"),
    ],
)
def test_bad_requests_name_the_field_and_send_nothing(
    nina: PhoneUser, body: dict[str, Any], field: str
) -> None:
    token = nina.step_up(purpose="change_contact")
    refused = nina.client.post("/api/v1/account/phone", json=body, headers=_bearer(token))
    assert refused.status_code == 400, refused.get_json()
    assert refused.get_json()["field"] == field
    assert not [m for m in nina.texts(NEW) if m["purpose"] == "phone_change"]
    assert nina.phone() == OLD


def test_the_code_is_kept_only_as_a_digest_and_never_told(nina: PhoneUser, app: Any, caplog: Any) -> None:
    token = nina.step_up(purpose="change_contact")
    nina.ask(token)
    code = nina.code_texted()
    nina.confirm(token, _wrong(code))
    stored = app.extensions["sls"].store.client.hgetall(keys.user_phone_change("nina"))
    assert stored and code not in words(str(stored)) and _wrong(code) not in words(str(stored))
    assert set(stored) == {"session_id", "phone", "digest", "expires_at", "failures"}
    assert nina.confirm(token, code).status_code == 200
    events = nina.client.get("/admin/v1/events", query_string={"user": "nina"}, headers=ADMIN).get_json()
    assert code not in words(str(events["events"])) and code not in words(caplog.text)
    assert not app.extensions["sls"].store.client.exists(keys.user_phone_change("nina"))


def test_texts_to_the_new_number_are_limited_like_every_code(app_config: dict[str, Any]) -> None:
    client = create_app({**app_config, "SMS_SEND_LIMIT": 2}).test_client()
    nina = PhoneUser(client, ADMIN, "nina", "1234")
    token = nina.step_up(purpose="change_contact")
    assert nina.ask(token).status_code == 200
    assert nina.ask(token).status_code == 200
    told_to_wait(nina.ask(token), 600)  # SLS_SMS_SEND_WINDOW's default
    assert len([m for m in nina.texts(NEW) if m["purpose"] == "phone_change"]) == 2
    assert nina.confirm(token, nina.code_texted()).status_code == 200  # the live code was not replaced


def test_a_login_s_code_and_a_phone_change_s_count_together_per_account(app_config: dict[str, Any]) -> None:
    """One count per account for the codes of a login, a step-up, a phone change and an IB Key activation
    (docs/authenticators.md): a code her login texted leaves the phone change one text of two."""
    client = create_app({**app_config, "SMS_SEND_LIMIT": 2}).test_client()
    nina = PhoneUser(client, ADMIN, "nina", "1234")  # her number takes codes as an SMS device too
    started = nina.start_login()
    assert started["factor"]["type"] == "dscplus", started  # the card first: nothing texted yet
    texted = client.post(
        f"/api/v1/auth/login/{started['txn_id']}/factor",
        json={"type": "sms"},
        headers={"X-Login-Token": started["login_token"]},
    )
    assert texted.status_code == 200, texted.get_json()
    token = nina.step_up(purpose="change_contact")  # with the card: nothing texted
    assert nina.ask(token).status_code == 200
    told_to_wait(nina.ask(token), 600)  # the account's two: the login's code and this one
    assert len([m for m in nina.texts(NEW) if m["purpose"] == "phone_change"]) == 1


def test_deleting_the_user_drops_a_change_waiting_for_its_code(nina: PhoneUser, app: Any) -> None:
    nina.ask(nina.step_up(purpose="change_contact"))
    redis = app.extensions["sls"].store.client
    assert redis.exists(keys.user_phone_change("nina"))
    assert nina.client.delete("/admin/v1/users/nina", headers=ADMIN).status_code in (200, 204)
    assert not redis.exists(keys.user_phone_change("nina"))


def test_with_redis_down_the_code_is_refused_503_and_kept_for_later(
    app_config: dict[str, Any], tmp_path: Path
) -> None:
    own = EmbeddedRedis(tmp_path / "own-redis", appendonly=True).start()
    try:
        client = create_app({**app_config, "REDIS_URL": own.url, "REDIS_TIMEOUT": 0.5}).test_client()
        nina = PhoneUser(client, ADMIN, "nina", "1234")
        token = nina.step_up(purpose="change_contact")
        nina.ask(token)
        code = nina.code_texted()
        own.stop()
        down = nina.confirm(token, code)
        assert down.status_code == 503 and down.get_json()["error"] == "store_unavailable"
        own.start()
        assert nina.phone() == OLD  # nothing half-written
        assert nina.confirm(token, code).status_code == 200  # the code was not spent by the outage
    finally:
        own.stop()


def test_asking_again_gives_no_fresh_guesses(nina: PhoneUser) -> None:
    """NIST SP 800-63B-4: a new code does not reset the failure count. Twenty wrong codes in a day, whichever
    code, and no code is judged, the right one included, until the day has passed."""
    token = nina.step_up(purpose="change_contact")
    for _ in range(CONFIRM_WINDOW_ATTEMPTS // CONFIRM_ATTEMPTS):
        nina.ask(token)
        code = nina.code_texted()
        answers = [nina.confirm(token, _wrong(code)) for _ in range(CONFIRM_ATTEMPTS)]
        assert [a.status_code for a in answers] == [401] * CONFIRM_ATTEMPTS
    nina.ask(token)
    refused = nina.confirm(token, nina.code_texted())
    assert refused.status_code == 429 and refused.get_json()["retry_after"] > 0, refused.get_json()
    assert nina.phone() == OLD
    move_clock(nina.client, ADMIN, CONFIRM_WINDOW_S)
    token = nina.step_up(purpose="change_contact")
    nina.ask(token)
    assert nina.confirm(token, nina.code_texted()).status_code == 200
    assert nina.phone() == NEW
