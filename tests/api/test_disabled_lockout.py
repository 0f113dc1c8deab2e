"""A disabled account counts wrong passwords and locks as any name does: otherwise its never-ending 401s
would tell it from a made-up name after a few guesses (ASVS 6.3.8), and anyone could try its password without
limit while it is disabled, to log in with it once it is enabled again."""

from __future__ import annotations

from conftest import ADMIN_TOKEN, EnrolledUser, move_clock
from test_metrics import delta, samples

from sls_server import create_app

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
WRONG = "not-the-password-9"


def _try(user: EnrolledUser, username: str, password: str) -> int:
    answer = user.client.post("/api/v1/auth/login", json={"username": username, "password": password})
    return answer.status_code


def test_wrong_passwords_at_a_disabled_account_lock_it_as_they_lock_a_made_up_name(
    alice: EnrolledUser,
) -> None:
    assert alice.client.post("/admin/v1/users/alice/disable", headers=ADMIN).status_code == 200
    disabled = [_try(alice, "alice", WRONG) for _ in range(7)]
    made_up = [_try(alice, "nobody-at-all", WRONG) for _ in range(7)]
    assert disabled == made_up == [401] * 5 + [423] * 2
    assert _try(alice, "alice", alice.password) == 423  # locked: whatever the password, as for any name
    lockout = alice.client.get("/admin/v1/users/alice/lockout", headers=ADMIN).get_json()
    assert lockout["locked"] is True


def test_the_right_password_of_a_disabled_account_is_no_failure(alice: EnrolledUser) -> None:
    assert alice.client.post("/admin/v1/users/alice/disable", headers=ADMIN).status_code == 200
    assert [_try(alice, "alice", alice.password) for _ in range(6)] == [403] * 6
    lockout = alice.client.get("/admin/v1/users/alice/lockout", headers=ADMIN).get_json()
    assert lockout["locked"] is False
    assert all(bucket["failures"] == 0 for bucket in lockout["buckets"].values())


def test_once_the_lock_ends_the_right_password_is_told_the_account_is_disabled(alice: EnrolledUser) -> None:
    assert alice.client.post("/admin/v1/users/alice/disable", headers=ADMIN).status_code == 200
    assert [_try(alice, "alice", WRONG) for _ in range(5)] == [401] * 5
    assert _try(alice, "alice", alice.password) == 423
    move_clock(alice.client, ADMIN, 61)  # SLS_LOCKOUT_WAIT_INCREMENT: the first lock's wait
    refused = alice.client.post("/api/v1/auth/login", json={"username": "alice", "password": alice.password})
    assert refused.status_code == 403 and refused.get_json()["error"] == "account_disabled"
    assert alice.client.post("/admin/v1/users/alice/enable", headers=ADMIN).status_code == 200
    assert _try(alice, "alice", alice.password) == 200


def test_an_outsider_at_a_disabled_account_under_silent_refusal_learns_nothing_of_the_password(
    app_config,
) -> None:
    """``SLS_IP_REFUSAL=silent`` never judges an outsider's password; a disabled account is no exception (its
    right password used to get the 403 that only the password's owner is told)."""
    client = create_app({**app_config, "IP_REFUSAL": "silent", "IP_THROTTLE_LIMIT": 1000}).test_client()
    user = EnrolledUser(client, ADMIN, "liz", "1234")
    put = {"ip_allowlist": ["192.0.2.0/24"]}
    assert client.put("/admin/v1/users/liz/ip-allowlist", json=put, headers=ADMIN).status_code == 200
    assert client.post("/admin/v1/users/liz/disable", headers=ADMIN).status_code == 200
    outside = client.post(
        "/api/v1/auth/login",
        json={"username": "liz", "password": user.password},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert outside.status_code == 401 and outside.get_json()["error"] == "invalid_credentials"
    inside = client.post(
        "/api/v1/auth/login",
        json={"username": "liz", "password": user.password},
        environ_base={"REMOTE_ADDR": "192.0.2.9"},
    )
    assert inside.status_code == 403 and inside.get_json()["error"] == "account_disabled"


def test_metrics_count_a_wrong_password_at_a_disabled_account_as_a_wrong_password(
    alice: EnrolledUser,
) -> None:
    """``/metrics`` is open unless ``SLS_METRICS_TOKEN`` is set: a counter of ``account_disabled`` refusals
    that a wrong password moves would tell whoever reads it which name it just tried is a disabled account."""
    assert alice.client.post("/admin/v1/users/alice/disable", headers=ADMIN).status_code == 200
    disabled = 'sls_login_attempts_total{factor="password",result="account_disabled"}'
    wrong = 'sls_login_attempts_total{factor="password",result="invalid_credentials"}'
    before = samples(alice.client)
    assert _try(alice, "alice", WRONG) == 401
    after = samples(alice.client)
    assert delta(before, after, disabled) == 0
    assert delta(before, after, wrong) == 1
    assert _try(alice, "alice", alice.password) == 403
    assert delta(after, samples(alice.client), disabled) == 1  # the owner's right password: the refusal
