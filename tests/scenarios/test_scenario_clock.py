"""Scenarios run on a frozen clock: time passes only with ``advance_clock``, whatever real time does.

QA found ``sim-swap`` failing one run in four: the server's clock followed real time from ``setup.clock`` on,
so when a second turned between Bob's two enrolments his default factor changed. Here real time ticks a
second on *every* call of ``time.time`` (freezegun's ``auto_tick_seconds``): far worse than any real run,
so a scenario that still passes does not depend on real time at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from freezegun import freeze_time
from runner_kit import in_process  # noqa: F401  (the target fixture)

from sls_scenarios.files import library_dir, library_files
from sls_scenarios.loader import load
from sls_scenarios.runner import Runner
from sls_scenarios.targets import InProcessTarget

DEFAULT_CLOCK = 1_893_488_400  # setup.clock's default, 2030-01-01T09:00:00Z


def test_sim_swap_passes_every_time_while_real_time_ticks_a_second_per_call(target: InProcessTarget) -> None:
    scenario = load(library_dir() / "sim-swap.scenario.yaml")
    with freeze_time("2026-01-01 00:00:00", auto_tick_seconds=1):
        results = [Runner(target).run(scenario) for _ in range(20)]
    failed = [r.message for r in results if r.status != "passed"]
    assert failed == [], f"{len(failed)} of 20 runs failed, e.g. {failed[0]}"


def test_the_whole_library_passes_while_real_time_ticks_a_second_per_call(target: InProcessTarget) -> None:
    with freeze_time("2026-01-01 00:00:00", auto_tick_seconds=1):
        results = [Runner(target).run(load(file)) for file in library_files()]
    assert [(r.name, r.message) for r in results if not r.ok] == []


def test_a_scenario_sees_its_clock_frozen_at_setup_clock(target: InProcessTarget, tmp_path: Path) -> None:
    file = tmp_path / "frozen.scenario.yaml"
    file.write_text(
        "name: frozen\ndescription: The clock stands at setup.clock until a step moves it.\n"
        "setup: {users: [{username: alice}]}\nsteps:\n"
        "  - login: {user: alice, password: wrong-password-1}\n    expect: {status: 401}\n"
        "  - http: {method: GET, path: /admin/v1/clock, auth: admin}\n"
        f"    expect: {{json: {{now: {DEFAULT_CLOCK}, frozen: true}}}}\n"
        "  - advance_clock: 90\n"
        "  - http: {method: GET, path: /admin/v1/clock, auth: admin}\n"
        f"    expect: {{json: {{now: {DEFAULT_CLOCK + 90}, frozen: true}}}}\n"
    )
    with freeze_time("2026-01-01 00:00:00", auto_tick_seconds=1):
        result = Runner(target).run(load(file))
    assert result.status == "passed", result.message


def test_advance_clock_takes_the_durations_sls_clock_takes(target: InProcessTarget, tmp_path: Path) -> None:
    """``advance_clock: 16m`` was refused ("a ${variable} holding seconds") while ``sls clock --advance
    15m`` took it; both read one grammar now (``sls_scenarios.values.duration_seconds``)."""
    from sls_server.cli.clock_cmd import parse_duration

    assert [parse_duration(d) for d in ("900", "16m", "2h", "-1d", "30s")] == [900, 960, 7200, -86400, 30]
    file = tmp_path / "durations.scenario.yaml"
    file.write_text(
        "name: durations\ndescription: Durations as sls clock --advance takes them.\nsteps:\n"
        "  - advance_clock: 16m\n  - advance_clock: {seconds: 2h}\n  - advance_clock: -1d\n"
        "  - http: {method: GET, path: /admin/v1/clock, auth: admin}\n"
        f"    expect: {{json: {{now: {DEFAULT_CLOCK + 960 + 7200 - 86400}}}}}\n"
    )
    result = Runner(target).run(load(file))
    assert result.status == "passed", result.message
    assert result.steps[0].title.startswith("advance_clock 16m: now 2030-01-01 09:16:00Z")


def test_a_duration_the_runner_cannot_read_is_refused_at_validation(tmp_path: Path) -> None:
    from sls_scenarios.positions import ScenarioInvalid

    file = tmp_path / "soon.scenario.yaml"
    file.write_text(
        "name: soon\ndescription: A duration nobody can read.\nsteps:\n"
        "  - advance_clock: soon\n  - advance_clock: {seconds: 5 minutes}\n"
        "  - http: {method: GET, path: /healthz}\n    expect: {status: 200}\n"
    )
    with pytest.raises(ScenarioInvalid) as caught:
        load(file)
    found = [f"{p.line}:{p.column}: {p.message}" for p in caught.value.problems]
    assert found == [
        "4:20: 'soon' is not a duration like 900, 15m, 1h30m or -1d",
        "5:30: '5 minutes' is not a duration like 900, 15m, 1h30m or -1d (did you mean '5m'?)",
    ]


def test_a_duration_of_several_units_moves_the_clock_in_the_cli_and_in_a_scenario(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """A trainer typed ``sls clock --advance 13m30s`` to land thirty seconds before a ten-minute idle logoff
    warned, and was refused. Units may be combined, largest first, each once; the sign is the whole move's."""
    from sls_server.cli.clock_cmd import parse_duration
    from sls_server.cli.output import CliError

    spelt = ("13m30s", "1h30m", "-1h30m", "1d2h3m4s", "+5m", "2h0m")
    assert [parse_duration(d) for d in spelt] == [810, 5400, -5400, 93784, 300, 7200]
    for wrong in ("30s1m", "1h1h", "1h30", "1.5h", "-"):
        with pytest.raises(CliError, match="is not a duration like 900, 15m, 1h30m or -1d"):
            parse_duration(wrong)
    file = tmp_path / "units.scenario.yaml"
    file.write_text(
        "name: units\ndescription: Moves written with several units.\nsteps:\n"
        '  - advance_clock: "13m30s"\n  - advance_clock: {seconds: "1h30m"}\n'
        "  - http: {method: GET, path: /admin/v1/clock, auth: admin}\n"
        f"    expect: {{json: {{now: {DEFAULT_CLOCK + 810 + 5400}}}}}\n"
    )
    result = Runner(target).run(load(file))
    assert result.status == "passed", result.message


def test_a_zero_move_or_whole_seconds_written_with_a_fraction_move_the_clock_as_the_server_does(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """``advance_clock: 0.0`` validated (the schema's ``integer`` is JSON Schema's, which ``0.0`` is) and then
    failed at run time ("advance_clock needs a duration like 900, 15m, 2h or -1d, got 0.0"), and
    ``sls clock --advance 60.0`` was refused, where ``POST /admin/v1/clock`` takes ``{"advance_s": 60.0}``.
    A zero move is valid in all three; a fraction of a second in none."""
    from sls_server.cli.clock_cmd import parse_duration
    from sls_server.cli.output import CliError

    spelt = ("0", "-0", "0s", "0.0", "60.0", "15.0m")
    assert [parse_duration(d) for d in spelt] == [0, 0, 0, 0, 60, 900]
    with pytest.raises(CliError, match=r"'0\.5' is not a duration"):
        parse_duration("0.5")
    file = tmp_path / "zero.scenario.yaml"
    file.write_text(
        "name: zero\ndescription: Moves of nothing, and whole seconds written with a fraction.\nsteps:\n"
        '  - advance_clock: 0\n  - advance_clock: "0s"\n  - advance_clock: {seconds: 0}\n'
        "  - advance_clock: 0.0\n  - advance_clock: 60.0\n  - advance_clock: {seconds: 1.0e+2}\n"
        "  - http: {method: GET, path: /admin/v1/clock, auth: admin}\n"
        f"    expect: {{json: {{now: {DEFAULT_CLOCK + 160}}}}}\n"
    )
    result = Runner(target).run(load(file))
    assert result.status == "passed", result.message
    assert result.steps[4].title == "advance_clock 60.0: now 2030-01-01 09:01:00Z", result.steps[4].title


def test_advance_clock_at_run_time_tells_a_duration_in_words_its_short_form() -> None:
    """A ``${variable}`` holding ``2 minutes`` passes validation (its value is not known yet) and was refused
    bare at run time; the step says the short form now, as validation and ``sls clock --advance`` do. The
    duration is read before any request, so the step needs no world to refuse it."""
    from typing import Any, cast

    from sls_scenarios.steps.world import advance_clock
    from sls_scenarios.world import StepFailed

    nobody = cast(Any, None)
    with pytest.raises(StepFailed) as caught:
        advance_clock(nobody, nobody, "2 minutes", {})
    assert str(caught.value).endswith(
        "'2 minutes' is not a duration like 900, 15m, 1h30m or -1d (did you mean '2m'?)"
    )
    with pytest.raises(StepFailed) as caught:
        advance_clock(nobody, nobody, {"seconds": "90 secs"}, {})
    assert str(caught.value).endswith("(did you mean '90s'?)")
