"""A device enrolled while its user is being deleted does not pass to the next user of that name.

Enrolling checks the user exists when the request begins, then writes the device and adds its id to the
user's device set. A deletion landing in between deleted the user and the set, and the enrolment's add then
made the set again, for a user who no longer existed: the next user created under the name (an
administrator reusing a name, an import) found the old card in their devices and logged in with it, so the
holder of a card issued to the deleted user could pass the new user's second factor. Adding a device to a
user is now one step that refuses a user who is gone. Raced across two ``sls serve`` workers.
"""

from __future__ import annotations

from functools import partial

import pytest
import requests
from serve_processes import ServerProcess
from test_races_stepup import ADMIN, PASSWORD, _at_once

pytestmark = pytest.mark.e2e
ROUNDS = 16


def _enrol(base: str, http: requests.Session) -> requests.Response:
    return http.post(
        f"{base}/admin/v1/users/bob/devices",
        json={"type": "dscplus", "pin": "1234"},
        headers=ADMIN,
        timeout=30,
    )


def _delete(base: str, http: requests.Session) -> requests.Response:
    return http.delete(f"{base}/admin/v1/users/bob", headers=ADMIN, timeout=30)


def _create(base: str) -> None:
    made = requests.post(
        f"{base}/admin/v1/users", json={"username": "bob", "password": PASSWORD}, headers=ADMIN, timeout=30
    )
    assert made.status_code == 201, made.text


def test_a_device_enrolled_as_its_user_is_deleted_is_not_inherited_by_the_next_bob(
    racing_server: ServerProcess,
) -> None:
    base = racing_server.url
    inherited = 0
    for _ in range(ROUNDS):
        _create(base)
        enrolled, deleted = _at_once(partial(_enrol, base), partial(_delete, base))
        assert deleted.status_code == 200, deleted.text
        assert enrolled.status_code in (201, 404), enrolled.text
        _create(base)  # a new bob, under the same name
        listed = requests.get(f"{base}/admin/v1/users/bob/devices", headers=ADMIN, timeout=10).json()
        inherited += bool(listed["devices"])
        assert _delete(base, requests.Session()).status_code == 200
    assert not inherited
