"""SMS and voice-callback codes end to end: admin enrolment, login, the simulated phone (its conditions:
``test_sms_conditions.py``; audio, events and the document: ``test_sms_audio_events.py``).

Codes are read the way a QA script reads them, from ``GET /sim/v1/phones/<number>/messages`` (or
``/calls``). Time is frozen with freezegun and moved only with ``POST /admin/v1/clock``, so an expiry at
exactly 300 s does not depend on where in a wall-clock second the test started.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from phone_world import MASKED, PHONE, Phone, fresh_code, sam_phone  # noqa: F401 - sam_phone: "sam"

from sls_devices.phone import DIGIT_WORDS
from sls_server import create_app
from sls_server.store import connect, keys

# --- login with an SMS code ---------------------------------------------------------------------------------


def test_login_texts_a_code_to_the_masked_number_and_the_code_logs_in(sam: Phone) -> None:
    assert sam.device["type"] == "sms" and sam.device["label"] == f"SMS {MASKED}"
    started = sam.login()
    assert started["factor"] == {"type": "sms", "device_id": sam.device["device_id"], "sent_to": MASKED}
    assert "5555550123" not in json.dumps(started), "the login answer must never carry the full number"
    offered = {(f["type"], f["device_id"]) for f in started["factors"]}
    assert offered == {("sms", sam.device["device_id"]), ("voice", sam.device["device_id"])}
    text = sam.texts()[0]
    assert text["from"] == "IBKR" and text["to"] == PHONE and "valid for 5 minutes" in text["text"]
    done = sam.verify(started["txn_id"], sam.code())
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["state"] == "authenticated"
    who = sam.client.get(
        "/api/v1/session", headers={"Authorization": f"Bearer {done.get_json()['session']['token']}"}
    )
    assert who.get_json()["factor"] == "sms"


def test_a_code_is_accepted_once(sam: Phone) -> None:
    started = sam.login()
    code = sam.code()
    assert sam.verify(started["txn_id"], code).status_code == 200
    replay = sam.verify(started["txn_id"], code)
    assert replay.status_code == 409 and replay.get_json()["error"] == "challenge_used"


def test_a_new_sms_kills_the_old_code_and_does_not_reset_the_attempts(sam: Phone) -> None:
    started = sam.login()
    txn, old = started["txn_id"], sam.code()
    wrong = sam.verify(txn, "000000" if old != "000000" else "111111")
    assert wrong.status_code == 401 and wrong.get_json() == {**wrong.get_json(), "attempts_left": 2}
    new = fresh_code(sam, txn, old)
    stale = sam.verify(txn, old)
    assert stale.status_code == 401, "the old code must die when a new one is sent"
    assert stale.get_json()["attempts_left"] == 1, "a new code must not reset the failure count (NIST)"
    assert sam.verify(txn, new).status_code == 200


def test_asking_for_codes_buys_no_extra_guesses(sam: Phone) -> None:
    txn = sam.login()["txn_id"]
    for left in (2, 1):
        sam.new_code(txn)
        assert (
            sam.verify(txn, "999999" if sam.code() != "999999" else "888888").get_json()["attempts_left"]
            == left
        )
    sam.new_code(txn)
    last = sam.verify(txn, "999999" if sam.code() != "999999" else "888888")
    assert last.status_code == 401 and last.get_json()["attempts_left"] == 0
    dead = sam.verify(txn, sam.code())
    assert dead.status_code == 410 and dead.get_json()["error"] == "challenge_expired"
    assert "No attempts are left" in dead.get_json()["message"]  # why it is over: not the clock
    sam.new_code(txn, status=410)


def test_voice_callback_reads_the_code_in_words_and_replaces_the_text(sam: Phone) -> None:
    started = sam.login()
    txn, texted = started["txn_id"], sam.code()
    switched = sam.new_code(txn, "voice")
    assert switched["factor"] == {
        **switched["factor"],
        "type": "voice",
        "sent_to": MASKED,
        "channel": "voice",
    }
    call = sam.calls()[0]
    spoken = ", ".join(DIGIT_WORDS[int(d)] for d in call["code"])
    assert call["transcript"].count(spoken) == 2 and call["code"] not in call["transcript"]
    if texted != call["code"]:
        assert sam.verify(txn, texted).status_code == 401, "the texted code died with the callback"
    assert sam.verify(txn, call["code"]).status_code == 200


def test_a_voice_device_gets_a_callback_at_login(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    vic = Phone(client, admin_headers, "vic", type_="voice")
    started = vic.login()
    assert started["factor"]["type"] == "voice" and vic.texts() == []
    assert vic.verify(started["txn_id"], vic.calls()[0]["code"]).status_code == 200


def test_a_code_is_bound_to_its_login(sam: Phone, redis_url: str) -> None:
    first = sam.login()
    code_a = sam.code()
    second = sam.login()
    code_b = sam.code() if sam.code() != code_a else fresh_code(sam, second["txn_id"], code_a)
    raw = connect(redis_url)
    txn_a = raw.hgetall(keys.login("sam", first["txn_id"]))
    txn_b = keys.login("sam", second["txn_id"])
    assert code_a not in json.dumps(txn_a), "the transaction keeps the code sealed, never in clear"
    raw.hset(txn_b, "code_sealed", txn_a["code_sealed"])  # a sealed code moved into another login
    moved = sam.verify(second["txn_id"], code_a)
    assert moved.status_code == 401, "a code sealed for login A must not open in login B"
    assert code_b != code_a and sam.verify(first["txn_id"], code_a).status_code == 200


def test_code_expires_at_sms_code_ttl(sam: Phone) -> None:
    started = sam.login()
    assert started["expires_at"] == sam.move_clock(0) + 300
    sam.move_clock(299)
    assert sam.verify(started["txn_id"], sam.code()).status_code == 200
    later = sam.login()
    sam.move_clock(300)
    expired = sam.verify(later["txn_id"], sam.code())
    assert expired.status_code == 410 and expired.get_json()["error"] == "challenge_expired"


def test_sms_code_ttl_is_configurable(app_config: dict[str, Any], admin_headers: dict[str, str]) -> None:
    app: Flask = create_app({**app_config, "SMS_CODE_TTL": 120})
    sam = Phone(app.test_client(), admin_headers)
    started = sam.login()
    assert started["expires_at"] == sam.move_clock(0) + 120
    assert "valid for 2 minutes" in sam.texts()[0]["text"]


def test_the_sixth_send_in_the_window_is_refused_and_sends_nothing(sam: Phone) -> None:
    txn = sam.login()["txn_id"]
    for _ in range(4):
        sam.new_code(txn)
    assert len(sam.texts()) == 5
    refused = sam.new_code(txn, status=429)
    assert refused["error"] == "rate_limited" and 0 < refused["retry_after"] <= 600
    assert len(sam.texts()) == 5, "a refused send must not reach the phone"
    assert sam.new_code(txn, "voice", status=429)["error"] == "rate_limited" and sam.calls() == []
    assert sam.login(status=429)["error"] == "rate_limited", "a new login cannot get around the limit"
    sam.move_clock(600)
    sam.login()
    assert len(sam.texts()) == 6
