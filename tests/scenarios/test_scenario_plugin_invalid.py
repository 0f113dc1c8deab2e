"""An invalid scenario file under the pytest plugin: one error of its own, as ``sls scenario run`` reports it,
while every other test runs; and what pytest's short summary shows of a scenario that failed.

QA: one invalid file was a collection error, so pytest stopped the session ("Interrupted: 1 error during
collection"): the valid scenario and the Python tests beside it never ran, and JUnit had one testcase named
after the file, with an empty classname. A failed scenario's summary line was cut before its reason, which
came after an absolute path."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from inner_pytest import PytestIn, inner_pytest  # noqa: F401 (the fixture pytest_in)

pytestmark = pytest.mark.e2e

SCENARIO = """\
name: {name}
description: A scenario that calls the health check.
steps:
  - {step}: {{method: GET, path: /healthz}}
    expect: {{status: {status}}}
"""


def test_an_invalid_file_is_an_error_of_its_own_and_the_rest_runs(
    tmp_path: Path, pytest_in: PytestIn
) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (tmp_path / "health.scenario.yaml").write_text(SCENARIO.format(name="health", step="http", status=200))
    (tmp_path / "test_plain.py").write_text("def test_one():\n    pass\n\ndef test_two():\n    pass\n")
    typo = tmp_path / "typo.scenario.yaml"
    typo.write_text(SCENARIO.format(name="typo-check", step="htp", status=200))
    (tmp_path / "unnamed.scenario.yml").write_text("name: [not, a, name]\n")
    ran = pytest_in(tmp_path, "--junitxml", str(tmp_path / "junit.xml"))
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "3 passed, 2 errors" in ran.stdout and "Interrupted" not in ran.stdout, ran.stdout
    assert f"{typo}:4:5: step 1: unknown step type 'htp' (did you mean 'http'?)" in ran.stdout
    assert "ERROR typo.scenario.yaml::typo-check - Failed: invalid scenario: step" in ran.stdout
    cases = {
        (case.get("classname"), case.get("name")): case
        for case in ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")
    }
    assert cases[("typo.scenario.yaml", "typo-check")].find("error") is not None, cases
    assert cases[("unnamed.scenario.yml", "unnamed")].find("error") is not None, cases
    assert cases[("health.scenario.yaml", "health")].find("error") is None, cases


def test_the_short_summary_shows_why_a_scenario_failed(tmp_path: Path, pytest_in: PytestIn) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    folder = tmp_path / "tests"
    folder.mkdir()
    wrong = folder / "wrongstatus.scenario.yaml"
    wrong.write_text(SCENARIO.format(name="wrong-status", step="http", status=201))
    ran = pytest_in(tmp_path)  # 80 columns: the summary line is cut there
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "FAILED tests/wrongstatus.scenario.yaml::wrong-status - failed: step 1" in ran.stdout, ran.stdout
    # the place is where pytest ends a report, relative to where pytest runs
    assert f"\n{wrong.relative_to(tmp_path)}:4: failed\n" in ran.stdout, ran.stdout


@pytest.mark.parametrize("select", [["-k", "picked"], ["-k", "not typo and not one"], ["-m", "slow"]])
def test_an_invalid_file_is_never_deselected(tmp_path: Path, select: list[str], pytest_in: PytestIn) -> None:
    """As pytest reports a test module that does not import whatever ``-k`` or ``-m`` says: a file that is no
    scenario has no tags or marks to select it by, and deselected it would pass silently.

    QA: ``pytest -k picked`` (or ``-m slow``) deselected the invalid file's item with the tests it left
    out: "1 passed, 2 deselected", exit 0 (``-m`` selecting nothing at all: exit 5, no tests ran)."""
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\nmarkers = slow: slow\n")
    health = SCENARIO.format(name="health", step="http", status=200).replace(
        "steps:", "tags: [picked]\nsteps:"
    )
    (tmp_path / "health.scenario.yaml").write_text(health)
    (tmp_path / "test_plain.py").write_text("def test_one():\n    pass\n")
    (tmp_path / "typo.scenario.yaml").write_text(SCENARIO.format(name="typo-check", step="htp", status=200))
    ran = pytest_in(tmp_path, *select)
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "ERROR typo.scenario.yaml::typo-check - Failed: invalid scenario: step" in ran.stdout, ran.stdout
    assert "1 error" in ran.stdout and "deselected" in ran.stdout, ran.stdout


def test_an_invalid_file_deselected_by_its_own_node_id_is_left_out(
    tmp_path: Path, pytest_in: PytestIn
) -> None:
    """``--deselect`` names the file itself: the user means it (a file kept broken on purpose)."""
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (tmp_path / "typo.scenario.yaml").write_text(SCENARIO.format(name="typo-check", step="htp", status=200))
    (tmp_path / "test_plain.py").write_text("def test_one():\n    pass\n")
    ran = pytest_in(tmp_path, "--deselect", "typo.scenario.yaml")
    assert ran.returncode == 0 and "1 passed, 1 deselected" in ran.stdout, ran.stdout + ran.stderr


@pytest.mark.parametrize("failed_before", ["a Python test", "the scenario itself"])
def test_an_invalid_file_is_not_left_out_by_last_failed(
    tmp_path: Path, failed_before: str, pytest_in: PytestIn
) -> None:
    """``--lf`` reruns what failed last time: a scenario file that became invalid since is run too, whether
    it passed last time (pytest's last-failed plugin skipped collecting a file with no failure in it) or
    failed under another name (it kept only the ids that failed, and then deselected the rest after this
    plugin's hook had put the invalid file's item back: it wrapped that hook).

    QA: a scenario file made invalid after a run with one failing Python test, ``pytest --lf`` said
    "1 failed" and never a word of the file."""
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers = slow: slow\n")
    (tmp_path / "test_plain.py").write_text("def test_good():\n    pass\n\ndef test_bad():\n    assert 0\n")
    status = 201 if failed_before == "the scenario itself" else 200
    health = tmp_path / "health.scenario.yaml"
    health.write_text(SCENARIO.format(name="health", step="http", status=status))
    first = pytest_in(tmp_path)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "FAILED test_plain.py::test_bad" in first.stdout, first.stdout
    health.write_text(SCENARIO.format(name="health-renamed", step="htp", status=200))
    ran = pytest_in(tmp_path, "--lf")
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "ERROR health.scenario.yaml::health-renamed - Failed: invalid scenario: step" in ran.stdout, (
        ran.stdout
    )
    assert "FAILED test_plain.py::test_bad" in ran.stdout and "1 error" in ran.stdout, ran.stdout
    assert "test_good" not in ran.stdout  # the rest of what passed is still left out
