"""The phone model (``sls_devices.phone``): where texts and calls land under each network condition, the
masked number a login page shows, the voice transcript, and the code a script parses out of a text."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sls_devices.phone import (
    DIGIT_WORDS,
    Conditions,
    Delivery,
    activation_code_text,
    conditions_update,
    counts_roaming_texts,
    is_handset,
    mask_number,
    notice_text,
    parse_code,
    route_call,
    route_sms,
    security_code_text,
    voice_transcript,
)

NUMBER = "+15555550123"
NOW = 1_900_000_000
SWAP = "attacker"
BLOCKED = ("carrier_blocked",)

# (conditions, where the text lands, when, delivered?, notes)
SMS_ROUTES = [
    (Conditions(), NUMBER, NOW, True, ()),
    (Conditions(roaming=True), NUMBER, NOW, True, ()),
    (Conditions(carrier_blocks_sms=True), NUMBER, NOW, False, BLOCKED),
    (Conditions(delivery_delay_s=120), NUMBER, NOW + 120, True, ("delayed",)),
    (Conditions(sim_swapped_to=SWAP), SWAP, NOW, True, ("sim_swapped",)),
    (Conditions(sim_swapped_to=SWAP, delivery_delay_s=30), SWAP, NOW + 30, True, ("sim_swapped", "delayed")),
    (Conditions(sim_swapped_to=SWAP, carrier_blocks_sms=True), SWAP, NOW, False, ("sim_swapped", *BLOCKED)),
    (Conditions(carrier_blocks_sms=True, delivery_delay_s=60), NUMBER, NOW, False, BLOCKED),
    (Conditions(needs_restart=True), NUMBER, NOW, False, ("needs_restart",)),
    (Conditions(needs_restart=True, delivery_delay_s=60), NUMBER, NOW, False, ("needs_restart",)),
    (Conditions(needs_restart=True, sim_swapped_to=SWAP), SWAP, NOW, True, ("sim_swapped",)),  # not its phone
]  # fmt: skip


@pytest.mark.parametrize(("conditions", "handset", "at", "delivered", "notes"), SMS_ROUTES)
def test_where_a_text_lands(
    conditions: Conditions, handset: str, at: int, delivered: bool, notes: tuple[str, ...]
) -> None:
    assert route_sms(NUMBER, conditions, now=NOW) == Delivery(handset, at, delivered, notes)


ABROAD = Conditions(roaming=True, roaming_loses_every=3)


def test_roaming_loses_every_nth_text_and_only_that() -> None:
    """The seed's "you might not receive all messages" as a rule: with one in three lost, the third and
    sixth texts are, the others arrive (late, when a delay is set too)."""
    late = replace(ABROAD, delivery_delay_s=30)
    landed = [route_sms(NUMBER, late, now=NOW, roaming_text_no=n) for n in range(1, 7)]
    lost = Delivery(NUMBER, NOW, False, ("roaming_lost",))
    arrived = Delivery(NUMBER, NOW + 30, True, ("delayed",))
    assert landed == [arrived, arrived, lost, arrived, arrived, lost]
    everything = replace(ABROAD, roaming_loses_every=1)
    assert not any(route_sms(NUMBER, everything, now=NOW, roaming_text_no=n).delivered for n in (1, 2, 3))


@pytest.mark.parametrize(
    "conditions",
    [
        Conditions(roaming_loses_every=2),  # at home the rule sleeps
        replace(ABROAD, roaming_loses_every=0),
        replace(ABROAD, carrier_blocks_sms=True),  # the carrier took it first
        replace(ABROAD, needs_restart=True),
        replace(ABROAD, sim_swapped_to=SWAP),  # the SIM is in a handset at home
    ],
)
def test_a_text_the_roaming_rule_does_not_judge_takes_no_place_in_its_count(conditions: Conditions) -> None:
    assert not counts_roaming_texts(conditions)
    assert "roaming_lost" not in route_sms(NUMBER, conditions, now=NOW).notes


def test_a_counted_text_without_its_place_fails_loudly() -> None:
    """0 would read as "every Nth": a caller that forgot to count must not lose texts silently."""
    assert counts_roaming_texts(ABROAD)
    with pytest.raises(ValueError, match="place in the count"):
        route_sms(NUMBER, ABROAD, now=NOW)


CALL_ROUTES = [
    (Conditions(), NUMBER, ()),
    (Conditions(carrier_blocks_sms=True), NUMBER, ()),  # the fallback when texts are blocked
    (Conditions(delivery_delay_s=600), NUMBER, ()),  # a call rings now or not at all
    (Conditions(roaming=True), NUMBER, ()),
    (Conditions(needs_restart=True), NUMBER, ()),  # the broker's step 3 after a restart: voice rings
    (Conditions(sim_swapped_to="+15555550999"), "+15555550999", ("sim_swapped",)),
]


@pytest.mark.parametrize(("conditions", "handset", "notes"), CALL_ROUTES)
def test_where_a_call_lands(conditions: Conditions, handset: str, notes: tuple[str, ...]) -> None:
    assert route_call(NUMBER, conditions, now=NOW) == Delivery(handset, NOW, True, notes)


def test_the_swapped_sim_decides_the_handset() -> None:
    assert Conditions().handset_for(NUMBER) == NUMBER
    assert Conditions(sim_swapped_to="attacker").handset_for(NUMBER) == "attacker"


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+15555550123", "+1•••••••0123"),
        ("+447700900123", "+4•••••••0123"),
        ("+3312345678", "+3•••••••5678"),
        ("12345", "•••••"),
    ],
)
def test_the_mask_shows_only_the_country_digit_and_the_last_four(number: str, masked: str) -> None:
    assert mask_number(number) == masked


def test_the_mask_does_not_tell_the_length() -> None:
    assert len(mask_number("+15555550123")) == len(mask_number("+861234567890123"))
    assert "555555" not in mask_number("+15555550123")


@pytest.mark.parametrize("code", ["012345", "999999", "000000", "20240817"])
def test_the_transcript_reads_each_digit_in_words_twice(code: str) -> None:
    transcript = voice_transcript(code)
    spoken = ", ".join(DIGIT_WORDS[int(digit)] for digit in code)
    assert transcript.count(spoken) == 2
    assert not any(ch.isdigit() for ch in transcript), "digits are spoken, never shown"


def test_every_digit_has_its_word() -> None:
    assert (
        voice_transcript("0123456789").count("zero, one, two, three, four, five, six, seven, eight, nine")
        == 2
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (security_code_text("012345", valid_s=300), "012345"),
        (activation_code_text("98765432", valid_s=600), "98765432"),
        (notice_text("Your phone number was changed."), None),
        ("Your code is 12345.", None),  # too short to be a code
        ("Ref 1234567890 only", None),  # too long: an account or phone number, not a code
        ("code:654321, thanks", "654321"),
    ],
)
def test_a_script_can_parse_the_code_out_of_a_text(text: str, code: str | None) -> None:
    assert parse_code(text) == code


def test_the_security_text_says_how_long_the_code_lives() -> None:
    text = security_code_text("123456", valid_s=300)
    assert "123456" in text and "5 minutes" in text and text.startswith("IBKR:")


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("+15555550123", True),
        ("attacker", True),
        ("mallory.phone-2", True),
        ("a" * 32, True),
        ("a" * 33, False),
        ("", False),
        ("evil handset", False),
        ("../etc", False),
        ("x;y", False),
        ("<script>", False),
        ("15555550123", False),  # a number without its +: not a name of a phone of its own
        ("+1555", False),
    ],
)
def test_which_names_address_a_handset(name: str, ok: bool) -> None:
    assert is_handset(name) is ok


def test_a_client_s_update_keeps_what_it_does_not_name_and_home_drops_the_loss_rule() -> None:
    shown = {"number": NUMBER, "roaming": True, "roaming_loses_every": 2, "delivery_delay_s": 30}
    assert conditions_update(shown, {"delivery_delay_s": 0}) == {
        "roaming": True,
        "roaming_loses_every": 2,
        "delivery_delay_s": 0,
    }
    home = conditions_update(shown, {"roaming": False})
    assert home == {"roaming": False, "roaming_loses_every": 0, "delivery_delay_s": 30}
    named = conditions_update(shown, {"roaming": False, "roaming_loses_every": 3})
    assert named["roaming_loses_every"] == 3, "a change that names the rule is sent as named (and refused)"
