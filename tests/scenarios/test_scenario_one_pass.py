"""One validation tells every problem of a file: the cross-checks (undefined users, variables, devices,
actors, values only the run would refuse) run beside the schema's check on every part it took, and a part
it refused is told once, by the schema, not again by a check that read it.

QA: a file with a schema error was told only that; fixed, the next validation told the undefined user and
variable it had had all along."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from format_kit import HEAD, problems

from sls_scenarios.loader import load
from sls_scenarios.schema_check import check
from sls_server.cli.main import cli

BOTH = """\
- login: alcie
  expect: {stauts: 200}
- enroll: {user: alice, type: dscplus, pin: "12"}
- verify: {response: "${respnse}"}
  actor: attacker
- request_code: vioce
- advance_clock: {to: "2030-01-01T09:00:00"}
  expect: {status: 200}
"""


def test_schema_problems_and_cross_checks_are_told_in_one_validation(tmp_path: Path) -> None:
    assert problems(tmp_path, BOTH) == [
        "9:12: step 1 login: 'alcie' is not a user of setup.users (did you mean 'alice'?);"
        " a user made otherwise needs a `password`",
        "10:14: step 1 expect.stauts: unknown key 'stauts' (did you mean 'status'?); expected `status`,"
        " `error`, `json`, `headers`, `events`, `statuses`",
        "11:47: step 2 enroll.pin: dscplus PIN '12': the PIN must be exactly 4 digits 0-9",
        "12:13: step 3 verify: ${respnse} is used before any step sets it",
        "13:12: step 3 actor: no actor is called 'attacker'; add it under `actors`",
        "14:19: step 4 request_code: 'vioce' is not one of `sms`, `voice` (did you mean 'voice'?)",
        "15:25: step 5 advance_clock.to: '2030-01-01T09:00:00' has no time zone: add Z for UTC",
    ]


def test_validate_and_run_tell_both_kinds_at_once(tmp_path: Path) -> None:
    file = tmp_path / "probe.scenario.yaml"
    file.write_text(HEAD + "".join(f"  {line}\n" for line in BOTH.splitlines()))
    checked = CliRunner().invoke(cli, ["scenario", "validate", str(file), "--json"])
    said = [p["message"] for p in json.loads(checked.stdout)[0]["problems"]]
    assert checked.exit_code == 1 and len(said) == 7, said
    assert any("unknown key 'stauts'" in s for s in said) and any("'alcie' is not a user" in s for s in said)
    ran = CliRunner().invoke(cli, ["scenario", "run", str(file), "--json"])
    (case,) = json.loads(ran.stdout)["scenarios"]
    assert case["status"] == "error" and "unknown key 'stauts'" in case["message"]
    assert "${respnse} is used before any step sets it" in case["message"]


def test_a_part_the_schema_refused_is_not_judged_again(tmp_path: Path) -> None:
    """Each is the schema's one problem: a check that read the refused value (or missed a key written
    under a misspelt name) would tell the same mistake a second time, in words that mislead."""
    head = HEAD.replace('phone: "+15550100001"}', 'phnoe: "+15550100001"}').replace(
        "as: card}", "as: card}\n    - {user: alice, type: ibky, platform: ios, passcode: '123456', as: app}"
    )
    found = problems(
        tmp_path,
        """\
        - login: {user: mallory, pasword: x}
        - {login: alice, captur: {tok: login_token}, expcet: {status: 200}}
        - http: {method: GET, path: "/x/${tok}"}
          expcet: {status: 200}
        - read_sms: {user: alice}
        - card: {devcie: card}
        """,
        head=head,
    )
    assert found == [
        "5:25: setup.users[0].phnoe: unknown key 'phnoe' (did you mean 'phone'?); expected `username`,"
        " `password`, `phone`, `ip_allowlist`",
        "8:27: setup.devices[1].type: 'ibky' is not one of `dscplus`, `ibkey`, `sms`, `voice`, `totp`,"
        " `temporary` (did you mean 'ibkey'?)",
        "10:28: step 1 login.pasword: unknown key 'pasword' (did you mean 'password'?); expected `user`,"
        " `password`",
        "11:20: step 2 captur: unknown key 'captur' (did you mean 'capture'?); expected `login`, `actor`,"
        " `name`, `expect`, `capture`",
        "11:48: step 2 expcet: unknown key 'expcet' (did you mean 'expect'?); expected `login`, `actor`,"
        " `name`, `expect`, `capture`",
        "13:5: step 3 expcet: unknown key 'expcet' (did you mean 'expect'?); expected `http`, `actor`,"
        " `name`, `expect`, `capture`",
        "15:12: step 5 card.devcie: unknown key 'devcie' (did you mean 'device'?); expected `device`,"
        " `pin`, `challenge`, `offline`",
    ]


def test_after_a_step_the_schema_refused_the_names_it_may_have_set_are_not_called_undefined(
    tmp_path: Path,
) -> None:
    """``logn`` might have captured ``tok``: a later ``${tok}`` is not told as unset; a user the setup
    never made is still told, since no step defines users."""
    found = problems(
        tmp_path,
        """\
        - logn: alice
          capture: {tok: login_token}
        - http: {method: GET, path: "/x/${tok}"}
          expect: {status: 200}
        - login: bob
        """,
    )
    assert found == [
        "9:5: step 1: unknown step type 'logn' (did you mean 'login'?)",
        "13:12: step 3 login: 'bob' is not a user of setup.users; a user made otherwise needs a `password`",
    ]


def test_an_empty_list_of_steps_or_a_malformed_setup_is_told_once(tmp_path: Path) -> None:
    empty = problems(tmp_path, "", head=HEAD.replace("steps:\n", "steps: []\n"))
    assert len(empty) == 1 and empty[0].startswith("8:8: steps: [] should be non-empty"), empty
    head = HEAD.replace("  users:\n    - {username: alice", "  clock: [1]\n  users:\n    - {username: Alice")
    found = problems(tmp_path, "- login: alice\n  expect: {status: 200}\n", head=head)
    assert found == [
        "4:10: setup.clock: expected an integer or a string, got a list",
        "6:18: setup.users[0].username: 'Alice' does not fit: it should be a username the server creates: "
        "3-64 lower-case letters, digits, `.`, `_` or `-`, starting with a letter or digit; "
        "or a ${variable}.",
    ]


RICH = """\
name: rich
description: Every part the cross-checks read, each once.
actors:
  attacker: {address: 203.0.113.66}
setup:
  clock: "2030-01-01T09:00:00Z"
  users:
    - {username: alice, phone: "+15550100001"}
    - {username: bob}
  accounts:
    - {id: U1234567, users: [alice, bob]}
  devices:
    - {user: alice, type: dscplus, pin: "1234", as: card}
    - {user: alice, type: ibkey, platform: ios, biometrics: false, passcode: "482916", as: iphone}
steps:
  - login: alice
    capture: {tok: login_token}
  - card: {device: card}
  - verify: {response: "${response}"}
    expect: {json: {state: {regex: "^auth"}}, events: {happened: [{type: login.succeeded, user: alice}]}}
  - enroll: {user: bob, type: totp, as: app}
  - totp_code: {device: app}
  - repeat:
      times: 2
      steps:
        - login: {user: bob, password: "guess-${i}"}
          actor: attacker
    expect: {statuses: {"401": 2}}
  - parallel:
      branches:
        - - {login: alice}
        - - {http: {method: GET, path: "/x/${tok}"}}
    expect: {statuses: {"200": 1, "404": 1}}
  - advance_clock: {seconds: 15m}
  - http: {method: GET, path: /healthz}
    expect: {status: 200, json: {retry_after: {between: [1, 60]}}}
"""


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        return found + [p for key, item in value.items() for p in _paths(item, (*path, key))]
    if isinstance(value, list):
        return found + [p for i, item in enumerate(value) for p in _paths(item, (*path, i))]
    return found


def test_any_value_or_key_of_any_shape_anywhere_is_judged_without_a_crash(tmp_path: Path) -> None:
    """The cross-checks now read documents the schema refused parts of: each value of a scenario with every
    part they read, replaced by one of another shape, and each key, misspelt, is told as a problem, never a
    crash nor a check's word about the refused value."""
    file = tmp_path / "rich.scenario.yaml"
    file.write_text(RICH)
    scenario = load(file)
    for path in _paths(scenario.data):
        for wrong in (7, {"x": 1}, "misspelt"):
            data = copy.deepcopy(scenario.data)
            holder = data
            for part in path[:-1]:
                holder = holder[part]
            if wrong == "misspelt" and isinstance(path[-1], str):
                holder[f"{path[-1]}x"] = holder.pop(path[-1])
            else:
                holder[path[-1]] = wrong
            said = check(data, scenario.positions, "probe")
            assert not any("refused" in p.message for p in said), (path, wrong, said)
