"""The scenario format: the schema, the shipped library and template, and the reference generated from the
schema. How the loader tells a problem is in ``test_scenario_loader_errors``; what it checks across a
file's parts (names, types, values the server would refuse) in ``test_scenario_cross_checks``."""

from __future__ import annotations

from pathlib import Path

import pytest
from format_kit import HEAD
from jsonschema import Draft202012Validator

from sls_scenarios.files import library_files, new_file
from sls_scenarios.loader import load
from sls_scenarios.positions import ScenarioInvalid
from sls_scenarios.reference import markdown
from sls_scenarios.schema import schema, step_types
from sls_scenarios.steps import load_all

ROOT = Path(__file__).parents[2]


def test_the_schema_is_a_valid_2020_12_schema_and_every_step_type_is_implemented() -> None:
    Draft202012Validator.check_schema(schema())
    assert sorted(step_types()) == sorted(load_all())
    assert len(step_types()) >= 25


@pytest.mark.parametrize(
    ("kind", "n"),
    [(kind, n) for kind in step_types() for n in range(len(schema()["$defs"][f"step_{kind}"]["examples"]))],
)
def test_each_step_types_examples_are_valid_steps(kind: str, n: int, tmp_path: Path) -> None:
    example = schema()["$defs"][f"step_{kind}"]["examples"][n]
    file = tmp_path / "example.scenario.yaml"
    import yaml

    document = yaml.safe_load(HEAD + "  - login: alice\n")
    document["actors"] = {"attacker": {}}
    names = {"phone", "new_phone", "temp"} - {example.get("enroll", {}).get("as")}
    document["steps"] += [
        {"enroll": {"user": "alice", "type": "ibkey", "as": name}} for name in sorted(names)
    ] + [{"enroll": {"user": "alice", "type": "totp", "as": "app"}}]
    document["setup"]["users"].append({"username": "bob"})
    document["steps"].append({"capture": {"retry_after": "x", "response": "y"}, "expect": {"status": 200}})
    document["steps"].append(example)
    file.write_text(yaml.safe_dump(document))
    load(file)


def test_the_library_loads_and_each_file_is_named_after_its_scenario() -> None:
    files = library_files()
    assert len(files) >= 22
    for file in files:
        scenario = load(file)
        assert file.name == f"{scenario.name}.scenario.yaml"
        assert scenario.tags and scenario.data.get("source"), file.name


def test_the_template_is_a_valid_scenario_once_its_description_is_written(tmp_path: Path) -> None:
    """QA: `sls scenario new` then `run` passed, exit 0, and validate took the template's placeholder
    description: a file showing nothing of its own passed for a test."""
    written = new_file("fresh-check", tmp_path)
    with pytest.raises(ScenarioInvalid) as refused:
        load(written)
    [problem] = refused.value.problems
    assert (problem.line, problem.where) == (6, "description"), problem
    assert problem.message == "still the template's: say in a sentence what this scenario shows"
    said = written.read_text().replace("Say in a sentence what this scenario shows", "Alice logs in")
    written.write_text(said)
    assert load(written).name == "fresh-check"
    with pytest.raises(FileExistsError):
        new_file("fresh-check", tmp_path)
    with pytest.raises(ValueError):
        new_file("Bad Name", tmp_path)


def test_the_reference_is_generated_from_the_schema_and_committed() -> None:
    generated = markdown()
    assert all(f"### `{kind}`" in generated for kind in step_types())
    committed = (ROOT / "sls_scenarios" / "REFERENCE.md").read_text()
    assert committed == generated, "regenerate: sls scenario reference > sls_scenarios/REFERENCE.md"


def test_the_readme_names_every_library_scenario() -> None:
    """The library's table (docs/scenarios.md, "The library", where the README sends QA) names each one."""
    guide = (ROOT / "docs" / "scenarios.md").read_text()
    table = guide[guide.index("\n## The library\n") :].split("\n## ", 2)[1]
    missing = [f.name for f in library_files() if f"`{f.name.removesuffix('.scenario.yaml')}`" not in table]
    assert missing == []


def test_the_clock_range_is_the_servers() -> None:
    from sls_scenarios.values import CLOCK_MAX, CLOCK_MIN
    from sls_server.shapes.clock import CLOCK_MAX as SERVER_MAX
    from sls_server.shapes.clock import CLOCK_MIN as SERVER_MIN

    assert (CLOCK_MIN, CLOCK_MAX) == (SERVER_MIN, SERVER_MAX)
