"""The IB Key app model (sls_devices.ibkey): PIN rules, signing, key agreement and OCRA, no server around."""

from __future__ import annotations

import dataclasses

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sls_devices import ibkey, ocra
from sls_devices.ibkey import IbKeyApp, KeyContext, Notification

TXN = {
    "txn_id": "txn-abc",
    "username": "alice",
    "device_id": "ibkey-0123456789ab",
    "nonce": "ab" * 32,
    "match": "42",
    "decision": "approve",
}


@pytest.mark.parametrize(
    ("pin", "valid"),
    [
        ("1234", True),
        ("12a4", True),
        ("abc1", True),
        ("ABC123", True),
        ("a1b2c3", True),
        ("0000", True),
        ("abcd", False),  # at least one digit
        ("abcdef", False),
        ("123", False),  # 4 to 6 characters
        ("1234567", False),
        ("", False),
        ("12 34", False),  # letters or digits only
        ("12-4", False),
        ("\uff11\uff12\uff13\uff14", False),  # fullwidth digits are not keypad digits
        ("12é4", False),
        ("1234\n", False),
    ],
)
def test_pin_rules(pin: str, valid: bool) -> None:
    if valid:
        assert ibkey.validate_pin(pin) == pin
    else:
        with pytest.raises(ibkey.InvalidPin):
            ibkey.validate_pin(pin)


def test_pin_is_stored_as_a_salted_hash() -> None:
    first, second = ibkey.hash_pin("1234"), ibkey.hash_pin("1234")
    assert first != second and "1234" not in first.split("$")[-1]
    assert ibkey.verify_pin("1234", first) and not ibkey.verify_pin("1235", first)


def test_a_pin_hash_is_known_as_the_apps_own_only_in_the_form_it_writes() -> None:
    """What a state import asks of a phone's sealed PIN hash: its scrypt costs are what every unlock pays."""
    made = ibkey.hash_pin("1234")
    assert ibkey.own_pin_hash(made) and ibkey.own_pin_hash(ibkey.hash_pin("123456", passcode=True))
    name, n, r, p, salt, digest = made.split("$")
    for other in (
        f"{name}${int(n) * 64}${r}${p}${salt}${digest}",  # 64 times the memory and time of an unlock
        f"{name}${n}${r}${p}${salt[:-2]}${digest}",
        f"{name}${n}${r}${p}${salt}${digest.upper()}",
        f"bcrypt${n}${r}${p}${salt}${digest}",
        f"{made}$",
        "1234",
        "",
    ):
        assert not ibkey.own_pin_hash(other), other


def test_sign_verify_round_trip() -> None:
    private, public = ibkey.new_signing_key()
    message = ibkey.canonical_transaction(**TXN)
    signature = ibkey.sign(private, message)
    assert len(private) == len(public) == 32 and len(signature) == 64
    assert ibkey.verify_signature(public, message, signature)
    _, other_public = ibkey.new_signing_key()
    assert not ibkey.verify_signature(other_public, message, signature)
    assert not ibkey.verify_signature(public, message, signature[:-1] + bytes([signature[-1] ^ 1]))


@pytest.mark.parametrize("field", sorted(TXN))
def test_tampering_with_any_field_breaks_the_signature(field: str) -> None:
    private, public = ibkey.new_signing_key()
    signature = ibkey.sign(private, ibkey.canonical_transaction(**TXN))
    tampered = {**TXN, field: "deny" if field == "decision" else TXN[field] + "0"}
    assert not ibkey.verify_signature(public, ibkey.canonical_transaction(**tampered), signature)


def test_canonical_encoding_is_unambiguous() -> None:
    # Moving a character from one field to the next must change the bytes (length prefixes).
    a = ibkey.canonical_transaction(**{**TXN, "txn_id": "ab", "username": "c"})
    b = ibkey.canonical_transaction(**{**TXN, "txn_id": "a", "username": "bc"})
    assert a != b
    assert ibkey.canonical_transaction(**TXN) == ibkey.canonical_transaction(**dict(reversed(TXN.items())))
    with pytest.raises(ValueError):
        ibkey.canonical_transaction(**{**TXN, "decision": "maybe"})


def test_derived_keys_agree_and_are_bound_to_the_context() -> None:
    app_key, app_public = ibkey.new_agreement_key()
    server_key, server_public = ibkey.new_agreement_key()
    context = KeyContext("ibkey-1", "alice", app_public, server_public)
    on_phone = ibkey.agree(app_key, server_public, context)
    on_server = ibkey.agree(server_key, app_public, context)
    assert on_phone == on_server and len(on_phone) == 32
    assert ibkey.agree(server_key, app_public, dataclasses.replace(context, username="bob")) != on_phone
    assert ibkey.agree(server_key, app_public, dataclasses.replace(context, device_id="ibkey-2")) != on_phone


def test_ocra_response_matches_the_rfc_algorithm() -> None:
    key = bytes(range(32))
    for challenge in ("000000", "123456", "999999", "000016"):
        expected = ocra.ocra("OCRA-1:HOTP-SHA256-8:QN06", key, challenge)
        assert ibkey.ocra_response(key, challenge) == expected
        assert len(expected) == 8 and expected.isdigit()
    with pytest.raises(ocra.InvalidChallenge):
        ibkey.ocra_response(key, "12345")


def _activated(platform: str, **unlock: object) -> tuple[IbKeyApp, bytes]:
    """An app activated for alice, and the OCRA key the server derived on its side."""
    app = IbKeyApp.install("ibkey-1", platform, **unlock)  # type: ignore[arg-type]
    started = app.begin_activation()
    server_key, server_public = ibkey.new_agreement_key()
    context = KeyContext("ibkey-1", "alice", started.agreement_public, server_public)
    server_ocra = ibkey.agree(server_key, started.agreement_public, context)
    app.complete_activation(started, username="alice", device_id="ibkey-1", server_public=server_public)
    return app, server_ocra


def _note(**changes: object) -> Notification:
    fields = {
        "id": "n1",
        "txn_id": "t1",
        "username": "alice",
        "device_id": "ibkey-1",
        "nonce": "cd" * 32,
        "candidates": ("42", "17", "88"),
        "expires_at": 10**10,
    }
    return Notification(**{**fields, **changes})  # type: ignore[arg-type]


def test_android_app_responds_with_the_agreed_key_and_a_pin() -> None:
    app, server_ocra = _activated("android", pin="12ab")
    expected = ocra.ocra(ibkey.IBKEY_SUITE, server_ocra, "654321")
    assert app.respond("654321", pin="12ab") == expected
    with pytest.raises(ibkey.WrongPin) as wrong:
        app.respond("654321", pin="99zz")
    assert wrong.value.code == "wrong_pin" and wrong.value.attempts_left == ibkey.PIN_ATTEMPTS - 1
    with pytest.raises(ibkey.UnlockRefused):
        app.respond("654321", biometric=True)


def test_ios_app_uses_biometrics_and_has_no_pin() -> None:
    app, server_ocra = _activated("ios", biometric=True)
    assert app.state.pin_hash is None
    assert app.respond("111111", biometric=True) == ocra.ocra(ibkey.IBKEY_SUITE, server_ocra, "111111")
    with pytest.raises(ibkey.UnlockRefused):
        app.respond("111111", pin="1234")
    with pytest.raises(ibkey.UnlockRefused):
        IbKeyApp.install("x", "ios", pin="1234")
    with pytest.raises(ibkey.InvalidPin):
        IbKeyApp.install("x", "android", pin="abcd")


def test_approval_signs_the_number_picked_and_verifies_with_the_public_key() -> None:
    app, _ = _activated("android", pin="1234")
    credential = app.state.users["alice"]
    public = Ed25519PrivateKey.from_private_bytes(credential.signing_key).public_key().public_bytes_raw()
    answer = app.approve(_note(), "17", pin="1234")
    message = ibkey.canonical_transaction(
        txn_id="t1", username="alice", device_id="ibkey-1", nonce="cd" * 32, match="17", decision="approve"
    )
    assert answer["match"] == "17" and ibkey.verify_signature(
        public, message, bytes.fromhex(answer["signature"])
    )
    with pytest.raises(ibkey.InvalidChoice):
        app.approve(_note(), "55", pin="1234")
    denied = app.deny(_note(), pin="1234")
    assert denied["decision"] == "deny" and denied["match"] == ""


def test_an_approval_by_itself_is_signed_as_a_tap_is_without_an_unlock_and_never_when_locked() -> None:
    """The phone condition ``approves_pushes``: the same signature over the number the login shows; no PIN
    (nothing would type it), but a locked app signs nothing, and a number not offered is still refused."""
    app, _ = _activated("android", pin="1234")
    assert app.approve_by_itself(_note(), "17") == app.approve(_note(), "17", pin="1234")
    with pytest.raises(ibkey.InvalidChoice):
        app.approve_by_itself(_note(), "55")
    app.state.locked = True
    with pytest.raises(ibkey.AppLocked):
        app.approve_by_itself(_note(), "17")


def test_the_app_locks_after_too_many_wrong_pins() -> None:
    app, _ = _activated("android", pin="1234")
    for _ in range(ibkey.PIN_ATTEMPTS):
        with pytest.raises(ibkey.WrongPin):
            app.respond("123456", pin="0000")
    with pytest.raises(ibkey.AppLocked):
        app.respond("123456", pin="1234")


def test_several_users_each_with_their_own_keys() -> None:
    app, _ = _activated("android", pin="1234")
    started = app.begin_activation()
    _, server_public = ibkey.new_agreement_key()
    app.complete_activation(started, username="bob", device_id="ibkey-2", server_public=server_public)
    alice, bob = app.state.users["alice"], app.state.users["bob"]
    assert alice.signing_key != bob.signing_key and alice.ocra_key != bob.ocra_key
    with pytest.raises(ibkey.UnknownUser):
        app.respond("123456", pin="1234")  # two users: say which
    assert app.respond("123456", username="bob", pin="1234") == ocra.ocra(
        ibkey.IBKEY_SUITE, bob.ocra_key, "123456"
    )
