"""The DSC+ card on the simulator page switches itself off after 2 minutes alone (docs/pages.md).

At exactly 120 s after the last press it was still on (the check was ``<= 120``): it switched off one second
late. One second before, it is on; at 120 s and after, the next press finds it off.
"""

from __future__ import annotations

import re

import pytest
from conftest import EnrolledUser, move_clock

from sls_server.sim.card_keypad import POWER_OFF_S


@pytest.mark.parametrize(
    ("alone", "on"), [(POWER_OFF_S - 1, True), (POWER_OFF_S, False), (POWER_OFF_S + 1, False)]
)
def test_a_card_left_alone_for_two_minutes_is_off(
    alice: EnrolledUser, admin_headers: dict[str, str], alone: int, on: bool
) -> None:
    assert POWER_OFF_S == 120
    page = alice.client.get(f"/sim/card/{alice.device_id}").get_data(as_text=True)
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert found
    headers = {"X-CSRF-Token": found.group(1)}
    url = f"/sim/card/{alice.device_id}/keys"
    powered = alice.client.post(url, json={"key": "POWER"}, headers=headers)
    assert powered.status_code == 200 and powered.get_json()["display"] == "PIN>"
    move_clock(alice.client, admin_headers, alone)
    pressed = alice.client.post(url, json={"key": "1", "state": powered.get_json()["state"]}, headers=headers)
    assert pressed.status_code == 200, pressed.get_json()
    assert pressed.get_json()["on"] is on, (alone, pressed.get_json())
