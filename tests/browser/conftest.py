"""Browser tests: the HTML pages driven in Debian's Chromium through Playwright, against a real ``sls serve``.

Playwright's own browser download cannot work on these machines, so the session launches the system's:
Debian's ``chromium-headless-shell`` (``apt-get install chromium-headless-shell chromium``; ``.ci/run``
installs both), and ``chromium`` for the tests marked ``full_chromium``. Without them, or without the
``playwright`` package, the tests skip with the reason, except under CI (``CI`` set), where they fail.

Why two: the headless shell is built from the same Debian source and version as ``chromium``, with the same
Blink, V8 and network stack, and it is what Playwright itself runs for headless tests. ``chromium`` in
headless mode is the whole of Chrome with its windows drawn nowhere: on a sample of 38 browser tests its
browser process used about three times the shell's CPU, it started about three renderer processes per test
against the shell's one, and the tests took nearly twice the CPU in all (docs/performance.md, "What a command
and a server start cost"). What only Chrome's own layer does (its password manager's warnings in the
console) is tested in ``chromium``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from serve_processes import ServerProcess, fresh

from .journal import JOURNAL, Journal, add_to_report
from .pages_kit import World
from .slow_scripts import MARKER, SlowScripts, delay_of

#: How long an action or an assertion waits for the page.
EXPECT_TIMEOUT_MS = 10_000

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


#: The marker for a test of what only Chrome's own layer does: its contexts open in ``chromium``.
FULL_CHROMIUM = "full_chromium"


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Any]:
    """Playwright, once per process: both browsers below are launched from it."""
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    # Assertions wait as long as actions do (the context's default below), not Playwright's 5 s: on CI's two
    # CPUs with three test workers, a page's answer to a press or a moved clock has once taken longer.
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        yield playwright


def _launched(playwright: Any, executable: str | None, program: str) -> Iterator[Any]:
    """``program`` (found at ``executable``) launched headless; its absence skips, or fails under CI."""
    if executable is None:
        _unavailable(f"{program} is not installed (apt-get install -y {program})")
    launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def browser(playwright_session: Any) -> Iterator[Any]:
    """The browser the tests drive: Debian's headless shell of Chromium (the module's docstring says why)."""
    yield from _launched(
        playwright_session, shutil.which("chromium-headless-shell"), "chromium-headless-shell"
    )


@pytest.fixture(scope="session")
def full_chromium(browser: Any, playwright_session: Any) -> Iterator[Any]:
    """Debian's whole ``chromium``, headless, for the contexts of tests marked ``full_chromium``: launched
    only in a process that runs one."""
    yield from _launched(playwright_session, shutil.which("chromium"), "chromium")


@pytest.fixture(scope="session")
def shared_server(browser: Any, plain_server_once: ServerProcess) -> ServerProcess:
    """One ``sls serve`` for this process's browser tests that need no settings of their own: starting one
    per test was about a fifth of each test's time (a test with settings of its own takes ``shared_serve``,
    or ``sls_serve`` for a server of its own). The same one as the e2e tests' ``plain_server``, where this
    process runs both (a start of its own is about 1 s of CPU). After ``browser``: a test that skips for want
    of Chromium starts no server."""
    return plain_server_once


@pytest.fixture
def server(shared_server: ServerProcess, redis_url: str) -> ServerProcess:
    """The shared server on an emptied Redis, as a server just started would be (``fresh``)."""
    return fresh(shared_server, redis_url)


@pytest.fixture
def world(server: Any, admin_headers: dict[str, str]) -> World:
    return World(server.url, admin_headers)


@pytest.fixture(scope="session")
def late_server() -> Iterator[SlowScripts]:
    """The server that answers a page's scripts late, for contexts that ask for it (``slow_scripts.py``)."""
    late = SlowScripts()
    yield late
    late.close()


@pytest.fixture
def journal(request: pytest.FixtureRequest) -> Journal:
    """This test's browser journal, printed with its failure (contexts come from ``open_context``)."""
    kept = Journal()
    request.node.stash[JOURNAL] = kept
    return kept


@pytest.fixture
def open_context(
    browser: Any, journal: Journal, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    """Opens browser contexts (``browser.new_context``'s arguments; 1280 x 800 unless ``viewport`` says), each
    written in this test's journal and closed after the test's report: a failure's report shows the pages
    as they were. Their scripts come late under the ``slow_scripts`` marker or ``BROWSER_SLOW_SCRIPTS``; they
    open in the whole ``chromium`` under the ``full_chromium`` marker."""
    opened: list[Any] = []
    delay_s = delay_of(request.node.get_closest_marker(MARKER))
    late = request.getfixturevalue("late_server") if delay_s is not None else None
    if request.node.get_closest_marker(FULL_CHROMIUM) is not None:
        browser = request.getfixturevalue("full_chromium")

    def open_one(**options: Any) -> Any:
        ctx = browser.new_context(**{"viewport": {"width": 1280, "height": 800}, **options})
        ctx.set_default_timeout(EXPECT_TIMEOUT_MS)
        journal.watch(ctx)
        if late is not None and delay_s is not None:
            late.slow(ctx, delay_s)
        opened.append(ctx)
        return ctx

    yield open_one
    for ctx in opened:
        ctx.close()


@pytest.fixture
def context(open_context: Callable[..., Any]) -> Any:
    return open_context()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed browser test's report carries its journal (see ``journal.py``)."""
    outcome = yield
    add_to_report(item, outcome.get_result())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.browser)
