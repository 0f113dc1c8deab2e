"""A user's own new password (POST /api/v1/account/password): ASVS 5.0 6.2.3 (the current password and the
new one), 7.4.3 (the other sessions logged out with it), behind a fresh ``change_security`` step-up."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser, trail, words
from flask import Flask
from flask.testing import FlaskClient
from test_password_rehash import stored_hash

from sls_server import create_app
from sls_server.accounts.passwords import PasswordHasher
from sls_server.errors import Conflict
from sls_server.store import Store
from sls_server.store.ids import new_id
from sls_server.store.records import LoginTxn, UserRecord

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PHONE = "+15555550123"
NEW_PASSWORD = "Violet-Harbour-Lantern-42"


@pytest.fixture
def app(app_config: dict[str, Any]) -> Flask:
    """Several live sessions per user, so there are others to log out."""
    return create_app({**app_config, "SESSION_CONCURRENCY": "allow"})


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class PasswordUser(EnrolledUser):
    """A card user with a phone on record (the change's notice goes there)."""

    def __init__(self, client: FlaskClient) -> None:
        super().__init__(client, ADMIN, "paula", "1234")
        set_phone = client.put("/admin/v1/users/paula/phone", json={"phone": PHONE}, headers=ADMIN)
        assert set_phone.status_code == 200, set_phone.get_json()

    def change(self, token: str, current: str | None = None, new: str = NEW_PASSWORD, **extra: Any) -> Any:
        body = {"current_password": self.password if current is None else current, "new_password": new}
        return self.client.post("/api/v1/account/password", json={**body, **extra}, headers=_bearer(token))

    def login_status(self, password: str) -> int:
        started = self.client.post(
            "/api/v1/auth/login", json={"username": self.username, "password": password}
        )
        return started.status_code

    def events(self, type_: str) -> list[dict[str, Any]]:
        return trail(self.client, ADMIN, type_, limit=1000)  # type: ignore[no-any-return]

    def texts(self) -> list[dict[str, Any]]:
        return self.client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]  # type: ignore[no-any-return]


@pytest.fixture
def paula(client: FlaskClient) -> PasswordUser:
    return PasswordUser(client)


def test_the_new_password_logs_in_the_old_one_no_longer_and_the_phone_is_told(paula: PasswordUser) -> None:
    other = paula.log_in()
    token = paula.step_up()
    changed = paula.change(token)
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["state"] == "changed" and body["username"] == "paula"
    assert len(body["sessions_ended"]) == 1  # the other one; this one lives on
    assert paula.client.get("/api/v1/session", headers=_bearer(token)).status_code == 200
    assert paula.client.get("/api/v1/session", headers=_bearer(other)).status_code == 401

    assert paula.login_status(paula.password) == 401
    paula.password = NEW_PASSWORD
    paula.log_in()  # password and card, as before

    notices = [m["text"] for m in paula.texts() if m["purpose"] == "notice"]
    assert any("password on your account was changed" in text for text in notices)
    [event] = paula.events("user.password_changed")
    assert event["user"] == "paula"
    assert len(paula.events("session.ended_by_user")) == 1


def test_without_a_fresh_step_up_nothing_changes(paula: PasswordUser, redis_url: str) -> None:
    before = stored_hash(redis_url, "paula")
    token = paula.log_in()
    refused = paula.change(token)
    assert refused.status_code == 401
    assert refused.get_json() == {
        "error": "reauth_required",
        "message": refused.get_json()["message"],
        "purpose": "change_security",
    }
    contact = paula.step_up(token, purpose="change_contact")  # verified for another task is not enough
    assert paula.change(contact).get_json()["error"] == "reauth_required"
    assert stored_hash(redis_url, "paula") == before
    assert paula.events("password_change.password_failed") == []  # the password was never looked at


def test_a_wrong_current_password_is_403_counted_and_changes_nothing(
    paula: PasswordUser, redis_url: str
) -> None:
    before = stored_hash(redis_url, "paula")
    token = paula.step_up()
    wrong = paula.change(token, current="Not-Her-Password-7")
    assert wrong.status_code == 403
    assert wrong.get_json() == {
        "error": "wrong_password",
        "message": "The current password is incorrect.",
        "field": "current_password",
    }
    assert stored_hash(redis_url, "paula") == before
    [failed] = paula.events("password_change.password_failed")
    assert failed["user"] == "paula" and failed["result"] == "failure"
    assert paula.login_status(paula.password) == 200  # one wrong guess locks nothing


def test_wrong_current_passwords_count_towards_the_lockout(paula: PasswordUser, redis_url: str) -> None:
    """A stolen session with a fresh step-up is no free oracle for the password: five wrong guesses (the
    default threshold) lock the account as five wrong logins would."""
    token = paula.step_up()
    assert [paula.change(token, current=f"Guess-Number-{i}-xyz").status_code for i in range(5)] == [403] * 5
    locked = paula.change(token)  # even the right one, now
    assert locked.status_code == 423 and locked.get_json()["error"] == "account_locked"
    assert paula.login_status(paula.password) == 423
    assert paula.events("user.password_changed") == []


def test_a_weak_new_password_is_refused_before_the_current_one_is_checked(
    paula: PasswordUser, redis_url: str
) -> None:
    before = stored_hash(redis_url, "paula")
    token = paula.step_up()
    for weak, reason in [
        ("short7!", "too_short"),
        ("password123!", "blocklisted"),
        ("paula-2026-x", "contains_username"),
    ]:
        refused = paula.change(token, current="Not-Her-Password-7", new=weak)
        assert refused.status_code == 400, refused.get_json()
        assert refused.get_json()["error"] == "weak_password"
        assert (refused.get_json()["field"], refused.get_json()["reason"]) == ("new_password", reason)
    assert paula.events("password_change.password_failed") == []  # a weak choice costs no guess
    same = paula.change(token, new=paula.password)
    assert same.status_code == 400
    assert same.get_json()["error"] == "invalid_request" and same.get_json()["field"] == "new_password"
    assert stored_hash(redis_url, "paula") == before


def test_a_long_unicode_password_can_be_chosen_and_is_matched_as_typed(paula: PasswordUser) -> None:
    """ASVS 6.2.9 (64 characters and more may be set) and 6.2.8 (verified exactly as typed)."""
    new = "Pässwörd-ñ-" + "Lantern-" * 12  # 107 code points
    token = paula.step_up()
    assert paula.change(token, new=new).status_code == 200
    assert paula.login_status(new.lower()) == 401
    assert paula.login_status(new[:64]) == 401
    assert paula.login_status(new) == 200


def test_other_sessions_live_on_when_the_user_says_so(paula: PasswordUser) -> None:
    other = paula.log_in()
    token = paula.step_up()
    kept = paula.change(token, end_other_sessions=False)
    assert kept.status_code == 200 and kept.get_json()["sessions_ended"] == []
    assert paula.client.get("/api/v1/session", headers=_bearer(other)).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"new_password": NEW_PASSWORD}, "current_password"),
        ({"current_password": "x"}, "new_password"),
        (
            {"current_password": "x", "new_password": NEW_PASSWORD, "end_other_sessions": "yes"},
            "end_other_sessions",
        ),
        ({"current_password": 7, "new_password": NEW_PASSWORD}, "current_password"),
        ({"current_password": "x", "new_password": "y" * 1025}, "new_password"),
        ({"current_password": "x", "new_password": NEW_PASSWORD, "also": 1}, "also"),
    ],
)
def test_a_malformed_body_names_its_field_and_changes_nothing(
    paula: PasswordUser, redis_url: str, body: dict[str, Any], field: str
) -> None:
    before = stored_hash(redis_url, "paula")
    token = paula.step_up()
    refused = paula.client.post("/api/v1/account/password", json=body, headers=_bearer(token))
    assert refused.status_code == 400
    assert refused.get_json()["field"] == field
    assert stored_hash(redis_url, "paula") == before


def test_no_password_reaches_an_event_or_an_answer(paula: PasswordUser) -> None:
    token = paula.step_up()
    paula.change(token, current="Wrong-Guess-Horse-9")
    paula.change(token, new="password123!")
    answer = paula.change(token)
    everything = paula.client.get("/admin/v1/events?limit=1000", headers=ADMIN).get_data(as_text=True)
    for secret in ("Wrong-Guess-Horse-9", "password123!", NEW_PASSWORD, paula.password):
        assert secret not in everything
        assert secret not in answer.get_data(as_text=True)
    assert "Lantern" not in words(everything)


def test_a_hash_upgraded_by_the_check_itself_is_still_replaced(
    app_config: dict[str, Any], redis_url: str
) -> None:
    """The current password's check may rehash it under a new profile (``check_password``): the write then
    meets a hash it did not read, which is still the current password's, and goes over it."""
    cheap = create_app({**app_config, "SESSION_CONCURRENCY": "allow"}).test_client()
    paula = PasswordUser(cheap)
    token = paula.step_up()  # logged in on a server still on the old profile
    paula.client = create_app({**app_config, "HASH_PROFILE": "standard"}).test_client()
    assert PasswordHasher("standard").needs_rehash(stored_hash(redis_url, "paula"))
    changed = paula.change(token)
    assert changed.status_code == 200, changed.get_json()
    assert len(paula.events("user.password_rehashed")) == 1
    assert PasswordHasher("standard").verify(NEW_PASSWORD, stored_hash(redis_url, "paula"))


def test_a_change_that_lost_a_race_writes_nothing(paula: PasswordUser, redis_url: str) -> None:
    """The write is a compare-and-set over the hash the current password was checked against: another
    change landing in between wins, and this one is 409 with nothing written."""
    core = paula.client.application.extensions["sls"]
    verified = core.users.get("paula")
    core.users.passwords.change_password(verified, paula.password, "Another-Change-Won-88", now=1)
    won = stored_hash(redis_url, "paula")
    with pytest.raises(Conflict):
        core.users.passwords.change_password(verified, paula.password, NEW_PASSWORD, now=2)
    assert stored_hash(redis_url, "paula") == won


def test_of_two_racing_changes_exactly_one_wins(paula: PasswordUser, redis_url: str) -> None:
    token = paula.step_up()
    app = paula.client.application
    statuses: dict[str, int] = {}
    start = threading.Barrier(2)

    def change(new: str) -> None:
        client = app.test_client()
        start.wait()
        answer = client.post(
            "/api/v1/account/password",
            json={"current_password": paula.password, "new_password": new, "end_other_sessions": False},
            headers=_bearer(token),
        )
        statuses[new] = answer.status_code

    news = ["Racing-Change-One-11", "Racing-Change-Two-22"]
    threads = [threading.Thread(target=change, args=(new,)) for new in news]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [winner] = [new for new in news if statuses[new] == 200]
    [loser] = [new for new in news if new != winner]
    assert statuses[loser] in (
        403,
        409,
    )  # the current password changed under it, seen at the check or the write
    assert PasswordHasher("test").verify(winner, stored_hash(redis_url, "paula"))
    assert len(paula.events("user.password_changed")) == 1


def test_a_login_in_progress_with_the_old_password_cannot_finish(paula: PasswordUser) -> None:
    """Someone with the phished password waits at the second factor (a push the user might approve by
    mistake, a card response read over the phone): the change ends that login, whatever comes after."""
    phisher = paula.client.application.test_client()
    started = phisher.post("/api/v1/auth/login", json={"username": "paula", "password": paula.password})
    assert started.status_code == 200
    pending = started.get_json()
    token = paula.step_up()  # the user's own login and step-up, meanwhile
    changed = paula.change(token)
    assert changed.get_json()["logins_ended"] == 1
    [event] = paula.events("user.password_changed")
    assert event["detail"] == {"logins_ended": 1}
    answer = paula.card_response(pending["factor"]["challenge"])  # the right answer, too late
    late = phisher.post(
        f"/api/v1/auth/login/{pending['txn_id']}/verify",
        json={"response": answer},
        headers={"X-Login-Token": pending["login_token"]},
    )
    assert late.status_code == 410 and late.get_json()["error"] == "challenge_expired"
    assert paula.events("login.succeeded") and len(paula.events("login.succeeded")) == 1  # the user's own


def test_a_step_up_in_progress_is_the_session_s_and_lives_on(paula: PasswordUser) -> None:
    token = paula.step_up()
    opened = paula.client.post(
        "/api/v1/verify", json={"purpose": "withdrawal"}, headers=_bearer(token)
    ).get_json()
    changed = paula.change(token, end_other_sessions=False)
    assert changed.get_json()["logins_ended"] == 0
    answer = paula.card_response(opened["factor"]["challenge"])
    done = paula.client.post(
        "/api/v1/verify", json={"txn_id": opened["txn_id"], "response": answer}, headers=_bearer(token)
    )
    assert done.status_code == 200 and done.get_json()["state"] == "verified"


def test_a_login_checked_before_the_change_and_stored_after_it_stores_nothing(redis_url: str) -> None:
    """The race the sweep alone would miss: a login's password checked under the old epoch, its step stored
    once the change has swept the logins. ``login_create.lua`` compares the epoch in the same step."""
    store = Store.from_url(redis_url)
    store.users.create(UserRecord("paula", password_hash="hash-before", created_at=1))
    assert store.users.change_password("paula", "hash-before", "hash-after", "epoch-1", now=2) == (
        "changed",
        0,
    )
    txn_id = new_id("paula", 16)
    txn = LoginTxn(txn_id, "paula", "login", "second_factor", "dscplus", "dscplus-1", 2, 100, 3)
    assert store.logins.create(txn, now=3, password_epoch="") is False  # read before the change
    assert store.logins.get(txn_id) is None
    assert store.logins.create(txn, now=3, password_epoch="epoch-1") is True  # read after it
    assert store.logins.get(txn_id) is not None
    assert store.users.change_password("paula", "hash-before", "hash-again", "epoch-2", now=4) == (
        "conflict",
        0,
    )
    assert store.users.get("paula").password_hash == "hash-after"  # type: ignore[union-attr]
