"""``pytest_in``'s runs read as a child's would, whatever this process did before them."""

from __future__ import annotations

from pathlib import Path

import pytest
from inner_pytest import PytestIn, inner_pytest  # noqa: F401 (the fixture pytest_in)

REPOSITORY = Path(__file__).resolve().parents[2]


def test_the_checkout_on_sys_path_adds_no_warning_to_the_summary(
    tmp_path: Path, pytest_in: PytestIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In CI one worker's plugin runs read "3 passed, 5 warnings, 2 errors" where the tests look for
    "3 passed, 2 errors". An earlier test there had left the checkout on ``sys.path``, where its
    ``sls_emulator.egg-info`` lists every module of the package: the inner run then marked the plugin's
    packages for assertion rewriting and warned that they were imported already (the editable install's own
    record lists none). A child process starts with its own ``sys.path`` and never does."""
    monkeypatch.syspath_prepend(str(REPOSITORY))
    (tmp_path / "test_one.py").write_text("def test_one():\n    pass\n")
    ran = pytest_in(tmp_path, "-p", "no:cacheprovider")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout.splitlines()[-1].startswith("1 passed in"), ran.stdout
