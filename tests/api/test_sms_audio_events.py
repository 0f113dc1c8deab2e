"""A voice callback heard as WAV (or a clear answer without espeak-ng), the events sends and calls write
(never a code), and the phone routes answering as the document says."""

from __future__ import annotations

import json
import re
import struct
import subprocess
from typing import Any

import pytest
from phone_world import MASKED, PHONE, Phone, sam_phone  # noqa: F401 - sam_phone: "sam"
from spec_conformance import error_codes

from sls_server import create_app
from sls_server.sim import speech

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


def test_texts_and_calls_name_the_address_of_the_login_or_step_up_that_asked(sam: Phone) -> None:
    """``sms.sent`` and ``voice.called`` carried no address, while ``push.sent`` names its login's: a relayed
    login's texts and calls stood in the trail (and the trainer's feed, which marks an attacker's address)
    as if the user had asked for them. Each names the client that began the login, switched it or opened
    the step-up; never the number in full. A notice, which no client asked for, names none."""
    relay, user = "203.0.113.66", "198.51.100.7"
    sam.client.environ_base["REMOTE_ADDR"] = relay
    started = sam.login()
    sam.new_code(started["txn_id"], "voice")
    done = sam.verify(started["txn_id"], sam.calls()[0]["code"])
    assert done.status_code == 200, done.get_json()
    sam.client.environ_base["REMOTE_ADDR"] = user
    bearer = {"Authorization": f"Bearer {done.get_json()['session']['token']}"}
    opened = sam.client.post("/api/v1/verify", json={"purpose": "withdrawal", "type": "sms"}, headers=bearer)
    assert opened.status_code == 200, opened.get_json()
    events = sam.client.get("/admin/v1/events", query_string={"limit": "1000"}, headers=sam.headers)
    sent = [
        (e["type"], e["detail"]["purpose"], e.get("ip"), e["detail"]["to"])
        for e in events.get_json()["events"]
        if e["type"] in ("sms.sent", "voice.called")
    ]
    assert sent == [
        ("sms.sent", "notice", None, MASKED),  # the enrolment's notice: no login asked for it
        ("sms.sent", "login", relay, MASKED),
        ("voice.called", "login", relay, MASKED),
        ("sms.sent", "withdrawal", user, MASKED),
    ]


def test_a_text_refused_by_the_send_limit_names_the_address_that_asked(sam: Phone) -> None:
    """``sms.rate_limited`` named no address either: a flood of texts by whoever has the password read as the
    user's own. It names the client whose login the limit refused (the first of its window, which is the
    one written)."""
    sam.client.environ_base["REMOTE_ADDR"] = "203.0.113.66"
    for _ in range(5):  # SLS_SMS_SEND_LIMIT: 5 texts per window
        sam.login()
    assert sam.login(status=429)["error"] == "rate_limited"
    events = sam.client.get(
        "/admin/v1/events", query_string={"type": "sms.rate_limited"}, headers=sam.headers
    ).get_json()["events"]
    assert [(e["user"], e.get("ip"), e["detail"]["to"]) for e in events] == [("sam", "203.0.113.66", MASKED)]


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
    assert "rate_limited" in error_codes(spec, switch, 429), "the /factor 429 must be documented"


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


def test_a_hung_espeak_is_no_redis_error_in_the_metrics(sam: Phone, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its 503 is ``audio_failed``, not ``store_unavailable``: counted as a Redis outage, a slow espeak-ng
    would page whoever watches ``sls_redis_errors_total``."""

    def hang(argv: list[str], **kwargs: Any) -> Any:
        raise subprocess.TimeoutExpired(argv, kwargs["timeout"])

    def outages() -> float:
        text = sam.client.get("/metrics").get_data(as_text=True)
        found = re.search(r'^sls_redis_errors_total\{kind="unavailable"\} (\S+)$', text, re.MULTILINE)
        return float(found.group(1)) if found else 0.0

    monkeypatch.setattr(speech.shutil, "which", lambda _name: "/usr/bin/espeak-ng")
    monkeypatch.setattr(speech.subprocess, "run", hang)
    sam.new_code(sam.login()["txn_id"], "voice")
    before = outages()
    assert sam.client.get(sam.calls()[0]["audio_url"]).status_code == 503
    assert outages() == before


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
    core.phones.limit("amy", "+15555550001", now=now, ip=None)
    core.phones.limit("amy", "+15555550001", now=now, ip=None)
    with pytest.raises(SendLimited):
        core.phones.limit("ben", "+15555550001", now=now, ip=None)  # the number is full
    core.phones.limit("ben", "+15555550002", now=now, ip=None)
    core.phones.limit("ben", "+15555550002", now=now, ip=None)  # ben's own two sends are intact
    with pytest.raises(SendLimited):
        core.phones.limit("ben", "+15555550003", now=now, ip=None)
