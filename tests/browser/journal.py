"""What the browser saw during a test, printed with the test's failure.

A browser test that fails on CI leaves only pytest's text: the assertion, not why the page never got there.
Two CI runs each failed one browser test on a wait, and neither kept anything to tell a slow page from a
wrong one. So each test's context keeps a journal of the page's own messages (console lines, uncaught
errors), requests that failed or were answered 4xx/5xx, and navigations, each with its time since the test
began; when the test fails, the journal and what every open page shows at that moment are added to its
report as a section, which pytest prints beside the failure (and pytest-xdist carries back from its workers).

Test data only: these pages hold the tests' own made-up passwords and PINs, never a real one.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

#: Where a test's journal is kept on its item, for the report hook.
JOURNAL = pytest.StashKey["Journal"]()

#: Entries kept per test (the first ones, and a count of those dropped): a polling page can log without end.
MAX_ENTRIES = 200

#: Characters of each open page's text shown at the failure.
MAX_PAGE_TEXT = 1500


class Journal:
    """The events of one browser context, in order, with seconds since the journal began."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._entries: list[str] = []
        self._dropped = 0
        self._pages: list[Any] = []

    def watch(self, context: Any) -> None:
        """Record ``context``'s pages from now on (Playwright's ``BrowserContext`` events)."""
        context.on("page", self._page_opened)
        context.on("console", lambda message: self.add(f"console.{message.type}: {message.text}"))
        context.on("weberror", lambda error: self.add(f"page error: {error.error}"))
        context.on("requestfailed", self._request_failed)
        context.on("response", self._response)

    def add(self, entry: str) -> None:
        if len(self._entries) >= MAX_ENTRIES:
            self._dropped += 1
            return
        self._entries.append(f"{time.monotonic() - self._started:7.3f}s {entry}")

    def text(self) -> str:
        """The entries, then each open page's address and visible text as it is now."""
        lines = list(self._entries) or ["(no console lines, failed requests or navigations)"]
        if self._dropped:
            lines.append(f"... and {self._dropped} more entries, not kept")
        for index, page in enumerate(self._pages):
            lines.append(f"--- page {index} now: {_snapshot(page)}")
        return "\n".join(lines)

    def _page_opened(self, page: Any) -> None:
        self._pages.append(page)
        index = len(self._pages) - 1
        self.add(f"page {index} opened")
        page.on("framenavigated", lambda frame: self._navigated(index, page, frame))
        page.on("close", lambda _page: self.add(f"page {index} closed"))

    def _navigated(self, index: int, page: Any, frame: Any) -> None:
        if frame == page.main_frame:
            self.add(f"page {index} at {frame.url}")

    def _request_failed(self, request: Any) -> None:
        self.add(f"request failed: {request.method} {request.url}: {request.failure}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.add(f"answer {response.status}: {response.request.method} {response.url}")


def _snapshot(page: Any) -> str:
    """A page's address and visible text, or why they could not be read (a closed or crashed page)."""
    try:
        if page.is_closed():
            return "closed"
        body = page.evaluate("() => document.body ? document.body.innerText : ''")
    except Exception as exc:  # a report must not fail on the page it describes
        return f"{page.url}: (text unreadable: {type(exc).__name__}: {exc})"
    shown = " | ".join(line.strip() for line in str(body).splitlines() if line.strip())
    if len(shown) > MAX_PAGE_TEXT:
        shown = shown[:MAX_PAGE_TEXT] + " ..."
    return f"{page.url}\n{shown}"


def add_to_report(item: pytest.Item, report: pytest.TestReport) -> None:
    """Give a failed report the journal of its test's browser context, if it had one."""
    journal = item.stash.get(JOURNAL, None)
    if journal is not None and report.failed:
        report.sections.append(("browser journal", journal.text()))
