"""``sls bench --against``: the other code is a folder whose ``sls_server`` Python really imports, or a
revision checked out for the run and removed after; anything else is refused before a server starts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import sls_server
from sls_bench.against import AgainstRefused, checked_out
from sls_bench.run import turns
from sls_server.cli.main import cli

CHECKOUT = Path(sls_server.__file__).resolve().parent.parent


def _worktrees() -> str:
    listed = subprocess.run(
        ["git", "-C", str(CHECKOUT), "worktree", "list", "--porcelain"],
        capture_output=True,
        text=True,
        check=True,
    )
    return listed.stdout


def _refusal(spec: str, workdir: Path) -> str:
    with pytest.raises(AgainstRefused) as refused, checked_out(spec, workdir):
        pass
    return str(refused.value)


def test_a_folder_is_taken_when_its_sls_server_is_the_one_python_imports(tmp_path: Path) -> None:
    copy = tmp_path / "before"
    shutil.copytree(
        CHECKOUT / "sls_server", copy / "sls_server", ignore=shutil.ignore_patterns("__pycache__")
    )

    with checked_out(str(copy), tmp_path / "work") as other:
        assert other.path == copy.resolve() and other.label == str(copy)
        # first on the import path, before whatever else was there
        assert other.environ({"PYTHONPATH": "/elsewhere"})["PYTHONPATH"].split(":") == [
            str(copy.resolve()),
            "/elsewhere",
        ]


def test_a_folder_without_the_package_is_refused(tmp_path: Path) -> None:
    assert f"no sls_server package in {tmp_path.resolve()}" in _refusal(str(tmp_path), tmp_path / "work")


def test_a_folder_whose_package_does_not_import_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sls_server").mkdir()
    (tmp_path / "sls_server" / "__init__.py").write_text("raise ImportError('half a checkout')\n")

    told = _refusal(str(tmp_path), tmp_path / "work")
    assert "its sls_server does not import" in told and "half a checkout" in told


@pytest.mark.skipif(not (CHECKOUT / ".git").exists(), reason="needs this package's git checkout")
def test_a_revision_is_checked_out_for_the_block_and_removed_after(tmp_path: Path) -> None:
    with checked_out("HEAD", tmp_path) as other:
        tree = other.path
        assert (tree / "sls_server" / "__init__.py").is_file()
        assert str(tree) in _worktrees()

    assert not tree.exists() and str(tree) not in _worktrees()


@pytest.mark.skipif(not (CHECKOUT / ".git").exists(), reason="needs this package's git checkout")
def test_a_name_that_is_neither_a_folder_nor_a_revision_is_refused(tmp_path: Path) -> None:
    assert "not a folder, nor a revision" in _refusal("no-such-branch-or-folder", tmp_path)
    assert not (tmp_path / "against").exists()


def test_the_command_refuses_it_as_a_usage_error_before_anything_starts(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["bench", "--against", str(tmp_path), "--seed-users", "0"])

    assert result.exit_code == 2
    assert "--against" in result.output and "no sls_server package" in result.output
    assert "start-up" not in result.output  # refused before the first server

    flood = CliRunner().invoke(cli, ["bench", "--lockout", "--against", "HEAD"])
    assert flood.exit_code == 2 and "not with --lockout" in flood.output


def test_this_code_and_the_other_swap_their_turns_every_other_round() -> None:
    names = ["app", "against", "baseline"]

    assert [turns(names, turn) for turn in range(3)] == [
        ["app", "against", "baseline"],
        ["against", "app", "baseline"],
        ["app", "against", "baseline"],
    ]
    assert turns(["app", "baseline"], 1) == ["app", "baseline"]  # without --against, as before
