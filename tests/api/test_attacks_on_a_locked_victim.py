"""A staged attack on a victim an earlier attack left locked (``sim/prior_lock.py``): every login it would
make is refused whatever the password, so it is not run (``not_run``), nothing is tried or counted, and the
report says how to unlock first. It used to run, count ~20 refusals and say "The defences held."."""

from __future__ import annotations

from conftest import move_clock
from flask.testing import FlaskClient
from ibkey_world import PASSWORD as IBKEY_PASSWORD
from ibkey_world import World as IbkeyWorld
from test_trainer_attacks import PASSWORD, attack, victim


def lock_state(client: FlaskClient, headers: dict[str, str], name: str) -> dict[str, object]:
    answer = client.get(f"/admin/v1/users/{name}/lockout", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def assert_not_run_for_the_lock(result: dict[str, object], name: str) -> None:
    summary = str(result["summary"])
    assert result["verdict"] == "not_run" and result["attacker_succeeded"] is False, result
    assert result["attempts"] == 0 and result["outcomes"] == {}, result
    assert result["victim_locked"] is True, result  # the console offers Unlock on it
    assert f"{name}'s account was locked before this attack began" in summary, summary
    assert f"sls user unlock {name}" in summary and "Unlock in the console's Users table" in summary


def test_push_bombing_a_victim_still_locked_by_a_brute_force_is_not_run(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = IbkeyWorld(client, admin_headers)
    world.activated_user("alice", "android")
    assert attack(client, "brute_force", "alice")["outcomes"]["account_locked"] > 0
    before = lock_state(client, admin_headers, "alice")

    bombed = attack(client, "push_bombing", "alice", IBKEY_PASSWORD)

    assert_not_run_for_the_lock(bombed, "alice")
    assert "lifts by itself in about 1 min" in str(bombed["summary"]), bombed["summary"]
    assert lock_state(client, admin_headers, "alice") == before  # nothing counted
    unlocked = client.post("/admin/v1/users/alice/unlock", headers=admin_headers)
    assert unlocked.status_code == 200, unlocked.get_json()
    again = attack(client, "push_bombing", "alice", IBKEY_PASSWORD)
    assert again["verdict"] == "defences_held" and again["outcomes"]["push_sent"] > 0, again


def test_a_relay_after_credential_stuffing_on_an_authenticator_app_user_is_not_run(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "tom", "totp", "+15555550106")
    assert attack(client, "credential_stuffing", "tom")["outcomes"]["account_locked"] > 0
    assert_not_run_for_the_lock(attack(client, "phishing_relay", "tom", PASSWORD), "tom")


def test_a_relay_or_a_sim_swap_after_a_brute_force_on_a_card_user_is_not_run_and_swaps_no_sim(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "carl", "dscplus", "+15555550101")
    attack(client, "brute_force", "carl")
    assert_not_run_for_the_lock(attack(client, "phishing_relay", "carl", PASSWORD), "carl")
    assert_not_run_for_the_lock(attack(client, "sim_swap", "carl", PASSWORD), "carl")
    conditions = client.get("/sim/v1/phones/+15555550101/conditions").get_json()
    assert conditions["sim_swapped_to"] is None


def test_a_second_brute_force_or_stuffing_on_a_locked_account_is_not_run(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The lock it would show is the earlier one's: its 423s are no defence of this attack's doing."""
    victim(client, admin_headers, "carl", "dscplus", "+15555550101")
    assert attack(client, "brute_force", "carl")["verdict"] == "defences_held"
    assert_not_run_for_the_lock(attack(client, "brute_force", "carl"), "carl")
    assert_not_run_for_the_lock(attack(client, "credential_stuffing", "carl"), "carl")


def test_a_lock_that_has_lifted_or_a_spray_does_not_stop_the_attack(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The spray's defence is the address throttle, over made-up names too: the victim's lock does not empty
    it. A timed lock the clock has moved past stops nothing."""
    victim(client, admin_headers, "carl", "dscplus", "+15555550101")
    attack(client, "brute_force", "carl")
    sprayed = attack(client, "password_spray", "carl")
    assert sprayed["verdict"] == "defences_held" and "victim_locked" not in sprayed, sprayed
    move_clock(client, admin_headers, 3 * 3600)
    relayed = attack(client, "phishing_relay", "carl", PASSWORD)
    assert relayed["verdict"] == "attacker_got_in", relayed["summary"]
