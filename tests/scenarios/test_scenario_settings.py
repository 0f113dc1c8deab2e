"""``setup.settings`` is judged at validation against the settings the server declares.

QA: ``SLS_LOCKOUT_THRESHOD: 3`` (a typo), ``SLS_LOCKOUT_THRESHOLD: abc`` and ``SLS_NOPE: 1`` validated; with
``--server`` each scenario was skipped as needing settings "a running server cannot take", and the run said
"all passed: 2 skipped", exit 0. ``SLS_ADMIN_TOKEN: short`` got jsonschema's raw ``should not be valid
under {'enum': [...]}``. The names and bounds live in the scenario schema (this package reaches the server
only over HTTP); the last tests hold them to ``sls_server.config.PARSERS``.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from sls_scenarios.loader import load
from sls_scenarios.positions import ScenarioInvalid
from sls_scenarios.report import summary
from sls_scenarios.runner import ScenarioResult
from sls_scenarios.schema import schema
from sls_server.config import PARSERS, env_name

HEAD = """\
name: probe
description: A scenario written to probe the settings checks.
setup:
  settings:
{settings}
  users: [{{username: alice}}]
steps:
  - login: alice
    expect: {{status: 200}}
"""
RUNNERS_OWN = {"SLS_REDIS_URL", "SLS_DATA_DIR", "SLS_ADMIN_TOKEN", "SLS_SECRET_KEY"}


def problems(tmp_path: Path, *settings: str) -> list[str]:
    file = tmp_path / "probe.scenario.yaml"
    file.write_text(HEAD.format(settings="\n".join(f"    {line}" for line in settings)))
    with pytest.raises(ScenarioInvalid) as caught:
        load(file)
    return [str(p).replace(f"{file}:", "") for p in caught.value.problems]


def declared() -> dict[str, Any]:
    found: dict[str, Any] = schema()["properties"]["setup"]["properties"]["settings"]["properties"]
    return found


def test_an_unknown_setting_is_refused_where_it_is_written_with_the_closest_name(tmp_path: Path) -> None:
    found = problems(tmp_path, "SLS_LOCKOUT_THRESHOD: 3", "SLS_NOPE: 1")
    assert found == [
        "5:5: setup.settings.SLS_LOCKOUT_THRESHOD: the server has no setting 'SLS_LOCKOUT_THRESHOD' "
        "(did you mean 'SLS_LOCKOUT_THRESHOLD'?); `sls config` lists them",
        "6:5: setup.settings.SLS_NOPE: the server has no setting 'SLS_NOPE'; `sls config` lists them",
    ]


def test_a_value_the_server_would_refuse_is_refused(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "SLS_LOCKOUT_THRESHOLD: abc",
        "SLS_PUSH_LIMIT: 5000",
        "SLS_IP_REFUSAL: loud",
        "SLS_GATEWAY: 2",
    )
    assert found == [
        "5:28: setup.settings.SLS_LOCKOUT_THRESHOLD: expected an integer, got 'abc'",
        "6:21: setup.settings.SLS_PUSH_LIMIT: 5000 is greater than the maximum of 1000",
        "7:21: setup.settings.SLS_IP_REFUSAL: 'loud' is not one of `explicit`, `silent`",
        "8:18: setup.settings.SLS_GATEWAY: expected a boolean, got 2",
    ]


def test_a_duration_written_for_a_setting_in_seconds_is_told_the_number(tmp_path: Path) -> None:
    """``SLS_IDLE_TIMEOUT: 5m``, written as ``advance_clock: 5m`` is, got ``expected an integer`` alone: the
    unit is the server's (its own refusal names it), and the number to write is worked out when it can be."""
    found = problems(tmp_path, "SLS_IDLE_TIMEOUT: 5m", "SLS_ABSOLUTE_TIMEOUT: a day", "SLS_PUSH_LIMIT: 5m")
    assert found == [
        "5:23: setup.settings.SLS_IDLE_TIMEOUT: expected an integer, got '5m' (a whole number of seconds: "
        "`SLS_IDLE_TIMEOUT: 300`)",
        "6:27: setup.settings.SLS_ABSOLUTE_TIMEOUT: expected an integer, got 'a day' (a whole number of "
        "seconds)",
        "7:21: setup.settings.SLS_PUSH_LIMIT: expected an integer, got '5m'",  # a count: no unit to tell
    ]


def test_the_runners_own_settings_are_refused_plainly_and_a_secret_is_never_shown(tmp_path: Path) -> None:
    found = problems(tmp_path, "SLS_ADMIN_TOKEN: short", "SLS_SIM_TOKEN: short-sim")
    assert len(found) == 2 and "short" not in " ".join(found).replace("too short", "")
    assert found[0].startswith(
        "5:5: setup.settings.SLS_ADMIN_TOKEN: SLS_ADMIN_TOKEN cannot be set from a scenario: the runner sets "
        "it itself"
    )
    assert "should not be valid" not in found[0] and "enum" not in found[0]
    assert found[1] == (
        "6:20: setup.settings.SLS_SIM_TOKEN: this secret is refused: at least 16 characters "
        "(its value is not shown)"
    )


def test_a_run_of_skipped_scenarios_does_not_say_all_passed() -> None:
    skipped = [ScenarioResult(n, f"{n}.scenario.yaml", "skipped", message="needs settings") for n in "ab"]
    screen = Console(file=io.StringIO(), width=200)
    summary(screen, skipped)
    said = screen.file.getvalue()  # type: ignore[attr-defined]
    assert "all passed" not in said and "nothing ran: 2 skipped" in said


def test_the_schema_declares_every_setting_the_server_takes_but_the_runners_own() -> None:
    assert set(declared()) == {env_name(name) for name in PARSERS} - RUNNERS_OWN
    refused = schema()["properties"]["setup"]["properties"]["settings"]["propertyNames"]["not"]["enum"]
    assert set(refused) == RUNNERS_OWN


@pytest.mark.parametrize("name", sorted(env_name(n) for n in PARSERS if env_name(n) not in RUNNERS_OWN))
def test_each_declared_bound_is_the_servers(name: str) -> None:
    """What the schema accepts at its edges the server accepts, and what it refuses beyond them the server
    refuses too: a bound moved in ``config.PARSERS`` fails here."""
    parse = PARSERS[name[len("SLS_") :].lower()]
    rule = declared()[name]
    if "minimum" in rule:
        step = 1 if rule["type"] == "integer" else 0.01
        parse(rule["minimum"]), parse(rule["maximum"])
        for beyond in (rule["minimum"] - step, rule["maximum"] + step):
            with pytest.raises(ValueError):
                parse(beyond)
    elif "enum" in rule:
        assert [parse(option) for option in rule["enum"]] == rule["enum"]
        with pytest.raises(ValueError):
            parse("not-" + rule["enum"][0])
    elif rule.get("type") == "boolean":
        assert parse(True) is True and parse(False) is False
    elif rule.get("minLength"):
        parse("x" * rule["minLength"])
        with pytest.raises(ValueError):
            parse("x" * (rule["minLength"] - 1))
    else:
        assert rule["type"] == "string", f"{name}: declare how the schema bounds it"
