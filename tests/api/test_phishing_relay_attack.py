"""The staged phishing relay (``sim/attacks.py``, ``sim/relay.py``): a copy of the login page forwards the
victim's password and what she types to the real one. Through ``POST /admin/v1/attacks`` and its console twin
``/trainer/attack``: what gets the attacker in must be what the real login service accepted, and what stops
the relay must be a real defence (number matching, the IP allowlist), each in the audit trail."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from ibkey_world import PASSWORD as IBKEY_PASSWORD
from ibkey_world import UNLOCK
from ibkey_world import World as IbkeyWorld
from test_trainer_attacks import PASSWORD, attack, victim

from sls_devices.ibkey import PIN_ATTEMPTS
from sls_server.sim.attack_report import POOL, address_pool

RELAY_IP = "198.51.100.200"


def relay(client: FlaskClient, headers: dict[str, str], username: str, password: str) -> dict[str, Any]:
    body = {"attack": "phishing_relay", "username": username, "password": password}
    answer = client.post("/admin/v1/attacks", json=body, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def logins_from_relay(client: FlaskClient, headers: dict[str, str], username: str) -> list[dict[str, Any]]:
    events = client.get(f"/admin/v1/events?user={username}&limit=1000", headers=headers).get_json()["events"]
    pool = address_pool(RELAY_IP)  # each relay comes from an address new to the victim
    return [e for e in events if e["type"] == "login.succeeded" and e.get("ip") in pool]


def signed_in_by_text_before(client: FlaskClient, name: str, phone: str) -> None:
    """She logs in herself once, from her own address (her password, then the code texted to ``phone``), so
    the relay's address is a new place: its login texts her a sign-in notice naming it."""
    started = client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD}).get_json()
    texts = client.get(f"/sim/v1/phones/{phone}/messages").get_json()["messages"]
    done = client.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": texts[0]["code"]},
        headers={"X-Login-Token": started["login_token"]},
    )
    assert done.status_code == 200, done.get_json()


def test_a_relayed_card_response_logs_the_attacker_in(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "carl", "dscplus", "+15555550101")
    result = relay(client, admin_headers, "carl", PASSWORD)
    assert result["attacker_succeeded"] is True, result["summary"]
    assert result["outcomes"] == {"password_accepted": 1, "logged_in": 1}
    assert "keyed their PIN and the challenge into their card" in result["summary"]
    assert len(logins_from_relay(client, admin_headers, "carl")) == 1  # the real service let it in
    card = client.get("/admin/v1/users/carl", headers=admin_headers).get_json()["devices"][0]
    assert (
        card["factor_failures"] == 0 and card["locked"] is False
    )  # she keyed the right PIN: nothing counted


def test_a_relayed_text_gets_in_and_a_swapped_sim_hands_the_attacker_the_code_itself(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """A SIM swap left in place: her phone gets nothing to type, but the code went to the attacker's
    handset. That is the attacker's win, never "the defences held"."""
    victim(client, admin_headers, "sam", "sms", "+15555550104")
    assert relay(client, admin_headers, "sam", PASSWORD)["attacker_succeeded"] is True
    swapped = client.put("/sim/v1/phones/+15555550104/conditions", json={"sim_swapped_to": "attacker"})
    assert swapped.status_code == 200, swapped.get_json()
    result = relay(client, admin_headers, "sam", PASSWORD)
    assert result["attacker_succeeded"] is True and result["verdict"] == "attacker_got_in", result
    assert "No text with a code reached the victim's phone" in result["summary"]
    assert "still swapped to the attacker's handset" in result["summary"], result["summary"]
    assert len(logins_from_relay(client, admin_headers, "sam")) == 2


def test_number_matching_stops_a_relayed_push_and_leaves_it_on_her_phone(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = IbkeyWorld(client, admin_headers)
    app = world.activated_user("alice", "android")
    result = relay(client, admin_headers, "alice", IBKEY_PASSWORD)
    assert result["attacker_succeeded"] is False
    assert "number matching" in result["summary"] and "live proxy" in result["summary"]
    assert len(world.notifications(app)) == 1  # the push waits for her (or the trainer) to answer
    assert logins_from_relay(client, admin_headers, "alice") == []


def test_an_ip_allowlist_refuses_the_relay_before_the_password_is_judged(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "olga", "dscplus", "+15555550109", allowlist=["192.0.2.0/24"])
    result = relay(client, admin_headers, "olga", PASSWORD)
    assert result["attacker_succeeded"] is False and result["outcomes"] == {"ip_restricted": 1}
    assert "IP restrictions refuse the attacker's address" in result["summary"]


def test_the_console_relays_an_authenticator_app_code(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "tom", "totp", "+15555550106")
    result = attack(client, "phishing_relay", "tom", PASSWORD)
    assert result["attacker_succeeded"] is True, result["summary"]
    assert "authenticator app" in result["summary"]
    assert len(logins_from_relay(client, admin_headers, "tom")) == 1


def test_a_refused_request_names_its_field_and_attacks_no_one(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "carl", "dscplus", "+15555550101")
    cases = [
        ({"attack": "phishing_relay", "username": "carl"}, "password"),
        ({"attack": "phishing_relay", "username": "carl", "password": ""}, "password"),
        ({"attack": "keylogger", "username": "carl", "password": PASSWORD}, "attack"),
        ({"attack": "brute_force", "username": ""}, "username"),
    ]
    for body, field in cases:
        answer = client.post("/admin/v1/attacks", json=body, headers=admin_headers)
        assert answer.status_code == 400 and answer.get_json()["field"] == field, (body, answer.get_json())
    assert client.post("/admin/v1/attacks", json=cases[0][0]).status_code == 401  # the admin token's route
    events = client.get("/admin/v1/events?limit=1000", headers=admin_headers).get_json()["events"]
    assert not [e for e in events if e["type"].startswith("login.")]


def test_the_relay_s_sign_in_from_a_new_address_is_texted_to_her_and_said(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """ASVS 6.3.5: she has logged in before from her own address, so the relay's sign-in from another texts
    her a notice naming its address; the report quotes it (after the fact: the attacker is already in)."""
    victim(client, admin_headers, "sam", "sms", "+15555550104")
    signed_in_by_text_before(client, "sam", "+15555550104")
    result = relay(client, admin_headers, "sam", PASSWORD)
    assert result["attacker_succeeded"] is True, result["summary"]
    told = "The victim's phone got a text: \"Someone signed in to your account from a new location"
    told += f' (IP address {RELAY_IP})."'
    assert told in result["summary"], result["summary"]
    # the first relay's address is known now: the next comes from another, news again (it said nothing)
    again = relay(client, admin_headers, "sam", PASSWORD)
    assert again["attacker_succeeded"] is True, again["summary"]
    assert f"from {address_pool(RELAY_IP)[1]}" in again["summary"], again["summary"]
    assert 'got a text: "Someone signed in to your account from a new location' in again["summary"]


def test_a_relay_from_an_address_the_victim_knows_says_why_no_notice_came(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Every address of the relay's range known to her (ten relays before): the report says why her phone
    got no sign-in notice, where it used to drop the sentence without a word."""
    victim(client, admin_headers, "sam", "sms", "+15555550104")
    for _ in range(POOL):
        assert relay(client, admin_headers, "sam", PASSWORD)["attacker_succeeded"] is True
        # past the send limit's window: each relay's login texts a code
        moved = client.post("/admin/v1/clock", json={"advance_s": 3600}, headers=admin_headers)
        assert moved.status_code == 200, moved.get_json()
    last = relay(client, admin_headers, "sam", PASSWORD)
    assert last["attacker_succeeded"] is True and "got a text" not in last["summary"], last["summary"]
    said = f"No sign-in notice: sam has signed in from {RELAY_IP} before"
    assert said in last["summary"], last["summary"]


def test_a_victim_whose_ib_key_app_is_locked_has_no_response_to_relay(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Her app locked itself after wrong PINs: it shows her no response for the challenge, so there is
    nothing to type into the copied page and the relay gets no further (as with a locked card)."""
    world = IbkeyWorld(client, admin_headers)
    app = world.activated_user("alice", "android")
    world.roam("alice")  # a roaming phone is asked for challenge/response, which she would type
    for _ in range(PIN_ATTEMPTS):
        assert world.respond(app, "123456", username="alice", pin="0000").status_code == 403
    locked = world.respond(app, "123456", username="alice", **UNLOCK["android"])
    assert locked.status_code == 423 and locked.get_json()["error"] == "app_locked"
    result = relay(client, admin_headers, "alice", IBKEY_PASSWORD)
    assert result["attacker_succeeded"] is False, result["summary"]
    assert "locked" in result["summary"] and "unlocked IB Key" not in result["summary"], result["summary"]
    assert logins_from_relay(client, admin_headers, "alice") == []


def test_a_relay_right_after_push_bombing_says_the_push_limit_made_ib_key_ask_for_a_challenge(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """A trainer stages push bombing, then the relay on the same victim: the push limit answers the relayed
    login with challenge/response, which she types, and the attacker gets in. The report said only that
    number matching stops a relay, as if it had failed; it now says why there was no push to match."""
    world = IbkeyWorld(client, admin_headers)
    world.activated_user("alice", "android")
    bombed = attack(client, "push_bombing", "alice", IBKEY_PASSWORD)
    assert "challenge/response instead" in bombed["summary"], bombed["summary"]
    result = relay(client, admin_headers, "alice", IBKEY_PASSWORD)
    assert result["verdict"] == "attacker_got_in", result["summary"]
    assert "IB Key asked for challenge/response, not a push: the push limit (" in result["summary"]
    assert "number matching, which a copied page cannot get past, was not in play" in result["summary"]


def test_a_relay_on_a_roaming_phone_says_why_ib_key_sent_no_push(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = IbkeyWorld(client, admin_headers)
    world.activated_user("alice", "android")
    world.roam("alice")
    result = relay(client, admin_headers, "alice", IBKEY_PASSWORD)
    assert result["verdict"] == "attacker_got_in", result["summary"]
    assert "not a push: the victim's phone is roaming" in result["summary"], result["summary"]
