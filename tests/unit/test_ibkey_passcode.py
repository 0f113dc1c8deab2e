"""IB Key on an iPhone without Touch ID / Face ID set up (``sls_devices.ibkey``): the seed's "If Touch ID has
not been activated, IB Key will prompt you to enter your smartphone's passcode". The app asks for the
iPhone's passcode instead, for a push and for Generate Passcode alike; a wrong one is refused on the phone."""

from __future__ import annotations

import pytest
from test_ibkey_model import _activated, _note

from sls_devices import ibkey, ocra
from sls_devices.ibkey import IbKeyApp


@pytest.mark.parametrize(
    ("passcode", "valid"),
    [("1234", True), ("123456", True), ("000000", True), ("12345", False), ("1234567", False),
     ("12ab", False), ("", False), ("\uff11\uff12\uff13\uff14", False)],
)  # fmt: skip
def test_an_iphone_passcode_is_4_or_6_digits(passcode: str, valid: bool) -> None:
    if valid:
        assert ibkey.validate_passcode(passcode) == passcode
    else:
        with pytest.raises(ibkey.InvalidPasscode):
            ibkey.validate_passcode(passcode)


def test_without_biometrics_the_app_asks_for_the_iphone_passcode() -> None:
    app, server_ocra = _activated("ios", passcode="482916")
    assert app.state.biometric is False and app.unlocks_with == "passcode"
    expected = ocra.ocra(ibkey.IBKEY_SUITE, server_ocra, "111111")
    assert app.respond("111111", passcode="482916") == expected  # Generate Passcode
    assert app.approve(_note(), "17", passcode="482916")["decision"] == "approve"
    assert app.deny(_note(), passcode="482916")["decision"] == "deny"
    for unlock in ({"biometric": True}, {"pin": "482916"}, {}):  # no Face ID to scan, no app PIN
        with pytest.raises(ibkey.UnlockRefused) as refused:
            app.respond("111111", **unlock)  # type: ignore[arg-type]
        assert refused.value.expects == "passcode"


def test_a_wrong_passcode_is_refused_on_the_phone_and_counts() -> None:
    app, _ = _activated("ios", passcode="482916")
    with pytest.raises(ibkey.WrongPasscode) as wrong:
        app.approve(_note(), "17", passcode="000000")
    assert wrong.value.code == "wrong_passcode" and wrong.value.attempts_left == ibkey.PIN_ATTEMPTS - 1
    assert "000000" not in str(wrong.value) and "482916" not in str(wrong.value)
    app.respond("123456", passcode="482916")
    assert app.state.pin_failures == 0  # the right one clears the count
    for _ in range(ibkey.PIN_ATTEMPTS):
        with pytest.raises(ibkey.WrongPasscode):
            app.respond("123456", passcode="111111")
    with pytest.raises(ibkey.AppLocked):
        app.respond("123456", passcode="482916")


def test_an_iphone_with_biometrics_keeps_them_and_refuses_a_passcode() -> None:
    app, _ = _activated("ios", biometric=True)
    assert app.unlocks_with == "biometric"
    with pytest.raises(ibkey.UnlockRefused) as refused:
        app.respond("123456", passcode="482916")
    assert refused.value.expects == "biometric"


@pytest.mark.parametrize(
    "unlock",
    [{}, {"biometric": True, "passcode": "482916"}, {"pin": "12ab"}, {"passcode": "12ab"}],
)
def test_an_iphone_activates_with_biometrics_or_its_passcode_exactly(unlock: dict[str, object]) -> None:
    with pytest.raises((ibkey.UnlockRefused, ibkey.InvalidPasscode)):
        IbKeyApp.install("x", "ios", **unlock)  # type: ignore[arg-type]
    with pytest.raises(ibkey.UnlockRefused):
        IbKeyApp.install("x", "android", passcode="482916")


def test_touch_id_set_up_or_removed_in_the_iphones_settings() -> None:
    app, _ = _activated("ios", biometric=True)
    app.set_biometrics(False, passcode="482916")  # the simulated iPhone learns its passcode
    assert app.unlocks_with == "passcode"
    app.respond("123456", passcode="482916")
    with pytest.raises(ibkey.WrongPasscode):
        app.set_biometrics(True, passcode="000000")
    assert app.unlocks_with == "passcode"
    app.set_biometrics(True, passcode="482916")
    assert app.unlocks_with == "biometric"
    app.respond("123456", biometric=True)
    android, _ = _activated("android", pin="12ab")
    with pytest.raises(ibkey.UnlockRefused):
        android.set_biometrics(False, passcode="482916")
