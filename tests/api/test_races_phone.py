"""Two phone changes of one user at once leave the SMS device sending to the number on the user's record.

A new number is written on the user, then the user's SMS and voice devices follow it
(``DeviceService.following_phone``, a compare-and-set write per device: other slots than the user's). Two
changes racing each moved the devices to their own number, in whatever order the device writes landed, so
the user's record could say one number while the codes went to the other: a user who changed their number
away from a lost phone kept getting codes on it. Threads, each with its own test client on one app.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from flask.testing import FlaskClient
from phone_world import PHONE, Phone

ROUNDS = 40
NUMBERS = ("+15555550101", "+15555550102")


def test_racing_phone_changes_leave_the_devices_on_the_users_number(
    app: Flask, client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    Phone(client, admin_headers)  # sam, with an SMS device on PHONE (one phone device per user and number)
    apart = 0
    for _ in range(ROUNDS):
        barrier = threading.Barrier(len(NUMBERS))

        def change(number: str, barrier: threading.Barrier = barrier) -> int:
            own = app.test_client()
            barrier.wait()
            return own.put(
                "/admin/v1/users/sam/phone", json={"phone": number}, headers=admin_headers
            ).status_code

        with ThreadPoolExecutor(len(NUMBERS)) as pool:
            assert list(pool.map(change, NUMBERS)) == [200, 200]
        store = app.extensions["sls"].store  # the device's number is in no answer: read the record
        user = store.users.get("sam")
        numbers = [device.number for device in store.devices.get_many(store.users.device_ids("sam"))]
        assert user is not None and len(numbers) == 1 and user.phone in NUMBERS
        apart += any(number != user.phone for number in numbers)
        back = client.put("/admin/v1/users/sam/phone", json={"phone": PHONE}, headers=admin_headers)
        assert back.status_code == 200
    assert not apart
