"""The pytest plugin (entry point ``pytest11``, installed with the package): an emulator for your tests.

* ``sls_emulator``: a real ``sls serve`` on a free port, with its own embedded Redis, data folder and admin
  token (unless ``sls_emulator_env`` gives one), started once per test session and wiped before each test
  that uses it; the fixture is an ``SlsEmulator`` client (``url``, ``admin_token``, ``create_user``,
  ``enroll_card``, ``latest_code``...).
  Extra server settings come from the ``sls_emulator_env`` ini option (lines of ``SLS_NAME=value``); the
  fixture's own calls use the ``SLS_ADMIN_TOKEN`` and ``SLS_SIM_TOKEN`` given there, and ``SLS_DATA_DIR`` or
  ``SLS_REDIS_URL`` is a usage error (the fixture wipes its server's world before each test: it must be a
  world of its own).
  Under pytest-xdist each worker is a session with a server of its own; with ``SLS_PORT`` given, worker
  ``gwN`` takes ``SLS_PORT + N``. Like ``sls demo``'s, the server believes ``X-Forwarded-For`` from this
  machine (``SLS_TRUSTED_PROXIES=127.0.0.1/32``) unless the ini sets ``SLS_TRUSTED_PROXIES`` (even empty).
* ``*.scenario.yaml`` (and ``*.scenario.yml``) files are collected as tests, one item per scenario, run
  in-process (or against ``--sls-server``), not on the fixture's server: ``sls_emulator_env`` does not reach
  them (a scenario's settings are its ``setup.settings``); a failure report lists the steps.
  ``expect_failure`` becomes a strict ``xfail``. An invalid file is an error at setup listing its problems
  (named by its ``name`` if it reads as one, else by its file name without the suffix), and two scenarios
  with one ``name`` are each an error at setup naming the other's file, as ``sls scenario run`` has them:
  the other tests still run. ``-k``, ``-m`` and ``--lf`` never deselect an invalid file (it has no tags or
  marks to be selected by, nor a past failure of what it now is; pytest reports a test module that does not
  import whatever they say); ``--deselect`` naming it does.
  A server's tokens come from ``--sls-admin-token``/``--sls-sim-token`` or, as for every ``sls`` command,
  ``SLS_ADMIN_TOKEN``/``SLS_SIM_TOKEN``; ``--sls-server`` without an admin token is a usage error before
  anything runs. So is ``--sls-server`` with two xdist workers or more: each would wipe that one server's
  world under the others' scenarios. A scenario needing settings that server lacks is skipped, or fails
  with ``--sls-fail-on-skip`` (``sls scenario run --fail-on-skip``).

This module holds what pytest must find in the module the entry point names: the options, the fixtures and
the hooks. The collector and items of scenario files, and the session's target they run on, are in
``pytest_items``.

Nothing heavy is imported until a fixture or a scenario is used: this module loads into every pytest run
of an environment where the package is installed.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .files import is_scenario  # light: names and folders only
from .pytest_items import (
    InvalidScenarioItem,
    ScenarioFile,
    ScenarioItem,
    one_session_per_server,
    session_target,
    token,
    where_xfail_failed,
)  # light: pytest only
from .pytest_junit import JUnitNames, name_report  # light: the report module only when a scenario ran

if TYPE_CHECKING:
    from .emulator import SlsEmulator
    from .server import ChildServer


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(
        "sls-emulator", "sls-emulator (the sls_emulator fixture and *.scenario.yaml files)"
    )
    group.addoption("--sls-seed", type=int, default=0, help="Seed of every random choice scenario runs make.")
    group.addoption("--sls-server", metavar="URL", help="Run *.scenario.yaml items against this server.")
    group.addoption(
        "--sls-fail-on-skip",
        action="store_true",
        help="A scenario --sls-server cannot run (settings it lacks) fails instead of being skipped.",
    )
    group.addoption(
        "--sls-admin-token",
        metavar="TOKEN",
        help="The admin token of --sls-server (default: $SLS_ADMIN_TOKEN).",
    )
    group.addoption(
        "--sls-sim-token",
        metavar="TOKEN",
        help="The /sim/v1 token of --sls-server, if it sets one (default: $SLS_SIM_TOKEN).",
    )
    parser.addini(
        "sls_emulator_env",
        type="linelist",
        default=[],
        help="SLS_NAME=value settings of the sls_emulator fixture's server, one per line.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """A server without its admin token, an ini setting the server would never see, or one the fixture
    cannot take, is one usage error now, not the same traceback (or a quietly default server) in every
    item."""
    server = config.getoption("sls_server", None)
    problem = None
    if server:
        from urllib.parse import urlsplit

        from sls_server.reach import url_problem  # only when a server is named: the plugin loads light

        problem = url_problem(server)
    if (
        server and problem
    ):  # as `sls scenario run --server` refuses it, rather than send it and say "no answer"
        shown = server if urlsplit(server).password is None else "the URL given"
        raise pytest.UsageError(
            f"--sls-server: {shown!r} is not a server's URL like http://127.0.0.1:8000: {problem}"
        )
    if server and not token(config, "admin"):
        raise pytest.UsageError(
            "--sls-server needs the server's admin token: give --sls-admin-token TOKEN or set "
            "SLS_ADMIN_TOKEN (the runner wipes the world and moves the clock through /admin/v1)"
        )
    one_session_per_server(config)
    _emulator_settings(config)
    config.pluginmanager.register(InvalidKept(), "sls-emulator-invalid-kept")
    config.pluginmanager.register(JUnitNames(config), "sls-emulator-junit-names")
    config.addinivalue_line(
        "markers",
        f"{KEEP_WORLD}: the sls_emulator fixture does not wipe the world before this test (for tests that "
        "share what a module- or class-scoped fixture set up; that fixture calls sls_emulator.reset() first)",
    )


#: The mark of a test whose world is not wiped: it shares one a module- or class-scoped fixture set up.
KEEP_WORLD = "sls_keep_world"

#: ``sls_emulator_env`` settings the fixture refuses, and why.
REFUSED_ENV = {
    "SLS_DATA_DIR": (
        "the sls_emulator fixture wipes its server's world before each test, so the server keeps its "
        "embedded Redis in a folder of the test session's own; in a folder of yours it could wipe the world "
        "of an `sls demo` or `sls serve` kept there. Leave it out"
    ),
    "SLS_REDIS_URL": (
        "the sls_emulator fixture wipes its server's world before each test, so the server starts a Redis of "
        "the test session's own; on one of yours (any URL: redis://, rediss://, unix://, Sentinel, Cluster) "
        "it would delete the world kept there, a team's users and devices. Leave it out"
    ),
}


def _emulator_settings(config: pytest.Config) -> dict[str, str]:
    """The ``sls_emulator_env`` lines as settings. Each reaches the server as an environment variable, and
    the server reads only the ``SLS_*`` names it knows, so a line of another form (``SLS_X: 3``,
    ``lockout_threshold=3``) would be dropped without a word: refused here instead, as is a setting the
    fixture cannot take (``REFUSED_ENV``)."""
    import re

    settings = {}
    for line in config.getini("sls_emulator_env"):
        name, equals, value = line.partition("=")
        if not equals or not re.fullmatch(r"SLS_[A-Z0-9_]+", name.strip()):
            raise pytest.UsageError(
                f"sls_emulator_env: {line!r} is not SLS_NAME=value (one setting per line, e.g. "
                "SLS_LOCKOUT_THRESHOLD=3; the names are those `sls config` lists)"
            )
        settings[name.strip()] = value.strip()
    for name, why in REFUSED_ENV.items():
        if name in settings:
            raise pytest.UsageError(f"sls_emulator_env: {name} cannot be set: {why}")
    port = settings.get("SLS_PORT", "0")
    if not port.isascii() or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise pytest.UsageError(
            f"sls_emulator_env: SLS_PORT={port} is not a port (1-65535; 0 picks a free one)"
        )
    return settings


def _worker_port(settings: dict[str, str]) -> dict[str, str]:
    """Under pytest-xdist each worker is a session of its own and starts its own server, so one
    ``SLS_PORT`` for all would clash: worker ``gwN`` takes ``SLS_PORT + N`` (the range a firewall opens)."""
    import os

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    port = int(settings.get("SLS_PORT") or 0)
    if not port or not worker.startswith("gw") or not worker[2:].isdigit():
        return settings
    mine = port + int(worker[2:])
    if mine > 65535:
        raise pytest.UsageError(f"sls_emulator_env: SLS_PORT={port} + worker {worker} is past 65535")
    return {**settings, "SLS_PORT": str(mine)}


# --- the fixture -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sls_emulator_server(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[ChildServer]:
    """The ``sls serve`` child process behind ``sls_emulator`` (one per session)."""
    from .server import ChildServer

    settings = _worker_port(_emulator_settings(pytestconfig))
    # X-Forwarded-For believed from this machine, as `sls demo` believes it, unless the ini says (even empty):
    # a test gives a request an allowlist's, an attacker's or a throttled address as it would against the demo
    trust = "SLS_TRUSTED_PROXIES" not in settings
    folder = tmp_path_factory.mktemp("sls-emulator")
    server = ChildServer(settings=settings, data_dir=folder, trust_local_proxy=trust).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sls_emulator(sls_emulator_server: ChildServer) -> SlsEmulator:
    """A client of a running emulator; its world is wiped before each test that uses it. Its tokens are its
    server's: the admin token ``sls_emulator_env`` gives (else one of its own), and the sim token it gives
    (an ``SLS_SIM_TOKEN`` guards /sim/v1, so the client's ``latest_code``, ``approve_push``... carry it)."""
    from .emulator import SlsEmulator

    server = sls_emulator_server
    return SlsEmulator(server.url, server.admin_token, server.settings.get("SLS_SIM_TOKEN") or None)


@pytest.fixture(autouse=True)
def _sls_emulator_fresh_world(request: pytest.FixtureRequest) -> None:
    """Each test that uses ``sls_emulator`` starts from an empty world at the real time, unless it is marked
    ``sls_keep_world``: pytest sets up a module-scoped fixture before this one runs, so a world such a
    fixture built would be gone before its first test."""
    if "sls_emulator" in request.fixturenames and request.node.get_closest_marker(KEEP_WORLD) is None:
        request.getfixturevalue("sls_emulator").reset()


# --- scenario files as tests -----------------------------------------------------------------------------


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if is_scenario(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class InvalidKept:
    """The hooks that keep an invalid file's item whatever selects the others, registered by
    :func:`pytest_configure` after pytest's own plugins, so that each wraps theirs: the last-failed plugin's
    (``--lf``) are registered in its ``pytest_configure``, which runs first, and a wrapper registered later
    is called around one registered before it, the order of :func:`pytest.hookimpl` being equal."""

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_make_collect_report(self, collector: pytest.Collector) -> Generator[None, Any, Any]:
        """With ``--lf``, pytest collects nothing of a file where nothing failed last time, and of one where
        something did, only what failed: a scenario file that became invalid since (its item a name that
        never failed) is collected again here, and its item kept."""
        report = yield
        if (
            isinstance(collector, ScenarioFile)
            and collector.config.getoption("lf", False)
            and report.outcome == "passed"
        ):
            have = {item.nodeid for item in report.result}
            report.result += [
                item
                for item in collector.collect()
                if isinstance(item, InvalidScenarioItem) and item.nodeid not in have
            ]
        return report

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> Generator[None]:
        """An invalid file's item is never deselected, as pytest reports a test module that does not import
        whatever ``-k``, ``-m`` or ``--lf`` says: it has no tags or marks to be selected by, nor a past
        failure of what it now is, and deselected, the file would pass silently. Only ``--deselect`` naming
        it (its node id, or a prefix such as its folder's) leaves it out: that names the file itself.

        After every other hook (``-k``, ``-m``, ``--lf``: among the scenarios that run, as ``run --tag``
        judges them), scenarios that share a name each fail at setup naming the other file
        (``loader.name_clashes``, the rule of ``sls scenario run`` and ``validate``): reports and JUnit could
        not tell them apart."""
        prefixes = tuple(config.getoption("deselect", None) or [])
        kept: list[pytest.Item] = [
            i for i in items if isinstance(i, InvalidScenarioItem) and not i.nodeid.startswith(prefixes)
        ]
        before = list(items)
        items[:] = [item for item in items if item not in kept]
        result = yield
        _name_clashes(items)
        if kept:
            items[:] = _put_back(kept, before, items)
        return result


def _put_back(
    kept: list[pytest.Item], before: list[pytest.Item], after: list[pytest.Item]
) -> list[pytest.Item]:
    """``after`` with each of ``kept`` again just before the first item that followed it in ``before`` and
    is still there, in whatever order the other hooks left them (at the end if none is)."""
    present = {id(item) for item in after}
    kept_ids = {id(item) for item in kept}
    waiting: dict[int | None, list[pytest.Item]] = {}
    anchor: int | None = None
    for item in reversed(before):
        if id(item) in kept_ids:
            waiting.setdefault(anchor, []).insert(0, item)
        elif id(item) in present:
            anchor = id(item)
    order: list[pytest.Item] = []
    for item in after:
        order += [*waiting.get(id(item), []), item]
    return order + waiting.get(None, [])


def _name_clashes(items: list[pytest.Item]) -> None:
    scenarios = [item for item in items if isinstance(item, ScenarioItem)]
    if len(scenarios) < 2:
        return
    from .loader import name_clashes

    for item, clashes in zip(scenarios, name_clashes([i.scenario for i in scenarios]), strict=True):
        item.clashes = clashes


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """An expected failure says where it failed (``pytest_items.where_xfail_failed``); a scenario's JUnit
    case is named as ``sls scenario run --junit`` names it (``pytest_junit``)."""
    report = yield
    where_xfail_failed(item, call, report)
    if isinstance(item, ScenarioItem | InvalidScenarioItem):
        name_report(item, report)
    return report


def pytest_collection_finish(session: pytest.Session) -> None:
    """Against ``--sls-server``, its URL and admin token are checked once before the first scenario: a wrong
    one stops the session with one message, not one error per scenario file."""
    from .targets import RemoteTarget, TargetError

    if not any(isinstance(item, ScenarioItem) for item in session.items):
        return
    target = session_target(session.config)
    if isinstance(target, RemoteTarget):
        try:
            target.check()
        except TargetError as exc:
            pytest.exit(f"sls-emulator: {exc}", returncode=pytest.ExitCode.USAGE_ERROR)
