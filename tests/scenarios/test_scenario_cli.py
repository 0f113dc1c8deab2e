"""``sls scenario``: list, show, new, validate, run (exit codes, --json, --junit, --tag) and reference,
through click's runner as a user would type them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from sls_scenarios.files import library_files, new_file
from sls_scenarios.reference import markdown
from sls_server.cli.main import cli


def sls(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["scenario", *args])
    return result.exit_code, result.stdout, result.stderr


def test_list_and_show_the_library() -> None:
    code, out, _ = sls("list", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == len(library_files())
    xfail = [r for r in rows if r.get("expect_failure")]
    assert [r["name"] for r in xfail] == [], "every library scenario runs green: none is known to fail"
    code, out, _ = sls("list", "--tag", "attack", "--json")
    assert code == 0 and {"sim-swap", "push-bombing", "phishing-relay"} <= {
        r["name"] for r in json.loads(out)
    }
    code, out, _ = sls("show", "sim-swap", "--json")
    assert code == 0 and json.loads(out)["name"] == "sim-swap"


def test_show_into_a_file_writes_the_scenario_as_it_is(tmp_path: Path) -> None:
    """The library is "an example to start a scenario of your own from (`sls scenario show NAME`)": a QA
    who wrote ``sls scenario show dscplus-login > mine.scenario.yaml`` got each line numbered and padded to
    the width, which is no YAML (``mine.scenario.yaml:3:4: not valid YAML``). Out of a terminal, the file's
    own text is printed."""
    code, out, _ = sls("show", "dscplus-login")
    library = next(f for f in library_files() if f.name == "dscplus-login.scenario.yaml")
    assert code == 0 and out == library.read_text(encoding="utf-8")
    mine = tmp_path / "mine.scenario.yaml"
    mine.write_text(out.replace("name: dscplus-login", "name: mine"))
    code, out, _ = sls("validate", str(mine))
    assert code == 0, out


def test_a_scenario_of_this_folder_named_as_a_library_one_is_pointed_to_by_its_path(
    monkeypatch,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    """``sls scenario new brute-lockout``, then ``sls scenario run brute-lockout`` (a name, as the library's
    are run): "did you mean password-brute-force-lockout, auto-logoff?", and not a word of the file here.
    Nor was ``./brute-lockout.scenario``, its suffix cut short, told the file it nearly names."""
    monkeypatch.chdir(tmp_path)
    new_file("brute-lockout", tmp_path)
    code, _, err = sls("run", "brute-lockout")
    assert code == 2 and "a file here is brute-lockout.scenario.yaml: give its path" in err, err
    code, _, err = sls("demo", "brute-lockout", "--pace", "0")
    assert code == 2 and "a file here is brute-lockout.scenario.yaml: give its path" in err, err
    code, _, err = sls("validate", "./brute-lockout.scenario")
    assert code == 2 and "did you mean ./brute-lockout.scenario.yaml?" in err, err
    # a file here named as a library scenario: the library's ran, green, while the file here was the template
    new_file("sim-swap", tmp_path)
    code, out, err = sls("run", "sim-swap")
    assert code == 2 and "is a library scenario and a file here, sim-swap.scenario.yaml" in err, out + err
    assert "sls_scenarios/library/sim-swap.scenario.yaml" in err, err  # the library's, by its path


def test_a_run_shows_every_problem_of_an_invalid_file(tmp_path: Path) -> None:
    """A file with six typos, run (as CI runs a folder): the summary's row showed the first problem alone,
    and nothing else on screen named the other five; fixing one a run, the QA ran it six times."""
    broken = tmp_path / "typos.scenario.yaml"
    broken.write_text(
        "name: typos\ndescription: A scenario with two typos.\nsteps:\n"
        "  - logn: alice\n  - http: {method: GET, path: /healthz}\n    expect: {stauts: 200}\n"
    )
    code, out, _ = sls("run", str(broken))
    assert code == 1, out
    assert f"{broken}:4:5: step 1: unknown step type 'logn'" in out, out
    assert f"{broken}:6:14: step 2 expect.stauts: unknown key 'stauts'" in out, out
    assert f"sls scenario validate {broken}" in out, out  # the way to check it without running


def described(file: Path) -> Path:
    """A file ``new`` wrote, its description written: the template's own is refused."""
    file.write_text(file.read_text().replace("Say in a sentence what this scenario shows", "A login"))
    return file


def test_new_writes_a_template_that_validates_and_runs_once_described(tmp_path: Path) -> None:
    code, out, _ = sls("new", "smoke-check", "--dir", str(tmp_path))
    file = tmp_path / "smoke-check.scenario.yaml"
    assert code == 0 and file.exists() and "sls scenario run" in out and "description" in out
    assert sls("new", "smoke-check", "--dir", str(tmp_path))[0] == 2  # no silent overwrite
    code, _, err = sls("validate", str(file))
    assert code == 1 and f"{file}:6:14: description: still the template's" in err, err
    code, out, _ = sls("run", str(file), "--json")
    assert code == 1 and json.loads(out)["scenarios"][0]["status"] == "error"
    assert sls("validate", str(described(file)))[0] == 0
    code, out, _ = sls("run", str(file), "--json")
    assert code == 0 and json.loads(out)["ok"] is True


def test_a_run_of_expected_failures_alone_says_nothing_passed(tmp_path: Path) -> None:
    """QA: a run whose one scenario failed as marked said "all passed: 1 xfailed"; it stays green, as
    pytest's does, but nothing passed."""
    marked = tmp_path / "marked.scenario.yaml"
    marked.write_text(
        "name: marked\ndescription: A scenario known to fail.\n"
        "expect_failure: the health check is no teapot\n"
        "steps:\n  - http: {method: GET, path: /healthz}\n    expect: {status: 418}\n"
    )
    code, out, _ = sls("run", str(marked))
    said = " ".join(out.split())
    assert code == 0 and "nothing passed: 1 xfailed" in said and "all passed" not in said, out
    passing = tmp_path / "passing.scenario.yaml"
    passing.write_text(marked.read_text().replace("marked", "passing").replace("418", "200"))
    passing.write_text(
        "\n".join(line for line in passing.read_text().splitlines() if "expect_failure" not in line)
    )
    code, out, _ = sls("run", str(marked), str(passing))
    assert code == 0 and "all passed: 1 passed, 1 xfailed" in " ".join(out.split()), out


def test_validate_reports_file_line_and_column_and_exits_1(tmp_path: Path) -> None:
    broken = tmp_path / "broken.scenario.yaml"
    broken.write_text("name: broken\ndescription: A broken scenario file.\nsteps:\n  - logn: alice\n")
    code, _, err = sls("validate", str(broken))
    assert code == 1 and f"{broken}:4:5: step 1: unknown step type 'logn' (did you mean 'login'?)" in err
    code, out, _ = sls("validate", str(broken), "--json")
    report = json.loads(out)
    assert code == 1 and report[0]["valid"] is False and report[0]["problems"][0]["line"] == 4
    assert sls("validate", "--all")[0] == 0


def test_run_exit_codes_json_and_junit(tmp_path: Path) -> None:
    failing = tmp_path / "failing.scenario.yaml"
    failing.write_text(
        "name: failing\ndescription: A scenario that must fail.\nsteps:\n"
        "  - http: {method: GET, path: /healthz}\n    expect: {status: 418}\n"
    )
    junit = tmp_path / "junit.xml"
    code, out, _ = sls("run", str(failing), "dscplus-login", "--json", "--junit", str(junit))
    data = json.loads(out)
    assert (
        code == 1 and data["ok"] is False and data["totals"] == {**data["totals"], "passed": 1, "failed": 1}
    )
    assert 'tests="2"' in junit.read_text() and 'failures="1"' in junit.read_text()
    code, _, err = sls("run", "dscplus-logn")
    assert code == 2 and "did you mean dscplus-login" in err
    # a path not there is no library name misspelt: `run my-tests/` suggested `phishing-relay`
    code, _, err = sls("run", "nothing-here/")
    assert code == 2 and "no file or folder 'nothing-here/'" in err and "did you mean" not in err, err
    assert sls("run")[0] == 2  # nothing named
    code, out, _ = sls("run", "--all", "--tag", "race", "--json")
    assert code == 0 and {s["name"] for s in json.loads(out)["scenarios"]} == {
        "concurrent-guessing-race",
        "push-bombing",
    }
    # a tag no scenario has (a typo, or the wrong folder): the tags there are, the closest first
    code, _, err = sls("run", "--all", "--tag", "rcae")
    assert code == 2 and "no scenario has the tag rcae (did you mean race?); the tags: " in err, err
    assert "attack" in err.split("the tags: ")[1] and "lockout" in err.split("the tags: ")[1], err
    code, _, err = sls("list", "--tag", "rcae")  # the list says the same, not an empty table
    assert code == 2 and "no scenario has the tag rcae (did you mean race?)" in err, err


def test_run_against_a_server_needs_its_admin_token(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SLS_ADMIN_TOKEN", raising=False)
    monkeypatch.setenv("SLS_DATA_DIR", str(tmp_path))  # no demo.json, no admin.token to fall back on
    code, _, err = sls("run", "dscplus-login", "--server", "http://127.0.0.1:9")
    assert code == 2 and "admin token" in err
    code, _, err = sls("run", "dscplus-login", "--server", "http://127.0.0.1:9", "--admin-token", "t" * 20)
    assert code == 1 and err.startswith("error: no server at http://127.0.0.1:9 (")  # once, before any run
    # what to do, in this command's words: it told `--url or SLS_URL`, options `scenario run` does not have
    assert "--url" not in err and "SLS_URL" not in err, err
    assert "is the server running?" in err and "check --server" in err and "leave out --server" in err, err


def test_a_demo_against_no_server_says_nothing_answers_there() -> None:
    """It said "this server has no trainer console yet: 404", printed the demo's title, then failed at its
    first step: nothing answered at all, no 404 was ever received."""
    args = ("demo", "sim-swap", "--server", "http://127.0.0.1:9", "--admin-token", "t" * 20, "--pace", "0")
    code, out, err = sls(*args)
    assert code == 1 and "trainer console" not in out + err and "404" not in out + err
    assert "error: nothing answers at http://127.0.0.1:9 (ConnectionError): is the server running?" in err
    assert "sls serve" in err and "leave out --server" in err
    assert "phished" not in out  # stopped before the scenario's title and description


def test_reference_prints_the_generated_markdown() -> None:
    code, out, _ = sls("reference")
    assert code == 0 and out == markdown()


def test_every_command_has_help_with_an_example() -> None:
    for command in ("run", "list", "show", "new", "validate", "demo", "reference"):
        code, out, _ = sls(command, "--help")
        assert code == 0 and "Example" in out and "sls scenario" in out, command


def test_a_run_or_validation_that_finds_nothing_is_a_usage_error(tmp_path: Path) -> None:
    """An empty folder, or one holding only misnamed files, used to print FAILED and exit 0 (and validate
    printed nothing, exit 0): a CI job pointed at the wrong folder stayed green."""
    empty = tmp_path / "empty"
    empty.mkdir()
    junit = tmp_path / "e.xml"
    code, out, err = sls("run", str(empty), "--json", "--junit", str(junit))
    assert code == 2 and out == "" and not junit.exists()
    said = f"no scenario found in {empty}: only files named *.scenario.yaml (or *.scenario.yml) are collected"
    assert said in err
    misnamed = tmp_path / "misnamed"
    misnamed.mkdir()
    (misnamed / "login.scen.yml").write_text("name: login\n")
    (misnamed / "notes.yaml").write_text("a: 1\n")
    for command in ("run", "validate"):
        code, _, err = sls(command, str(misnamed))
        assert code == 2, command
        assert "login.scen.yml" in err and "notes.yaml" in err and "NAME.scenario.yaml" in err


def test_a_folder_s_scenario_yml_files_are_scenarios_too(tmp_path: Path) -> None:
    """Beside a *.scenario.yaml, a *.scenario.yml was passed over without a word (the hint came only when
    nothing at all was found), though the same file given by its path ran."""
    yaml_file = described(new_file("aa-check", tmp_path))
    yml_text = yaml_file.read_text().replace("aa-check", "bb-check")
    (tmp_path / "bb-check.scenario.yml").write_text(yml_text)
    code, out, _ = sls("validate", str(tmp_path), "--json")
    assert code == 0 and [Path(r["file"]).name for r in json.loads(out)] == [
        "aa-check.scenario.yaml",
        "bb-check.scenario.yml",
    ]
    code, out, err = sls("run", str(tmp_path), "--json")
    assert code == 0, err
    assert sorted(r["name"] for r in json.loads(out)["scenarios"]) == ["aa-check", "bb-check"]


def test_a_folder_s_yaml_files_that_are_not_scenarios_are_named_in_a_note(tmp_path: Path) -> None:
    """QA: a folder holding sms.yaml and idle.scenario.yml ran idle alone, said "all passed" and never
    named sms.yaml: the passed-over files were named only when nothing at all was found."""
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "idle.scenario.yml").write_text(
        "name: idle\ndescription: A valid scenario, named as one.\nsteps:\n"
        "  - http: {method: GET, path: /healthz}\n    expect: {status: 200}\n"
    )
    (folder / "sms.yaml").write_text("name: sms\n")
    note = f"note: passed over {folder / 'sms.yaml'}: only files named *.scenario.yaml"
    for command in ("run", "validate"):
        code, out, err = sls(command, str(folder), "--json")
        assert code == 0 and note in err, (command, err)
        assert "sms.yaml" not in out, command  # a note on stderr, not a case of the report
    code, _, err = sls("run", str(folder / "idle.scenario.yml"))
    assert code == 0 and "passed over" not in err  # a file given by its path: nothing is passed over


def test_with_tag_an_invalid_file_is_an_error_case_and_the_others_still_run(tmp_path: Path) -> None:
    """It used to cancel the whole run (``not a valid scenario``, exit 1, no JUnit): without --tag the
    same file was an error case and the others ran."""
    folder = tmp_path / "suite"
    folder.mkdir()
    (folder / "good.scenario.yaml").write_text(
        "name: good\ndescription: A valid scenario with the tag.\ntags: [smoke]\nsteps:\n"
        "  - http: {method: GET, path: /healthz}\n    expect: {status: 200}\n"
    )
    (folder / "other.scenario.yaml").write_text(
        "name: other\ndescription: A valid scenario without it.\nsteps:\n"
        "  - http: {method: GET, path: /healthz}\n    expect: {status: 200}\n"
    )
    (folder / "broken.scenario.yaml").write_text(
        "name: broken\ndescription: Not valid.\nsteps:\n  - logn: x\n"
    )
    for tags in ((), ("--tag", "smoke")):
        junit = tmp_path / "junit.xml"
        code, out, _ = sls("run", str(folder), *tags, "--json", "--junit", str(junit))
        statuses = {s["name"]: s["status"] for s in json.loads(out)["scenarios"]}
        assert code == 1 and statuses["good"] == "passed", tags
        assert statuses["broken"] == "error" and ("other" in statuses) == (not tags), tags
        assert 'errors="1"' in junit.read_text()
        # the file's first problem's line, as a failed step's: CI annotates the file there
        broken = next(s for s in json.loads(out)["scenarios"] if s["status"] == "error")
        assert broken["line"] == 4 and broken["message"].startswith(
            f"{folder / 'broken.scenario.yaml'}:4:"
        ), broken
        case = next(c for c in ET.parse(junit).getroot().iter("testcase") if c.find("error") is not None)
        assert case.get("line") == "4", ET.tostring(case)


def test_two_files_with_one_scenario_name_are_refused_naming_both(tmp_path: Path) -> None:
    """QA: a run of two files sharing a name exited 2 and wrote no JUnit file, where any other invalid file
    is an error case of the report (exit 1, JUnit written)."""
    library = next(f for f in library_files() if f.name == "dscplus-login.scenario.yaml")
    copy = tmp_path / "my-login.scenario.yaml"
    copy.write_text(library.read_text())
    junit = tmp_path / "junit.xml"
    code, out, err = sls("run", str(copy), "dscplus-login", "--json", "--junit", str(junit))
    assert code == 1, err
    cases = json.loads(out)["scenarios"]
    assert [case["status"] for case in cases] == ["error", "error"]
    assert (
        f"{copy}:1:7: name: the name 'dscplus-login' is also the name of {library}:1" in cases[0]["message"]
    )
    assert (
        f"{library}:1:7: name: the name 'dscplus-login' is also the name of {copy}:1" in cases[1]["message"]
    )
    assert 'errors="2"' in junit.read_text()
    code, _, err = sls("validate", str(copy), "dscplus-login")
    assert code == 1 and "scenario names must be unique" in err and str(library) in err and str(copy) in err
    code, out, _ = sls("validate", str(copy), "dscplus-login", "--json")
    assert [entry["valid"] for entry in json.loads(out)] == [False, False]


def test_list_of_a_folder_lists_the_valid_files_and_names_every_invalid_one(tmp_path: Path) -> None:
    """It stopped at the first invalid file and listed nothing."""
    (tmp_path / "a-empty.scenario.yaml").write_text("")
    described(new_file("b-good", tmp_path))
    (tmp_path / "c-broken.scenario.yaml").write_text("name: [\n")
    code, out, err = sls("list", str(tmp_path), "--json")
    assert code == 1
    assert len(json.loads(out)) == 1
    assert "2 files are not a valid scenario" in err
    assert "a-empty.scenario.yaml" in err and "c-broken.scenario.yaml" in err


def test_the_summary_of_a_failed_run_names_the_file_and_line_of_the_failed_step(tmp_path: Path) -> None:
    """The terminal's summary said only 'step 1 (http GET /healthz): ...'; JUnit alone gave the file and
    line, where a reader of the run in a terminal goes to fix it."""
    failing = tmp_path / "failing.scenario.yaml"
    failing.write_text(
        "name: failing\ndescription: A scenario that must fail.\nsteps:\n"
        "  - http: {method: GET, path: /healthz}\n    expect: {status: 418}\n"
    )
    code, out, _ = sls("run", str(failing))
    assert code == 1 and f"{failing}:4: step 1" in " ".join(out.split()), out


def test_junit_into_a_folder_not_made_yet_makes_it(tmp_path: Path) -> None:
    """QA: `--junit reports/junit.xml` was refused (exit 2) when reports/ did not exist; pytest's --junitxml
    makes the folder, and CI templates count on it. A folder that is a file is still refused first."""
    junit = tmp_path / "reports" / "ci" / "junit.xml"
    code, _, err = sls("run", "auto-logoff", "--junit", str(junit))
    assert code == 0 and junit.exists(), err
    assert ET.parse(junit).getroot().find("testsuite") is not None
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = sls("run", "auto-logoff", "--junit", str(blocker / "sub" / "junit.xml"))
    assert code == 2 and "cannot be written" in err


def test_run_help_tells_the_exit_codes_and_which_files_a_folder_means() -> None:
    """QA: `run --help` said neither that nothing selected exits 2 nor which files a folder runs."""
    code, out, _ = sls("run", "--help")
    said = " ".join(out.split())
    assert code == 0 and "Exit 1 when one failed or was an error; 2 (a usage error)" in said
    assert "A folder means its *.scenario.yaml and *.scenario.yml files" in said


def test_a_junit_file_that_cannot_be_written_after_the_run_is_an_error_not_a_traceback(
    tmp_path: Path,
) -> None:
    """QA: ``--junit`` naming a file the system refuses once the run is over (a name too long; as root, a
    folder under /proc, which passes every check before) ended the run with Python's traceback."""
    passing = tmp_path / "passing.scenario.yaml"
    passing.write_text(
        "name: passing\ndescription: The health check answers.\n"
        "steps:\n  - http: {method: GET, path: /healthz}\n    expect: {status: 200}\n"
    )
    junit = tmp_path / ("j" * 300 + ".xml")
    result = CliRunner().invoke(cli, ["scenario", "run", str(passing), "--junit", str(junit)])
    assert result.exit_code == 2, result.output
    assert "error: --junit: cannot write" in result.stderr and "File name too long" in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr  # one line, no traceback
