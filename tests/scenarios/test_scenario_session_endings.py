"""The note of a 401 for the endings only the user's own acts (or the address) cause: a newer login, the user
from another of their sessions, a step-up's new token, a request from an address the account may not use. Each
is driven for real and the note must name that very cause (``test_scenario_session_notes`` holds the server's
own endings: an administrator, a reset, the clock)."""

from __future__ import annotations

from pathlib import Path

from runner_kit import LOGIN, in_process, run, write  # noqa: F401 - in_process: "target"

from sls_scenarios.targets import InProcessTarget

REFUSED = "- tickle:\n  expect: {status: 200}\n"
#: A second login of alice, by another actor (its own cookie jar): the card's newest challenge is its login's.
OTHER_LOGIN = (
    "- login: alice\n  actor: other\n- card: {device: card}\n- verify: {}\n  actor: other\n"
    "  expect: {json: {state: authenticated}}\n"
)
#: ``other`` steps up for ``change_security`` (the runner keeps the step-up's new token).
OTHER_STEPUP = (
    "- stepup: change_security\n  actor: other\n- card: {device: card}\n- verify: {}\n  actor: other\n"
)


def _run(target: InProcessTarget, tmp_path: Path, steps: str, settings: str = "") -> str:
    file = write(tmp_path, steps, extra="actors:\n  other: {address: 192.0.2.20}\n")
    file.write_text(file.read_text().replace("setup:\n", f"setup:\n{settings}", 1))
    result = run(target, file)
    assert result.status == "failed", result.message
    return result.message


def test_a_newer_login_is_named(target: InProcessTarget, tmp_path: Path) -> None:
    message = _run(target, tmp_path, LOGIN + OTHER_LOGIN + REFUSED)
    assert message.startswith(
        "step 7 (tickle: user's session ended (session.replaced): a newer login of the same user replaced "
        "it): status is 401 session_replaced"
    ), message


def test_the_user_ending_it_from_another_session_is_named(target: InProcessTarget, tmp_path: Path) -> None:
    ending = (
        OTHER_STEPUP + "- http: {method: POST, path: /api/v1/sessions/end-others, auth: session}\n"
        "  actor: other\n  expect: {status: 200, json: {ended: {len: 1}}}\n"
    )
    message = _run(
        target,
        tmp_path,
        LOGIN + OTHER_LOGIN + ending + REFUSED,
        settings="  settings: {SLS_SESSION_CONCURRENCY: allow}\n",
    )
    assert message.startswith(
        "step 11 (tickle: user's session ended (session.ended_by_user): its user ended it from another of "
        "their sessions): status is 401 session_revoked"
    ), message


def test_a_token_a_step_up_retired_is_named(target: InProcessTarget, tmp_path: Path) -> None:
    """The step-up answered by raw calls, so the actor keeps the token it retired (as a second tab would)."""
    stepup = (
        "- http: {method: POST, path: /api/v1/verify, auth: session, json: {purpose: change_security}}\n"
        "  capture: {t: txn_id, c: factor.challenge}\n  expect: {status: 200}\n"
        "- card: {device: card, challenge: '${c}'}\n"
        "- http: {method: POST, path: /api/v1/verify, auth: session,"
        " json: {txn_id: '${t}', response: '${response}'}}\n  expect: {status: 200}\n"
    )
    message = _run(target, tmp_path, LOGIN + stepup + REFUSED)
    assert message.startswith(
        "step 7 (tickle: user's session ended (session.rotated): a step-up gave it a new token): status is "
        "401 session_replaced"
    ), message


def test_a_session_used_from_a_refused_address_is_named(target: InProcessTarget, tmp_path: Path) -> None:
    """The request from the refused address is told 403 ip_restricted; the next one with the token, 401."""
    narrow = (
        "- http: {method: PUT, path: /admin/v1/users/alice/ip-allowlist, auth: admin,"
        " json: {ip_allowlist: [198.51.100.0/24]}}\n  expect: {status: 200}\n"
        "- tickle:\n  expect: {status: 403, error: ip_restricted}\n"
    )
    message = _run(target, tmp_path, LOGIN + narrow + REFUSED)
    assert message.startswith(
        "step 6 (tickle: user's session ended (ip.rejected): it was used from an address the account may not "
        "use): status is 401 session_revoked"
    ), message


def test_a_session_a_raw_logout_ended_after_a_step_up_is_not_told_as_the_step_up(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """The step-up's event names the token it gave (the actor's own since): the session's start, not its end.
    Ended by a logout the runner did not make (an ``http`` step), it is told as that logout."""
    steps = (
        LOGIN + "- stepup: change_security\n- card: {device: card}\n- verify: {}\n"
        "- http: {method: POST, path: /api/v1/auth/logout, auth: session}\n  expect: {status: 200}\n"
    )
    message = _run(target, tmp_path, steps + REFUSED)
    assert message.startswith(
        "step 8 (tickle: user's session ended (session.logout): a logout with its token ended it (an `http` "
        "step's, or a `parallel` branch's)): status is 401 not_authenticated"
    ), message
