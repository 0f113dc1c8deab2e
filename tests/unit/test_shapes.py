"""The shapes restate limits the core enforces (they may not import it): each is held equal to its original
here, so a change on one side fails until the other follows."""

from __future__ import annotations

import re
from typing import Any, get_args

import pytest
from pydantic import TypeAdapter, ValidationError

from sls_devices import ibkey, phone, totp
from sls_devices.dscplus import DSCPLUS_SUITE, PIN_LENGTH
from sls_server import create_app
from sls_server.accounts import allowlists, user_fields
from sls_server.auth.stepup import PURPOSES
from sls_server.errors import InvalidRequest
from sls_server.shapes import access as access_shapes
from sls_server.shapes import common, devices, stepup
from sls_server.shapes import ibkey as ibkey_shapes
from sls_server.shapes.common import refusal
from sls_server.shapes.events import EventsQuery
from sls_server.shapes.phones import PhoneConditionsUpdate
from sls_server.shapes.users import UserCreate


def test_patterns_are_the_cores() -> None:
    assert user_fields.USERNAME_RE.pattern == common.USERNAME_PATTERN
    assert user_fields.PHONE_RE.pattern == common.PHONE_PATTERN
    assert allowlists.ACCOUNT_ID_RE.pattern == common.ACCOUNT_ID_PATTERN
    assert phone.HANDSET_RE.pattern == common.HANDSET_PATTERN
    assert f"^[0-9]{{{PIN_LENGTH}}}$" == devices.CARD_PIN_PATTERN
    assert ibkey.PASSCODE_RE.pattern == ibkey_shapes.PASSCODE_PATTERN


def test_a_new_username_s_form_is_the_cores() -> None:
    """``UserCreate`` judges the form ``canonical_username`` does (on the same lower-case, stripped text), in
    the same words, so a 400 says the same whichever refuses it."""
    for name in ("Alice", " bob.smith ", "x!", "ab", ".nora", "a" * 65, "Zoë", "nora-1"):
        try:
            user_fields.canonical_username(name)
        except InvalidRequest as exc:
            said: str | None = exc.message
        else:
            said = None
        try:
            UserCreate(username=name, password="p")
        except ValidationError as exc:
            shape: str | None = f"username {exc.errors()[0]['msg']}"
        else:
            shape = None
        assert shape == said or (said and len(name) > 64), name


def test_limits_are_the_cores() -> None:
    assert access_shapes.MAX_ENTRIES == allowlists.MAX_ENTRIES
    assert access_shapes.MAX_ENTRY_CHARS == allowlists.MAX_ENTRY_CHARS
    assert access_shapes.MAX_ACCOUNT_USERS == allowlists.MAX_ACCOUNT_USERS
    assert stepup.PURPOSES == PURPOSES
    assert get_args(ibkey_shapes.Platform) == ibkey.PLATFORMS == get_args(devices.Platform)
    assert get_args(devices.TotpDigits) == totp.DIGITS
    assert get_args(devices.TotpAlgorithm) == tuple(totp.KEY_BYTES)
    assert (devices.TOTP_MIN_PERIOD, devices.TOTP_MAX_PERIOD) == (totp.MIN_PERIOD, totp.MAX_PERIOD)
    assert devices.DSCPLUS_SUITE == DSCPLUS_SUITE


def test_factor_types_are_the_registered_factors(tmp_path: Any, redis_url: str) -> None:
    app = create_app({"REDIS_URL": redis_url, "DATA_DIR": str(tmp_path), "HASH_PROFILE": "test"})
    assert sorted(get_args(common.FactorType)) == app.extensions["sls"].factors.types()


@pytest.mark.parametrize("value", ["+15551234567", "attacker", "a.b_c-d+1", "x" * 32])
def test_handsets_the_core_accepts_the_shape_accepts(value: str) -> None:
    assert phone.is_handset(value)
    PhoneConditionsUpdate.model_validate({"sim_swapped_to": value})


@pytest.mark.parametrize("value", ["", "x" * 33, "a b", "🙂", "15551234567"])
def test_handsets_the_core_refuses_the_shape_refuses(value: str) -> None:
    assert not phone.is_handset(value)
    with pytest.raises(ValidationError):
        PhoneConditionsUpdate.model_validate({"sim_swapped_to": value})


def test_refusals_are_found_through_optional_and_annotated_layers() -> None:
    assert refusal(PhoneConditionsUpdate, "sim_swapped_to") is not None  # Handset | None
    assert refusal(EventsQuery, "since") == "must be a cursor returned by this route"
    assert refusal(PhoneConditionsUpdate, "roaming") is None
    assert refusal(PhoneConditionsUpdate, "no_such_field") is None


def test_event_user_is_a_canonical_username() -> None:
    query = EventsQuery.model_validate({"user": " Alice "})
    assert query.user == "alice"
    with pytest.raises(ValidationError):
        EventsQuery.model_validate({"user": "Bob Smith"})


def test_every_published_username_matches_the_event_pattern() -> None:
    pattern = re.compile(common.USERNAME_PATTERN)
    assert pattern.fullmatch(user_fields.canonical_username("Alice.Smith"))
    with pytest.raises(ValidationError):
        TypeAdapter(common.Username).validate_python("Alice")
