"""A setup user whose name has a ``-`` or a ``.`` (both allowed in usernames) is a variable like any other.

Found writing a user ``bob-smith``: ``password: "${bob-smith.password}"`` was no reference at all (a
variable's name could not hold a ``-``), so the text itself was sent as the password, a 401 with nothing
said; and ``${al.ice_1.phone}`` was read as the variable ``al``, "used before any step sets it".
"""

from __future__ import annotations

from pathlib import Path

from format_kit import problems
from runner_kit import in_process, run

from sls_scenarios.loader import load
from sls_scenarios.targets import InProcessTarget

target = in_process

HEAD = """\
name: named-users
description: Users whose names have a dash or a dot, referenced as variables.
setup:
  users:
    - {username: bob-smith, phone: "+15550100031"}
    - {username: al.ice_1, phone: "+15550100032"}
  devices:
    - {user: bob-smith, type: sms}
    - {user: al.ice_1, type: sms}
steps:
"""

STEPS = """\
  - login: {user: bob-smith, password: "${bob-smith.password}"}
  - read_sms: {phone: "${bob-smith.phone}"}
  - verify: {}
    expect: {json: {state: authenticated}}
  - login: {user: "${al.ice_1.username}", password: "${al.ice_1.password}"}
    actor: other
  - read_sms: {phone: "${al.ice_1.phone}"}
  - verify: {}
    actor: other
    expect: {json: {state: authenticated}}
"""


def test_users_with_a_dash_or_a_dot_are_variables(target: InProcessTarget, tmp_path: Path) -> None:
    file = tmp_path / "named.scenario.yaml"
    file.write_text(HEAD.replace("setup:", "actors:\n  other: {address: 198.51.100.9}\nsetup:") + STEPS)
    load(file)  # valid: each reference names a user of the setup
    result = run(target, file)
    assert result.status == "passed", result.message


def test_a_misspelt_one_is_told_with_the_closest_user(tmp_path: Path) -> None:
    steps = '- login: {user: bob-smith, password: "${bob-smth.password}"}\n  expect: {status: 200}\n'
    found = problems(tmp_path, steps, head=HEAD)
    assert len(found) == 1 and "${bob-smth} is used before any step sets it" in found[0], found
    assert "did you mean 'bob-smith'?" in found[0], found
