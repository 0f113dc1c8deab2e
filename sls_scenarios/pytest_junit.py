"""A scenario's JUnit ``classname`` under pytest's ``--junitxml``: the one ``sls scenario run --junit`` gives
(``report.classname``), not pytest's own.

pytest names a case by its node id, the file's path from its rootdir; where no configuration file, project
file or ``.git`` lies around the file, that rootdir is whatever folder pytest was started in (or the common
folder of its arguments), so the same file was ``sub.login.scenario.yaml`` from one folder,
``qa.sub.login.scenario.yaml`` from another, and ``login.scenario.yaml`` under ``sls scenario run``: three
tests in CI's history. One function names it for both.

The name is worked out where the item runs and travels on its report (``sls_classname``: an attribute xdist
carries from a worker, as every JSON value of a report's ``__dict__``); where the JUnit file is written (the
controller under xdist) it is set on the case through pytest's junitxml reporter, which keeps attributes set
before its own (``record_xml_attribute`` does the same, but only without xdist). That reporter is reached by
its stash key, ``_pytest.junitxml.xml_key``: a private name, so if a pytest lacks it the cases keep pytest's
names rather than the run failing.
"""

from __future__ import annotations

from typing import Any

import pytest

#: The report attribute the classname travels in, from the item's process to the one writing the JUnit file.
ATTRIBUTE = "sls_classname"


def name_report(item: pytest.Item, report: pytest.TestReport) -> None:
    """Give ``report`` (of a scenario file's item) the classname ``sls scenario run --junit`` gives it."""
    from .report import classname  # not at import: the plugin loads in every pytest session

    setattr(report, ATTRIBUTE, classname(str(item.path)))


class JUnitNames:
    """Registered by the plugin's ``pytest_configure``: sets each scenario case's classname in the JUnit
    file pytest writes, before pytest's own reporter reads the report (``tryfirst``)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        name: Any = getattr(report, ATTRIBUTE, None)
        if not isinstance(name, str):
            return
        try:
            from _pytest.junitxml import xml_key
        except ImportError:  # pragma: no cover - a pytest without it keeps its own names
            return
        xml = self.config.stash.get(xml_key, None)
        if xml is not None:
            xml.node_reporter(report).add_attribute("classname", name)
