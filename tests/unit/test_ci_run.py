""".ci/run is what CI runs on a machine with only what the repository installs: read as data, it must install
what its own later steps and the tests need, and the README must say what it installs."""

from __future__ import annotations

import re
from pathlib import Path

from docs_kit import text

ROOT = Path(__file__).parents[2]
SCRIPT = (ROOT / ".ci" / "run").read_text()
#: The lines that run, without comments (a package named in a comment is not installed).
LINES = [line.split("#", 1)[0].rstrip() for line in SCRIPT.splitlines()]
CODE = "\n".join(LINES)


def apt_packages() -> list[str]:
    """Every package an ``apt-get install`` of the script names, in its order."""
    found = []
    for line in LINES:
        words = line.split()
        if "apt-get" in words and "install" in words:
            after = words[words.index("install") + 1 :]
            found += [w for w in after if re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", w) and not w.startswith("-")]
    return found


#: The Debian package each program a test looks up (``shutil.which``) comes in; None: Debian's essential set,
#: on every machine. A test that looks up a new program gets a row here, and .ci/run installs its package.
PACKAGE_OF = {
    "chromium": "chromium",
    "chromium-headless-shell": "chromium-headless-shell",
    "valgrind": "valgrind",
    "jq": "jq",
    "curl": "curl",
    "ip": "iproute2",
    "unshare": None,  # util-linux
}


def programs_the_tests_look_up() -> set[str]:
    tests = ROOT / "tests"
    return {
        name
        for path in tests.rglob("*.py")
        for name in re.findall(r"shutil\.which\(\s*\"([^\"]+)\"", path.read_text())
    }


def test_the_apt_lines_are_read() -> None:
    assert "chromium" in apt_packages(), apt_packages()


def test_python_s_venv_module_is_installed_before_the_venv_is_made() -> None:
    """Debian's python3 comes without its venv module (the python3-venv package): on a CI image with python3
    alone, ``python3 -m venv .venv`` stopped the run ("ensurepip is not available") before any test."""
    assert "python3-venv" in apt_packages()
    assert CODE.index("python3-venv") < CODE.index("python3 -m venv")


def test_the_readme_names_every_package_ci_installs() -> None:
    """The README's Development section says what ``bash .ci/run`` installs; it left valgrind out, so a
    contributor reproducing CI by hand had the instruction count's test fail under ``CI``."""
    readme = " ".join(text("README.md").split())
    start = readme.index("`bash .ci/run` is what CI runs")
    told = readme[start : readme.index(". ", start)]
    assert [name for name in apt_packages() if not re.search(rf"[ `]{re.escape(name)}[ `]", told)] == []


def test_every_program_a_test_skips_without_is_installed_by_ci() -> None:
    """The README walkthrough's test skips without jq and curl, test_reach's without ip: .ci/run installed
    none of them, so on CI's machine those tests skipped and CI passed without ever running the README's
    walkthrough."""
    looked_up = programs_the_tests_look_up()
    assert {"chromium", "jq", "curl"} <= looked_up, looked_up
    assert sorted(looked_up - set(PACKAGE_OF)) == [], "a program with no row in PACKAGE_OF"
    wanted = {PACKAGE_OF[name] for name in looked_up} - {None}
    assert sorted(wanted - set(apt_packages())) == []
