"""IBKR Mobile on the simulated phone, in the broker's words: an Android activation asks for the chosen PIN
twice (PIN, Repeat PIN), and the challenge/response entry is Generate Code on iOS, Generate Response on
Android, as the broker's procedures name them."""

from __future__ import annotations

import re
from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World, add_user_in_the_app


def _status(world: World, name: str, device_id: str) -> str:
    url = f"{world.url}/admin/v1/users/{name}/devices"
    listed = requests.get(url, headers=world.admin, timeout=10).json()
    return str(next(d["status"] for d in listed["devices"] if d["device_id"] == device_id))


def _add_user_on_the_page(world: World, page: Any, owner: str, added: str) -> Any:
    """Add User sent on ``owner``'s phone for ``added``: the activation form it opens, titled for them."""
    add_user_in_the_app(page, world, owner, added)
    form = page.get_by_test_id("ibkey-activate-form")
    expect(form).to_contain_text(f"Add user to IB Key: {added}")
    return form


def _activate_added(
    world: World, page: Any, form: Any, phone: str, added: str, pin: str | None = "12ab"
) -> None:
    """The activation Add User opened finished, as the broker's steps end: the code texted to ``phone``, the
    app's own PIN (none on an iPhone with Face ID), Activate; the app says it succeeded for ``added``."""
    form.get_by_test_id("ibkey-activate-code").fill(world.activation_code(phone))
    if pin is not None:
        form.get_by_test_id("ibkey-activate-pin").fill(pin)
    form.get_by_test_id("ibkey-activate-submit").click()
    expect(page.get_by_test_id("ibkey-message")).to_contain_text(f"Activation successful for {added}")


def _send_android_activation(form: Any, code: str, pin: str, repeat: str) -> None:
    """Android's activation form sent as its user fills it: the password, ``code`` (texted, or the card's
    response), the PIN chosen and ``repeat``ed (Android asks for it twice), then Activate."""
    form.get_by_test_id("ibkey-activate-password").fill(PASSWORD)
    form.get_by_test_id("ibkey-activate-code").fill(code)
    form.get_by_test_id("ibkey-activate-pin").fill(pin)
    form.get_by_test_id("ibkey-activate-pin-repeat").fill(repeat)
    form.get_by_test_id("ibkey-activate-submit").click()


def test_android_activation_asks_for_the_pin_twice(world: World, page: Any) -> None:
    world.user("nina", phone="+15555550171")
    device = world.device("nina", "ibkey", platform="android")
    code = world.activation_code("+15555550171")
    page.goto(f"{world.url}/sim/phone/nina")
    page.get_by_test_id("phone-tab-ibkey").click()
    form = page.get_by_test_id("ibkey-activate-form")
    _send_android_activation(form, code, "12ab", "12ba")
    expect(page.get_by_test_id("ibkey-message")).to_contain_text("PINs do not match")
    assert _status(world, "nina", device["device_id"]) == "pending_activation"
    form.get_by_test_id("ibkey-activate-pin-repeat").fill("12ab")
    form.get_by_test_id("ibkey-activate-submit").click()
    expect(page.get_by_test_id("ibkey-message")).to_contain_text("Activation successful")
    assert _status(world, "nina", device["device_id"]) == "active"
    expect(page.get_by_test_id("ibkey-generate-toggle")).to_have_text("Generate Response")


def test_ios_names_challenge_response_generate_code(world: World, page: Any) -> None:
    world.user("otto", phone="+15555550172")
    world.iphone_ibkey("otto", "+15555550172", biometric=True)
    page.goto(f"{world.url}/sim/phone/otto")
    page.get_by_test_id("phone-tab-ibkey").click()
    expect(page.get_by_test_id("ibkey-generate-toggle")).to_have_text("Generate Code")


def test_a_migration_the_card_confirms_shows_the_challenge_on_the_new_phone(world: World, page: Any) -> None:
    """ "Unless you have a physical security device active for your user" no text is sent: the new phone
    shows a challenge for the card, whose response activates it. The page used to ask for a code "from the
    SMS" that never came, with no challenge to key in."""
    world.user("pia", phone="+15555550173")
    card = world.device("pia", "dscplus", pin="2468")
    world.ibkey("pia", "+15555550173")
    body = {"username": "pia", "password": PASSWORD, "platform": "android"}
    migrating = world.post("/sim/v1/ibkey/migrate", body, admin=False)
    assert migrating["activation"] == "card"
    page.goto(f"{world.url}/sim/phone/pia")
    page.get_by_test_id("phone-tab-ibkey").click()
    form = page.get_by_test_id("ibkey-activate-form")
    expect(form.get_by_test_id("ibkey-activate-challenge")).to_contain_text(migrating["challenge"])
    expect(form).to_contain_text("your card's response")
    expect(form).not_to_contain_text("from the SMS")
    response = world.card_response(card["device_id"], "2468", migrating["challenge"])
    _send_android_activation(form, response, "34cd", "34cd")
    expect(page.get_by_test_id("ibkey-message")).to_contain_text("Activation successful")
    assert _status(world, "pia", migrating["device_id"]) == "active"


def test_android_add_user_asks_for_the_apps_own_pin_once(world: World, page: Any) -> None:
    """The broker's Add User step is "Provide your PIN then tap on Activate": the app's PIN. The form asked
    to choose a PIN and repeat it, and the server, which checks the app's PIN, answered "Wrong PIN" to the
    new one, counting it towards locking the app."""
    world.user("ann", phone="+15555550181")
    world.ibkey("ann", "+15555550181", pin="12ab")
    world.user("bob", phone="+15555550182")
    form = _add_user_on_the_page(world, page, "ann", "bob")
    expect(form.get_by_test_id("ibkey-activate-pin-repeat")).to_have_count(0)
    _activate_added(world, page, form, "+15555550182", "bob")


def test_add_user_asks_for_the_username_and_password_once(world: World, page: Any) -> None:
    """The broker's Add User: "Enter your Username and Password, and then tap on Continue", then the code
    texted to the user goes in the Activation Code field, then Activate. The activation form asked for the
    username and password a second time; the page now keeps what Add User was given, in memory only, for
    that one activation (a reload, or an Add User started elsewhere, still asks)."""
    world.user("ann", phone="+15555550183")
    world.ibkey("ann", "+15555550183", pin="12ab")
    world.user("dan", phone="+15555550184")
    form = _add_user_on_the_page(world, page, "ann", "dan")
    expect(form).to_contain_text("dan")
    expect(form.get_by_test_id("ibkey-activate-password")).to_have_count(0)
    expect(form.get_by_test_id("ibkey-activate-username")).to_have_count(0)
    _activate_added(world, page, form, "+15555550184", "dan")


def test_add_user_after_a_reload_asks_for_the_password(world: World, page: Any) -> None:
    """The password Add User was given is kept by the page alone, never stored: once the page is opened
    again, the waiting activation asks for it, as one started from the API or the CLI does."""
    world.user("ann", phone="+15555550186")
    world.ibkey("ann", "+15555550186", pin="12ab")
    world.user("eve", phone="+15555550187")
    add_user_in_the_app(page, world, "ann", "eve")
    expect(page.get_by_test_id("ibkey-activate-form")).to_contain_text("eve")
    page.reload()
    page.get_by_test_id("phone-tab-ibkey").click()
    form = page.get_by_test_id("ibkey-activate-form")
    expect(form.get_by_test_id("ibkey-activate-password")).to_have_count(1)
    form.get_by_test_id("ibkey-activate-password").fill(PASSWORD)
    _activate_added(world, page, form, "+15555550187", "eve")


def test_android_deny_and_generate_response_ask_for_the_pin_first(world: World, page: Any) -> None:
    """Deny and Generate Response with the PIN left empty showed the server's words, "pin is required",
    where Approve says "Enter your PIN first." and puts the focus on the PIN, as the app asks for it."""
    world.user("rita", phone="+15555550191")
    world.ibkey("rita", "+15555550191", pin="12ab")
    world.post("/api/v1/auth/login", {"username": "rita", "password": PASSWORD}, admin=False)  # a push
    page.goto(f"{world.url}/sim/phone/rita")
    page.get_by_test_id("phone-tab-ibkey").click()
    expect(page.get_by_test_id("ibkey-notification")).to_have_count(1)
    page.get_by_test_id("ibkey-deny").click()
    expect(page.get_by_test_id("ibkey-message")).to_have_text("Enter your PIN first.")
    expect(page.get_by_test_id("ibkey-pin")).to_be_focused()
    expect(page.get_by_test_id("ibkey-notification")).to_have_count(1)  # nothing was sent
    page.get_by_test_id("ibkey-generate-toggle").click()
    page.get_by_test_id("ibkey-challenge").fill("123456")
    page.get_by_test_id("ibkey-generate").click()
    expect(page.get_by_test_id("ibkey-message")).to_have_text("Enter your PIN first.")
    expect(page.get_by_test_id("ibkey-respond-pin")).to_be_focused()  # the PIN on this screen, Android's
    page.get_by_test_id("ibkey-pin").fill("12ab")
    page.get_by_test_id("ibkey-deny").click()
    expect(page.get_by_test_id("ibkey-message")).to_have_text("Denied.")
    expect(page.get_by_test_id("ibkey-notification")).to_have_count(0)


def test_android_generate_response_takes_the_pin_and_the_challenge_on_one_screen(
    world: World, page: Any
) -> None:
    """The broker's Android steps: "Type the PIN ... and the Challenge Code ... into the corresponding fields,
    then select Generate Passcode". The PIN used to be the unlock field at the top of the app, and the
    Generate Response screen asked for the challenge alone."""
    world.user("gus", phone="+15555550192")
    world.ibkey("gus", "+15555550192", pin="12ab")
    page.goto(f"{world.url}/sim/phone/gus")
    page.get_by_test_id("phone-tab-ibkey").click()
    page.get_by_test_id("ibkey-generate-toggle").click()
    screen = page.locator("[data-form=respond]")
    fields = screen.locator("input:visible")
    expect(fields).to_have_count(2)
    expect(fields.nth(0)).to_have_attribute("data-testid", "ibkey-respond-pin")
    expect(fields.nth(1)).to_have_attribute("data-testid", "ibkey-challenge")
    expect(screen.get_by_label("PIN")).to_be_visible()
    expect(screen.get_by_label("Challenge Code")).to_be_visible()
    expect(screen.get_by_test_id("ibkey-generate")).to_have_text("Generate Passcode")
    screen.get_by_test_id("ibkey-respond-pin").fill("12ab")
    screen.get_by_test_id("ibkey-challenge").fill("123456")
    screen.get_by_test_id("ibkey-generate").click()
    expect(page.get_by_test_id("ibkey-response")).to_have_text(re.compile(r"^\d{8}$"))
    expect(screen.get_by_test_id("ibkey-respond-pin")).to_have_value("")  # asked again for the next one
    expect(page.get_by_test_id("ibkey-pin")).to_have_value("")  # the notifications' PIN was not used


def test_ios_generate_code_asks_for_the_challenge_alone(world: World, page: Any) -> None:
    world.user("oona", phone="+15555550193")
    world.iphone_ibkey("oona", "+15555550193", biometric=True)
    page.goto(f"{world.url}/sim/phone/oona")
    page.get_by_test_id("phone-tab-ibkey").click()
    page.get_by_test_id("ibkey-generate-toggle").click()
    expect(page.get_by_test_id("ibkey-respond-pin")).to_be_hidden()
    page.get_by_test_id("ibkey-challenge").fill("123456")
    page.get_by_test_id("ibkey-generate").click()
    expect(page.get_by_test_id("ibkey-response")).to_have_text(re.compile(r"^\d{8}$"))


def test_a_second_user_added_keeps_what_was_typed_in_the_first_ones_activation(
    world: World, page: Any
) -> None:
    """A new activation waiting (a second Add User) redrew every activation form, and the first one's typed
    code and PIN were wiped while the user was filling it in."""
    world.user("amy", phone="+15555550183")
    world.ibkey("amy", "+15555550183", pin="12ab")
    world.user("ben", phone="+15555550184")
    world.user("cal", phone="+15555550185")
    page.goto(f"{world.url}/sim/phone/amy")
    page.get_by_test_id("phone-tab-ibkey").click()
    page.get_by_test_id("ibkey-add-toggle").click()
    for name in ("ben", "cal"):
        if name == "cal":  # ben's activation half filled in
            first = page.get_by_test_id("ibkey-activate-form")
            first.get_by_test_id("ibkey-activate-code").fill("123456")
            first.get_by_test_id("ibkey-activate-pin").fill("12ab")
        page.get_by_test_id("ibkey-add-username").fill(name)
        page.get_by_test_id("ibkey-add-password").fill(PASSWORD)
        page.get_by_test_id("ibkey-add-submit").click()
        expect(page.get_by_test_id("ibkey-message")).to_contain_text(f"to activate {name}.")
    forms = page.get_by_test_id("ibkey-activate-form")
    expect(forms).to_have_count(2)
    ben = forms.filter(has_text="Add user to IB Key: ben")
    expect(ben.get_by_test_id("ibkey-activate-code")).to_have_value("123456")
    expect(ben.get_by_test_id("ibkey-activate-pin")).to_have_value("12ab")


def _iphone(world: World, name: str, phone: str) -> str:
    """An IB Key activated with Face ID on an iPhone; the app's id."""
    world.user(name, phone=phone)
    return world.iphone_ibkey(name, phone, biometric=True)


def test_an_iphone_with_face_id_adds_a_user_with_face_id_alone(world: World, page: Any) -> None:
    """The broker's iOS Add User: "Depending on your smartphone's security settings, you will be asked to use
    your Passcode, Touch ID, or Face ID". The form offered an iPhone passcode on an iPhone whose IB Key
    uses Face ID, where the phone asks for none."""
    _iphone(world, "ivo", "+15555550194")
    world.user("jan", phone="+15555550195")
    form = _add_user_on_the_page(world, page, "ivo", "jan")
    expect(form.get_by_test_id("ibkey-activate-passcode")).to_have_count(0)
    expect(form).to_contain_text("Face ID")
    _activate_added(world, page, form, "+15555550195", "jan", pin=None)


def test_an_iphone_without_face_id_asks_for_its_passcode_to_add_a_user(world: World, page: Any) -> None:
    """The same iPhone with Face ID removed in its Settings: the passcode is asked for, and required (left
    empty, the page sent Face ID, which the phone does not have, and the server refused it)."""
    app = _iphone(world, "ila", "+15555550196")
    settings = {"enabled": False, "passcode": "482916"}
    assert requests.put(f"{world.url}/sim/v1/ibkey/{app}/biometrics", json=settings, timeout=10).ok
    world.user("kim", phone="+15555550197")
    form = _add_user_on_the_page(world, page, "ila", "kim")
    passcode = form.get_by_test_id("ibkey-activate-passcode")
    expect(passcode).to_have_attribute("required", "")
    expect(form.get_by_label("iPhone Passcode", exact=True)).to_be_visible()
    code = world.activation_code("+15555550197")
    form.get_by_test_id("ibkey-activate-code").fill(code)
    passcode.fill("482916")
    form.get_by_test_id("ibkey-activate-submit").click()
    expect(page.get_by_test_id("ibkey-message")).to_contain_text("Activation successful for kim")
