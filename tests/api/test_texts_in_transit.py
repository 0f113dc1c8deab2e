"""A delayed text is counted on its way before it arrives, without its words.

A QA script reading ``GET /sim/v1/phones/<n>/messages`` while the carrier holds a text back saw only the
older code, and could not tell it was not the newest sent: it went on with a spent code.
"""

from __future__ import annotations

from phone_world import PHONE, Phone, sam_phone  # noqa: F401  (the sam fixture)


def _inbox(sam: Phone) -> dict:  # type: ignore[type-arg]
    answer = sam.client.get(f"/sim/v1/phones/{PHONE}/messages")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def test_a_delayed_code_is_listed_in_transit_until_it_arrives(sam: Phone) -> None:
    sam.login()
    first = sam.code()
    assert _inbox(sam)["in_transit"] == []
    sam.conditions(delivery_delay_s=120)
    sam.login()
    inbox = _inbox(sam)
    [coming] = inbox["in_transit"]
    assert coming["arrives_in_s"] == 120 and coming["at"] - coming["sent_at"] == 120
    assert coming["has_code"] is True and coming["purpose"] == "login"
    assert coming["seq"] > inbox["messages"][0]["seq"]
    assert set(coming) == {
        "id",
        "sent_at",
        "at",
        "arrives_in_s",
        "purpose",
        "has_code",
        "seq",
    }  # no words, no code
    assert sam.code() == first

    sam.move_clock(119)
    assert _inbox(sam)["in_transit"][0]["arrives_in_s"] == 1
    sam.move_clock(1)
    arrived = _inbox(sam)
    assert arrived["in_transit"] == [] and sam.code() != first


def test_a_text_the_carrier_drops_is_never_in_transit(sam: Phone) -> None:
    sam.conditions(carrier_blocks_sms=True, delivery_delay_s=60)
    sam.login()
    inbox = _inbox(sam)
    assert sam.texts() == [] and inbox["in_transit"] == []  # the enrolment's notice came before
