"""Mistakes a QA new to the format made in a first hour with the docs alone, each told where it is and
what to write instead.

Found walking the QA path again (five scenarios from README and docs/scenarios.md): two step types in one
step (a forgotten ``-``) were told as two "unknown key" problems, each listing the other's keys; an option in
the wrong case (``choose_factor: {type: SMS}``) named no closest option; ``error: none`` did not say how to
write "no error"; ``- login carl`` (a colon left out) said only "expected a mapping"; and an unquoted header
value (``Retry-After: 60``) was not told to be quoted, as a PIN is.
"""

from __future__ import annotations

from pathlib import Path

from format_kit import HEAD, problems


def test_two_step_types_in_one_step_are_told_as_one_problem_with_the_missing_dash(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: alice
          card: {device: card}
          expect: {status: 200}
        """,
    )
    assert found == [
        "9:5: step 1: a step has one step type, this one has 2: `login` (line 9), `card` (line 10); "
        "begin each on a line of its own with `- `"
    ]


def test_two_step_types_in_a_flow_mapping_are_told_the_same(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: alice
          expect: {status: 200}
        - {read_sms: {user: alice}, logout: null}
        """,
    )
    assert found == [
        "11:5: step 2: a step has one step type, this one has 2: `read_sms` (line 11), `logout` (line 11); "
        "begin each on a line of its own with `- `"
    ]


def test_an_option_in_the_wrong_case_names_the_option(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: alice
          expect: {status: 200}
        - choose_factor: {type: SMS}
        - request_code: Voice
        """,
    )
    assert found == [
        "11:27: step 2 choose_factor.type: 'SMS' is not one of `dscplus`, `ibkey`, `sms`, `voice`, `totp`, "
        "`temporary` (did you mean 'sms'?)",
        "12:19: step 3 request_code: 'Voice' is not one of `sms`, `voice` (did you mean 'voice'?)",
    ]


def test_no_error_written_as_a_word_is_told_to_be_null(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: alice
          expect: {status: 200, error: none}
        """,
    )
    assert found == [
        "10:34: step 1 expect.error: the server answers with no error 'none' (no error at all: `error: null`)"
    ]


def test_a_step_written_without_its_colon_shows_the_step_with_it(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login alice
        - login: alice
          expect: {status: 200}
        - tickle
        """,
    )
    assert found == [
        "9:5: step 1: expected a mapping, got 'login alice' (did you mean `login: alice`?)",
        "12:5: step 3: expected a mapping, got 'tickle' (did you mean `tickle: null`?)",
    ]


def test_an_unquoted_number_as_a_header_value_is_told_to_be_quoted(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: alice
          expect: {status: 200, headers: {Retry-After: 60}}
        """,
    )
    assert found == [
        '10:50: step 1 expect.headers.Retry-After: expected a string or a mapping, got 60: quote it, "60"'
    ]


SETUP_HEAD = """\
name: probe
description: A scenario written to probe the loader.
{top}setup:
{setup}  users:
    - {{username: carl, phone: "+15550100001"}}
  devices:
    - {{user: karl, type: dscplus, pin: "1234", as: card}}
  accounts:
    - {{id: U1, users: [crl]}}
steps:
"""


def test_setup_names_settings_and_tags_written_as_by_habit_say_what_was_meant(tmp_path: Path) -> None:
    """A device's or an account's user misspelt named no user of setup.users; a setting written as the
    docs' prose names it (``lockout_threshold``) named nothing; ``tags: qa`` said only "expected a list"."""
    head = SETUP_HEAD.format(top="tags: qa\n", setup="  settings: {lockout_threshold: 3}\n")
    found = problems(tmp_path, "- login: carl\n  expect: {status: 200}\n", head=head)
    assert found == [
        "3:7: tags: expected a list, got 'qa': `tags: [qa]`",
        "5:14: setup.settings.lockout_threshold: the server has no setting 'lockout_threshold' "
        "(did you mean 'SLS_LOCKOUT_THRESHOLD'?); `sls config` lists them",
        "9:14: setup.devices[0].user: 'karl' is not a user of setup.users (did you mean 'carl'?)",
        "11:24: setup.accounts[0].users[0]: 'crl' is not a user of setup.users (did you mean 'carl'?)",
    ]


def test_actors_listed_by_name_show_the_mapping_they_go_in(tmp_path: Path) -> None:
    """``actors: [attacker]`` said only "expected a mapping, got a list": each actor is a key, with its
    address."""
    head = SETUP_HEAD.format(top="actors: [attacker, office]\n", setup="").replace("karl", "carl")
    found = problems(tmp_path, "- login: carl\n  expect: {status: 200}\n", head=head.replace("crl", "carl"))
    assert found == [
        "3:9: actors: expected a mapping, got a list: each actor a key, as "
        "`actors: {attacker: {address: 203.0.113.66}, office: {address: 203.0.113.67}}`"
    ]


def test_a_sim_given_back_as_none_is_told_to_be_null(tmp_path: Path) -> None:
    """``sim_swapped_to: none`` moved the SIM to a handset called ``none``: the user's next text vanished and
    the run failed at a later ``read_sms`` with ``no new text with a code reached +1...``, no cause named."""
    head = HEAD.replace("steps:\n", '  phones:\n    "+15550100001": {sim_swapped_to: None}\nsteps:\n')
    found = problems(
        tmp_path,
        """\
        - phone_conditions: {user: alice, sim_swapped_to: attacker}
        - phone_conditions: {user: alice, sim_swapped_to: none}
        - login: alice
          expect: {status: 200}
        """,
        head,
    )
    said = "is text in YAML, a handset of that name: to give the SIM back, write `sim_swapped_to: null`"
    assert found == [
        f"9:38: setup.phones.+15550100001.sim_swapped_to: 'None' {said}",
        f"12:53: step 2 phone_conditions.sim_swapped_to: 'none' {said}",
    ]


def test_a_broker_act_written_as_a_step_is_shown_as_the_http_call_that_does_it(tmp_path: Path) -> None:
    """``unlock: dave`` (after five wrong passwords) was told only that no such step exists, with the list of
    all 28: unlocking, like ending a session or resetting a card, is an admin call, made with ``http``."""
    found = problems(
        tmp_path,
        """\
        - unlok: alice
        - reset_card: {device: card}
        - end-session: alice
          expect: {status: 200}
        """,
    )
    assert found == [
        "9:5: step 1: unknown step type 'unlok'; the broker's unlock is an admin call: "
        "`http: {method: POST, path: '/admin/v1/users/alice/unlock', auth: admin}`",
        "10:5: step 2: unknown step type 'reset_card'; the broker's reset_card is an admin call: "
        "`http: {method: POST, path: '/admin/v1/devices/${card.device_id}/reset', auth: admin}`",
        "11:5: step 3: unknown step type 'end-session'; the broker's end_session is an admin call: "
        "`http: {method: DELETE, path: '/admin/v1/sessions/${sid}', auth: admin}` after "
        "`http: {method: GET, path: /admin/v1/users/alice/sessions, auth: admin}` with "
        "`capture: {sid: sessions.0.id}`",
    ]
