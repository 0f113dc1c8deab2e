"""What a session step refused with a 401 says about why, when the runner did not end the session itself: the
walk found ``tickle: user has no session`` notes only for a login never finished or a ``logout``; a session
an administrator, another step, or the clock had ended was a bare ``401 session_revoked`` (or
``session_expired``), and the author had to work out which step or setting had ended it."""

from __future__ import annotations

from pathlib import Path

import pytest
from runner_kit import LOGIN, in_process, run, write  # noqa: F401 - in_process: "target"

from sls_scenarios.targets import InProcessTarget

LIST = (
    "- http: {method: GET, path: /admin/v1/users/alice/sessions, auth: admin}\n"
    "  capture: {sid: sessions.0.id}\n  expect: {status: 200}\n"
)
REFUSED = "- tickle:\n  expect: {status: 200}\n"


@pytest.mark.parametrize(
    ("ending", "said"),
    [
        pytest.param(
            LIST + "- http: {method: DELETE, path: '/admin/v1/sessions/${sid}', auth: admin}\n"
            "  expect: {status: 200}\n",
            "step 6 (tickle: user's session ended (session.killed, ended_by admin): an administrator ended "
            "it): status is 401 session_revoked",
            id="an administrator",
        ),
        pytest.param(
            "- http: {method: PUT, path: /admin/v1/users/alice/password, auth: admin,"
            " json: {password: Tulip-Harbor-93}}\n  expect: {status: 200}\n",
            "step 5 (tickle: user's session ended (session.killed, ended_by password_reset): the password "
            "was reset): status is 401 session_revoked",
            id="another step: a password reset",
        ),
        pytest.param(
            "- http: {method: POST, path: /admin/v1/users/alice/disable, auth: admin}\n"
            "  expect: {status: 200}\n",
            "step 5 (tickle: user's session ended (session.killed, ended_by user_disabled): the user was "
            "disabled): status is 401 session_revoked",
            id="another step: the user disabled",
        ),
        pytest.param(
            "- advance_clock: 16m\n",
            "step 5 (tickle: user's session ended (session.expired_idle): no activity for the idle timeout, "
            "SLS_IDLE_TIMEOUT (a `tickle` or any session call sooner keeps it alive)): status is 401 "
            "session_expired",
            id="idle",
        ),
    ],
)
def test_a_session_ended_by_the_server_is_told_by_what_ended_it(
    target: InProcessTarget, tmp_path: Path, ending: str, said: str
) -> None:
    result = run(target, write(tmp_path, LOGIN + ending + REFUSED))
    assert result.status == "failed"
    assert result.message.startswith(said), result.message


def test_a_session_past_its_lifetime_is_told_apart_from_an_idle_one(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """Kept busy, a session still ends at SLS_ABSOLUTE_TIMEOUT: told so, not as an idle one, since a tickle
    (the remedy for idling) cannot help; an ``http`` step sending the session (``auth: session``) says it
    too."""
    busy = "- advance_clock: 14m\n- tickle:\n- advance_clock: 14m\n- tickle:\n- advance_clock: 3m\n"
    late = "- http: {method: GET, path: /api/v1/session, auth: session}\n  expect: {status: 200}\n"
    file = write(tmp_path, LOGIN + busy + late)
    file.write_text(
        file.read_text().replace("setup:\n", "setup:\n  settings: {SLS_ABSOLUTE_TIMEOUT: 1800}\n", 1)
    )
    result = run(target, file)
    assert result.message.startswith(
        "step 9 (http GET /api/v1/session: user's session ended (session.expired_absolute): its absolute "
        "lifetime, SLS_ABSOLUTE_TIMEOUT, ran out (activity does not extend it)): status is 401 "
        "session_expired"
    ), result.message


def test_a_session_the_server_forgot_says_no_event_names_its_end(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """A world reset (or a tombstone lapsed) leaves no word of the session: the note says the server no longer
    knows it, rather than nothing, or a cause the runner cannot know."""
    reset = "- http: {method: POST, path: /admin/v1/reset, auth: admin}\n  expect: {status: 200}\n"
    result = run(target, write(tmp_path, LOGIN + reset + REFUSED))
    assert result.message.startswith(
        "step 5 (tickle: user's session ended (no event names its end): the server no longer knows it (a "
        "reset, or its end lapsed)): status is 401 not_authenticated"
    ), result.message


def test_a_scenario_expecting_the_refusal_still_passes_with_the_note(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """The note only explains: a scenario that means to show the ending keeps passing, and its step's line
    says the cause."""
    ending = "- advance_clock: 16m\n- tickle:\n  expect: {status: 401, error: session_expired}\n"
    result = run(target, write(tmp_path, LOGIN + ending))
    assert result.status == "passed", result.message
    assert "(session.expired_idle)" in result.steps[-1].title + result.steps[-1].answer


def test_a_401_of_the_routes_own_to_a_live_session_gets_no_note(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """A wrong current password on a password change is a 401 to a session that lives on: nothing ended."""
    change = (
        "- http: {method: POST, path: /api/v1/account/password, auth: session,"
        " json: {current_password: Wrong-Current-77, new_password: Tulip-Harbor-93}}\n"
        "  expect: {status: 200}\n"
    )
    result = run(target, write(tmp_path, LOGIN + change))
    assert "status is 401" in result.message and "session ended" not in result.message, result.message
