"""What the scenario loader checks across a file's parts, so a scenario that validates does not fail at run
time: names defined before use and of the right type, phones for texted devices, values the server would
refuse, and expectations that could never fail or that the runner could not check."""

from __future__ import annotations

import textwrap
from pathlib import Path

from format_kit import HEAD, problems

from sls_scenarios.loader import load


def test_a_texted_device_of_a_user_without_a_phone_is_told_at_its_line(tmp_path: Path) -> None:
    """Validated, then every run was an error at setup: ``400 invalid_request {'error': ...}``, no line."""
    head = HEAD.replace('{username: alice, phone: "+15550100001"}', "{username: alice}").replace(
        "as: card}", "as: card}\n    - {user: alice, type: sms}\n    - {user: alice, type: ibkey, as: phone}"
    )
    found = problems(tmp_path, "- login: alice\n  expect: {status: 200}\n", head=head)
    assert found == [
        "8:27: setup.devices[1].type: sms needs 'alice' to have a `phone` in setup.users (texts go to it)",
        "9:27: setup.devices[2].type: ibkey needs 'alice' to have a `phone` in setup.users"
        " (its activation code is texted)",
    ]


def test_names_must_be_defined_before_use_and_something_must_be_checked(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - card: {device: crd}
        - verify: {response: "${respnse}"}
        - login: alice
          actor: attacker
        """,
    )
    assert "9:20: step 1 card.device: no device is called 'crd' (did you mean 'card'?)" in found
    assert any("${respnse} is used before any step sets it (did you mean 'response'?)" in p for p in found)
    assert any("no actor is called 'attacker'" in p and "add it under `actors`" in p for p in found)
    assert any("nothing is checked: add an `expect`" in p for p in found)


def test_a_step_naming_a_user_the_setup_never_made_is_told_at_its_line(tmp_path: Path) -> None:
    """QA: ``login: alcie`` (a typo) was ``valid`` and failed only at run time ("give a password"); so did
    ``read_sms: {user: bob}`` for a user without a phone in the setup. A user made otherwise (an ``http``
    call to /admin/v1/users) is still reachable: with a ``password``, or a ``phone``."""
    found = problems(
        tmp_path,
        """\
        - login: alcie
          expect: {status: 200}
        - read_sms: {user: bob}
        - login: {user: mallory, password: pw}
          expect: {status: 401}
        - read_sms: {user: mallory, phone: "+15550100009"}
        """,
    )
    assert found == [
        "9:12: step 1 login: 'alcie' is not a user of setup.users (did you mean 'alice'?); "
        "a user made otherwise needs a `password`",
        "11:22: step 2 read_sms.user: 'bob' has no phone in setup.users; a number of another needs `phone`",
    ]


def test_a_parallel_expecting_one_answer_is_told_to_count_them(tmp_path: Path) -> None:
    """QA: ``parallel`` with ``expect: {status: 200}`` was valid and failed at run time with "there is no
    answer to check yet", after two answers of 200: a parallel has no one answer, `statuses` counts them."""
    found = problems(
        tmp_path,
        """\
        - parallel: {times: 2, steps: [{login: alice}]}
          expect: {status: 200, json: {state: x}}
        """,
    )
    assert found == [
        "10:22: step 1 expect.status: a parallel has no one answer to check: count its branches' answers "
        "with `statuses` (`statuses: {'200': N}`), or check an answer in a branch's own step",
        "10:33: step 1 expect.json: a parallel has no one answer to check: count its branches' answers "
        "with `statuses` (`statuses: {'200': N}`), or check an answer in a branch's own step",
    ]


def test_a_between_whose_ends_are_swapped_is_refused(tmp_path: Path) -> None:
    """``retry_after: {between: [60, 1]}`` was valid and failed whatever the server said ("is 42, expected
    between [60, 1]"), which read like a server bug."""
    found = problems(tmp_path, "- login: alice\n  expect: {json: {retry_after: {between: [60, 1]}}}\n")
    assert found == [
        "10:44: step 1 expect.json.retry_after.between: [60, 1] can never hold: write the low end first"
    ]


def test_a_step_naming_a_device_of_another_type_is_told_at_its_line(tmp_path: Path) -> None:
    """``ibkey_approve: {device: card}`` validated, then failed at run time with the card simulator's 404,
    which did not say the name was the wrong one."""
    head = HEAD.replace(
        "as: card}", 'as: card}\n    - {user: alice, type: ibkey, platform: android, pin: "12ab", as: phone}'
    )
    found = problems(
        tmp_path,
        """\
        - login: alice
        - ibkey_approve: {device: card}
        - card: {device: phone}
        - choose_factor: {type: dscplus, device: phone}
        - totp_code: {device: card}
          expect: {status: 200}
        - revoke: {user: alice, device: phone}
        """,
        head=head,
    )
    assert found == [
        "11:29: step 2 ibkey_approve.device: 'card' is of type dscplus, expected type ibkey"
        " (did you mean 'phone'?)",
        "12:20: step 3 card.device: 'phone' is of type ibkey, expected type dscplus (did you mean 'card'?)",
        "13:44: step 4 choose_factor.device: 'phone' is of type ibkey, expected type dscplus"
        " (did you mean 'card'?)",
        "14:25: step 5 totp_code.device: 'card' is of type dscplus, expected type totp (none is defined)",
    ]


def test_values_only_the_setup_would_refuse_are_refused_at_validation(tmp_path: Path) -> None:
    """QA: ``validate`` said "valid" for ``setup.clock: "tomorrow morning"`` and a card ``pin: "12"``,
    which only failed when the scenario ran."""
    head = """\
name: probe
description: A scenario written to probe the loader.
setup:
  clock: "tomorrow morning"
  users:
    - {username: alice, phone: "+15550100001"}
  devices:
    - {user: alice, type: dscplus, pin: "12", as: card}
    - {user: alice, type: ibkey, pin: "1234567", as: app}
steps:
"""
    found = problems(
        tmp_path,
        """\
        - enroll: {user: alice, type: dscplus, pin: "12345"}
        - advance_clock: {to: "2030-01-01T09:00:00"}
        - advance_clock: {to: 0}
        - login: alice
          expect: {status: 200}
        """,
        head=head,
    )
    assert found == [
        "4:10: setup.clock: 'tomorrow morning' is neither Unix seconds nor an ISO 8601 instant",
        "8:41: setup.devices[0].pin: dscplus PIN '12': the PIN must be exactly 4 digits 0-9",
        "9:39: setup.devices[1].pin: ibkey PIN '1234567': the PIN must be 4-6 letters or digits 0-9, "
        "with at least one digit",
        "11:47: step 1 enroll.pin: dscplus PIN '12345': the PIN must be exactly 4 digits 0-9",
        "12:25: step 2 advance_clock.to: '2030-01-01T09:00:00' has no time zone: add Z for UTC",
        "13:25: step 3 advance_clock.to: 0 is outside the server clock's range, 2000-01-01 .. 2100-01-01 UTC",
    ]


def test_expectations_that_could_never_fail_or_would_break_the_runner_are_refused(tmp_path: Path) -> None:
    """Each validated, then: ``json: {}`` passed a 401; ``statuses`` on a login or http step counted no rounds
    and passed a 404; a regex that does not compile failed at run time as "a runner bug?"; ``times: many``
    failed only when the step ran."""
    empty = problems(tmp_path, "- login: {user: alice, password: totally-wrong}\n  expect: {json: {}}\n")
    assert empty == [
        "10:20: step 1 expect.json: {} should be non-empty"
        " (Paths into the JSON answer and what they must be (`$body`: the whole answer, text too).)"
    ]
    found = problems(
        tmp_path,
        """\
        - http: {method: GET, path: /api/v1/no-such-route}
          expect: {statuses: {"200": 0}}
        - login: alice
          expect: {json: {factor.challenge: {regex: "[0-9"}}}
        - repeat:
            times: many
            steps:
              - login: {user: alice, password: "guess-${i}"}
                expect: {statuses: {"401": 1}}
        """,
    )
    assert found == [
        "10:24: step 1 expect.statuses: `statuses` counts the answers of a repeat or parallel, not of a http",
        "12:47: step 2 expect.json.factor.challenge.regex: '[0-9' is not a regular expression: unterminated"
        " character set at position 0",
        "14:14: step 3 repeat.times: times must be a whole number (or a ${variable} holding one), not 'many'",
        "17:30: step 3 repeat.steps[0].expect.statuses:"
        " `statuses` counts the answers of a repeat or parallel, not of a login",
    ]


def test_a_count_from_a_variable_a_regex_that_compiles_and_a_repeats_statuses_are_taken(
    tmp_path: Path,
) -> None:
    file = tmp_path / "probe.scenario.yaml"
    steps = """\
    - login: alice
      expect: {json: {factor.challenge: {regex: "[0-9]{6}"}}}
      capture: {n: factor.type}
    - repeat:
        times: "${n}"
        steps:
          - login: {user: alice, password: "guess-${i}"}
      expect: {statuses: {"401": 1}}
    """
    file.write_text(HEAD + textwrap.indent(textwrap.dedent(steps), "  "))
    assert load(file).name == "probe"


def test_an_address_or_allowlist_entry_the_server_cannot_read_is_told_at_its_line(tmp_path: Path) -> None:
    """QA: ``address: 203.0.113.666`` validated; in-process the server saw no address at all (an allowlist
    scenario expecting 403 passed for the wrong reason). ``ip_allowlist: [bogus]`` validated and the run
    failed with a raw 400 from POST /admin/v1/users. Judged by the server's own parser (``ipnets``), so a
    zone, IPv4-mapped IPv6 and a range with host bits set pass as the server takes them."""
    head = (
        HEAD.replace(
            "setup:\n",
            "actors:\n  attacker: {address: 203.0.113.666}\n  phone: {address: 'fe80::1%eth0'}\n"
            "  mapped: {address: '::ffff:198.51.100.7'}\nsetup:\n",
        )
        .replace(
            '{username: alice, phone: "+15550100001"}',
            '{username: alice, phone: "+15550100001", ip_allowlist: [bogus, 10.0.0.1/8]}',
        )
        .replace(
            "  devices:",
            "  accounts:\n    - {id: U1, users: [alice], ip_allowlist: [10.0.0.300/8]}\n  devices:",
        )
    )
    found = problems(tmp_path, "- login: alice\n  expect: {status: 200}\n", head=head)
    assert found == [
        "4:23: actors.attacker.address: '203.0.113.666' is not an IP address",
        "9:63: setup.users[0].ip_allowlist[0]: 'bogus' is not an IP address or CIDR range",
        "11:47: setup.accounts[0].ip_allowlist[0]: '10.0.0.300/8' is not an IP address or CIDR range",
    ], found
