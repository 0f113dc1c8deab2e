"""The runner in-process: a failed expectation fails its step and the scenario, steps without ``expect``
must succeed, expected failures are strict, settings build their own app, ``--seed`` fixes the runner's
choices, and the reports (JSON, JUnit) say the same as the console."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from sls_scenarios import report
from sls_scenarios.loader import load
from sls_scenarios.runner import Runner, ScenarioResult
from sls_scenarios.targets import InProcessTarget

HEAD = """\
name: {name}
description: A scenario written by a test of the runner.
{extra}
setup:
  users:
    - {{username: alice, phone: "+15550100001"}}
  devices:
    - {{user: alice, type: dscplus, pin: "1234", as: card}}
steps:
"""


@pytest.fixture(scope="module")
def target() -> Iterator[InProcessTarget]:
    made = InProcessTarget()
    yield made
    made.close()


def write(tmp_path: Path, steps: str, *, name: str = "probe", extra: str = "") -> Path:
    file = tmp_path / f"{name}.scenario.yaml"
    file.write_text(HEAD.format(name=name, extra=extra) + textwrap.indent(textwrap.dedent(steps), "  "))
    return file


def run(target: InProcessTarget, file: Path, seed: int = 0) -> ScenarioResult:
    return Runner(target, seed=seed).run(load(file))


LOGIN = """\
- login: alice
- card: {device: card}
- verify: {}
  expect: {json: {state: authenticated}}
"""


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
    tight.write_text(text.replace("SLS_LOCKOUT_THRESHOLD", "SLS_LOCKOUT_TRESHOLD"))
    refused = run(target, tight)
    assert refused.status == "error" and "SLS_LOCKOUT_TRESHOLD" in refused.message


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


def test_reports_say_the_same_as_the_results(target: InProcessTarget, tmp_path: Path) -> None:
    results = [
        run(target, write(tmp_path, LOGIN, name="good")),
        run(target, write(tmp_path, "- login: alice\n  expect: {status: 418}\n", name="bad")),
    ]
    data = report.as_json(results, seed=3, target="in-process")
    assert data["ok"] is False and data["totals"]["passed"] == 1 and data["totals"]["failed"] == 1
    assert data["scenarios"][1]["steps"][0]["status"] == "failed"
    junit = tmp_path / "junit.xml"
    report.write_junit(junit, results, seed=3)
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["good"].find("failure") is None
    failure = cases["bad"].find("failure")
    assert failure is not None and "expected 418" in (failure.get("message") or "")
    assert "FAIL 1 [user] login alice" in (failure.text or "")


def test_python_m_scenarios_runner_runs_files_and_exits_by_the_result(tmp_path: Path) -> None:
    good = write(tmp_path, LOGIN, name="good")
    bad = write(tmp_path, "- login: alice\n  expect: {status: 418}\n", name="bad")
    command = [sys.executable, "-m", "sls_scenarios.runner"]
    passed = subprocess.run([*command, str(good)], capture_output=True, text=True, timeout=120)
    assert passed.returncode == 0 and "PASSED" in passed.stdout, passed.stdout + passed.stderr
    failed = subprocess.run([*command, str(good), str(bad)], capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1 and "FAILED   bad" in failed.stdout


def test_the_readme_example_runs_green(target: InProcessTarget, tmp_path: Path) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme[readme.index("## Scenarios") :]
    example = section[
        section.index("```yaml\n") + len("```yaml\n") : section.index("```\n", section.index("```yaml"))
    ]
    file = tmp_path / "readme.scenario.yaml"
    file.write_text(example)
    result = run(target, file)
    assert result.status == "passed", result.message


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


def test_junit_stays_well_formed_whatever_characters_a_scenario_holds(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """A terminal colour or a bell in a narration, a step's name or an answer used to land in the XML as
    it was: XML 1.0 cannot carry it, and ``ElementTree.parse`` (like any CI's reader) refused the file."""
    steps = """\
    - say: "copied \\e[1mbold\\e[0m \\a"
    - login: alice
      name: "label \\x01 \\uFFFE"
      expect: {status: 418}
    """
    result = run(target, write(tmp_path, textwrap.dedent(steps), name="control"))
    assert result.status == "failed" and "\x01" in result.message
    junit = tmp_path / "junit.xml"
    report.write_junit(junit, [result], seed=0)
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    failure = suite.find("testcase/failure")
    assert failure is not None and "label \\x01 \\ufffe" in (failure.get("message") or "")
    assert "copied \\x1b[1mbold\\x1b[0m \\x07" in (failure.text or "")


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


def test_a_setup_entry_the_server_refuses_is_named_at_its_line(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """A password the server's policy refuses passes validation (which does not judge it); the run's error
    named no file or line, and the JUnit case had no ``line``."""
    file = tmp_path / "weak.scenario.yaml"
    file.write_text(
        HEAD.format(name="weak", extra="").replace(
            '{username: alice, phone: "+15550100001"}',
            '{username: alice, phone: "+15550100001", password: short}',
        )
        + "  - login: alice\n    expect: {status: 200}\n"
    )
    result = run(target, file)
    assert result.status == "error" and "weak_password" in result.message, result.message
    assert result.line == 6  # the user's entry under setup.users


def test_validation_and_reports_count_steps_alike(target: InProcessTarget, tmp_path: Path) -> None:
    """Validation said ``steps[4]`` where a report says ``step 5``: both say ``step 5`` now."""
    from sls_scenarios.loader import ScenarioInvalid

    steps = LOGIN + "- tickle:\n- logout:\n  expect: {status: 418}\n"
    ran = run(target, write(tmp_path, steps))
    assert ran.message.startswith("step 5 (logout): ")
    broken = write(tmp_path, steps.replace("- logout:", "- logout: {}\n  pasword: x"), name="broken")
    with pytest.raises(ScenarioInvalid) as caught:
        load(broken)
    assert "step 5 pasword" in [p.where for p in caught.value.problems]


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


def test_reports_give_the_line_of_the_step_that_failed(target: InProcessTarget, tmp_path: Path) -> None:
    """CI had ``step 1.1.2 (login alice)`` and the file, not where in it: a reader counted steps by hand."""
    looped = """\
    - repeat:
        times: 2
        steps:
        - say: a round
        - login: {user: alice, password: x}
          expect: {status: 200}
    """
    raced = """\
    - parallel:
        branches:
        - - {say: one}
        - - login: alice
            expect: {status: 418}
      expect: {statuses: {'200': 1}}
    """
    wrong = LOGIN.replace("authenticated", "elated")
    results = [
        run(target, write(tmp_path, wrong, name="plain")),
        run(target, write(tmp_path, looped, name="looped")),
        run(target, write(tmp_path, raced, name="raced")),
        run(target, write(tmp_path, wrong, name="marked", extra="expect_failure: a test of the report")),
    ]
    assert [r.line for r in results] == [12, 14, 13, 12], [r.message for r in results]
    junit = tmp_path / "junit.xml"
    report.write_junit(junit, results, seed=0)
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    assert [case.get("line") for case in cases] == ["12", "14", "13", "12"]
    failure = cases[1].find("failure")
    assert failure is not None and failure.get("message", "").startswith(
        f"{tmp_path / 'looped.scenario.yaml'}:14: step 1.1.2 (login alice): status is 401"
    )
    skipped = cases[3].find("skipped")
    assert skipped is not None and "marked.scenario.yaml:12: step 3 (verify" in skipped.get("message", "")
    assert report.as_json(results, seed=0, target="in-process")["scenarios"][0]["line"] == 12


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
    never = run(target, write(tmp_path, LOGIN + "- expect: {events: {happened: [{type: push.sent}]}}\n"))
    assert never.message.endswith("push.sent: 0 happened, expected at least one")


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
    """QA: a lock's ``Retry-After`` header (the README: sent with every 423 and 429 that has ``retry_after``,
    for clients whose retry logic reads it) could not be checked at all: ``expect`` had no ``headers``."""
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


def test_a_round_or_branch_reports_the_time_its_steps_took(target: InProcessTarget, tmp_path: Path) -> None:
    """Every round of a repeat and branch of a parallel showed ``0 ms`` (console, JSON ``ms: 0.0``), whatever
    its steps took: a CI dashboard read a slow round as free."""
    steps = """\
    - repeat:
        times: 2
        steps: [{login: {user: alice, password: 'guess-${i}'}}]
      expect: {statuses: {"401": 2}}
    - parallel:
        times: 2
        steps: [{login: {user: alice, password: 'other-${i}'}}]
      expect: {statuses: {"401": 2}}
    """
    result = run(target, write(tmp_path, steps))
    assert result.status == "passed", result.message
    for looped in result.steps:
        for part in looped.children:
            assert part.ms > 0 and part.ms == sum(step.ms for step in part.children), (part.title, part.ms)


def test_a_json_path_into_an_answer_that_is_not_json_says_so(target: InProcessTarget, tmp_path: Path) -> None:
    """``http: {method: GET, path: /}`` with ``json: {a: 1}`` failed with ``a is missing (expected 1)``: the
    login page's HTML has no ``a``, but the reader was not told the answer was not JSON at all."""
    steps = "- http: {method: GET, path: /}\n  expect: {status: 200, json: {state: ready}}\n"
    result = run(target, write(tmp_path, steps))
    assert result.message.endswith(
        "state is missing (expected 'ready') (the answer is not JSON: text/html; charset=utf-8)"
    ), result.message


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
