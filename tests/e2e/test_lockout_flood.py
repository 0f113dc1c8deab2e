"""The lockout flood (``sls bench --lockout``), small: many accounts at once, wrong passwords racing across
client processes and server workers; every account locks after exactly the threshold, and the metrics
summed over the workers count the same."""

from __future__ import annotations

import pytest
import requests
from conftest import ADMIN_TOKEN

from sls_bench.lockout import flood, problems, scraped

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
THRESHOLD = 3
ATTEMPTS = 7
ACCOUNTS = 10


def test_a_flood_at_many_accounts_locks_each_after_exactly_the_threshold(sls_serve) -> None:
    server = sls_serve(workers=2, SLS_LOCKOUT_THRESHOLD=str(THRESHOLD), SLS_IP_THROTTLE_LIMIT="100000")
    names = [f"flood-{n:02d}" for n in range(ACCOUNTS)]
    for name in names:
        made = requests.post(
            f"{server.url}/admin/v1/users",
            json={"username": name, "password": "Correct-Horse-Battery-9"},
            headers=ADMIN,
            timeout=10,
        )
        assert made.status_code == 201, made.text

    result = flood(server.url, names, attempts=ATTEMPTS, processes=2, threads=8)

    assert result["attempts"] == ACCOUNTS * ATTEMPTS
    assert problems(result["by_account"], threshold=THRESHOLD, attempts=ATTEMPTS) == []
    for name in names:
        assert result["by_account"][name]["401 invalid_credentials"] == THRESHOLD
    locks = requests.get(
        f"{server.url}/admin/v1/events",
        params={"type": "account.locked", "limit": "1000"},
        headers=ADMIN,
        timeout=10,
    ).json()["events"]
    assert sorted(event["user"] for event in locks) == names
    wrong = 'sls_login_attempts_total{factor="password",result="invalid_credentials"}'
    assert scraped(server.url, wrong) == ACCOUNTS * THRESHOLD
    assert scraped(server.url, 'sls_lockouts_total{kind="account"}') == ACCOUNTS


def test_the_check_sees_one_guess_too_many() -> None:
    """The flood's verdict can fail: an account with one more 401 than the threshold is named."""
    from collections import Counter

    seen = {
        "a": Counter({"401 invalid_credentials": 3, "423 account_locked": 4}),
        "b": Counter({"401 invalid_credentials": 4, "423 account_locked": 3}),
    }
    assert problems(seen, threshold=3, attempts=7) == [
        "b: {'401 invalid_credentials': 4, '423 account_locked': 3}"
    ]
