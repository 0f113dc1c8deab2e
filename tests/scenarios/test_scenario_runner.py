"""The runner in-process: a failed expectation fails its step and the scenario, steps without ``expect``
must succeed, expected failures are strict, settings build their own app, ``--seed`` fixes the runner's
choices. What the reports say is in ``test_scenario_reports``, what a failure's message says in
``test_scenario_failure_messages``."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from runner_kit import HEAD, LOGIN, TWO_ACCOUNTS, in_process, run, write  # noqa: F401 - in_process: "target"

from sls_scenarios.targets import InProcessTarget
from sls_scenarios.transport import RemoteClient


def test_a_scenario_whose_expectations_hold_passes(target: InProcessTarget, tmp_path: Path) -> None:
    result = run(target, write(tmp_path, LOGIN))
    assert result.status == "passed" and result.ok, result.message
    assert [s.answer for s in result.steps] == ["200", "200", "200"]


def test_a_failed_expectation_fails_the_step_names_the_field_and_stops(
    target: InProcessTarget, tmp_path: Path
) -> None:
    steps = LOGIN.replace("state: authenticated", "state: authenticated, session.idle_expires_at: 0")
    result = run(target, write(tmp_path, steps + "- logout:\n"))
    assert result.status == "failed" and not result.ok
    assert result.steps[2].status == "failed" and len(result.steps) == 3  # the logout never ran
    assert "session.idle_expires_at is " in result.message and "expected 0" in result.message


def test_a_step_without_expect_must_succeed(target: InProcessTarget, tmp_path: Path) -> None:
    result = run(target, write(tmp_path, "- login: {user: alice, password: wrong-password-1}\n" + LOGIN))
    assert result.status == "failed"
    assert "answered 401 invalid_credentials" in result.message and "add an `expect`" in result.message


def test_read_sms_without_expect_needs_a_new_code(target: InProcessTarget, tmp_path: Path) -> None:
    steps = "- read_sms: {user: alice}\n- expect: {status: 200}\n"
    result = run(target, write(tmp_path, steps))
    assert result.status == "failed" and "no new text with a code reached +15550100001" in result.message


def test_events_that_must_not_have_happened(target: InProcessTarget, tmp_path: Path) -> None:
    steps = LOGIN + "- expect: {events: {not_happened: [{type: login.succeeded, user: alice}]}}\n"
    result = run(target, write(tmp_path, steps))
    assert (
        result.status == "failed"
        and "login.succeeded (user='alice'): 1 happened, expected none" in result.message
    )


def test_expected_failures_are_strict(target: InProcessTarget, tmp_path: Path) -> None:
    mark = "expect_failure: the server does not do this yet (a test of the mark)"
    failing = run(target, write(tmp_path, "- login: alice\n  expect: {status: 418}\n", extra=mark))
    assert failing.status == "xfailed" and failing.ok and "418" in failing.message
    passing = run(target, write(tmp_path, LOGIN, extra=mark))
    assert passing.status == "xpassed" and not passing.ok and "remove the mark" in passing.message


def test_settings_build_an_app_with_them_and_ignore_the_environment(
    target: InProcessTarget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLS_LOCKOUT_THRESHOLD", "1")  # must not leak into a scenario's world
    guesses = """\
    - repeat:
        times: 2
        steps: [{login: {user: alice, password: "guess-${i}-wrong"}}]
      expect: {statuses: {"401": 2}}
    - login: alice
      expect: {status: %s}
    """
    default = run(target, write(tmp_path, textwrap.dedent(guesses) % 200))
    assert default.status == "passed", default.message
    tight = write(tmp_path, textwrap.dedent(guesses) % 423, extra="")
    text = tight.read_text().replace("setup:\n", "setup:\n  settings: {SLS_LOCKOUT_THRESHOLD: 2}\n")
    tight.write_text(text)
    assert run(target, tight).status == "passed"
    # each value in its bounds (validation judges those), but not together: the server refuses them
    clash = "{SLS_IDLE_TIMEOUT: 600, SLS_ABSOLUTE_TIMEOUT: 300}"
    tight.write_text(text.replace("{SLS_LOCKOUT_THRESHOLD: 2}", clash))
    refused = run(target, tight)
    assert refused.status == "error" and "SLS_ABSOLUTE_TIMEOUT" in refused.message


def test_the_seed_fixes_every_choice_the_runner_makes(target: InProcessTarget, tmp_path: Path) -> None:
    steps = "- login: alice\n- verify: {wrong: true}\n  expect: {status: 401}\n"
    file = write(tmp_path, steps)
    guesses = [run(target, file, seed).steps[1].title for seed in (7, 7, 8)]
    assert guesses[0] == guesses[1] != guesses[2]


def test_a_race_is_judged_by_the_counts_of_its_branches(target: InProcessTarget, tmp_path: Path) -> None:
    steps = """\
    - parallel:
        times: 8
        steps: [{login: {user: alice, password: "guess-${i}-wrong"}}]
      expect: {statuses: {"401": 8}}
    """
    result = run(target, write(tmp_path, textwrap.dedent(steps)))
    assert result.status == "failed"
    assert "3 of 8 ended with 423 (423 account_locked), which `statuses` does not name" in result.message
    assert "5 of 8 ended with 401, expected 8" in result.message


def test_the_login_binding_travels_as_a_header_as_the_cookie_or_not_at_all(
    target: InProcessTarget, tmp_path: Path
) -> None:
    steps = """\
    - login: alice
    - card: {device: card}
    - verify: {binding: none}
      expect: {status: 401, error: login_binding_required}
    - verify: {binding: cookie}
      expect: {status: 200, json: {state: authenticated}}
    """
    result = run(target, write(tmp_path, textwrap.dedent(steps)))
    assert result.status == "passed", result.message


def test_a_setup_entry_the_server_refuses_is_named_at_its_line(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """A setup entry only the server judges (a user set in a second account: one account per user) passes
    validation; the run's error named no file or line, and the JUnit case had no ``line``. (A password the
    policy refuses is told at validation now: ``test_scenario_setup_passwords.py``.)"""
    file = tmp_path / "twice.scenario.yaml"
    file.write_text(
        HEAD.format(name="twice", extra="").replace("  devices:", TWO_ACCOUNTS + "  devices:")
        + "  - login: alice\n    expect: {status: 200}\n"
    )
    result = run(target, file)
    assert result.status == "error" and "409" in result.message, result.message
    assert result.line == 9  # the second account's entry under setup.accounts


def test_an_events_fields_take_matchers_as_the_reference_says(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """The reference: "a value in `json`, `error` or an event field is a literal ... or a matcher"; the schema
    refused ``ip: {regex: ...}`` (``expected a string, got a mapping``), so one address range was no check."""
    wanted = "{type: login.succeeded, user: {in: [alice, bob]}, ip: {regex: '127[.].*'}, factor: {ne: sms}}"
    unwanted = "{type: login.succeeded, ip: {not_in: ['127.0.0.1']}}"
    steps = LOGIN + f"- expect: {{events: {{happened: [{wanted}], not_happened: [{unwanted}]}}}}\n"
    result = run(target, write(tmp_path, steps))
    assert result.status == "passed", result.message
    missed = run(
        target,
        write(
            tmp_path,
            LOGIN + "- expect: {events: {happened: [{type: login.succeeded, ip: {regex: '10[.].*'}}]}}\n",
        ),
    )
    assert missed.message.endswith("the newest with ip='127.0.0.1')"), missed.message


def test_expect_checks_the_answers_headers(target: InProcessTarget, tmp_path: Path) -> None:
    """QA: a lock's ``Retry-After`` header (docs/security.md: sent with every 423 and 429 that has
    ``retry_after``, for clients whose retry logic reads it) could not be checked at all: ``expect`` had no
    ``headers``."""
    locked = """\
    - repeat:
        times: 5
        steps: [{login: {user: alice, password: 'guess-${i}'}}]
      expect: {statuses: {"401": 5}}
    - login: alice
      expect:
        status: 423
        headers: {retry-after: '60', Content-Type: {regex: 'application/json.*'}}
    """
    result = run(target, write(tmp_path, locked))
    assert result.status == "passed", result.message
    wrong = locked.replace("retry-after: '60'", "Retry-After: '61', X-Nothing: {exists: true}")
    result = run(target, write(tmp_path, wrong))
    assert "header Retry-After is '60', expected '61'" in result.message, result.message
    assert "header X-Nothing is missing (the answer's headers: " in result.message
    assert "Retry-After" in result.message.split("the answer's headers: ")[1]


def test_read_sms_of_notices_without_expect_needs_a_notice_not_a_code(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """``read_sms: {user: alice, purpose: notice}`` after a sign-in notice failed with "no new text with a
    code reached": a notice never carries a code. Without ``expect`` it needs a new text of that kind."""
    steps = """\
    - repeat:
        times: 3
        steps: [{login: {user: alice, password: 'guess-${i}'}}]
      expect: {statuses: {"401": 3}}
    - login: alice
    - card: {device: card}
    - verify: {}
    - read_sms: {user: alice, purpose: notice}
    """
    result = run(target, write(tmp_path, steps))
    assert result.status == "passed", result.message
    assert result.steps[-1].title.endswith("1 new, no code"), result.steps[-1].title
    none = run(target, write(tmp_path, LOGIN + "- read_sms: {user: alice, purpose: notice}\n"))
    assert none.message.endswith("no new text of purpose notice reached +15550100001"), none.message


def test_an_http_step_whose_filled_in_path_names_another_host_fails_and_sends_nothing(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """The schema checks ``path`` before its variables are filled in: a captured value of ``:9999/x`` made
    ``http://host`` + ``:9999/x``, another server, and ``auth: admin`` handed it the admin token."""
    file = write(
        tmp_path,
        """\
        - http:
            method: POST
            path: /admin/v1/users/alice/devices
            auth: admin
            json: {type: totp, label: ":9999/x"}
          capture: {evil: label}
          expect: {status: 201}
        - http: {method: GET, path: "${evil}", auth: admin}
          expect: {status: 200}
        """,
    )
    result = run(target, file)
    assert result.status == "failed" and "must be a path on the server" in result.message, result.message


@pytest.mark.parametrize(
    "path", [":9999/x", ".evil.example/x", "//evil.example/x", "/\\\\evil.example/x", "x"]
)
def test_the_remote_client_sends_nothing_but_paths_on_its_server(path: str) -> None:
    client = RemoteClient("http://127.0.0.1:1", None)  # nothing listens: a request would fail differently
    with pytest.raises(ValueError, match="not a path on"):
        client.request("GET", path, headers={"Authorization": "Bearer secret"})
