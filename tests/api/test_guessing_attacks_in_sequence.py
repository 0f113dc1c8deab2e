"""The guessing attacks (``sim/guessing.py``) run one after another on one victim, as a trainer does on the
demo world without a reset: what an earlier attack left (failed sign-ins, a lock on a made-up name, the
spray address's throttle) changes what the next one meets, and its report says so instead of claiming the
rule's plain numbers."""

from __future__ import annotations

from conftest import move_clock
from flask.testing import FlaskClient
from test_trainer_attacks import attack, victim


def test_a_second_spray_says_the_throttle_came_from_the_first(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "ann", "dscplus", "+15555550102")
    attack(client, "password_spray", "ann")
    again = attack(client, "password_spray", "ann")
    assert set(again["outcomes"]) == {"rate_limited"}, again
    assert "still throttled by an earlier spray" in again["summary"], again["summary"]
    assert "after 30 failures the address is throttled" not in again["summary"]


def test_a_spray_names_whose_accounts_were_locked(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    """The second spray (the throttle lifted) locks the made-up names and the victim, each left with failures
    by the first: the report tells them apart, never a bare "the account is locked"."""
    victim(client, admin_headers, "ann", "dscplus", "+15555550102")
    attack(client, "password_spray", "ann")
    move_clock(client, admin_headers, 301)
    again = attack(client, "password_spray", "ann")
    assert again["outcomes"]["account_locked"] > 0, again
    assert "refused: the account is locked" not in again["summary"], again["summary"]
    assert "a made-up name this spray's guesses had locked (not a real account)" in again["summary"]
    locked = client.get("/admin/v1/users/ann/lockout", headers=admin_headers).get_json()["locked"]
    assert ("refused: ann's account is locked" in again["summary"]) == locked, again["summary"]


def test_a_brute_force_after_a_spray_says_the_failures_it_found(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "ann", "dscplus", "+15555550102")
    state = client.get("/admin/v1/users/ann/lockout", headers=admin_headers).get_json()
    sprayed = attack(client, "password_spray", "ann")
    left = max(
        b["failures"]
        for b in client.get("/admin/v1/users/ann/lockout", headers=admin_headers)
        .get_json()["buckets"]
        .values()
    )
    assert 0 < left < state["threshold"], sprayed
    brute = attack(client, "brute_force", "ann")
    more = brute["outcomes"]["invalid_credentials"]
    assert more == state["threshold"] - left, brute
    said = f"ann already had {left} failed sign-ins from an earlier attack, so it locked after {more} more"
    assert said in brute["summary"], brute["summary"]
