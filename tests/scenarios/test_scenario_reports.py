"""The runner's reports (JSON, JUnit, the console of ``python -m sls_scenarios.runner``) say the same as
its results: the line of the step that failed, the time each round took, and XML that stays well-formed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from runner_kit import LOGIN, TWO_ACCOUNTS, in_process, run, write  # noqa: F401 - in_process: "target"

from sls_scenarios import report
from sls_scenarios.loader import load
from sls_scenarios.runner import Runner, run_paths
from sls_scenarios.targets import InProcessTarget


def test_reports_say_the_same_as_the_results(target: InProcessTarget, tmp_path: Path) -> None:
    results = [
        run(target, write(tmp_path, LOGIN, name="good")),
        run(target, write(tmp_path, "- login: alice\n  expect: {status: 418}\n", name="bad")),
    ]
    data = report.as_json(results, seed=3, target="in-process")
    assert data["ok"] is False and data["totals"]["passed"] == 1 and data["totals"]["failed"] == 1
    assert data["scenarios"][1]["steps"][0]["status"] == "failed"
    junit = tmp_path / "junit.xml"
    report.write_junit(junit, results, seed=3)
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["good"].find("failure") is None
    failure = cases["bad"].find("failure")
    assert failure is not None and "expected 418" in (failure.get("message") or "")
    assert "FAIL 1 [user] login alice" in (failure.text or "")


def test_python_m_scenarios_runner_runs_files_and_exits_by_the_result(tmp_path: Path) -> None:
    good = write(tmp_path, LOGIN, name="good")
    bad = write(tmp_path, "- login: alice\n  expect: {status: 418}\n", name="bad")
    command = [sys.executable, "-m", "sls_scenarios.runner"]
    passed = subprocess.run([*command, str(good)], capture_output=True, text=True, timeout=120)
    assert passed.returncode == 0 and "PASSED" in passed.stdout, passed.stdout + passed.stderr
    failed = subprocess.run([*command, str(good), str(bad)], capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1 and "FAILED   bad" in failed.stdout


def test_the_readme_example_runs_green(target: InProcessTarget, tmp_path: Path) -> None:
    """The example docs/scenarios.md opens with (the README sends QA there)."""
    section = (Path(__file__).parents[2] / "docs" / "scenarios.md").read_text()
    example = section[
        section.index("```yaml\n") + len("```yaml\n") : section.index("```\n", section.index("```yaml"))
    ]
    file = tmp_path / "readme.scenario.yaml"
    file.write_text(example)
    result = run(target, file)
    assert result.status == "passed", result.message


def test_junit_stays_well_formed_whatever_characters_a_scenario_holds(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """A terminal colour or a bell in a narration, a step's name or an answer used to land in the XML as
    it was: XML 1.0 cannot carry it, and ``ElementTree.parse`` (like any CI's reader) refused the file."""
    steps = """\
    - say: "copied \\e[1mbold\\e[0m \\a"
    - login: alice
      name: "label \\x01 \\uFFFE"
      expect: {status: 418}
    """
    result = run(target, write(tmp_path, textwrap.dedent(steps), name="control"))
    assert result.status == "failed" and "\x01" in result.message
    junit = tmp_path / "junit.xml"
    report.write_junit(junit, [result], seed=0)
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    failure = suite.find("testcase/failure")
    assert failure is not None and "label \\x01 \\ufffe" in (failure.get("message") or "")
    assert "copied \\x1b[1mbold\\x1b[0m \\x07" in (failure.text or "")


def test_validation_and_reports_count_steps_alike(target: InProcessTarget, tmp_path: Path) -> None:
    """Validation said ``steps[4]`` where a report says ``step 5``: both say ``step 5`` now."""
    from sls_scenarios.positions import ScenarioInvalid

    steps = LOGIN + "- tickle:\n- logout:\n  expect: {status: 418}\n"
    ran = run(target, write(tmp_path, steps))
    assert ran.message.startswith("step 5 (logout): ")
    broken = write(tmp_path, steps.replace("- logout:", "- logout: {}\n  pasword: x"), name="broken")
    with pytest.raises(ScenarioInvalid) as caught:
        load(broken)
    assert "step 5 pasword" in [p.where for p in caught.value.problems]


def test_reports_give_the_line_of_the_step_that_failed(target: InProcessTarget, tmp_path: Path) -> None:
    """CI had ``step 1.1.2 (login alice)`` and the file, not where in it: a reader counted steps by hand."""
    looped = """\
    - repeat:
        times: 2
        steps:
        - say: a round
        - login: {user: alice, password: x}
          expect: {status: 200}
    """
    raced = """\
    - parallel:
        branches:
        - - {say: one}
        - - login: alice
            expect: {status: 418}
      expect: {statuses: {'200': 1}}
    """
    wrong = LOGIN.replace("authenticated", "elated")
    results = [
        run(target, write(tmp_path, wrong, name="plain")),
        run(target, write(tmp_path, looped, name="looped")),
        run(target, write(tmp_path, raced, name="raced")),
        run(target, write(tmp_path, wrong, name="marked", extra="expect_failure: a test of the report")),
    ]
    assert [r.line for r in results] == [12, 14, 13, 12], [r.message for r in results]
    junit = tmp_path / "junit.xml"
    report.write_junit(junit, results, seed=0)
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    assert [case.get("line") for case in cases] == ["12", "14", "13", "12"]
    failure = cases[1].find("failure")
    assert failure is not None and failure.get("message", "").startswith(
        f"{tmp_path / 'looped.scenario.yaml'}:14: step 1.1.2 (login alice): status is 401"
    )
    skipped = cases[3].find("skipped")
    assert skipped is not None and "marked.scenario.yaml:12: step 3 (verify" in skipped.get("message", "")
    assert report.as_json(results, seed=0, target="in-process")["scenarios"][0]["line"] == 12


def test_a_round_or_branch_reports_the_time_its_steps_took(target: InProcessTarget, tmp_path: Path) -> None:
    """Every round of a repeat and branch of a parallel showed ``0 ms`` (console, JSON ``ms: 0.0``), whatever
    its steps took: a CI dashboard read a slow round as free."""
    steps = """\
    - repeat:
        times: 2
        steps: [{login: {user: alice, password: 'guess-${i}'}}]
      expect: {statuses: {"401": 2}}
    - parallel:
        times: 2
        steps: [{login: {user: alice, password: 'other-${i}'}}]
      expect: {statuses: {"401": 2}}
    """
    result = run(target, write(tmp_path, steps))
    assert result.status == "passed", result.message
    for looped in result.steps:
        for part in looped.children:
            assert part.ms > 0 and part.ms == sum(step.ms for step in part.children), (part.title, part.ms)


def test_junit_names_each_case_by_its_file_and_scenario_as_pytest_does(
    target: InProcessTarget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA: the classname was ``scenarios.<first tag>`` (reordering tags renamed the test), an invalid
    file's case was named after the file, not its ``name`` (a typo made the test vanish from CI's history),
    and pytest named the same scenario a third way. A setup entry the server refused had no file:line in
    its ``<error>`` message, where a failed step's has. Then the path was counted from the working folder:
    run from ``suite/``, every case lost its ``suite.`` (the project's root is the folder of its pytest.ini,
    pytest's rootdir)."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    folder = tmp_path / "suite"
    folder.mkdir()
    monkeypatch.chdir(folder)
    tagged = write(folder, LOGIN, name="tagged", extra="tags: [zeta, alpha]")
    weak = write(folder, LOGIN, name="weak").read_text()
    (folder / "weak.scenario.yaml").write_text(weak.replace("  devices:", TWO_ACCOUNTS + "  devices:"))
    typo = write(folder, LOGIN.replace("- card:", "- crad:"), name="typo-check")
    typo.rename(folder / "typo.scenario.yaml")
    files = [tagged, folder / "weak.scenario.yaml", folder / "typo.scenario.yaml"]
    results = run_paths(files, Runner(target))
    junit = tmp_path / "junit.xml"
    report.write_junit(junit, results, seed=0)
    cases = {(c.get("classname"), c.get("name")): c for c in ET.parse(junit).getroot().iter("testcase")}
    assert list(cases) == [
        ("suite.tagged.scenario.yaml", "tagged"),
        ("suite.weak.scenario.yaml", "weak"),
        ("suite.typo.scenario.yaml", "typo-check"),
    ]
    error = cases[("suite.weak.scenario.yaml", "weak")].find("error")
    assert error is not None and error.get("message", "").startswith(
        f"{folder / 'weak.scenario.yaml'}:9: setup: "
    ), error.get("message") if error is not None else None
    invalid = cases[("suite.typo.scenario.yaml", "typo-check")].find("error")
    assert invalid is not None and invalid.get("message", "").startswith(
        f"{folder / 'typo.scenario.yaml'}:11:"
    )


def test_the_summary_counts_errors_in_pytest_s_words() -> None:
    """QA: a folder of six broken files ended "FAILED: 6 error in 0.0s"; pytest says "6 errors", "1 error"."""
    import io

    from rich.console import Console

    from sls_scenarios.runner import ScenarioResult

    for errors, said in ((6, "FAILED: 1 passed, 6 errors in"), (1, "FAILED: 1 passed, 1 error in")):
        results = [ScenarioResult(f"broken-{i}", f"b{i}.scenario.yaml", "error") for i in range(errors)]
        results.append(ScenarioResult("fine", "fine.scenario.yaml", "passed"))
        stream = io.StringIO()
        report.summary(Console(file=stream, width=140), results)
        assert said in stream.getvalue(), stream.getvalue()


def test_a_ci_log_gets_each_summary_row_and_failure_on_one_line(tmp_path: Path) -> None:
    """QA: in a CI log (no terminal) the run printed at 140 columns: a failure's message folded mid-sentence
    under its step, and its summary row broke over two lines, so `grep failed` showed half the reason. As
    every other `sls` table in a log (docs/cli.md), a row is one line."""
    from click.testing import CliRunner

    from sls_server.cli.main import cli

    expected = "an-authenticator-type-long-enough-that-the-reason-runs-past-a-hundred-and-forty-columns"
    file = write(
        tmp_path, f"- http: {{method: GET, path: /healthz}}\n  expect: {{json: {{status: {expected}}}}}\n"
    )
    result = CliRunner().invoke(cli, ["scenario", "run", str(file)])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    row = [line for line in lines if line.strip().startswith("probe ") and "failed" in line]
    assert len(row) == 1 and "probe.scenario.yaml:10: step 1 (http GET /healthz): status is 'ok'" in row[0]
    assert f"status is 'ok', expected '{expected}'" in [line.strip() for line in lines], result.stdout
