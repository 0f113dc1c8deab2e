"""A runner crash is an error, never an expected failure; a whole user or device where a name is expected is
refused at validation, and never printed.

QA: ``- login: "${alice}"`` validated, then crashed at run time (``unexpected KeyError: 'user' (a runner
bug?)``); with ``expect_failure`` the run said xfailed, all passed, exit 0. ``- card: {device: "${alice}"}``
validated and failed with ``no challenge is shown for {'username': 'alice', 'password': ...}``.
"""

from __future__ import annotations

from pathlib import Path

from format_kit import problems
from runner_kit import in_process, run, write  # noqa: F401 - in_process: "target"

from sls_scenarios.targets import InProcessTarget

#: A valid scenario whose second login is handed a mapping (the captured factor): the runner cannot take it.
CRASHES = """\
- login: alice
  capture: {shown: factor}
- login: "${shown}"
  expect: {status: 200}
"""
MARK = "expect_failure: this scenario is known to fail for a reason of its own"


def test_a_runner_crash_is_an_error_even_under_expect_failure(
    target: InProcessTarget, tmp_path: Path
) -> None:
    result = run(target, write(tmp_path, CRASHES, extra=MARK))
    assert result.status == "error", result.message
    assert not result.ok
    assert result.message.startswith("step 2 (") and "unexpected KeyError" in result.message
    assert result.line == 12  # where the step that crashed is written


def test_a_crash_inside_a_repeat_is_an_error_too(target: InProcessTarget, tmp_path: Path) -> None:
    steps = CRASHES.replace(
        '- login: "${shown}"', '- repeat:\n    times: 2\n    steps: [{login: "${shown}"}]'
    )
    result = run(target, write(tmp_path, steps, extra=MARK))
    assert result.status == "error", result.message
    assert result.steps[1].status == "error" and result.steps[1].children[0].status == "error"


def test_a_whole_user_or_device_where_a_name_is_expected_is_refused(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: "${alice}"
          expect: {status: 200}
        - card: {device: "${card}"}
        - card: {device: "${alice}"}
        - login: "${alice.username}"
        """,
    )
    assert found == [
        "9:12: step 1 login: ${alice} is the whole user 'alice' (a mapping) where a string is expected: "
        "name one of its fields, like ${alice.username}",
        "11:20: step 2 card.device: ${card} is the whole device 'card' (a mapping) where a string is "
        "expected: name one of its fields, like ${card.device_id}",
        "12:20: step 3 card.device: ${alice} is the whole user 'alice' (a mapping) where a string is "
        "expected: name one of its fields, like ${alice.username}",
    ]


def test_a_mapping_given_as_a_device_is_refused_without_being_shown(
    target: InProcessTarget, tmp_path: Path
) -> None:
    steps = (
        "- login: alice\n  capture: {shown: factor}\n- card: {device: '${shown}'}\n  expect: {status: 200}\n"
    )
    result = run(target, write(tmp_path, steps))
    assert result.status == "failed"
    assert "`device` holds a mapping, not a device's name or id" in result.message
    assert "{'" not in result.message and "dscplus" not in result.message.split(":", 1)[1], result.message
