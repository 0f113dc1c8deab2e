"""``sls scenario demo``'s columns: each step goes in the column of the actor who took it, a ``parallel``
too when every branch is one actor's (the push-bombing flood, five logins by the attacker, was printed in
the defender's column)."""

from __future__ import annotations

import io

from rich.console import Console
from runner_kit import in_process  # noqa: F401  (the target fixture)

from sls_scenarios.demo import DemoReport
from sls_scenarios.files import library_dir
from sls_scenarios.loader import load
from sls_scenarios.runner import Runner
from sls_scenarios.targets import InProcessTarget

WIDTH = 150


def test_a_parallel_whose_branches_are_all_the_attackers_goes_in_the_attackers_column(
    target: InProcessTarget,
) -> None:
    out = io.StringIO()
    console = Console(file=out, width=WIDTH, color_system=None)
    scenario = load(library_dir() / "push-bombing.scenario.yaml")
    result = Runner(target, listener=DemoReport(console, pace=0)).run(scenario)
    assert result.ok, result.message
    lines = out.getvalue().splitlines()
    flood = next(line for line in lines if "parallel 5" in line)
    # the attacker's column is the first third of the grid, the defender's the second
    assert flood.index("parallel 5") < WIDTH // 3, flood
    deny = next(line for line in lines if "ibkey_deny" in line)
    assert WIDTH // 3 - 2 <= deny.index("7 ibkey_deny") < 2 * WIDTH // 3, deny  # Alice's: the defender's


def test_the_demo_marks_its_attacker_actors_addresses_for_the_console(target: InProcessTarget) -> None:
    """The trainer console's feed tags the marked addresses "(attacker)" (``PUT /admin/v1/attackers``): the
    scenario's attacker logging in from its own address showed as green good news."""
    console = Console(file=io.StringIO(), width=WIDTH, color_system=None)
    scenario = load(library_dir() / "push-bombing.scenario.yaml")
    assert Runner(target, listener=DemoReport(console, pace=0)).run(scenario).ok
    auth = {"Authorization": f"Bearer {target.admin_token}"}
    query = {"type": "attack.addresses_marked"}
    found = target.client(None).request("GET", "/admin/v1/events", headers=auth, query=query)
    assert [e["detail"]["addresses"] for e in found.body["events"]] == [["203.0.113.66"]], found.body
