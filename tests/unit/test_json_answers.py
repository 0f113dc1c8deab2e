"""The app's JSON answers and the trail's event JSON: written by pydantic-core, read as before.

Both used to be written by the standard library; what a client or a reader of the trail gets must not have
changed: the same values, the same key order, compact, strict.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from flask import Flask, jsonify
from markupsafe import Markup

from sls_server.app import SlsFlask
from sls_server.http.common import json_answer
from sls_server.http.json_provider import SafeJSONProvider
from sls_server.store.records.events import Event

ANSWERS = [
    {"transaction_id": "tx_1", "options": ["dscplus", "sms"], "challenge": {"digits": 8, "question": "1234"}},
    {"zeta": 1, "alpha": None, "nested": [{"b": 2, "a": 1}, [], {}], "flag": True, "ratio": 0.25},
    {"name": "Zoë 漢字 \u2028", "empty": ""},
    [1, "two", None, False],
    "text",
    None,
]


def provider(debug: bool = False) -> SafeJSONProvider:
    app = Flask(__name__)
    app.debug = debug
    app.json = SafeJSONProvider(app)
    assert isinstance(app.json, SafeJSONProvider)
    return app.json


@pytest.mark.parametrize("answer", ANSWERS)
def test_an_answer_reads_back_the_same_in_the_order_built_and_compact(answer: Any) -> None:
    app = Flask(__name__)
    app.json = SafeJSONProvider(app)
    with app.app_context():
        body = app.json.response(answer).get_data(as_text=True)
    stdlib = json.dumps(answer, separators=(",", ":"))
    assert json.loads(body) == answer
    assert body.endswith("\n") and "\n" not in body[:-1]
    # same bytes but for non-ASCII text, which is written as UTF-8 rather than as \u escapes
    assert json.dumps(json.loads(body), separators=(",", ":")) == stdlib
    if isinstance(answer, dict):
        assert list(json.loads(body)) == list(answer)  # the order the code built, not sorted


def test_in_debug_mode_answers_are_indented_as_flask_writes_them() -> None:
    app = Flask(__name__)
    app.debug = True
    app.json = SafeJSONProvider(app)
    with app.app_context():
        body = app.json.response({"b": 1, "a": [1]}).get_data(as_text=True)
    assert body == json.dumps({"b": 1, "a": [1]}, indent=2) + "\n"


def test_what_only_flasks_encoder_knows_still_goes_through_it() -> None:
    assert json.loads(provider().dumps({"html": Markup("<b>x</b>")})) == {"html": "<b>x</b>"}


def test_what_no_encoder_knows_is_refused_as_before() -> None:
    with pytest.raises(TypeError):
        provider().dumps({"thing": object()})


def test_a_number_json_cannot_hold_is_refused_or_nulled_never_written_bare() -> None:
    body = provider().dumps({"x": float("nan")})
    assert "NaN" not in body and json.loads(body) == {"x": None}


def test_an_events_json_sorts_keys_at_every_level_as_the_trail_always_held_them() -> None:
    event = Event(
        1_800_000_000,
        "login.succeeded",
        user="carl",
        ip="203.0.113.9",
        factor="dscplus",
        device_id="dsc_1",
        result="ok",
        detail={"zeta": {"b": 1, "a": [{"y": 2, "x": 1}]}, "alpha": "é"},
    )
    written = event.to_json()
    assert json.loads(written) == json.loads(json.dumps(event.as_dict(), sort_keys=True))
    assert json.dumps(json.loads(written), sort_keys=True, separators=(",", ":")) == json.dumps(
        json.loads(written), separators=(",", ":")
    )
    assert Event.from_json(written) == event


@pytest.mark.parametrize("present", range(64))
def test_an_events_json_is_the_sorted_dump_of_its_published_form_whatever_it_holds(present: int) -> None:
    """The fields laid out in name order (``Event.to_json``) give, byte for byte, what sorting every key of
    the published form gave, with any of the optional fields absent."""
    optional = {
        "user": "dora",
        "ip": "::1",
        "factor": "totp",
        "device_id": "dev_9",
        "result": "ok",
        "detail": {"b": [1, (2, {"d": None, "c": "é"})], "a": {"z": 0, "y": True}},
    }
    chosen = {name: value for bit, (name, value) in enumerate(optional.items()) if present >> bit & 1}
    event = Event(7, "login.succeeded", **chosen)
    expected = json.dumps(event.as_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert event.to_json() == expected


@pytest.mark.parametrize("present", range(64))
def test_an_events_published_form_holds_its_present_fields_in_the_order_declared(present: int) -> None:
    """``Event.as_dict`` (the log line's fields, the feed's event) as it was written before it was built
    field by field: every field in declaration order, the absent (None, or an empty detail) left out."""
    optional = {"user": "dora", "ip": "::1", "factor": "totp", "device_id": "d", "result": "ok", "detail": {}}
    chosen = {name: value for bit, (name, value) in enumerate(optional.items()) if present >> bit & 1}
    for detail in ({}, {"b": 1}):
        event = Event(7, "login.succeeded", **{**chosen, "detail": detail if "detail" in chosen else None})
        everything = {"at": 7, "type": "login.succeeded", **{k: getattr(event, k) for k in optional}}
        everything["detail"] = event.detail or None
        expected = [(k, v) for k, v in everything.items() if v is not None]
        assert list(event.as_dict().items()) == expected


def test_an_events_json_leaves_absent_fields_out() -> None:
    assert json.loads(Event(5, "clock.moved").to_json()) == {"at": 5, "type": "clock.moved"}


def test_the_apps_sync_check_is_made_once_per_function_and_bounded() -> None:
    app = SlsFlask(__name__)
    calls: list[object] = []
    checked = Flask.ensure_sync

    def counting(self: Flask, func: Any) -> Any:
        calls.append(func)
        return checked(self, func)

    def view() -> str:
        return "ok"

    Flask.ensure_sync = counting  # type: ignore[method-assign]  # counting the checks, then back
    try:
        assert app.ensure_sync(view) is view and app.ensure_sync(view) is view
        assert calls == [view]
        many = [lambda: None for _ in range(SlsFlask.SYNC_CACHE + 5)]
        for func in many:
            app.ensure_sync(func)
        app.ensure_sync(many[-1])
        assert calls.count(many[-1]) == 2  # past the bound: checked anew, not kept
    finally:
        Flask.ensure_sync = checked  # type: ignore[method-assign]


def test_an_async_view_still_gets_flasks_own_handling() -> None:
    async def view() -> str:
        return "ok"

    with pytest.raises(RuntimeError, match="async"):  # Flask's: asgiref is not installed
        SlsFlask(__name__).ensure_sync(view)


def _answers_alike(debug: bool, answer: Any, status: int) -> None:
    """``json_answer`` against what a view's ``jsonify(answer), status`` became: body, status, headers."""
    app = Flask(__name__)
    app.debug = debug
    app.json = SafeJSONProvider(app)
    with app.test_request_context("/"):
        mine = json_answer(answer, status)
        theirs = app.make_response((jsonify(answer), status))
    assert mine.get_data() == theirs.get_data()
    assert (mine.status, mine.status_code) == (theirs.status, theirs.status_code)
    assert list(mine.headers.items()) == list(theirs.headers.items())
    assert type(mine) is type(theirs)


@pytest.mark.parametrize("answer", ANSWERS)
@pytest.mark.parametrize("status", [200, 201, 202])
def test_an_answer_built_in_one_step_is_jsonifys_byte_for_byte(answer: Any, status: int) -> None:
    _answers_alike(False, answer, status)


def test_in_debug_mode_an_answer_built_in_one_step_is_still_indented() -> None:
    _answers_alike(True, {"b": 1, "a": [1]}, 201)


def test_a_kept_sync_answer_costs_no_call_of_python() -> None:
    """Flask asks ``ensure_sync`` seven times a request: a kept answer is the dict's own lookup (C), with no
    Python frame; a function not yet asked about is checked by Flask, once."""
    app = SlsFlask(__name__)

    def view() -> str:
        return "ok"

    assert app.ensure_sync(view) is view
    frames: list[str] = []

    def watch(frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            frames.append(frame.f_code.co_name)

    sys.setprofile(watch)
    try:
        again = app.ensure_sync(view)
    finally:
        sys.setprofile(None)
    assert again is view
    assert frames == []
