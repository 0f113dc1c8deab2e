"""A scenario's iPhone without Touch ID / Face ID: ``biometrics: false`` with the iPhone's ``passcode`` in the
setup or an ``enroll`` step, ``passcode`` on the IB Key steps, and the ``ibkey_biometrics`` step (the
iPhone's Settings).
The IB Key steps unlock the way the phone then asks, unless a step says otherwise."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from runner_kit import in_process  # noqa: F401  (the target fixture)

from sls_scenarios.loader import load
from sls_scenarios.positions import ScenarioInvalid
from sls_scenarios.runner import Runner, ScenarioResult
from sls_scenarios.targets import InProcessTarget

HEAD = """\
name: probe
description: A scenario written by a test of the iPhone's passcode.
setup:
  users:
    - {{username: alice, phone: "+15550100001"}}
  devices:
    - {device}
steps:
"""


def write(tmp_path: Path, device: str, steps: str) -> Path:
    file = tmp_path / "probe.scenario.yaml"
    file.write_text(HEAD.format(device=device) + textwrap.indent(textwrap.dedent(steps), "  "))
    return file


def run(target: InProcessTarget, file: Path) -> ScenarioResult:
    result = Runner(target).run(load(file))
    assert result.status == "passed", [(s.name, s.status, s.message) for s in result.steps]
    return result


def test_an_iphone_of_the_setup_without_face_id_approves_and_responds_with_its_passcode(
    target: InProcessTarget, tmp_path: Path
) -> None:
    device = '{user: alice, type: ibkey, platform: ios, biometrics: false, passcode: "482916", as: iphone}'
    steps = """\
    - http: {method: GET, path: "/sim/v1/ibkey/${iphone.device_id}"}
      expect: {json: {unlock: passcode}}
    - login: alice
    - ibkey_approve: {device: iphone, passcode: "000000"}
      expect: {status: 403, json: {error: wrong_passcode, passcode_attempts_left: 9}}
    - ibkey_approve: {device: iphone, biometric: true}
      expect: {status: 400, json: {field: passcode}}
    - ibkey_approve: {device: iphone}
      expect: {status: 200, json: {state: approved}}
    - verify: {poll: true}
      expect: {json: {state: authenticated}}
    - stepup: {purpose: withdrawal, type: ibkey, mode: challenge}
    - ibkey_respond: {device: iphone}
      expect: {status: 200, json: {response: {regex: "[0-9]{8}"}}}
    - verify: {}
      expect: {json: {state: verified}}
    """
    run(target, write(tmp_path, device, steps))


def test_the_iphones_settings_and_a_passcode_activation_switch_how_the_steps_unlock(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """With Face ID, the setup's passcode is the iPhone's (given in its Settings): ``ibkey_biometrics``
    removes Face ID with it, and the steps then key the passcode; an iPhone activated in a step with
    ``passcode`` is unlocked with it too."""
    device = '{user: alice, type: ibkey, platform: ios, passcode: "1357", as: iphone}'
    steps = """\
    - login: alice
    - ibkey_approve: {device: iphone}
      name: Face ID, the setup's default
      expect: {status: 200, json: {state: approved}}
    - ibkey_biometrics: {device: iphone, enabled: false, passcode: "2468"}
      name: a wrong passcode in Settings
      expect: {status: 403, json: {error: wrong_passcode}}
    - ibkey_biometrics: {device: iphone, enabled: false}
      expect: {status: 200, json: {unlock: passcode}}
    - login: alice
    - ibkey_approve: {device: iphone}
      name: the passcode now
      expect: {status: 200, json: {state: approved}}
    - enroll: {user: alice, type: ibkey, platform: ios, as: new_iphone}
    - ibkey_activate: {device: new_iphone, user: alice, passcode: "246810"}
      expect: {status: 200, json: {status: active}}
    - login: alice
    - ibkey_deny: {device: new_iphone}
      expect: {status: 200, json: {state: denied}}
    """
    run(target, write(tmp_path, device, steps))


def test_an_iphone_enrolled_in_a_step_is_activated_and_unlocked_as_its_passcode_and_biometrics_say(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """The ``enroll`` step's ``passcode`` and ``biometrics`` are the setup's: without Face ID,
    ``ibkey_activate`` activates with the passcode and the steps key it; with Face ID, the passcode is the
    one the iPhone's Settings ask for (a wrong one refused)."""
    device = "{user: alice, type: totp}"
    steps = """\
    - enroll: {user: alice, type: ibkey, platform: ios, biometrics: false, passcode: "482916", as: bare}
    - ibkey_activate: {device: bare, user: alice}
    - http: {method: GET, path: "/sim/v1/ibkey/${bare.device_id}"}
      expect: {json: {unlock: passcode}}
    - login: alice
    - ibkey_approve: {device: bare}
      expect: {status: 200, json: {state: approved}}
    - enroll: {user: alice, type: ibkey, platform: ios, passcode: "1357", as: face}
    - ibkey_activate: {device: face, user: alice}
    - ibkey_biometrics: {device: face, enabled: false, passcode: "2468"}
      expect: {status: 403, json: {error: wrong_passcode}}
    - ibkey_biometrics: {device: face, enabled: false}
      expect: {status: 200, json: {unlock: passcode}}
    """
    run(target, write(tmp_path, device, steps))


def test_passcode_and_biometrics_belong_to_an_iphone_and_one_without_face_id_needs_its_passcode(
    tmp_path: Path,
) -> None:
    head = HEAD.format(device='{user: alice, type: ibkey, platform: android, passcode: "1234", as: a}')
    file = tmp_path / "probe.scenario.yaml"
    file.write_text(
        head.replace("steps:\n", "")
        + "    - {user: alice, type: ibkey, platform: ios, biometrics: false, as: b}\n"
        + '    - {user: alice, type: ibkey, platform: ios, passcode: "12345", as: c}\n'
        + "steps:\n  - login: alice\n    expect: {status: 200}\n"
        + '  - enroll: {user: alice, type: ibkey, platform: ios, biometrics: false, passcode: "12a4"}\n'
    )
    with pytest.raises(ScenarioInvalid) as caught:
        load(file)
    assert [str(p).replace(f"{file}:", "") for p in caught.value.problems] == [
        "7:63: setup.devices[0].passcode: `passcode` is an iPhone's: only for type ibkey, platform ios",
        "8:61: setup.devices[1].biometrics: an iPhone without Touch ID / Face ID needs its `passcode`",
        "9:59: setup.devices[2].passcode: iPhone passcode '12345': the iPhone's passcode is 4 or 6 digits",
        "13:84: step 2 enroll.passcode: iPhone passcode '12a4': the iPhone's passcode is 4 or 6 digits",
    ]
