"""``pytest_in``: a pytest run of another project (a folder of its own, with its own ini) inside this test's
process, as pytester runs one, for the scenario plugin's tests.

Each such run as a child process paid for a Python start and for importing pytest, the plugin and, for
scenario files run in-process, the whole server again: about a second of CPU, some thirty times a suite
(docs/performance.md, the suite's time). In this process they are already imported. What the child had of
its own the run still has: the folder as its working directory, its ini, and an environment without this
suite's ``SLS_*`` and ``PYTEST_*`` variables. A run whose point is a process of its own (pytest-xdist's
workers, a start-up's imports) stays a child. A module takes the fixture by importing ``inner_pytest``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import _pytest.pytester
import pytest
from conftest import UNRELATED_PLUGINS

#: What the child's command line held before the run's own arguments. In this process the plugin's packages
#: are imported already: with the checkout on ``sys.path`` (an earlier test on the worker left it there), its
#: egg-info names them, and the inner run warned it could not rewrite them ("Module already imported"): the
#: summary line the tests read gained "5 warnings" (seen in CI). A child never does; nor does this run now.
OPTIONS = (*UNRELATED_PLUGINS, "-q", "-rfEX", "-W", "ignore::pytest.PytestAssertRewriteWarning")

PytestIn = Callable[..., subprocess.CompletedProcess[str]]


def _projects_own(module: ModuleType | None, projects: Path) -> bool:
    where = getattr(module, "__file__", None)
    return where is not None and Path(where).is_relative_to(projects)


@pytest.fixture(name="pytest_in")
def inner_pytest(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> PytestIn:
    """``pytest_in(folder, *args, **env)``: run pytest in ``folder`` with ``args`` and the extra environment
    ``env``; its exit status and what it wrote, as ``subprocess.run`` would give them.

    pytester forgets every module first imported during a run (and during the test), to import it afresh the
    next time: the server's too, whose imports of ``cryptography`` then no longer matched the classes its
    compiled part had been given ("Expected instance of hashes.HashAlgorithm"). Only the other projects'
    own modules (their tests and conftests, under the session's temporary folder) are forgotten here."""
    projects = tmp_path_factory.getbasetemp()

    class KeepImports(_pytest.pytester.SysModulesSnapshot):
        def __init__(self, preserve: Callable[[str], bool] | None = None) -> None:
            super().__init__(preserve=lambda name: not _projects_own(sys.modules.get(name), projects))

    monkeypatch.setattr(_pytest.pytester, "SysModulesSnapshot", KeepImports)
    pytester: pytest.Pytester = request.getfixturevalue("pytester")  # its snapshot taken after the patch

    def run(folder: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        with monkeypatch.context() as patch:
            for name in [n for n in os.environ if n.startswith(("SLS_", "PYTEST_"))]:
                patch.delenv(name)
            for name, value in extra_env.items():
                patch.setenv(name, value)
            patch.setenv("COLUMNS", "80")  # a child's output was not a terminal: pytest's 80 columns
            patch.chdir(folder)
            ran = pytester.runpytest_inprocess(*OPTIONS, *args)
        out, err = ("".join(f"{line}\n" for line in lines) for lines in (ran.outlines, ran.errlines))
        return subprocess.CompletedProcess(["pytest", *OPTIONS, *args], int(ran.ret), out, err)

    return run


def pytest_child(folder: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """The same run as a child process, for a run that must be one: pytest-xdist's workers, or a start-up
    timed as a fresh process pays it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLS_", "PYTEST_"))} | extra_env
    command = [sys.executable, "-m", "pytest", *OPTIONS, *args]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
