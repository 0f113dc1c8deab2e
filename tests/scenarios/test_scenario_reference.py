"""The step reference says each thing once and says everything: QA found "Needs an `expect`." twice under
``http``, no shape for ``parallel``'s ``branches``, and no way to read an authenticator app's code but a raw
``http`` call documented nowhere (now the ``totp_code`` step)."""

from __future__ import annotations

import re
from pathlib import Path

from runner_kit import in_process  # noqa: F401  (the target fixture)

from sls_scenarios.loader import load
from sls_scenarios.reference import markdown
from sls_scenarios.runner import Runner
from sls_scenarios.schema import step_types
from sls_scenarios.targets import InProcessTarget


def sections() -> dict[str, str]:
    found = re.split(r"^### `([a-z_]+)`$", markdown(), flags=re.MULTILINE)
    return dict(zip(found[1::2], found[2::2], strict=True))


def test_each_step_says_it_needs_an_expect_once_at_most() -> None:
    said = {name: text.count("Needs an `expect`") for name, text in sections().items()}
    assert sorted(said) == sorted(step_types())
    assert {name: n for name, n in said.items() if n > 1} == {}
    assert said["http"] == 1 and said["parallel"] == 1


def test_parallels_branches_have_a_documented_shape() -> None:
    parallel = sections()["parallel"]
    assert "| `branches` | list of lists of steps |" in parallel
    assert "each a list of steps" in parallel and "branches:" in parallel  # described, and an example


def test_totp_code_reads_the_apps_code_for_verify(target: InProcessTarget, tmp_path: Path) -> None:
    file = tmp_path / "totp.scenario.yaml"
    file.write_text(
        "name: totp\ndescription: A login with an authenticator app's code.\n"
        "setup:\n  users: [{username: tom}]\n  devices: [{user: tom, type: totp, as: app}]\nsteps:\n"
        "  - login: tom\n    expect: {json: {factor.type: totp}}\n"
        "  - totp_code: {device: app}\n    expect: {json: {code: '${code}', device_id: '${app.device_id}'}}\n"
        "  - advance_clock: 1h\n  - login: tom\n  - totp_code: {device: app}\n"
        "  - verify: {}\n    expect: {json: {state: authenticated}}\n"
    )
    result = Runner(target).run(load(file))
    assert result.status == "passed", result.message
    assert "totp_code app" in result.steps[1].title and "s left)" in result.steps[1].title


def test_the_reference_says_what_an_event_expectation_holds() -> None:
    """QA writing ``events`` from the reference alone found only "Audit events ... must, or must not, have
    happened": not ``happened``/``not_happened``, nor that an event is picked by ``user``, ``ip``,
    ``detail.<path>`` (the sign-in notice's ``detail.new_place``) or counted with ``count``."""
    text = markdown()
    _, _, rest = text.partition("`events` holds")
    assert rest, "the reference never says what `events` holds"
    table = rest.split("\n\n## ")[0]
    for key in ("happened", "not_happened", "type", "user", "ip", "factor", "device_id", "result"):
        assert f"| `{key}` |" in table, key
    assert "| `detail` | mapping |" in table and "new_place" in table
    assert "| `count` |" in table and "at least one" in table
