"""The package as a user gets it: ``pip install sls-emulator`` into their own project, no checkout anywhere.

The sdist is built from this checkout, the wheel from that sdist alone (what a user's pip does with an
sdist), by setuptools' backend in this environment (as ``pip wheel --no-build-isolation`` would: no network,
so the build requirements must be installed: the test extra lists them). The wheel must
hold every file of the source packages: every module, and every file the code reads at run time (the Lua
scripts, templates, static files, the scenario schema, template and library, the data files). Then it is
installed with ``--no-deps`` into a fresh venv that borrows this environment's dependencies (a ``.pth``
line per site folder: not its ``.pth`` files, so an editable install of this checkout stays out), and, from
a folder with no checkout, ``sls --help``, a library scenario in-process (embedded Redis, Lua, schema) and
docs/integration.md's pytest-fixture example through the ``pytest11`` entry point must all work from that
venv; and a project's own ``devices``, ``scenarios`` and ``bench`` packages stay its own beside them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from conftest import UNRELATED_PLUGINS
from packaging.requirements import Requirement

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
#: the top-level packages the wheel installs: sls_server, sls_devices, sls_scenarios, sls_bench
PACKAGES = [name.rstrip("*") for name in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]]
#: The fixture's example, where the README sends integration developers (docs/integration.md).
GUIDE = (ROOT / "docs" / "integration.md").read_text()
FIXTURE_EXAMPLE = GUIDE.split("\n## A pytest fixture\n", 1)[1].split("\n```python\n", 1)[1]
FIXTURE_EXAMPLE = FIXTURE_EXAMPLE.split("\n```", 1)[0]


def source_files() -> set[str]:
    """Every file of the source packages, as the wheel names it (what the build leaves out: bytecode)."""
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                found.add(path.relative_to(ROOT).as_posix())
    return found


def missing_build_requirements() -> list[str]:
    missing = []
    for line in PYPROJECT["build-system"]["requires"]:
        requirement = Requirement(line)
        try:
            if version(requirement.name) not in requirement.specifier:
                missing.append(f"{line} (have {version(requirement.name)})")
        except PackageNotFoundError:
            missing.append(line)
    return missing


def run(command: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 120) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, (
        f"{command}: exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done.stdout


@pytest.fixture(scope="module")
def clean_env() -> dict[str, str]:
    """No checkout on the path and none of this shell's SLS_* settings (the user's shell has neither)."""
    drop = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONSAFEPATH")
    return {key: value for key, value in os.environ.items() if key not in drop and not key.startswith("SLS_")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory, clean_env: dict[str, str]) -> Path:
    missing = missing_build_requirements()
    if missing:  # `pip install -e '.[test]'` installs them (the test extra lists the build requirements)
        reason = f"building the wheel offline needs {', '.join(missing)}: pip install -e '.[test]'"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("dist")
    backend = "import sys; from setuptools import build_meta as b; getattr(b, sys.argv[1])(sys.argv[2])"
    # the sdist from the checkout (setuptools writes its egg-info beside the sources: a copy keeps the
    # checkout clean), then the wheel from the unpacked sdist alone
    source = out / "source"
    source.mkdir()
    for name in ["pyproject.toml", "README.md", "LICENSE"]:
        shutil.copy2(ROOT / name, source / name)
    for name in PACKAGES:
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    run([sys.executable, "-c", backend, "build_sdist", out], source, clean_env)
    (sdist,) = out.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(out / "unpacked", filter="data")
    (unpacked,) = (out / "unpacked").iterdir()
    run([sys.executable, "-c", backend, "build_wheel", out / "wheel"], unpacked, clean_env)
    (built,) = (out / "wheel").glob("*.whl")
    return built


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path, clean_env: dict[str, str]) -> Path:
    """A fresh venv with the wheel installed and, behind it, this environment's dependencies."""
    folder = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", "--without-pip", folder], folder, clean_env)
    python = folder / "bin" / "python"
    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], folder, clean_env)
    # this environment's site folders as it sees them (its own, any a .pth of it added), never the checkout
    folders = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages") and Path(p).is_dir()]
    (Path(purelib.strip()) / "_test_dependencies.pth").write_text("".join(f"{p}\n" for p in folders))
    pip = [sys.executable, "-m", "pip", "--python", python]  # this pip, installing into that venv
    run([*pip, "install", "-q", "--no-deps", "--no-index", wheel], folder, clean_env)
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The user's project: a folder of their own, no checkout in it or above it."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "pytest.ini").write_text("[pytest]\n")
    return folder


def test_the_wheel_built_from_the_sdist_holds_every_file_of_the_packages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = source_files()
    # the list is the source tree's own, so a new Lua script, template or scenario is counted the day it lands
    assert {"sls_server/store/lua/login_verify.lua", "sls_scenarios/scenario.schema.json"} <= expected
    assert any(name.startswith("sls_server/web/templates/") for name in expected)
    assert any(name.startswith("sls_server/web/static/") for name in expected)
    assert any(name.startswith("sls_scenarios/library/") for name in expected)
    assert sorted(expected - names) == []
    metadata = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
    entry_points = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "[pytest11]" in entry_points and "[console_scripts]" in entry_points


def test_sls_and_a_library_scenario_run_from_the_installed_wheel_alone(
    venv: Path, project: Path, clean_env: dict[str, str]
) -> None:
    python = venv / "bin" / "python"
    where = (
        "import importlib, sys; print('\\n'.join(importlib.import_module(n).__file__ for n in sys.argv[1:]))"
    )
    for path in run([python, "-c", where, *PACKAGES], project, clean_env).split():
        assert path.startswith(str(venv)), f"{path} is not the installed wheel's"

    assert "Usage: sls" in run([venv / "bin" / "sls", "--help"], project, clean_env)
    env = {**clean_env, "SLS_DATA_DIR": str(project / "data")}
    out = run([venv / "bin" / "sls", "scenario", "run", "dscplus-login"], project, env)
    assert "1 passed" in out


def test_the_readme_fixture_example_passes_through_the_installed_pytest_plugin(
    venv: Path, project: Path, clean_env: dict[str, str]
) -> None:
    (project / "test_portal.py").write_text(FIXTURE_EXAMPLE)
    command = [venv / "bin" / "python", "-m", "pytest", *UNRELATED_PLUGINS, "-q", "-p", "no:cacheprovider"]
    command.append("test_portal.py")
    out = run(command, project, clean_env)
    assert "1 passed" in out


def test_a_project_with_its_own_devices_scenarios_and_bench_packages_keeps_them(
    venv: Path, project: Path, clean_env: dict[str, str]
) -> None:
    """The installed packages are named ``sls_*``, so a project's own ``devices``, ``scenarios`` and ``bench``
    (common names) are its own: its tests import them beside the loaded plugin, and the emulator's fixture
    works in the same run. Under the old names the plugin's ``scenarios`` hid the project's, and its tests
    did not import."""
    for name in ("devices", "scenarios", "bench"):
        (project / name).mkdir()
        (project / name / "__init__.py").write_text(f"OWNER = 'project {name}'\n")
    (project / "scenarios" / "test_checkout.py").write_text(
        "import bench, devices, scenarios\n\n\ndef test_checkout():\n"
        "    assert (bench.OWNER, devices.OWNER, scenarios.OWNER) == "
        "('project bench', 'project devices', 'project scenarios')\n"
    )
    (project / "test_portal.py").write_text(FIXTURE_EXAMPLE)
    (project / "pytest.ini").write_text("[pytest]\npythonpath = .\n")
    command = [venv / "bin" / "python", "-m", "pytest", *UNRELATED_PLUGINS, "-q", "-p", "no:cacheprovider"]
    assert "2 passed" in run(command, project, clean_env)


def test_a_project_type_checks_its_tests_against_the_installed_fixture_client(
    venv: Path, project: Path, clean_env: dict[str, str]
) -> None:
    """docs/integration.md names ``SlsEmulator`` "for type hints", so a project running ``mypy --strict`` on
    its tests must get the package's hints: every package carries ``py.typed`` (PEP 561). Without it mypy
    refused the import (``import-untyped``: "missing library stubs or py.typed marker") and every hint was
    ``Any``."""
    (project / "test_typed.py").write_text(
        "from sls_scenarios.emulator import Card, SlsEmulator\n\n\n"
        "def test_card(sls_emulator: SlsEmulator) -> None:\n"
        "    card: Card = sls_emulator.enroll_card('carol')\n"
        "    response: str = card.respond('123456')\n"
        "    assert response\n"
    )
    command = [venv / "bin" / "python", "-m", "mypy", "--strict", "--no-incremental", "test_typed.py"]
    assert "Success" in run(command, project, clean_env, timeout=300)
