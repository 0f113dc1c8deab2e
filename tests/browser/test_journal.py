"""The browser journal: a failed browser test's report says what its page logged, asked and showed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .journal import MAX_ENTRIES, Journal

SITE = "http://journal.test"

PAGE = """<!doctype html><title>loading</title><p>Shown at the failure</p><script>
console.error('boom-7');
setTimeout(() => { throw new Error('thrown-9'); });
Promise.allSettled([fetch('/missing'), fetch('/lost')]).then(() => { document.title = 'done'; });
</script>"""


def _serve(route: Any) -> None:
    path = route.request.url.removeprefix(SITE)
    if path == "/":
        route.fulfill(status=200, content_type="text/html", body=PAGE)
    elif path == "/missing":
        route.fulfill(status=404, body="no")
    else:
        route.abort("connectionreset")


def _fails() -> None:
    raise AssertionError("the page never got there")


def test_a_failed_browser_tests_report_carries_what_its_page_logged_asked_and_showed(
    page: Any, request: pytest.FixtureRequest
) -> None:
    page.route(f"{SITE}/**", _serve)
    page.goto(f"{SITE}/")
    expect(page).to_have_title("done")
    page.wait_for_timeout(0)  # let Playwright hand over the events that came with the title

    item = request.node
    failed = item.ihook.pytest_runtest_makereport(item=item, call=pytest.CallInfo.from_call(_fails, "call"))
    passed = item.ihook.pytest_runtest_makereport(item=item, call=pytest.CallInfo.from_call(dict, "call"))

    assert failed.failed
    sections = dict(failed.sections)
    journal = sections["browser journal"]
    assert "page 0 opened" in journal
    assert f"page 0 at {SITE}/" in journal
    assert "console.error: boom-7" in journal
    assert "page error: " in journal and "thrown-9" in journal
    assert f"answer 404: GET {SITE}/missing" in journal
    assert f"request failed: GET {SITE}/lost" in journal
    assert f"--- page 0 now: {SITE}/\nShown at the failure" in journal
    assert "browser journal" not in dict(passed.sections)


def test_a_journal_keeps_its_first_entries_and_counts_the_rest() -> None:
    journal = Journal()
    for number in range(MAX_ENTRIES + 3):
        journal.add(f"line {number}")
    text = journal.text()
    assert f"line {MAX_ENTRIES - 1}" in text
    assert f"line {MAX_ENTRIES}" not in text
    assert text.endswith("... and 3 more entries, not kept")


def test_every_browser_context_a_test_opens_is_journalled() -> None:
    """Contexts come from the ``open_context`` fixture (``context`` and ``page`` included), which writes them
    in the journal; one opened straight on the browser would fail without a word of what its pages did."""
    here = Path(__file__).parent
    straight = [
        f"{path.name}:{number}"
        for path in sorted(here.glob("*.py"))
        if path.name not in ("conftest.py", Path(__file__).name)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "browser.new_context(" in line
    ]
    assert straight == []
