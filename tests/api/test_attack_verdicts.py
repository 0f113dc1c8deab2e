"""A staged attack's verdict (``sim/attack_report.py``): "the defences held" only when a defence stopped the
attacker. A code the victim would type is relayed whatever produced it (a temporary passcode, IB Key's
challenge/response, an authenticator app), and a phished password that is not the victim's stops the attack
before it starts: neither side won, and nothing is counted against the account."""

from __future__ import annotations

from flask.testing import FlaskClient
from ibkey_world import PASSWORD as IBKEY_PASSWORD
from ibkey_world import PHONES
from ibkey_world import World as IbkeyWorld
from test_phishing_relay_attack import logins_from_relay, relay
from test_trainer_attacks import PASSWORD, attack, victim


def test_a_relayed_temporary_passcode_gets_the_attacker_in_like_any_code(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "tess", "temporary", "+15555550107")
    result = relay(client, admin_headers, "tess", PASSWORD)
    assert result["attacker_succeeded"] is True and result["verdict"] == "attacker_got_in", result["summary"]
    assert "temporary passcode" in result["summary"]
    assert len(logins_from_relay(client, admin_headers, "tess")) == 1
    # the broker's department is a name: "Client Services", as its documents write it
    assert "The victim typed the temporary passcode Client Services gave them." in result["summary"], result[
        "summary"
    ]


def test_a_relayed_ib_key_challenge_response_gets_the_attacker_in(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Roaming, the login asks for IB Key's challenge/response: what her app shows is typed and relayed."""
    world = IbkeyWorld(client, admin_headers)
    world.activated_user("alice", "android")
    roaming = client.put(f"/sim/v1/phones/{PHONES['alice']}/conditions", json={"roaming": True})
    assert roaming.status_code == 200, roaming.get_json()
    result = relay(client, admin_headers, "alice", IBKEY_PASSWORD)
    assert result["attacker_succeeded"] is True, result["summary"]
    assert "challenge/response" in result["summary"]


def test_a_password_that_is_not_the_victim_s_runs_no_attack_and_counts_nothing(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "sam", "sms", "+15555550104")
    for kind in ("sim_swap", "phishing_relay"):  # push bombing sam, who has no IB Key, is refused (400)
        result = attack(client, kind, "sam", "Not-Sams-Password-9")
        assert result["verdict"] == "not_run" and result["attacker_succeeded"] is False, result
        assert "That is not sam's password" in result["summary"], result["summary"]
        assert "the password was wrong" not in result["summary"]
        assert result["attempts"] == 0 and result["outcomes"] == {}
    state = client.get("/admin/v1/users/sam/lockout", headers=admin_headers).get_json()
    assert state["locked"] is False and all(b["failures"] == 0 for b in state["buckets"].values()), state
    conditions = client.get("/sim/v1/phones/+15555550104/conditions").get_json()
    assert conditions["sim_swapped_to"] is None  # the swap did not run either


def test_a_defence_that_acted_is_still_called_held(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "carl", "dscplus", "+15555550101")
    result = attack(client, "brute_force", "carl")
    assert result["verdict"] == "defences_held" and result["attacker_succeeded"] is False


def test_an_attack_without_the_phished_password_is_refused_in_a_sentence(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The console shows the message as it is: a sentence, capitalised and ended."""
    victim(client, admin_headers, "sam", "sms", "+15555550104")
    body = {"attack": "sim_swap", "username": "sam"}
    answer = client.post("/admin/v1/attacks", json=body, headers=admin_headers)
    assert answer.status_code == 400 and answer.get_json()["field"] == "password"
    assert answer.get_json()["message"] == "This attack needs the victim's password, as if phished."
