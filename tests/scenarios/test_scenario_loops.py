"""A ``parallel``'s steps are judged by its own ``expect``, and a ``repeat`` whose rounds end in a parallel
counts the parallel's answers.

QA: ``parallel: {times: 3, steps: [{http: ...}]}`` with ``expect: {statuses: {200: 3}}`` was refused ("this
step needs an `expect`") though the reference says steps inside need none; a repeat of such a parallel with
``expect: {statuses: {200: 2}}`` said "0 of 0 ended with 200" though every inner check passed.
"""

from __future__ import annotations

from pathlib import Path

from format_kit import problems
from runner_kit import in_process, run, write  # noqa: F401 - in_process: "target"

from sls_scenarios.targets import InProcessTarget

READY = "{http: {method: GET, path: /readyz}}"


def test_a_raw_call_inside_a_parallel_needs_no_expect_of_its_own(
    target: InProcessTarget, tmp_path: Path
) -> None:
    steps = f"- parallel: {{times: 3, steps: [{READY}]}}\n  expect: {{statuses: {{200: 3}}}}\n"
    result = run(target, write(tmp_path, steps))
    assert result.status == "passed", result.message


def test_a_raw_call_elsewhere_still_needs_an_expect(tmp_path: Path) -> None:
    found = problems(tmp_path, f"- {READY}\n- login: alice\n  expect: {{status: 200}}\n")
    assert found == ["9:5: step 1: this step needs an `expect`: say what must happen"]


def test_a_repeat_of_a_parallel_counts_each_branchs_answer(target: InProcessTarget, tmp_path: Path) -> None:
    steps = f"""\
- repeat:
    times: 2
    steps:
      - parallel: {{times: 2, steps: [{READY}]}}
        expect: {{statuses: {{200: 2}}}}
  expect: {{statuses: {{200: 4}}}}
"""
    result = run(target, write(tmp_path, steps))
    assert result.status == "passed", result.message
    wrong = run(target, write(tmp_path, steps.replace("{200: 4}", "{200: 2}")))
    assert wrong.status == "failed" and "4 of 4 ended with 200, expected 2" in wrong.message, wrong.message
