"""The folder a scenario's JUnit classname counts from (``rootdir.project_root``): pytest's rootdir, found
from the file, whatever the working folder."""

from __future__ import annotations

from pathlib import Path

from sls_scenarios.report import classname
from sls_scenarios.rootdir import project_root


def scenario(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "x.scenario.yaml"


def test_the_nearest_pytest_configuration_wins_over_a_project_file_nearer(tmp_path: Path) -> None:
    """A pyproject.toml without ``[tool.pytest...]``, a tox.ini without ``[pytest]`` and a setup.cfg without
    ``[tool:pytest]`` are no pytest configuration (pytest passes them over too)."""
    (tmp_path / "setup.cfg").write_text("[tool:pytest]\naddopts = -q\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[project]\nname = 'sub'\n")
    (sub / "tox.ini").write_text("[tox]\nenvlist = py311\n")
    (sub / "setup.cfg").write_text("[metadata]\nname = sub\n")
    file = scenario(sub / "qa")
    assert project_root(file) == tmp_path
    assert classname(str(file)) == "sub.qa.x.scenario.yaml"
    (sub / "pyproject.toml").write_text("[project]\nname = 'sub'\n[tool.pytest.ini_options]\n")
    assert project_root(file) == sub


def test_without_pytest_configuration_a_project_file_or_git_marks_the_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "setup.py").write_text("")
    file = scenario(tmp_path / "a" / "b")
    assert project_root(file) == tmp_path / "a"
    (tmp_path / "a" / "setup.py").unlink()
    assert project_root(file) == tmp_path
    assert classname(str(file)) == "a.b.x.scenario.yaml"


def test_a_file_in_no_project_is_named_by_itself(tmp_path: Path) -> None:
    file = scenario(tmp_path / "loose")
    if project_root(file) is None:  # a machine whose /tmp lies in no project
        assert classname(str(file)) == "x.scenario.yaml"
