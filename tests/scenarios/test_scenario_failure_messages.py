"""What a failed step's message tells its reader: the refusal before the field it lacks, an answer cut
whole, a token's presence but never its value, the keys a missing path could have meant, and what an
event that did not match said instead."""

from __future__ import annotations

from pathlib import Path

from runner_kit import LOGIN, in_process, run, write  # noqa: F401 - in_process: "target"

from sls_scenarios.targets import InProcessTarget


def test_an_unexpected_refusal_is_the_headline_not_the_field_it_lacks(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """A step expecting only ``json`` that got a 401 used to headline ``users is missing``; the cause was
    only in the log."""
    steps = "- http: {method: GET, path: /admin/v1/users}\n  expect: {json: {users: {len: 0}}}\n"
    result = run(target, write(tmp_path, steps))
    assert result.status == "failed"
    assert result.message.startswith("step 1 (http GET /admin/v1/users): answered 401 admin_token_required (")
    assert result.message.endswith("; users is missing (expected len 0)")
    named = run(target, write(tmp_path, steps.replace("json:", "status: 401, json:")))
    assert "answered 401" not in named.message and "users is missing" in named.message


def test_an_answer_in_a_failure_message_is_shortened_whole(target: InProcessTarget, tmp_path: Path) -> None:
    """An expected failure's message cut the answer at 200 characters, mid-structure (``'factors': [``)."""
    mark = "expect_failure: the server answers a login with no 418 (a test of the message)"
    result = run(target, write(tmp_path, "- login: alice\n  expect: {status: 418}\n", extra=mark))
    assert result.status == "xfailed"
    said = result.message[result.message.index("expected 418 (") + len("expected 418 (") : -1]
    assert said.startswith("{'state': 'second_factor'") and said.endswith("}"), said
    assert len(said) <= 200 and "..." in said
    assert said.count("{") == said.count("}") and said.count("[") == said.count("]"), said


def test_a_failure_message_shows_that_a_token_was_there_never_what_it_held(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """A failed check on a verify showed 31 of the session token's 43 characters, in the console, the JUnit
    file and the pytest report: CI artefacts."""
    steps = "- login: alice\n- card: {device: card}\n- verify: {}\n  expect: {status: 401}\n"
    result = run(target, write(tmp_path, steps))
    assert result.status == "failed" and "'token': '***'" in result.message, result.message
    assert "alice~" not in result.message  # a session token begins with its user's name


def test_a_path_the_answer_lacks_names_what_it_has(target: InProcessTarget, tmp_path: Path) -> None:
    """``status is missing`` was all a misspelt path got: the author had to rerun to learn it is ``state``.
    Keys are named, never values (the session's token is one)."""
    wrong = "{state: authenticated}", "{status: authenticated, session.idle_expire: 5, factors.9: x}"
    result = run(target, write(tmp_path, LOGIN.replace(*wrong)))
    assert "status is missing (expected 'authenticated'), did you mean 'state'? (the answer has " in (
        result.message
    )
    assert "did you mean 'session.idle_expires_at'? (session has expires_at, idle_expires_at, token)" in (
        result.message
    )
    assert "factors.9 is missing (expected 'x') (the answer has session, state)" in result.message


def test_a_repeat_that_stops_at_a_failed_round_tallies_that_rounds_answer(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """The title said ``6 of 6 rounds 401 invalid_credentials x5``: the sixth round's 423 was left out."""
    steps = '- repeat:\n    times: 6\n    steps:\n    - login: {user: alice, password: "wrong-${i}"}\n'
    result = run(target, write(tmp_path, steps + "      expect: {status: 401}\n"))
    assert result.message.startswith("step 1.6.1 (login alice): status is 423 account_locked, expected 401")
    assert (
        result.steps[0].title == "repeat 6: 6 of 6 rounds 401 invalid_credentials x5, 423 account_locked x1"
    )


def test_an_event_that_did_not_match_says_what_its_type_said_instead(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """``0 happened`` alone did not tell a wrong ``ip`` from an event that never came."""
    wanted = "{type: login.succeeded, user: alice, ip: 198.51.100.7}"
    result = run(target, write(tmp_path, LOGIN + f"- expect: {{events: {{happened: [{wanted}]}}}}\n"))
    assert result.message.endswith(
        "0 happened, expected at least one (1 login.succeeded happened, the newest with user='alice', "
        "ip='127.0.0.1')"
    )


def test_an_event_that_never_happened_names_the_last_ones_that_did(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """``push.sent: 0 happened`` was all an event that never came got: whether the login got as far as the
    second factor, or the user's events went under another type, took a rerun with ``sls events``."""
    never = run(target, write(tmp_path, LOGIN + "- expect: {events: {happened: [{type: push.sent}]}}\n"))
    assert never.message.endswith(
        "push.sent: 0 happened, expected at least one (none of that type; the last events: "
        "device.enrolled, sms.sent, login.password_ok, login.challenge_issued, login.succeeded)"
    ), never.message
    steps = "- login: {user: alice, password: wrong-password-1}\n  expect: {status: 401}\n"
    wanted = "{type: account.locked, user: alice}"
    early = run(target, write(tmp_path, steps + f"- expect: {{events: {{happened: [{wanted}]}}}}\n"))
    assert early.message.endswith(
        "(none of that type; the last events of alice: user.created, device.enrolled, sms.sent, "
        "login.password_failed)"
    ), early.message


def test_an_event_whose_detail_did_not_match_says_what_its_detail_said_instead(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """QA checking a sign-in notice (``detail: {new_place: true}``) read only ``the newest with
    user='alice'``: the field that failed, ``detail.new_place``, was never shown."""
    wanted = "{type: login.succeeded, user: alice, detail: {new_place: true, failed_before: {ge: 3}}}"
    result = run(target, write(tmp_path, LOGIN + f"- expect: {{events: {{happened: [{wanted}]}}}}\n"))
    assert result.message.endswith(
        "0 happened, expected at least one (1 login.succeeded happened, the newest with user='alice', "
        "detail.new_place missing, detail.failed_before missing)"
    ), result.message
    wanted = "{type: login.succeeded, detail: {new_place: false}}"
    result = run(target, write(tmp_path, LOGIN + f"- expect: {{events: {{happened: [{wanted}]}}}}\n"))
    assert result.message.endswith("(1 login.succeeded happened, the newest with detail.new_place missing)")


def test_a_json_path_into_an_answer_that_is_not_json_says_so(target: InProcessTarget, tmp_path: Path) -> None:
    """``http: {method: GET, path: /}`` with ``json: {a: 1}`` failed with ``a is missing (expected 1)``: the
    login page's HTML has no ``a``, but the reader was not told the answer was not JSON at all."""
    steps = "- http: {method: GET, path: /}\n  expect: {status: 200, json: {state: ready}}\n"
    result = run(target, write(tmp_path, steps))
    assert result.message.endswith(
        "state is missing (expected 'ready') (the answer is not JSON: text/html; charset=utf-8; "
        "`$body: ...` checks it whole)"
    ), result.message


def test_a_setup_phone_without_a_device_is_named_when_the_login_finds_no_second_factor(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """A setup user with a phone gets no SMS (the world holds what `setup.devices` lists), unlike
    ``POST /admin/v1/users`` and the fixture's ``create_user``: a newcomer's first SMS scenario failed with a
    bare ``403 no_second_factor`` and nothing saying why there was no factor."""
    file = tmp_path / "bob.scenario.yaml"
    file.write_text(
        "name: bob\ndescription: A user with a phone and no device logs in.\nsetup:\n"
        '  users: [{username: bob, phone: "+15550100002"}]\n'
        "steps:\n  - login: bob\n    expect: {status: 200}\n"
    )
    result = run(target, file)
    assert result.status == "failed"
    assert "bob has no device: a phone in setup.users enrols no SMS by itself" in result.message
    assert "{user: bob, type: sms}" in result.message
    expected = file.read_text().replace("{status: 200}", "{status: 403, error: no_second_factor}")
    file.write_text(expected)
    assert run(target, file).status == "passed"  # the refusal a scenario means to show stays as it is


def test_a_session_step_refused_says_the_actor_has_no_session_and_why(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """A ``tickle`` by an actor who never logged in, or who logged out, failed with ``401 not_authenticated``
    alone: the author had to work out that the step sent no session (or an ended one)."""
    never = run(target, write(tmp_path, "- tickle:\n  expect: {status: 200}\n"))
    assert never.message.startswith(
        "step 1 (tickle: user has no session: it never finished a login (`login`, then `verify`)): "
        "status is 401 not_authenticated"
    ), never.message
    gone = run(target, write(tmp_path, LOGIN + "- logout:\n- tickle:\n  expect: {status: 200}\n"))
    assert gone.message.startswith(
        "step 5 (tickle: user has no session: it logged out, which ended it): status is 401"
    ), gone.message
    again = run(target, write(tmp_path, LOGIN + "- logout:\n" + LOGIN + "- tickle:\n"))
    assert again.status == "passed", again.message


def test_a_capture_of_a_path_the_answer_lacks_names_what_it_has(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """``capture: {sid: sessions.0.session_id}`` failed with ``the answer has no 'sessions.0.session_id'``
    alone, where a failed ``expect`` names the keys: the author reran to learn the field is ``id``."""
    steps = LOGIN + (
        "- http: {method: GET, path: /admin/v1/users/alice/sessions, auth: admin}\n"
        "  capture: {sid: sessions.0.session_id}\n  expect: {status: 200}\n"
    )
    result = run(target, write(tmp_path, steps))
    assert result.message.startswith(
        "step 4 (http GET /admin/v1/users/alice/sessions): capture sid: the answer has no "
        "'sessions.0.session_id' (200) (sessions.0 has authenticated_at, expires_at, factor, id, "
    ), result.message
    assert "'" + "alice~" not in result.message  # keys, never values: an id holds a token's hash
