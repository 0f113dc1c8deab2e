"""The staged "SIM swap, then Forgot your password?" (``sim/recovery_attack.py``): no password, the victim's
SIM in the attacker's handset, the reset's code read there. What the report says must be what the services
did: stopped at Client Services (the phone alone), stopped at the second factor (a card, IB Key on her own
phone), or, once an earlier swap moved her IB Key to the attacker, a takeover."""

from __future__ import annotations

from conftest import ADMIN_TOKEN, trail
from flask.testing import FlaskClient
from ibkey_world import PASSWORD as IBKEY_PASSWORD
from ibkey_world import World as IbkeyWorld
from test_attacks_after_sim_swap import swapped
from test_trainer_attacks import attack

from sls_server.web.event_words import sentence

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _user(client: FlaskClient, name: str, phone: str, device: dict[str, str] | None) -> None:
    body = {"username": name, "password": "Correct-Horse-4-Battery", "phone": phone, "sms": device is None}
    assert client.post("/admin/v1/users", json=body, headers=ADMIN).status_code == 201
    if device:
        assert client.post(f"/admin/v1/users/{name}/devices", json=device, headers=ADMIN).status_code == 201


def _password_changes(client: FlaskClient, name: str) -> int:
    got = client.get(f"/admin/v1/events?type=user.password_changed&user={name}", headers=ADMIN)
    return len(got.get_json()["events"])


def test_the_phone_alone_is_sent_to_client_services(client: FlaskClient) -> None:
    _user(client, "sam", "+15555550141", None)
    result = attack(client, "sim_swap_reset", "sam")
    assert result["verdict"] == "defences_held", result["summary"]
    assert result["outcomes"] == {"client_services_required": 1}
    assert "never reset with the phone alone" in result["summary"]
    assert _password_changes(client, "sam") == 0


def test_a_card_stops_it_at_the_second_factor(client: FlaskClient) -> None:
    _user(client, "carl", "+15555550142", {"type": "dscplus", "pin": "1234"})
    result = attack(client, "sim_swap_reset", "carl")
    assert result["verdict"] == "defences_held", result["summary"]
    assert result["outcomes"] == {"reset_code_accepted": 1, "stopped_at_second_factor": 1}
    assert "Digital Security Card+" in result["summary"] and "holds only the SIM" in result["summary"]
    assert _password_changes(client, "carl") == 0


def test_after_a_swap_moved_her_ib_key_the_reset_is_a_takeover(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = IbkeyWorld(client, admin_headers)
    swapped(world)  # an earlier staged SIM swap (with the phished password) moved alice's IB Key
    result = attack(client, "sim_swap_reset", "alice")
    assert result["verdict"] == "attacker_got_in", result["summary"]
    assert result["outcomes"]["password_reset"] == 1
    assert _password_changes(client, "alice") == 1
    old = client.post("/api/v1/auth/login", json={"username": "alice", "password": IBKEY_PASSWORD})
    assert old.status_code == 401  # her password no longer works
    said = [sentence(e) for e in trail(client, ADMIN, user="alice", limit=1000)]
    ended = [line for line in said if line and "session ended" in line]
    assert ended and all(line == "alice's session ended: password reset" for line in ended), ended
    assert (
        "Security notice (password reset) texted to alice's phone: it arrived on the attacker's handset"
        in said
    )


def test_ib_key_on_her_own_phone_stops_it_and_she_sees_the_check(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = IbkeyWorld(client, admin_headers)
    app = world.activated_user("bob", "android")
    result = attack(client, "sim_swap_reset", "bob")
    assert result["verdict"] == "defences_held", result["summary"]
    assert "victim's own phone, where she can deny it" in result["summary"]
    assert [n["purpose"] for n in world.notifications(app)] == ["password_recovery"]
    assert _password_changes(client, "bob") == 0


def test_ib_key_asking_for_challenge_response_sends_her_nothing_to_deny(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Her phone roaming (or the push limit spent by a push bombing just before), IB Key asks the reset for
    its challenge/response: no notification reaches her phone. The report said all the same that the check
    "went to IB Key on the victim's own phone, where she can deny it": there was nothing to deny."""
    world = IbkeyWorld(client, admin_headers)
    app = world.activated_user("bob", "android")
    world.roam("bob")
    result = attack(client, "sim_swap_reset", "bob")
    assert result["verdict"] == "defences_held", result["summary"]
    assert world.notifications(app) == []
    assert "where she can deny it" not in result["summary"]
    assert (
        "IB Key asked the reset for its challenge/response, not a push (the victim's phone is roaming, and "
        "IB Key sends a roaming phone no notification): only the app on her own phone can answer it"
    ) in result["summary"]
    assert _password_changes(client, "bob") == 0


def test_a_sim_already_in_the_attackers_handset_is_not_moved_again(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """A reset staged after a SIM swap finds the SIM already moved: the trail tells the move once (a second
    'SIM moved' read as a second swap in the feed), and the report says it was already there."""
    world = IbkeyWorld(client, admin_headers)
    swapped(world)

    def moves() -> int:
        changed = trail(client, ADMIN, user="alice", limit=1000)
        return sum(
            1 for e in changed if e["type"] == "phone.conditions_changed" and e["detail"]["sim_swapped"]
        )

    before = moves()
    result = attack(client, "sim_swap_reset", "alice")
    assert moves() == before == 1
    assert "already sits in the attacker's handset" in result["summary"], result["summary"]
