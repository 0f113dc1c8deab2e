"""The trainer console's staged attacks (``sls_server/sim/attacks.py``), through ``/trainer/attack`` as the
console's script calls it. What an attack reports must be what the services did, for every kind of victim:
a trainer reads it out to the room."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from ibkey_world import PASSWORD as IBKEY_PASSWORD
from ibkey_world import World as IbkeyWorld
from page_forms import sign_in_to_console

PASSWORD = "Prism-Willow-Canyon-3"


def victim(
    client: FlaskClient,
    headers: dict[str, str],
    name: str,
    type_: str,
    phone: str,
    allowlist: list[str] | None = None,
) -> None:
    """A user with a phone number and one device (a card gets the PIN 1234); with ``allowlist``, IP
    Restrictions that let her log in only from those ranges."""
    made = client.post(
        "/admin/v1/users",
        json={"username": name, "password": PASSWORD, "phone": phone, "sms": False},
        headers=headers,
    )
    assert made.status_code == 201, made.get_json()
    device = {"type": type_, **({"pin": "1234"} if type_ == "dscplus" else {})}
    enrolled = client.post(f"/admin/v1/users/{name}/devices", json=device, headers=headers)
    assert enrolled.status_code == 201, enrolled.get_json()
    if allowlist is not None:
        listed = client.put(
            f"/admin/v1/users/{name}/ip-allowlist", json={"ip_allowlist": allowlist}, headers=headers
        )
        assert listed.status_code == 200, listed.get_json()


def attack(client: FlaskClient, kind: str, username: str, password: str | None = None) -> dict[str, Any]:
    token = sign_in_to_console(client)
    body = {"attack": kind, "username": username, "password": password}
    answer = client.post("/trainer/attack", json=body, headers={"X-CSRF-Token": token})
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def test_a_sim_swap_gets_a_voice_only_user_through_the_call_that_follows_the_sim(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "vic", "voice", "+15555550105")
    result = attack(client, "sim_swap", "vic", PASSWORD)
    assert result["attacker_succeeded"] is True, result["summary"]
    assert result["outcomes"]["logged_in"] == 1
    assert "call" in result["summary"] and "no SMS" not in result["summary"]
    calls = client.get("/sim/v1/phones/attacker/calls").get_json()["calls"]
    assert [c["to"] for c in calls] == ["+15555550105"]


def test_a_sim_swap_answers_the_voice_callback_when_the_carrier_drops_the_text(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "sam", "sms", "+15555550104")
    number = "+15555550104"
    blocked = client.put(f"/sim/v1/phones/{number}/conditions", json={"carrier_blocks_sms": True})
    assert blocked.status_code == 200, blocked.get_json()
    result = attack(client, "sim_swap", "sam", PASSWORD)
    assert result["attacker_succeeded"] is True, result["summary"]
    assert "dropped" in result["summary"] and "call" in result["summary"]


def test_a_sim_swap_on_a_card_user_gains_nothing_and_says_why(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "carl", "dscplus", "+15555550101")
    result = attack(client, "sim_swap", "carl", PASSWORD)
    assert result["attacker_succeeded"] is False
    assert "no SMS or voice-callback factor" in result["summary"]
    assert "Digital Security Card+" in result["summary"]


def test_attacks_on_a_locked_account_without_ib_key_say_it_is_locked_not_that_the_password_was_wrong(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "carl", "dscplus", "+15555550101")
    assert attack(client, "brute_force", "carl")["outcomes"]["account_locked"] > 0
    swapped = attack(client, "sim_swap", "carl", PASSWORD)
    assert "password was refused" not in swapped["summary"] and "locked" in swapped["summary"]


def test_a_sim_swap_on_an_account_an_earlier_attack_locked_is_not_run_and_leaves_the_sim(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """A trainer running brute force, then a SIM swap, on one victim: the swap's login would meet the lock
    the first attack left. The swap is not run (its SIM stays with the victim), and the report says that
    lock came before and how to lift it; once unlocked, the swap runs."""
    victim(client, admin_headers, "sam", "sms", "+15555550104")
    assert attack(client, "brute_force", "sam")["outcomes"]["account_locked"] > 0

    swapped = attack(client, "sim_swap", "sam", PASSWORD)

    assert swapped["verdict"] == "not_run" and swapped["outcomes"] == {}, swapped
    assert "locked before this attack began" in swapped["summary"], swapped["summary"]
    assert "sls user unlock sam" in swapped["summary"]
    conditions = client.get("/sim/v1/phones/+15555550104/conditions").get_json()
    assert conditions["sim_swapped_to"] is None
    assert client.post("/admin/v1/users/sam/unlock", headers=admin_headers).status_code == 200
    again = attack(client, "sim_swap", "sam", PASSWORD)
    assert again["attacker_succeeded"] is True and "now sits in the attacker's handset" in again["summary"]


def test_a_sim_swap_whose_login_meets_no_lock_claims_none(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "vic", "voice", "+15555550105")
    result = attack(client, "sim_swap", "vic", PASSWORD)
    assert "locked before" not in result["summary"] and "now sits" in result["summary"]


def test_push_bombing_an_ib_key_user_counts_the_pushes_and_the_limit(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = IbkeyWorld(client, admin_headers)
    world.activated_user("alice", "android")
    limit = client.application.extensions["sls"].settings.push_limit
    result = attack(client, "push_bombing", "alice", IBKEY_PASSWORD)
    assert result["outcomes"]["push_sent"] == limit
    assert f"{limit} notifications reached" in result["summary"]
    assert "IB Key's challenge/response" in result["summary"]  # past the limit: no push, the app's code
    assert "the victim can still log in" in result["summary"]


def test_an_office_allowlist_refuses_every_staged_attack(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The demo's office-olga may log in only from 203.0.113.0/24: no staged attacker comes from there, so
    each attack meets her allowlist (403 ip_restricted) and nothing else: no lock, no code, no session."""
    victim(client, admin_headers, "olga", "dscplus", "+15555550109", allowlist=["203.0.113.0/24"])
    for kind in ("brute_force", "credential_stuffing", "sim_swap", "phishing_relay"):  # no IB Key: no bombing
        result = attack(client, kind, "olga", PASSWORD)
        assert result["attacker_succeeded"] is False and set(result["outcomes"]) == {"ip_restricted"}, result
        assert "IP restrictions refuse the attacker's address" in result["summary"]
        assert "lock" not in result["summary"], result["summary"]  # no lock acted: none is claimed
    state = client.get("/admin/v1/users/olga/lockout", headers=admin_headers).get_json()
    assert state["locked"] is False


def test_a_brute_force_lock_is_texted_to_the_victim_and_said_in_the_report(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """ASVS 6.3.5: the lock a brute force places texts the victim's phone once, and the report says so; a
    second run meets the lock already in place: it is not run, texts nothing, and says nothing of a text."""
    victim(client, admin_headers, "vera", "dscplus", "+15555550110")
    first = attack(client, "brute_force", "vera")
    told = 'The victim\'s phone got a text: "Your account was locked after 5 failed sign-in attempts."'
    assert told in first["summary"], first
    again = attack(client, "brute_force", "vera")
    assert again["verdict"] == "not_run" and "got a text" not in again["summary"], again
    texts = client.get("/sim/v1/phones/+15555550110/messages").get_json()["messages"]
    assert [m["text"] for m in texts if "locked" in m["text"]] == [
        "IBKR: Your account was locked after 5 failed sign-in attempts. If this was not you, contact IBKR "
        "Client Services immediately."
    ]


def test_a_sim_swap_moves_an_ib_key_user_s_ib_key_to_the_attacker_through_migration(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The seed's migration texts its activation code to the number IB Key was activated with, unless a card
    is active: with that number's SIM and the phished password, the attacker activates IB Key on their own
    handset, which replaces the victim's, and logs in with it.
    The report must not say the swap gains nothing, nor count the login it got in with as no attempt
    (it said "0 attempts" beside "logged_in")."""
    world = IbkeyWorld(client, admin_headers)
    old = world.activated_user("alice", "android")
    result = attack(client, "sim_swap", "alice", IBKEY_PASSWORD)
    assert result["attacker_succeeded"] is True, result["summary"]
    assert result["outcomes"]["ibkey_moved"] == 1 and result["outcomes"]["logged_in"] == 1, result
    assert result["attempts"] == 1 and result["outcomes"]["password_accepted"] == 1, result
    assert "gains nothing" not in result["summary"]
    assert "Migrate IB Key" in result["summary"] and "replaced the victim's IB Key" in result["summary"]
    devices = client.get("/admin/v1/users/alice", headers=admin_headers).get_json()["devices"]
    assert {d["device_id"]: d["status"] for d in devices}[old] == "replaced"


def test_a_sim_swap_cannot_migrate_ib_key_past_an_active_card_and_names_it(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = IbkeyWorld(client, admin_headers)
    old = world.activated_user("alice", "android")
    card = client.post(
        "/admin/v1/users/alice/devices", json={"type": "dscplus", "pin": "1234"}, headers=admin_headers
    )
    assert card.status_code == 201, card.get_json()
    result = attack(client, "sim_swap", "alice", IBKEY_PASSWORD)
    assert result["attacker_succeeded"] is False, result["summary"]
    assert "a card is active for this user" in result["summary"], result["summary"]
    devices = client.get("/admin/v1/users/alice", headers=admin_headers).get_json()["devices"]
    assert {d["device_id"]: d["status"] for d in devices}[old] == "active"


def test_a_sim_swap_on_an_sms_user_does_not_claim_ib_key_would_have_stopped_it(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "sam", "sms", "+15555550104")
    result = attack(client, "sim_swap", "sam", PASSWORD)
    assert result["attacker_succeeded"] is True, result["summary"]
    assert "IB Key or a card would have stopped this" not in result["summary"]
    assert "A card, with SMS and voice callbacks taken off" in result["summary"]


def test_a_password_spray_leaves_no_failures_on_accounts_the_trainer_did_not_pick(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """A spray on one victim used to guess at five other real users too, leaving each a few failures short
    of a lock: the next demo's brute force locked early, and live logins after two typos. Now it guesses at
    the victim and made-up names; the failures it leaves on the victim are said, and Clear resets them."""
    victim(client, admin_headers, "ann", "dscplus", "+15555550102")
    victim(client, admin_headers, "bob", "dscplus", "+15555550103")
    result = attack(client, "password_spray", "ann")
    assert result["outcomes"]["rate_limited"] > 0, result
    bob = client.get("/admin/v1/users/bob/lockout", headers=admin_headers).get_json()
    assert not bob["locked"] and all(b["failures"] == 0 for b in bob["buckets"].values()), bob
    ann = client.get("/admin/v1/users/ann/lockout", headers=admin_headers).get_json()
    left = max(b["failures"] for b in ann["buckets"].values())
    assert left > 0 and f"ann is left with {left} failed sign-ins" in result["summary"], result["summary"]
    table = client.get("/trainer/users").get_data(as_text=True)
    assert 'data-testid="trainer-clear-ann"' in table and 'data-testid="trainer-clear-bob"' not in table


def test_after_the_takeover_the_victims_phone_says_ib_key_moved(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The victim's phone page drew the attacker's app (their login requests and all) as if it were on
    the victim's phone: it now says IB Key moved to the other handset."""
    world = IbkeyWorld(client, admin_headers)
    world.activated_user("alice", "android")
    assert attack(client, "sim_swap", "alice", IBKEY_PASSWORD)["attacker_succeeded"] is True
    shown = client.get("/sim/phone/alice/state").get_json()["ibkey"]
    assert shown["app"] is None and shown["moved_to"] == "attacker", shown


def test_a_swap_or_relay_after_push_bombing_a_voice_user_says_the_send_limit_came_first(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Logins with a voice-only user's password call her until the send limit refuses more codes (push
    bombing did, before it was refused to a user without IB Key); a SIM swap or a relay staged next was
    refused before any code went out, and its report read only "the defences held", as if the swap or the
    relay had been stopped."""
    victim(client, admin_headers, "vic", "voice", "+15555550105")
    for _ in range(8):  # each login calls her: the send limit's count (5 in the tests' settings)
        client.post("/api/v1/auth/login", json={"username": "vic", "password": PASSWORD})
    for kind, named in (("sim_swap", "SIM swap"), ("phishing_relay", "relay")):
        result = attack(client, kind, "vic", PASSWORD)
        assert result["outcomes"] == {"rate_limited": 1}, result
        said = "The phone's send limit was already reached (an earlier attack's codes count for a while)"
        assert said in result["summary"], result["summary"]
        assert f"then stage the {named} again." in result["summary"], result["summary"]


def test_push_bombing_a_user_without_ib_key_is_refused_before_any_login(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """It made some twenty password logins, each spending a card challenge, and said the defences held: there
    is no app to bomb. Refused up front, naming the victim, with nothing tried."""
    victim(client, admin_headers, "carl", "dscplus", "+15555550101")
    before = client.get("/admin/v1/events?user=carl", headers=admin_headers).get_json()["events"]
    body = {"attack": "push_bombing", "username": "carl", "password": PASSWORD}
    answer = client.post("/admin/v1/attacks", json=body, headers=admin_headers)
    assert answer.status_code == 400 and answer.get_json()["field"] == "username", answer.get_json()
    assert "no active IB Key" in answer.get_json()["message"]
    after = client.get("/admin/v1/events?user=carl", headers=admin_headers).get_json()["events"]
    assert after == before
