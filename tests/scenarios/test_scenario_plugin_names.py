"""Scenario files that share a name, under the pytest plugin as under ``sls scenario run``: each an error
naming the other file, by the one rule both use (``loader.name_clashes``).

QA: ``sls scenario run`` made both error cases, but pytest ran both, each passing or failing on its own, and
JUnit showed two cases of one name."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from inner_pytest import PytestIn, inner_pytest, pytest_child  # noqa: F401 (the fixture pytest_in)

from sls_scenarios.rootdir import project_root

pytestmark = pytest.mark.e2e

SCENARIO = """\
name: {name}
description: A scenario that calls the health check.
{extra}
steps:
  - http: {{method: GET, path: /healthz}}
    expect: {{status: 200}}
"""


def test_scenario_files_sharing_a_name_are_each_an_error_naming_the_other(
    tmp_path: Path, pytest_in: PytestIn
) -> None:
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


def test_a_name_shared_with_a_scenario_left_out_by_k_is_no_clash(tmp_path: Path, pytest_in: PytestIn) -> None:
    """As ``sls scenario run --tag`` judges the names of the scenarios it runs: -k picks one of the two."""
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (tmp_path / "first.scenario.yaml").write_text(SCENARIO.format(name="health", extra="tags: [picked]"))
    (tmp_path / "second.scenario.yaml").write_text(SCENARIO.format(name="health", extra=""))
    ran = pytest_in(tmp_path, "-k", "picked")
    assert ran.returncode == 0 and "1 passed, 1 deselected" in ran.stdout, ran.stdout + ran.stderr


def test_sls_scenario_run_names_each_case_as_pytest_does_from_whatever_folder_it_starts(
    tmp_path: Path,
    pytest_in: PytestIn,
) -> None:
    """One identity in CI, the project's root (pytest's rootdir: the folder of pyproject.toml's
    ``[tool.pytest.ini_options]``) counted from.

    QA: ``sls scenario run`` counted the path from its working folder: run from ``tests/`` (or a CI job's
    checkout folder), ``tests.qa.health.scenario.yaml`` became ``qa.health.scenario.yaml``."""
    project = tmp_path / "project"
    (project / "tests" / "qa").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.pytest.ini_options]\naddopts = "-p no:cacheprovider"\n')
    (project / "tests" / "qa" / "health.scenario.yaml").write_text(SCENARIO.format(name="health", extra=""))
    (project / "tests" / "qa" / "typo.scenario.yml").write_text("name: typo-check\nsteps: [{htp: x}]\n")
    ran = pytest_in(project, "--junitxml", str(tmp_path / "pytest.xml"))
    assert ran.returncode == 1, ran.stdout + ran.stderr

    def named(junit: Path) -> list[tuple[str | None, str | None]]:
        return sorted((c.get("classname"), c.get("name")) for c in ET.parse(junit).getroot().iter("testcase"))

    expected = [("tests.qa.health.scenario.yaml", "health"), ("tests.qa.typo.scenario.yml", "typo-check")]
    assert named(tmp_path / "pytest.xml") == expected
    for here, folder in ((project, "tests/qa"), (project / "tests", "qa"), (tmp_path, "project/tests/qa")):
        junit = tmp_path / f"{here.name}.xml"
        command = [
            sys.executable,
            "-m",
            "sls_server.cli.main",
            "scenario",
            "run",
            folder,
            "--junit",
            str(junit),
        ]
        run = subprocess.run(command, cwd=here, capture_output=True, text=True, timeout=300)
        assert run.returncode == 1 and junit.exists(), run.stdout + run.stderr
        assert named(junit) == expected, here


@pytest.mark.parametrize(
    "workers", [pytest.param([], id="one process"), pytest.param(["-n", "2"], id="xdist")]
)
def test_a_file_in_no_project_is_named_alike_by_pytest_and_sls_scenario_run(
    tmp_path: Path, workers: list[str], pytest_in: PytestIn
) -> None:
    """Around a file with no configuration, project file or ``.git`` above it, pytest counts the path from
    the folder it was started in: ``sub.health.scenario.yaml`` from ``loose``, ``loose.sub...`` from the
    folder above, where ``sls scenario run`` said ``health.scenario.yaml`` from anywhere. Both now name it
    by ``report.classname``, with or without xdist's workers."""
    loose = tmp_path / "loose"
    (loose / "sub").mkdir(parents=True)
    (loose / "sub" / "health.scenario.yaml").write_text(SCENARIO.format(name="health", extra=""))
    (loose / "sub" / "typo.scenario.yml").write_text("name: typo-check\nsteps: [{htp: x}]\n")
    if project_root(loose / "sub" / "health.scenario.yaml") is not None:
        pytest.skip(f"{tmp_path} lies in a project: no file there is in none")

    def named(junit: Path) -> list[tuple[str | None, str | None]]:
        return sorted((c.get("classname"), c.get("name")) for c in ET.parse(junit).getroot().iter("testcase"))

    expected = [("health.scenario.yaml", "health"), ("typo.scenario.yml", "typo-check")]
    # Each run boots its own server: xdist's is checked from one folder, the CLI's (the same either way) once.
    places = ((loose, "sub"), (tmp_path, "loose")) if not workers else ((tmp_path, "loose"),)
    for here, folder in places:
        junit = tmp_path / f"pytest-{here.name}.xml"
        run_pytest = pytest_child if workers else pytest_in  # xdist's workers are processes of their own
        ran = run_pytest(here, "-p", "no:cacheprovider", *workers, folder, "--junitxml", str(junit))
        assert ran.returncode == 1, ran.stdout + ran.stderr
        assert named(junit) == expected, here
        if workers:
            continue
        command = [sys.executable, "-m", "sls_server.cli.main", "scenario", "run", folder, "--junit"]
        run = subprocess.run([*command, str(junit)], cwd=here, capture_output=True, text=True, timeout=300)
        assert run.returncode == 1 and named(junit) == expected, run.stdout + run.stderr
