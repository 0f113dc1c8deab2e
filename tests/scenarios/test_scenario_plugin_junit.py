"""What pytest's JUnit file says of scenario items, read as a CI system reads it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from inner_pytest import PytestIn, inner_pytest  # noqa: F401 (the fixture pytest_in)
from test_scenario_pytest_plugin import TEXTED


def test_an_expected_failure_says_where_it_failed_as_sls_scenario_run_does(
    tmp_path: Path, pytest_in: PytestIn
) -> None:
    """pytest's ``<skipped type="pytest.xfail">`` (and ``-rx``) carried the mark's reason alone, where
    ``sls scenario run --junit`` adds ``it failed at FILE:LINE: step ...``: a marked scenario that began to
    fail elsewhere (its setup, an earlier step) looked the same in CI as one failing where it was meant to."""
    marked = TEXTED.replace("setup:", "expect_failure: the texted code is not yet accepted here\nsetup:")
    (tmp_path / "marked.scenario.yaml").write_text(
        marked.replace("{state: authenticated}", "{state: elated}")
    )
    ran = pytest_in(tmp_path, "-p", "no:cacheprovider", "-rx", "--junitxml", "junit.xml")
    assert ran.returncode == 0 and "1 xfailed" in ran.stdout, ran.stdout + ran.stderr
    skipped = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite/testcase/skipped")
    assert skipped is not None and skipped.get("type") == "pytest.xfail"
    message = skipped.get("message") or ""
    assert message.startswith("the texted code is not yet accepted here; it failed at "), message
    assert "marked.scenario.yaml:10: step 3 (verify: typed " in message, message
    assert "state is 'authenticated', expected 'elated'" in message, message
    assert "it failed at marked.scenario.yaml:10: step 3" in ran.stdout, ran.stdout
