"""The TOTP app's ±1 step window at its edges, and the replay guard when the clock is moved back.

The guard refused any step not later than the last one accepted. A TOTP login on a clock moved ahead (an
idle-logoff demo: ``sls clock --advance 15m``) therefore locked the app out once the clock was put back
(``sls clock --reset``, "real authenticator apps agree with the server again"): every code was refused
until real time caught up with the step accepted ahead. A step accepted on a clock ahead of this one no
longer bars the present, while a code already accepted, before or after the move, is never taken again.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import move_clock
from flask.testing import FlaskClient
from test_totp import (
    app_code,
    assert_refused,
    assert_replayed,
    frozen,
    log_in_with,
    server_now,
    tina_with_an_app,
)

__all__ = ["frozen", "tina_with_an_app"]  # the fixtures (frozen, tina), imported for use here

AHEAD = 900  # 15 min, as the README's idle-logoff demo moves it


def _logged_in_now_and_ahead(
    client: FlaskClient, headers: dict[str, str], tina: dict[str, Any]
) -> tuple[str, str]:
    """tina logs in with her app's code now, then with its code on the clock moved :data:`AHEAD` (left
    there): the two codes, each accepted once."""
    used_before = app_code(tina, server_now(client, headers))
    assert log_in_with(client, "tina", used_before).status_code == 200
    used_ahead = app_code(tina, move_clock(client, headers, AHEAD))
    assert log_in_with(client, "tina", used_ahead).status_code == 200
    return used_before, used_ahead


@pytest.mark.parametrize(("steps", "taken"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_the_window_is_one_step_either_way_at_a_step_edge(
    client: FlaskClient, admin_headers: dict[str, str], tina: dict[str, Any], steps: int, taken: bool
) -> None:
    now = server_now(client, admin_headers)
    edge = move_clock(client, admin_headers, 30 - now % 30)  # the first second of a step
    answered = log_in_with(client, "tina", app_code(tina, edge + 30 * steps))
    if taken:
        assert answered.status_code == 200, answered.get_json()
    else:
        assert_refused(answered)


def test_putting_the_clock_back_does_not_lock_the_app_out(
    client: FlaskClient, admin_headers: dict[str, str], tina: dict[str, Any]
) -> None:
    _logged_in_now_and_ahead(client, admin_headers, tina)
    back = move_clock(client, admin_headers, -AHEAD + 60)  # put back: two steps after the first login's
    answered = log_in_with(client, "tina", app_code(tina, back))
    assert answered.status_code == 200, answered.get_json()  # was refused till time caught up
    assert_replayed(log_in_with(client, "tina", app_code(tina, back)))  # used: once only


def test_codes_used_before_or_after_the_move_are_never_taken_again(
    client: FlaskClient, admin_headers: dict[str, str], tina: dict[str, Any]
) -> None:
    used_before, used_ahead = _logged_in_now_and_ahead(client, admin_headers, tina)
    move_clock(client, admin_headers, -AHEAD + 30)  # a step after the first login: its code in the window
    assert_replayed(log_in_with(client, "tina", used_before))
    move_clock(client, admin_headers, AHEAD - 30)  # forward again, to the step used ahead
    assert_replayed(log_in_with(client, "tina", used_ahead))


def test_a_code_used_before_more_than_sixteen_newer_ones_stays_refused_when_the_clock_goes_back(
    client: FlaskClient, admin_headers: dict[str, str], tina: dict[str, Any]
) -> None:
    """The guard kept the last 16 accepted steps: after 17 logins on a clock moved ahead, the first login's
    code was no longer among them, none of them bars a clock put back, and the code was taken again."""
    before = server_now(client, admin_headers)
    used_before = app_code(tina, before)
    assert log_in_with(client, "tina", used_before).status_code == 200
    at = move_clock(client, admin_headers, AHEAD)
    for _ in range(17):  # 17 newer codes, a step apart
        assert log_in_with(client, "tina", app_code(tina, at)).status_code == 200
        at = move_clock(client, admin_headers, 30)
    move_clock(client, admin_headers, before - at)  # back to the first login's step: its code in the window
    assert_replayed(log_in_with(client, "tina", used_before))  # was 200: a code taken twice
