"""Scenario files that share a name, under the pytest plugin as under ``sls scenario run``: each an error
naming the other file, by the one rule both use (``loader.name_clashes``).

QA: ``sls scenario run`` made both error cases, but pytest ran both, each passing or failing on its own, and
JUnit showed two cases of one name."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_scenario_pytest_plugin import pytest_in

pytestmark = pytest.mark.e2e

SCENARIO = """\
name: {name}
description: A scenario that calls the health check.
{extra}
steps:
  - http: {{method: GET, path: /healthz}}
    expect: {{status: 200}}
"""


def test_scenario_files_sharing_a_name_are_each_an_error_naming_the_other(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    first, second = tmp_path / "first.scenario.yaml", tmp_path / "nested" / "second.scenario.yml"
    second.parent.mkdir()
    first.write_text(SCENARIO.format(name="health", extra=""))
    mark = "expect_failure: a mark that must not turn the clash into an expected failure"
    second.write_text(SCENARIO.format(name="health", extra=mark))
    (tmp_path / "other.scenario.yaml").write_text(SCENARIO.format(name="other", extra=""))
    ran = pytest_in(tmp_path, "--junitxml", str(tmp_path / "junit.xml"))
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "1 passed, 2 errors" in ran.stdout, ran.stdout
    unique = "scenario names must be unique"
    assert f"{first}:1:7: name: the name 'health' is also the name of {second}:1: {unique}" in ran.stdout
    assert f"{second}:1:7: name: the name 'health' is also the name of {first}:1: {unique}" in ran.stdout
    cases = {c.get("classname"): c for c in ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")}
    assert [name for name, case in sorted(cases.items()) if case.find("error") is not None] == [
        "first.scenario.yaml",
        "nested.second.scenario.yml",
    ], cases


def test_a_name_shared_with_a_scenario_left_out_by_k_is_no_clash(tmp_path: Path) -> None:
    """As ``sls scenario run --tag`` judges the names of the scenarios it runs: -k picks one of the two."""
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (tmp_path / "first.scenario.yaml").write_text(SCENARIO.format(name="health", extra="tags: [picked]"))
    (tmp_path / "second.scenario.yaml").write_text(SCENARIO.format(name="health", extra=""))
    ran = pytest_in(tmp_path, "-k", "picked")
    assert ran.returncode == 0 and "1 passed, 1 deselected" in ran.stdout, ran.stdout + ran.stderr
