"""The attacker's screen of a phishing relay (``sim/relay_screen.py``): the page ``/trainer/attacks/relay``
behind the console's sign-in, its fragment, and its twin ``GET /admin/v1/attacks/relay-screen``. It must say
what reached the attacker without the secret itself, and where a relayed push stands once the victim
answered it on her phone: number matching's stop, or the attacker in."""

from __future__ import annotations

import html
import re
from typing import Any

from flask.testing import FlaskClient
from ibkey_world import PASSWORD as IBKEY_PASSWORD
from ibkey_world import UNLOCK, push_login
from ibkey_world import World as IbkeyWorld
from page_forms import sign_in_to_console
from test_phishing_relay_attack import RELAY_IP, relay, signed_in_by_text_before
from test_trainer_attacks import PASSWORD, victim

#: What a captured secret shows as: the same whatever was typed, so not even its length is told.
MASK = "••••••••"


def screen(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    answer = client.get("/admin/v1/attacks/relay-screen", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def page_text(client: FlaskClient, path: str = "/trainer/attacks/relay") -> str:
    answer = client.get(path)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True))))


def test_the_page_is_behind_the_console_sign_in_and_says_when_no_relay_ran(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    closed = client.get("/trainer/attacks/relay")
    assert 'data-testid="trainer-token"' in closed.get_data(as_text=True)  # the sign-in form, nothing else
    assert "relay-screen" not in closed.get_data(as_text=True)
    assert client.get("/trainer/attacks/relay/screen").status_code == 401
    sign_in_to_console(client)
    assert "No phishing relay has been staged yet" in page_text(client)
    assert screen(client, admin_headers)["staged"] is False
    console = client.get("/trainer").get_data(as_text=True)
    assert 'href="/trainer/attacks/relay"' in console  # the attack card links to it


def test_a_relayed_card_response_shows_the_look_alike_the_capture_masked_and_the_attacker_in(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "carl", "dscplus", "+15555550101")
    relay(client, admin_headers, "carl", PASSWORD)
    seen = screen(client, admin_headers)
    assert seen["staged"] is True and seen["victim"] == "carl" and seen["attacker_ip"] == RELAY_IP
    assert seen["state"] == "got_in" and seen["defence"] is None
    fake = seen["fake_address"]
    assert ".example/" in fake and "interactivebrokers" in fake  # a look-alike, on a name for examples
    sides = [step["side"] for step in seen["steps"]]
    assert sides[:3] == ["victim", "attacker", "attacker"] and "real" in sides
    said = " ".join(seen["lines"])
    assert f"password {MASK}" in said and f"Captured: the card's response {MASK}" in said
    assert "challenge" in said and "relayed it to the real login page from 198.51.100.200" in said
    assert PASSWORD not in said
    sign_in_to_console(client)
    shown = page_text(client)
    assert "Attacker's look-alike" in shown and fake in shown
    assert "The attacker got in" in shown and PASSWORD not in shown
    for line in seen["steps"]:
        assert line["said"] in page_text(client, "/trainer/attacks/relay/screen")


def test_a_relayed_push_waits_on_the_number_then_shows_number_matching_stop_it(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = IbkeyWorld(client, admin_headers)
    app = world.activated_user("alice", "android")
    relay(client, admin_headers, "alice", IBKEY_PASSWORD)
    waiting = screen(client, admin_headers)
    note = world.notifications(app)[0]
    assert waiting["state"] == "waiting" and waiting["number"] in note["candidates"]
    assert f"Number to get the victim to pick: {waiting['number']}" in waiting["lines"]
    sign_in_to_console(client)
    assert 'data-testid="relay-number"' in client.get("/trainer/attacks/relay/screen").get_data(as_text=True)
    wrong = next(c for c in note["candidates"] if c != waiting["number"])
    world.approve(app, note, wrong, **UNLOCK["android"])
    stopped = screen(client, admin_headers)
    assert stopped["state"] == "stopped" and stopped["defence"] == "IB Key's number matching"
    assert "picked a number that was not the one on the attacker's screen" in stopped["outcome"]
    assert "Defence: IB Key's number matching" in page_text(client, "/trainer/attacks/relay/screen")


def test_the_right_number_picked_lets_the_waiting_relay_in(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = IbkeyWorld(client, admin_headers)
    app = world.activated_user("alice", "android")
    report = relay(client, admin_headers, "alice", IBKEY_PASSWORD)
    assert report["waiting"]["ip"] == RELAY_IP
    number = screen(client, admin_headers)["number"]
    world.approve(app, world.notifications(app)[0], number, **UNLOCK["android"])
    got_in = screen(client, admin_headers)
    assert got_in["state"] == "got_in" and "the attacker got in" in got_in["outcome"]
    logins = world.events("login.succeeded", "alice")
    assert [e["ip"] for e in logins][-1] == RELAY_IP  # the attacker's page took the session


def test_an_allowlist_stop_is_named_as_the_defence(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "carl", "dscplus", "+15555550101", allowlist=["192.0.2.0/24"])
    relay(client, admin_headers, "carl", PASSWORD)
    seen = screen(client, admin_headers)
    assert seen["state"] == "stopped" and seen["defence"].startswith("IP restrictions"), seen


def test_the_sign_in_notice_her_phone_got_is_on_the_screen(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """She has signed in before from her own address: the relay's login texts her a notice naming the
    attacker's address, and the screen says so beside the attacker in (the notice comes after the fact)."""
    victim(client, admin_headers, "sam", "sms", "+15555550104")
    signed_in_by_text_before(client, "sam", "+15555550104")
    relay(client, admin_headers, "sam", PASSWORD)
    seen = screen(client, admin_headers)
    assert seen["state"] == "got_in", seen
    notice = seen["steps"][-1]
    assert notice["side"] == "victim" and "got a text" in notice["said"] and RELAY_IP in notice["said"]
    assert f"Attacker: Captured: the texted code {MASK}." in seen["lines"]


def _signed_in_before(world: IbkeyWorld, app: str, name: str) -> None:
    """She logs in from her own address once, so the relay's address is a new place: its login texts her a
    sign-in notice naming it."""
    started, note = push_login(world, name, app)
    picked = world.approve(app, note, started["factor"]["match"], **UNLOCK["android"])
    assert picked.status_code == 200, picked.get_json()
    assert world.poll(started["txn_id"])["state"] == "authenticated"


def test_a_late_pick_shows_the_sign_in_notice_it_texted_her(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Her pick comes after the relay's report, so the report could not quote the notice; the screen, read
    after her pick, quotes it (the one naming the relay's address) beside the attacker in."""
    world = IbkeyWorld(client, admin_headers)
    app = world.activated_user("alice", "android")
    _signed_in_before(world, app, "alice")
    report = relay(client, admin_headers, "alice", IBKEY_PASSWORD)
    waiting = screen(client, admin_headers)
    assert not any("got a text" in step["said"] for step in waiting["steps"]), waiting["steps"]
    world.approve(app, world.notifications(app)[0], waiting["number"], **UNLOCK["android"])
    got_in = screen(client, admin_headers)
    assert got_in["state"] == "got_in"
    notice = got_in["steps"][-1]
    assert notice["side"] == "victim" and notice["said"].startswith("The victim's phone got a text: ")
    assert f"IP address {report['waiting']['ip']}" in notice["said"]
    assert f"Victim: {notice['said']}" in got_in["lines"]


def test_a_late_pick_shows_a_notice_of_failed_attempts_that_names_no_address(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """She never signed in before, so the relay's address is no new place to her, but three wrong passwords
    came first: the relay's login texts her a notice of those alone, which names no address. The screen
    recognised the notice by the relay's address only, and left it out; it follows the relay's login now."""
    world = IbkeyWorld(client, admin_headers)
    app = world.activated_user("alice", "android")
    for _ in range(3):
        wrong = client.post("/api/v1/auth/login", json={"username": "alice", "password": "not-hers-1A!"})
        assert wrong.status_code == 401, wrong.get_json()
    relay(client, admin_headers, "alice", IBKEY_PASSWORD)
    waiting = screen(client, admin_headers)
    world.approve(app, world.notifications(app)[0], waiting["number"], **UNLOCK["android"])
    got_in = screen(client, admin_headers)
    assert got_in["state"] == "got_in", got_in
    notice = got_in["steps"][-1]
    assert notice["side"] == "victim", got_in["steps"]
    assert "3 failed sign-in attempts were made on your account before this sign-in" in notice["said"]
    assert "IP address" not in notice["said"]  # the address alone could not have recognised it
    assert f"Victim: {notice['said']}" in got_in["lines"]


def test_the_report_of_a_relayed_push_names_the_number_to_pick(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The console's report of the relay lacked the number the attacker's screen shows."""
    world = IbkeyWorld(client, admin_headers)
    world.activated_user("alice", "android")
    report = relay(client, admin_headers, "alice", IBKEY_PASSWORD)
    number = screen(client, admin_headers)["number"]
    assert report["waiting"]["number"] == number
    assert (
        f"the number {number} on their screen: if alice picks {number}, the attacker is in"
        in report["summary"]
    )


def test_recent_relays_are_kept_newest_first_each_followed_to_its_end(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The screen kept only the last relay: one still waiting on a victim's phone when the next was staged
    was gone, her pick never shown. The last five are kept, newest first, each read as it stands now."""
    world = IbkeyWorld(client, admin_headers)
    app = world.activated_user("alice", "android")
    relay(client, admin_headers, "alice", IBKEY_PASSWORD)  # waits on her phone
    number = screen(client, admin_headers)["number"]
    victim(client, admin_headers, "carl", "dscplus", "+15555550101")
    for _ in range(4):
        relay(client, admin_headers, "carl", PASSWORD)
    five = screen(client, admin_headers)
    assert five["victim"] == "carl" and [run["victim"] for run in five["earlier"]] == ["carl"] * 3 + ["alice"]
    assert five["earlier"][-1]["state"] == "waiting" and five["earlier"][-1]["number"] == number
    world.approve(app, world.notifications(app)[0], number, **UNLOCK["android"])
    after = screen(client, admin_headers)["earlier"][-1]
    assert after["victim"] == "alice" and after["state"] == "got_in", after
    assert "Earlier relays, newest first:" in five["lines"]
    assert any(line.endswith(five["earlier"][0]["outcome"]) for line in five["lines"])
    relay(client, admin_headers, "carl", PASSWORD)
    assert [run["victim"] for run in screen(client, admin_headers)["earlier"]] == ["carl"] * 4  # five kept
    sign_in_to_console(client)
    shown = page_text(client, "/trainer/attacks/relay/screen")
    assert "Earlier relays (newest first)" in shown
