"""A push the phone denies, or one not answered yet: the poll answers ``200`` with ``state: denied`` (or
``pending``), not an error. A ``verify`` without ``expect`` passed on it as on any 2xx, and the scenario then
failed at the next session step with ``it never finished a login``, far from the cause; one that means to show
the denial says so in ``expect``, as the library's ``sim-swap`` and ``push-bombing`` do."""

from __future__ import annotations

from pathlib import Path

import pytest
from runner_kit import in_process, run  # noqa: F401 - in_process: "target"

from sls_scenarios.targets import InProcessTarget

HEAD = """\
name: push-probe
description: Alice logs in with IB Key; her phone answers the push.
setup:
  users: [{username: alice, phone: "+15550100001"}]
  devices: [{user: alice, type: ibkey, platform: android, pin: "1234", as: phone}]
steps:
"""


def write(tmp_path: Path, steps: str) -> Path:
    file = tmp_path / "push-probe.scenario.yaml"
    file.write_text(HEAD + steps)
    return file


def test_a_denied_push_fails_its_verify_saying_so_and_what_to_write(
    target: InProcessTarget, tmp_path: Path
) -> None:
    steps = "  - login: alice\n  - ibkey_deny: {device: phone}\n  - verify: {}\n  - tickle:\n"
    result = run(target, write(tmp_path, steps + "    expect: {status: 200}\n"))
    assert result.status == "failed"
    assert result.message == (
        "step 3 (verify: poll -> denied): the push was denied in the IB Key app (state: denied): this login "
        "will not go through; to show it, expect it: `expect: {json: {state: denied}}`"
    ), result.message


def test_a_denial_the_scenario_means_to_show_passes(target: InProcessTarget, tmp_path: Path) -> None:
    steps = (
        "  - login: alice\n  - ibkey_deny: {device: phone}\n    expect: {json: {state: denied}}\n"
        "  - verify: {}\n    expect:\n      json: {state: denied}\n"
        "      events: {happened: [{type: push.denied, user: alice}]}\n"
        "  - tickle:\n    expect: {status: 401, error: not_authenticated}\n"
    )
    result = run(target, write(tmp_path, steps))
    assert result.status == "passed", result.message


@pytest.mark.parametrize(
    ("steps", "said"),
    [
        pytest.param(
            "  - login: alice\n  - verify: {}\n  - ibkey_approve: {device: phone}\n",
            "step 2 (verify: poll -> pending): the push still waits for the IB Key app (state: pending): "
            "approve it first (`ibkey_approve`); to show it, expect it: `expect: {json: {state: pending}}`",
            id="polled before the phone answered",
        ),
        pytest.param(
            "  - login: alice\n  - ibkey_approve: {device: phone}\n  - verify: {}\n"
            "  - stepup: {purpose: withdrawal, type: ibkey}\n  - ibkey_deny: {device: phone}\n"
            "  - verify: {}\n",
            "step 6 (verify: poll -> denied): the push was denied in the IB Key app (state: denied): this "
            "step-up will not go through; to show it, expect it: `expect: {json: {state: denied}}`",
            id="a step-up denied",
        ),
    ],
)
def test_a_push_not_approved_fails_a_verify_without_expect(
    target: InProcessTarget, tmp_path: Path, steps: str, said: str
) -> None:
    result = run(target, write(tmp_path, steps + "  - tickle:\n    expect: {status: 200}\n"))
    assert result.message == said, result.message


def test_an_approved_push_and_a_typed_response_still_pass_without_expect(
    target: InProcessTarget, tmp_path: Path
) -> None:
    steps = "  - login: alice\n  - ibkey_approve: {device: phone}\n  - verify: {}\n"
    result = run(target, write(tmp_path, steps + "  - tickle:\n    expect: {status: 200}\n"))
    assert result.status == "passed", result.message
