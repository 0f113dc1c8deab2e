"""Challenge issuance (security review): limited per card and per user in sliding windows, for every
factor that issues an OCRA challenge, and each card remembers a bounded number of challenges, never
issuing one it remembers or an alias of it."""

from __future__ import annotations

from typing import Any

from conftest import ADMIN_TOKEN, EnrolledUser, move_clock
from flask.testing import FlaskClient
from ibkey_world import World
from json_error_kit import told_to_wait

from sls_devices.ocra import encoded_question_key
from sls_server import create_app
from sls_server.store import Store

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def server(app_config: dict[str, Any], **settings: Any) -> FlaskClient:
    return create_app({**app_config, **settings}).test_client()


def login(client: FlaskClient, user: EnrolledUser) -> Any:
    return client.post("/api/v1/auth/login", json={"username": user.username, "password": user.password})


def issued(client: FlaskClient, user: str) -> list[dict[str, Any]]:
    query = {"type": "login.challenge_issued", "user": user, "limit": "1000"}
    return client.get("/admin/v1/events", query_string=query, headers=ADMIN).get_json()["events"]  # type: ignore


def test_a_card_gets_no_more_challenges_than_its_limit(app_config: dict[str, Any], redis_url: str) -> None:
    client = server(app_config, CHALLENGE_ISSUE_LIMIT=3, CHALLENGE_ISSUE_WINDOW=600)
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    store = Store.from_url(redis_url)
    txns = [alice.start_login()["txn_id"] for _ in range(3)]

    assert told_to_wait(login(client, alice), 600) == 600
    told_to_wait(client.post(f"/api/v1/auth/login/{txns[-1]}/factor", json={"type": "dscplus"}), 600)
    assert len(store.devices.remembered_challenges(alice.device_id)) == 3  # nothing issued beyond
    assert len(issued(client, "alice")) == 3
    [limited] = client.get("/admin/v1/events?type=challenge.rate_limited", headers=ADMIN).get_json()["events"]
    assert (limited["user"], limited["device_id"], limited["detail"]["scope"]) == (
        "alice",
        alice.device_id,
        "device",
    )

    move_clock(client, ADMIN, 600)  # the window slides on
    alice.log_in()


def test_the_limit_counts_per_user_across_cards_and_per_card_across_users(app_config: dict[str, Any]) -> None:
    client = server(app_config, CHALLENGE_ISSUE_LIMIT=3)
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    started = [alice.start_login() for _ in range(2)]  # two on her first card
    second = client.post(
        "/admin/v1/users/alice/devices", json={"type": "dscplus", "pin": "5678"}, headers=ADMIN
    )
    switch = f"/api/v1/auth/login/{started[-1]['txn_id']}/factor"
    card_b = {"type": "dscplus", "device_id": second.get_json()["device_id"]}
    assert client.post(switch, json=card_b).status_code == 200  # one on the second: the user's third
    refused = client.post(switch, json=card_b)
    assert refused.status_code == 429  # the second card has had one, but the user has had three
    events = client.get("/admin/v1/events?type=challenge.rate_limited", headers=ADMIN).get_json()["events"]
    assert [e["detail"]["scope"] for e in events] == ["user"]

    bob = EnrolledUser(client, ADMIN, "bob", "2468")
    bob_txn = bob.start_login()["txn_id"]  # on his own card: bob's first
    shared = {"type": "dscplus", "share_device_id": alice.device_id}
    assert client.post("/admin/v1/users/bob/devices", json=shared, headers=ADMIN).status_code == 201
    to_alices_card = f"/api/v1/auth/login/{bob_txn}/factor", {"type": "dscplus", "device_id": alice.device_id}
    assert client.post(to_alices_card[0], json=to_alices_card[1]).status_code == 200  # the card's third
    refused = client.post(to_alices_card[0], json=to_alices_card[1])
    assert refused.status_code == 429  # bob has had two, but the card has had three
    events = client.get("/admin/v1/events?type=challenge.rate_limited", headers=ADMIN).get_json()["events"]
    assert [(e["user"], e["detail"]["scope"]) for e in events] == [("alice", "user"), ("bob", "device")]


def test_ibkey_challenge_mode_is_limited_too(app_config: dict[str, Any]) -> None:
    world = World(server(app_config, CHALLENGE_ISSUE_LIMIT=2), ADMIN)
    world.activated_user("alice", "android")
    world.roam("alice")  # no push while roaming: the app answers a challenge
    for _ in range(2):
        assert world.login("alice")["factor"]["mode"] == "challenge"
    refused = world.client.post(
        "/api/v1/auth/login", json={"username": "alice", "password": "Amber-Falcon-Ibkey-17"}
    )
    told_to_wait(refused, 600)  # SLS_CHALLENGE_ISSUE_WINDOW's default


def test_a_card_remembers_a_bounded_number_of_challenges(app_config: dict[str, Any], redis_url: str) -> None:
    client = server(app_config, CHALLENGE_ISSUE_LIMIT=1000, CHALLENGE_HISTORY=10)
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    store = Store.from_url(redis_url)
    suite = alice.card["suite"]
    given: list[str] = []
    for _ in range(60):
        before = store.devices.remembered_challenges(alice.device_id)
        encoding = encoded_question_key(suite, alice.start_login()["factor"]["challenge"])
        assert encoding not in before  # never one the card remembers, nor an alias of one
        given.append(encoding)
        remembered = store.devices.remembered_challenges(alice.device_id)
        assert len(remembered) <= 10
        assert remembered == given[-10:]  # exactly the last ten, oldest first
    alice.log_in()


def test_no_alias_of_a_remembered_challenge_until_it_is_forgotten(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    suite = "OCRA-1:HOTP-SHA256-8:QN06-PSHA1"
    alias, original = encoded_question_key(suite, "123456"), encoded_question_key(suite, "007716")
    assert alias == original  # 7716 * 16 = 123456: the same bytes to the card
    assert store.devices.claim_challenge("card", [original], 3) == 1
    assert store.devices.claim_challenge("card", [alias], 3) == 0
    for other in ("a1", "b2"):
        assert store.devices.claim_challenge("card", [other], 3) == 1
    assert store.devices.claim_challenge("card", [alias], 3) == 0  # still among the last three
    assert store.devices.claim_challenge("card", ["c3"], 3) == 1  # ... and now it is not
    assert store.devices.claim_challenge("card", [alias], 3) == 1


def test_a_record_kept_before_the_bound_is_carried_over(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    store.client.sadd("sls:{d:old}:used", *[f"{n:04x}" for n in range(50)])  # the old unbounded set
    assert store.devices.claim_challenge("old", ["0007", "ffff"], 20) == 2  # 0007 is remembered
    remembered = store.devices.remembered_challenges("old")
    assert len(remembered) == 20 and remembered[-1] == "ffff"  # the new one is the newest
    assert store.client.type("sls:{d:old}:used") == "zset"


def test_racing_issues_never_pass_the_limit(app_config: dict[str, Any], redis_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from sls_devices.ocra import OcraSuite
    from sls_server.factors import Begin
    from sls_server.factors.errors import ChallengeLimited

    app = create_app({**app_config, "CHALLENGE_ISSUE_LIMIT": 5})
    alice = EnrolledUser(app.test_client(), ADMIN, "alice", "1234")
    issuer = app.extensions["sls"].factors.get("dscplus")._issuer
    device = app.extensions["sls"].devices.get(alice.device_id)
    suite = OcraSuite.parse(alice.card["suite"])

    def issue(n: int) -> str:
        try:
            return issuer.issue(suite, device, Begin(f"txn{n}", "alice", 1_000_000)) or "none"
        except ChallengeLimited:
            return "limited"

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(issue, range(40)))
    issued = [o for o in outcomes if o != "limited"]
    # Never more than the limit. Fewer can happen: the user's window and the card's are two scripts (two
    # slots on a Cluster), so racing requests may each pass one and fill the other, and the place a refusal
    # gives back can come after the rest were refused (seen on a Cluster: four issued)
    assert 1 <= len(issued) <= 5 and "none" not in issued, outcomes
    assert len(Store.from_url(redis_url).devices.remembered_challenges(alice.device_id)) == len(issued)


def test_an_issue_either_window_refuses_leaves_no_trace(redis_url: str) -> None:
    """The card's window and claim and the user's window go in one round trip; a refusal by either counts
    nothing in the other and leaves nothing remembered by the card."""
    store = Store.from_url(redis_url)
    issue = store.devices.issue_challenge
    common = {"now": 1000, "window": 600, "limit": 2, "history": 100}
    assert issue("card-a", "bob", member="1", encodings=["e1"], **common).claimed == 1
    assert issue("card-b", "bob", member="2", encodings=["e2"], **common).claimed == 1
    # the user has had their two: card-c's window has room, yet it counts and remembers nothing
    refused = issue("card-c", "bob", member="3", encodings=["e3"], **common)
    assert (refused.wait, refused.scope, refused.claimed) == (600, "user", 0)
    assert store.devices.remembered_challenges("card-c") == []
    assert store.client.zcard("sls:{d:card-c}:issued") == 0
    # and a card that has had its two refuses without counting for the user (carol has room)
    assert issue("card-a", "carol", member="4", encodings=["e4"], **common).claimed == 1
    refused = issue("card-a", "carol", member="5", encodings=["e5"], **common)
    assert (refused.wait, refused.scope, refused.claimed) == (600, "device", 0)
    assert store.devices.remembered_challenges("card-a") == ["e1", "e4"]
    assert store.client.zcard("sls:{u:carol}:issued") == 1
