"""A probe scenario for the loader's tests (``test_scenario_format``, ``test_scenario_loader_errors``,
``test_scenario_cross_checks``): a head with a user and a card, steps appended, the problems it reports."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sls_scenarios.loader import load
from sls_scenarios.positions import ScenarioInvalid

HEAD = """\
name: probe
description: A scenario written to probe the loader.
setup:
  users:
    - {username: alice, phone: "+15550100001"}
  devices:
    - {user: alice, type: dscplus, pin: "1234", as: card}
steps:
"""


def problems(tmp_path: Path, steps: str, head: str = HEAD) -> list[str]:
    file = tmp_path / "probe.scenario.yaml"
    file.write_text(head + textwrap.indent(textwrap.dedent(steps), "  "))
    with pytest.raises(ScenarioInvalid) as caught:
        load(file)
    return [str(p).replace(f"{file}:", "") for p in caught.value.problems]
