"""The ``sls_emulator`` fixture's client between tests: it is one object for the whole session, so whatever
it keeps must not carry one test's state into the next."""

from __future__ import annotations

import pytest
import requests

from sls_scenarios.emulator import EmulatorError, SlsEmulator

pytestmark = pytest.mark.e2e


def session_refusal(emulator: SlsEmulator) -> object:
    with pytest.raises(EmulatorError) as refused:
        emulator.call("GET", "/api/v1/session")
    return refused.value.body


def test_a_reset_client_carries_no_cookie_of_a_login_before_it(sls_emulator: SlsEmulator) -> None:
    """A test that logged in through ``call`` left the login's and the session's cookies in the fixture's
    jar, and the wipe before the next test kept them: that test's every call, admin and sim included,
    carried a dead user session (``GET /api/v1/session`` said "No valid session" to a client that never
    logged in)."""
    fresh = session_refusal(SlsEmulator(sls_emulator.url, sls_emulator.admin_token, sls_emulator.sim_token))
    password = sls_emulator.create_user("carol", sms=False)
    card = sls_emulator.enroll_card("carol")
    started = sls_emulator.call("POST", "/api/v1/auth/login", {"username": "carol", "password": password})
    answer = {"response": card.respond(started["factor"]["challenge"])}
    assert sls_emulator.call("POST", f"/api/v1/auth/login/{started['txn_id']}/verify", answer)["session"]
    assert sls_emulator.call("GET", "/api/v1/session")["username"] == "carol"  # the jar's session cookie

    sls_emulator.reset()  # what the plugin does before each test

    assert session_refusal(sls_emulator) == fresh


def test_a_push_the_user_did_not_ask_for_is_denied_and_ends_the_login(sls_emulator: SlsEmulator) -> None:
    """An integration must handle the user who taps Deny; the fixture could only approve a push, so a test
    of that path had to find the notification and unlock the app through raw ``/sim/v1`` calls."""
    password = sls_emulator.create_user("ann", phone="+15550100005", sms=False)
    sls_emulator.enroll_ibkey("ann", "android", "12ab", password=password)
    started = requests.post(
        f"{sls_emulator.url}/api/v1/auth/login", json={"username": "ann", "password": password}, timeout=30
    ).json()
    assert started["factor"]["mode"] == "push"

    denied = sls_emulator.deny_push("ann", txn_id=started["txn_id"])

    assert denied["state"] == "denied" and denied["txn_id"] == started["txn_id"]
    poll = requests.get(
        f"{sls_emulator.url}/api/v1/auth/login/{started['txn_id']}",
        headers={"X-Login-Token": started["login_token"]},
        timeout=30,
    )
    assert poll.json()["state"] == "denied" and "session" not in poll.json(), poll.text
    assert [e["type"] for e in sls_emulator.events(user="ann", type="push.denied")] == ["push.denied"]


def test_a_frozen_clock_makes_every_instant_a_test_asserts_exact(sls_emulator: SlsEmulator) -> None:
    """The fixture's clock ran in real time with no way to stop it but a raw admin call, so a test of the
    idle logoff could not assert its instants exactly, as the scenarios (frozen) do."""
    now = sls_emulator.freeze_clock(at=1893488400)
    assert now == 1893488400
    password = sls_emulator.create_user("carol", sms=False)
    card = sls_emulator.enroll_card("carol")
    started = sls_emulator.call("POST", "/api/v1/auth/login", {"username": "carol", "password": password})
    answer = {"response": card.respond(started["factor"]["challenge"])}
    sls_emulator.call("POST", f"/api/v1/auth/login/{started['txn_id']}/verify", answer)
    assert sls_emulator.call("GET", "/api/v1/session")["idle_expires_at"] == now + 900
    assert sls_emulator.advance_clock(899) == now + 899
    sls_emulator.call("GET", "/api/v1/session")  # one second before the logoff: alive, and idle restarts
    sls_emulator.reset()
    assert sls_emulator.call("GET", "/admin/v1/clock", admin=True)["frozen"] is False


def test_a_new_ib_key_for_a_user_with_a_card_is_activated_by_the_card(sls_emulator: SlsEmulator) -> None:
    """A user who has IB Key and an active DSC+ card gets a new phone activated by the card's response, and
    no text: ``enroll_ibkey`` read the old activation code from the inbox, and the activation was refused
    as a wrong code. Given the ``Card``, it answers the card's challenge; without it, it says so."""
    password = sls_emulator.create_user("mia", phone="+15550100006", sms=False)
    card = sls_emulator.enroll_card("mia", pin="2468")
    first = sls_emulator.enroll_ibkey("mia", "android", "12ab", password=password)

    with pytest.raises(EmulatorError, match="card=") as refused:
        sls_emulator.enroll_ibkey("mia", "ios", password=password)
    assert "challenge" in str(refused.value)

    second = sls_emulator.enroll_ibkey("mia", "ios", password=password, card=card)

    assert second != first
    states = {
        d["device_id"]: d["status"]
        for d in sls_emulator.call("GET", "/admin/v1/users/mia/devices", admin=True)["devices"]
    }
    assert states[second] == "active"
    started = requests.post(
        f"{sls_emulator.url}/api/v1/auth/login", json={"username": "mia", "password": password}, timeout=30
    ).json()
    pushed = requests.post(
        f"{sls_emulator.url}/api/v1/auth/login/{started['txn_id']}/factor",
        json={"type": "ibkey"},
        headers={"X-Login-Token": started["login_token"]},
        timeout=30,
    ).json()
    assert sls_emulator.approve_push("mia", match=pushed["factor"]["match"])["state"] == "approved"


def test_a_new_ib_key_after_a_phone_change_reads_the_code_where_it_was_texted(
    sls_emulator: SlsEmulator,
) -> None:
    """A migration texts its code to the number the active IB Key was activated with (the broker's "the
    mobile phone number you originally used to activate IB Key"), which after ``PUT
    /admin/v1/users/<u>/phone`` (``sls user phone``) is not the user's phone: ``enroll_ibkey`` read the new
    number's inbox and found no code. It reads the inbox the code went to; a client that did not activate
    that IB Key says where."""
    password = sls_emulator.create_user("ann", phone="+15550100005", sms=False)
    first = sls_emulator.enroll_ibkey("ann", "android", "12ab", password=password)
    sls_emulator.call("PUT", "/admin/v1/users/ann/phone", {"phone": "+15550100007"}, admin=True)

    second = sls_emulator.enroll_ibkey("ann", "ios", password=password)
    third = sls_emulator.enroll_ibkey("ann", "android", "34cd", password=password)

    states = {
        d["device_id"]: d["status"]
        for d in sls_emulator.call("GET", "/admin/v1/users/ann/devices", admin=True)["devices"]
    }
    assert (states[first], states[second], states[third]) == ("replaced", "replaced", "active")
    fresh = SlsEmulator(sls_emulator.url, sls_emulator.admin_token, sls_emulator.sim_token)
    with pytest.raises(EmulatorError, match=r"\+1•+0005, the number their active IB Key was activated with"):
        fresh.enroll_ibkey("ann", "android", password=password)


def test_phone_conditions_change_what_they_name_and_keep_the_rest(sls_emulator: SlsEmulator) -> None:
    """The fixture's ``phone_conditions`` sends the whole set the PUT replaces: what a call names changes,
    the rest stays as the server last said (a condition added to the server is kept too)."""
    phone = "+15550100006"
    abroad = sls_emulator.phone_conditions(phone, roaming=True, roaming_loses_every=2)
    assert (abroad["roaming"], abroad["roaming_loses_every"]) == (True, 2)
    late = sls_emulator.phone_conditions(phone, delivery_delay_s=30)
    assert late == {**abroad, "delivery_delay_s": 30}
    home = sls_emulator.phone_conditions(phone, roaming=False)  # leaving roaming drops its loss rule
    assert home == {**late, "roaming": False, "roaming_loses_every": 0}


def test_an_event_type_no_server_writes_is_refused_not_an_empty_list(sls_emulator: SlsEmulator) -> None:
    """``events(type="login.suceeded")`` answered ``[]``, so ``assert not sls_emulator.events(...)`` passed
    whatever happened: a misspelt type checked nothing and said nothing (the scenarios' ``events`` check and
    ``sls events --type`` already name such a type)."""
    password = sls_emulator.create_user("carol", sms=False)
    card = sls_emulator.enroll_card("carol")
    started = sls_emulator.call("POST", "/api/v1/auth/login", {"username": "carol", "password": password})
    answer = {"response": card.respond(started["factor"]["challenge"])}
    sls_emulator.call("POST", f"/api/v1/auth/login/{started['txn_id']}/verify", answer)

    with pytest.raises(EmulatorError, match=r"did you mean 'login\.succeeded'") as refused:
        sls_emulator.events(user="carol", type="login.suceeded")

    assert "login.suceeded" in str(refused.value)
    assert [e["type"] for e in sls_emulator.events(user="carol", type="login.succeeded")] == [
        "login.succeeded"
    ]
