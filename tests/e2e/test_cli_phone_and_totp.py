"""``sls user phone`` and ``sls device totp-code`` against their server routes:

- ``PUT /admin/v1/users/<username>/phone`` ``{"phone": "+1555..."}``: give an existing user a phone number.
- ``GET /sim/v1/totp/<device_id>/code`` -> ``{"code", "step_started_at", "step_ends_at", "period",
  "digits"}``:
  what the user's authenticator app shows now, by the server's clock.
"""

from __future__ import annotations

import pytest
from cli_world import (
    Demo,
    seeded_demo,  # noqa: F401 (the fixture demo)
)

pytestmark = pytest.mark.e2e


def test_user_phone_gives_a_user_a_number(demo: Demo) -> None:
    demo.ok("user", "add", "carol", "--password", "plum-sketch-harbour-9")
    no_phone = demo.sls("device", "enroll", "carol", "--type", "sms")
    assert no_phone.exit_code == 1 and "phone" in no_phone.stderr

    changed = demo.json("user", "phone", "carol", "+15555550160")
    assert changed.get("phone", "+15555550160") == "+15555550160"
    assert demo.json("user", "show", "carol")["phone"] == "+15555550160"
    shown = demo.ok("user", "phone", "carol", "+15555550161").stdout
    assert "+15555550161" in shown
    demo.json("device", "enroll", "carol", "--type", "sms")
    assert (
        demo.json("login", "carol", "--password", "plum-sketch-harbour-9", "--auto")["state"]
        == "authenticated"
    )
    texts = demo.json("phone", "inbox", "+15555550161")["messages"]
    assert any(m["purpose"] == "login" and m["code"] for m in texts)

    bad = demo.sls("user", "phone", "carol", "555-0162")
    assert bad.exit_code == 1 and bad.stderr.startswith("error: ")
    unknown = demo.sls("user", "phone", "nobody-here", "+15555550163")
    assert unknown.exit_code == 1 and "unknown_user" in unknown.stderr


def test_totp_code_is_what_the_app_shows_by_the_servers_clock(demo: Demo) -> None:
    device = demo.device("totp-tom", "totp")["device_id"]
    demo.ok("clock", "--set-at", "2031-01-01T00:00:10Z")  # 1924992010: 10 s into a 30 s step
    shown = demo.json("device", "totp-code", device)
    assert set(shown) >= {"code", "step_started_at", "step_ends_at", "period", "digits"}
    assert (shown["period"], shown["digits"]) == (30, 6) and len(shown["code"]) == 6
    assert shown["step_started_at"] == 1924992000 and shown["step_ends_at"] == 1924992030

    plain = demo.ok("device", "totp-code", device)
    assert plain.stdout == shown["code"] + "\n" and "valid until" in plain.stderr
    done = demo.json(
        "login", "totp-tom", "--password", demo.user("totp-tom")["password"], "--response", shown["code"]
    )
    assert done["state"] == "authenticated"

    demo.ok("clock", "--advance", "30s")
    assert demo.json("device", "totp-code", device)["step_started_at"] == 1924992030
    unknown = demo.sls("device", "totp-code", "totp-000000000000")
    assert unknown.exit_code == 1 and unknown.stderr.startswith("error: ")
