"""SMS and voice-callback codes end to end: admin enrolment, login, the simulated phone, its conditions.

Codes are read the way a QA script reads them, from ``GET /sim/v1/phones/<number>/messages`` (or
``/calls``). Time is frozen with freezegun and moved only with ``POST /admin/v1/clock``, so an expiry at
exactly 300 s does not depend on where in a wall-clock second the test started.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from freezegun import freeze_time

from devices.phone import DIGIT_WORDS
from sls_server import create_app
from sls_server.sim import speech
from sls_server.store import keys

PHONE = "+15555550123"
MASKED = "+1•••••••0123"
PASSWORD = "Velvet-Harbor-Sms-58"


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with freeze_time("2030-01-01 12:00:00"):
        yield


class Phone:
    """A user with a phone and an SMS (or voice) device, and what the test does with them."""

    def __init__(
        self, client: FlaskClient, headers: dict[str, str], username: str = "sam", type_: str = "sms"
    ) -> None:
        self.client, self.headers, self.username = client, headers, username
        created = client.post(
            "/admin/v1/users",
            json={"username": username, "password": PASSWORD, "phone": PHONE},
            headers=headers,
        )
        assert created.status_code == 201, created.get_json()
        enrolled = client.post(f"/admin/v1/users/{username}/devices", json={"type": type_}, headers=headers)
        assert enrolled.status_code == 201, enrolled.get_json()
        self.device = enrolled.get_json()

    def login(self, status: int = 200) -> dict[str, Any]:
        started = self.client.post(
            "/api/v1/auth/login", json={"username": self.username, "password": PASSWORD}
        )
        assert started.status_code == status, started.get_json()
        return started.get_json()  # type: ignore[no-any-return]

    def texts(self, handset: str = PHONE) -> list[dict[str, Any]]:
        """Code-bearing texts (not change notices) on ``handset``, newest first."""
        answer = self.client.get(f"/sim/v1/phones/{handset}/messages")
        assert answer.status_code == 200, answer.get_json()
        return [m for m in answer.get_json()["messages"] if m["purpose"] == "login"]

    def calls(self, handset: str = PHONE) -> list[dict[str, Any]]:
        answer = self.client.get(f"/sim/v1/phones/{handset}/calls")
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()["calls"]  # type: ignore[no-any-return]

    def code(self, handset: str = PHONE) -> str:
        newest = self.texts(handset)[0]
        assert re.fullmatch(r"[0-9]{6}", newest["code"]) and newest["code"] in newest["text"]
        return newest["code"]  # type: ignore[no-any-return]

    def new_code(self, txn_id: str, type_: str = "sms", status: int = 200) -> Any:
        switched = self.client.post(f"/api/v1/auth/login/{txn_id}/factor", json={"type": type_})
        assert switched.status_code == status, switched.get_json()
        return switched.get_json()

    def verify(self, txn_id: str, code: str) -> Any:
        return self.client.post(f"/api/v1/auth/login/{txn_id}/verify", json={"response": code})

    def move_clock(self, seconds: int) -> int:
        moved = self.client.post("/admin/v1/clock", json={"advance_s": seconds}, headers=self.headers)
        assert moved.status_code == 200
        return int(moved.get_json()["now"])

    def conditions(self, status: int = 200, number: str = PHONE, **body: Any) -> Any:
        answer = self.client.put(f"/sim/v1/phones/{number}/conditions", json=body)
        assert answer.status_code == status, answer.get_json()
        return answer.get_json()


@pytest.fixture
def sam(client: FlaskClient, admin_headers: dict[str, str]) -> Phone:
    return Phone(client, admin_headers)


def fresh_code(sam: Phone, txn_id: str, old: str) -> str:
    """A new SMS whose code differs from ``old`` (two equal 6-digit draws are a one-in-a-million event)."""
    for _ in range(3):
        sam.new_code(txn_id)
        if sam.code() != old:
            return sam.code()
    raise AssertionError("three new codes all equal to the old one")


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
    raw = redis.Redis.from_url(redis_url, decode_responses=True)
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


# --- the network's conditions ------------------------------------------------------------------------------


def test_carrier_blocking_sms_drops_the_text_but_the_callback_rings(sam: Phone) -> None:
    sam.conditions(carrier_blocks_sms=True)
    started = sam.login()
    assert started["factor"]["sent_to"] == MASKED, "the page still says where the code was sent"
    assert sam.texts() == []
    sam.new_code(started["txn_id"], "voice")
    assert sam.verify(started["txn_id"], sam.calls()[0]["code"]).status_code == 200


def test_a_delayed_text_arrives_when_the_clock_gets_there(sam: Phone) -> None:
    sam.conditions(delivery_delay_s=120)
    started = sam.login()
    sent_at = sam.move_clock(0)
    sam.move_clock(119)
    assert sam.texts() == []
    sam.move_clock(1)
    assert sam.texts()[0]["at"] == sent_at + 120
    assert sam.verify(started["txn_id"], sam.code()).status_code == 200


def test_roaming_is_stored_and_texts_still_arrive(sam: Phone) -> None:
    assert sam.conditions(roaming=True)["roaming"] is True
    sam.login()
    assert len(sam.texts()) == 1


def test_sim_swap_sends_the_code_to_the_attacker_who_can_log_in(sam: Phone) -> None:
    sam.conditions(sim_swapped_to="attacker")
    started = sam.login()
    assert sam.texts() == [], "the victim's phone lost its SIM: nothing arrives there"
    stolen = sam.texts("attacker")
    assert stolen[0]["to"] == PHONE
    assert sam.verify(started["txn_id"], stolen[0]["code"]).status_code == 200, "the SIM-swap demo"
    sam.conditions(sim_swapped_to=None)
    sam.login()
    assert len(sam.texts()) == 1 and len(sam.texts("attacker")) == 1


def test_conditions_read_back_and_a_put_replaces_them_all(sam: Phone) -> None:
    normal = {"number": PHONE, "carrier_blocks_sms": False, "roaming": False, "delivery_delay_s": 0}
    assert sam.client.get(f"/sim/v1/phones/{PHONE}/conditions").get_json() == {
        **normal,
        "sim_swapped_to": None,
    }
    every = {
        "carrier_blocks_sms": True,
        "roaming": True,
        "delivery_delay_s": 3600,
        "sim_swapped_to": "+15555550999",
    }
    assert sam.conditions(**every) == {"number": PHONE, **every}
    assert sam.client.get(f"/sim/v1/phones/{PHONE}/conditions").get_json() == {"number": PHONE, **every}
    assert sam.conditions() == {**normal, "sim_swapped_to": None}


BAD_CONDITIONS = [
    ({"carrier_blocks_sms": "yes"}, "carrier_blocks_sms"),
    ({"carrier_blocks_sms": 1}, "carrier_blocks_sms"),
    ({"roaming": None}, "roaming"),
    ({"delivery_delay_s": -1}, "delivery_delay_s"),
    ({"delivery_delay_s": 3601}, "delivery_delay_s"),
    ({"delivery_delay_s": "10"}, "delivery_delay_s"),
    ({"delivery_delay_s": 1.5}, "delivery_delay_s"),
    ({"delivery_delay_s": True}, "delivery_delay_s"),
    ({"sim_swapped_to": ""}, "sim_swapped_to"),
    ({"sim_swapped_to": "evil handset"}, "sim_swapped_to"),
    ({"sim_swapped_to": "a" * 33}, "sim_swapped_to"),
    ({"sim_swapped_to": 5555550123}, "sim_swapped_to"),
    ({"sim_swapped_to": "../../etc"}, "sim_swapped_to"),
    ({"carier_blocks_sms": True}, "carier_blocks_sms"),
    ([True], "body"),
]


@pytest.mark.parametrize(("body", "field"), BAD_CONDITIONS)
def test_bad_conditions_are_refused_naming_the_field(sam: Phone, body: Any, field: str) -> None:
    sam.conditions(delivery_delay_s=5)
    answer = sam.client.put(f"/sim/v1/phones/{PHONE}/conditions", json=body)
    assert answer.status_code == 400 and answer.get_json()["field"] == field, answer.get_json()
    assert sam.client.get(f"/sim/v1/phones/{PHONE}/conditions").get_json()["delivery_delay_s"] == 5


@pytest.mark.parametrize("number", ["not%20a%20number", "a" * 33, "%3Cscript%3E", "x%3By"])
@pytest.mark.parametrize("route", ["messages", "calls", "conditions"])
def test_a_bad_number_in_the_path_is_refused(client: FlaskClient, number: str, route: str) -> None:
    answer = client.get(f"/sim/v1/phones/{number}/{route}")
    assert answer.status_code == 400 and answer.get_json()["field"] == "number"


def test_a_user_without_a_phone_cannot_enrol_sms_or_voice(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    created = client.post(
        "/admin/v1/users", json={"username": "nophone", "password": PASSWORD}, headers=admin_headers
    )
    assert created.status_code == 201
    for type_ in ("sms", "voice"):
        refused = client.post("/admin/v1/users/nophone/devices", json={"type": type_}, headers=admin_headers)
        assert refused.status_code == 400 and refused.get_json()["field"] == "phone"
        assert "no phone number" in refused.get_json()["message"]


# --- audio, events, the document ----------------------------------------------------------------------------


def test_a_callback_can_be_heard_as_wav(sam: Phone) -> None:
    if not speech.available():
        pytest.skip("espeak-ng not installed")
    sam.new_code(sam.login()["txn_id"], "voice")
    heard = sam.client.get(sam.calls()[0]["audio_url"])
    assert heard.status_code == 200 and heard.mimetype == "audio/wav"
    assert heard.headers["Cache-Control"] == "no-store", "the audio speaks the code"
    wav = heard.data
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"
    assert struct.unpack_from("<I", wav, 4)[0] == len(wav) - 8, "the RIFF size is the real one"


def test_without_espeak_there_is_no_audio_but_a_clear_answer(
    sam: Phone, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(speech.shutil, "which", lambda _name: None)
    sam.new_code(sam.login()["txn_id"], "voice")
    call = sam.calls()[0]
    assert call["audio_url"] is None
    answer = sam.client.get(f"/sim/v1/phones/{PHONE}/calls/{call['id']}/audio")
    assert answer.status_code == 404 and answer.get_json()["error"] == "audio_unavailable"
    assert "espeak-ng is not installed" in answer.get_json()["message"]
    unknown = sam.client.get(f"/sim/v1/phones/{PHONE}/calls/0123456789ab/audio")
    assert unknown.status_code == 404 and unknown.get_json()["error"] == "unknown_call"


def test_sends_and_calls_are_events_that_carry_no_code(sam: Phone) -> None:
    started = sam.login()
    sam.new_code(started["txn_id"], "voice")
    codes = {sam.code(), sam.calls()[0]["code"]}
    events = sam.client.get(
        "/admin/v1/events", query_string={"limit": "1000"}, headers=sam.headers
    ).get_json()
    found = {e["type"]: e for e in events["events"]}
    assert found["sms.sent"]["detail"]["to"] == MASKED and found["voice.called"]["user"] == "sam"
    dumped = json.dumps(events, ensure_ascii=False)
    for code in codes:
        assert not re.search(rf"(?<![0-9]){code}(?![0-9])", dumped), "an event carries the code"
    assert "5555550123" not in dumped and "security code is" not in dumped


def test_the_phone_routes_answer_as_documented(sam: Phone) -> None:
    spec = sam.client.get("/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    sam.new_code(sam.login()["txn_id"], "voice")
    base = f"/sim/v1/phones/{PHONE}"
    for route, template, schema in [
        ("messages", "messages", "PhoneMessages"),
        ("calls", "calls", "PhoneCalls"),
        ("conditions", "conditions", "PhoneConditions"),
    ]:
        operation = spec["paths"][f"/sim/v1/phones/{{number}}/{template}"]["get"]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(schema)
        body = sam.client.get(f"{base}/{route}").get_json()
        assert set(schemas[schema]["required"]) <= set(body)
    item_fields = set(schemas["PhoneMessage"]["required"])
    assert item_fields <= set(sam.client.get(f"{base}/messages").get_json()["messages"][0])
    assert set(schemas["PhoneCall"]["required"]) <= set(
        sam.client.get(f"{base}/calls").get_json()["calls"][0]
    )
    switch = spec["paths"]["/api/v1/auth/login/{txn_id}/factor"]["post"]
    limited = switch["responses"]["429"]["content"]["application/json"]["schema"]["allOf"][1]
    assert "rate_limited" in limited["properties"]["error"]["enum"], "the /factor 429 must be documented"


def test_a_hung_espeak_is_a_clear_503(sam: Phone, monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(argv: list[str], **kwargs: Any) -> Any:
        assert argv[1:] == ["--stdout", "-s", str(speech.WORDS_PER_MINUTE)] and kwargs["timeout"] > 0
        assert "shell" not in kwargs and isinstance(kwargs["input"], bytes), "text goes on stdin, no shell"
        raise subprocess.TimeoutExpired(argv, kwargs["timeout"])

    monkeypatch.setattr(speech.shutil, "which", lambda _name: "/usr/bin/espeak-ng")
    monkeypatch.setattr(speech.subprocess, "run", hang)
    sam.new_code(sam.login()["txn_id"], "voice")
    answer = sam.client.get(sam.calls()[0]["audio_url"])
    assert answer.status_code == 503 and answer.get_json()["error"] == "audio_failed"


def test_wav_sizes_are_written_for_a_piped_render() -> None:
    pcm = b"\x01\x02" * 50
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 22050, 44100, 2, 16)
    piped = (
        b"RIFF"
        + struct.pack("<I", 0x7FFFFFFF)
        + b"WAVE"
        + fmt
        + b"data"
        + struct.pack("<I", 0x7FFFFFFF)
        + pcm
    )
    fixed = speech.fix_wav_sizes(piped)
    assert struct.unpack_from("<I", fixed, 4)[0] == len(fixed) - 8
    assert struct.unpack_from("<I", fixed, 40)[0] == len(pcm) and fixed[44:] == pcm
    assert speech.fix_wav_sizes(b"not a wav") == b"not a wav"


def test_the_phones_are_off_with_the_simulators(app_config: dict[str, Any]) -> None:
    client = create_app({**app_config, "SIM_ENABLED": False}).test_client()
    for route in ("messages", "calls", "conditions"):
        answer = client.get(f"/sim/v1/phones/{PHONE}/{route}")
        assert answer.status_code == 403 and answer.get_json()["error"] == "simulator_disabled"


def test_a_send_refused_for_the_number_does_not_use_up_the_account(app_config) -> None:
    import pytest

    from sls_server import create_app
    from sls_server.sim.errors import SendLimited

    core = create_app({**app_config, "SMS_SEND_LIMIT": 2}).extensions["sls"]
    now = core.clock.now()
    core.phones.limit("amy", "+15555550001", now=now)
    core.phones.limit("amy", "+15555550001", now=now)
    with pytest.raises(SendLimited):
        core.phones.limit("ben", "+15555550001", now=now)  # the number is full
    core.phones.limit("ben", "+15555550002", now=now)
    core.phones.limit("ben", "+15555550002", now=now)  # ben's own two sends are intact
    with pytest.raises(SendLimited):
        core.phones.limit("ben", "+15555550003", now=now)
