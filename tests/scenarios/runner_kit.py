"""The runner in-process for its tests (``test_scenario_runner``, ``test_scenario_reports``,
``test_scenario_failure_messages``): the ``target`` fixture (``from runner_kit import in_process``), a
scenario file written from steps, and the run of one."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

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

#: Setup accounts for HEAD (before its ``devices:``) that validate (each names a user of setup.users) and
#: the server refuses at the run (409: alice in a second account), the second on line 9.
TWO_ACCOUNTS = "  accounts:\n    - {id: U1, users: [alice]}\n    - {id: U2, users: [alice]}\n"


@pytest.fixture(name="target", scope="module")
def in_process() -> Iterator[InProcessTarget]:
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
