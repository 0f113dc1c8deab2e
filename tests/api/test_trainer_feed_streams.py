"""The trainer's live feed holds a worker thread per open stream; a console open in many tabs must not take
every thread from the logins. A process keeps at most its budget of long-held requests open at once (half of
``SLS_THREADS``, 4 by default: 2; ``sls_server.long_held``); one more is read once and ends at once, telling
the console (``crowded``) and the browser (a longer ``retry:``) to read it again in a few seconds."""

from __future__ import annotations

import threading

import pytest
from flask.testing import FlaskClient
from page_forms import sign_in_to_console

from sls_server.http.pages import feed
from sls_server.long_held import budget_for

DEFAULT_BUDGET = budget_for(4)  # SLS_THREADS' default, which the test client's app assumes


def _hold(client: FlaskClient, started: threading.Event, done: threading.Event, heads: list[str]) -> None:
    """A tab whose stream stays open (read up to its ``live``) until ``done``; in a thread of its own, as a
    worker thread serves each stream."""
    answer = client.get("/trainer/events", buffered=False)
    head = ""
    for chunk in answer.response:
        head += chunk.decode()
        if "event: live" in head or "event: crowded" in head:
            break
    heads.append(head)
    started.set()
    done.wait(30)
    answer.close()


def _whole(client: FlaskClient) -> str:
    answer = client.get("/trainer/events", buffered=False)
    try:
        return "".join(chunk.decode() for chunk in answer.response)
    finally:
        answer.close()


def test_a_stream_beyond_those_a_process_keeps_open_is_read_once_and_ends(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in_to_console(client)
    done = threading.Event()
    heads: list[str] = []
    tabs: list[threading.Thread] = []
    for _ in range(DEFAULT_BUDGET):
        started = threading.Event()
        tab = threading.Thread(target=_hold, args=(client, started, done, heads))
        tab.start()
        assert started.wait(10)
        tabs.append(tab)
    read: list[str] = []
    try:
        # in a thread, so that a stream that does not end (the clock is frozen: a full stream never does)
        # fails the test instead of hanging it
        extra_tab = threading.Thread(target=lambda: read.append(_whole(client)), daemon=True)
        extra_tab.start()
        extra_tab.join(10)
        assert read, "a stream beyond the budget must end after one read"
        [extra] = read
    finally:
        done.set()
        for tab in tabs:
            tab.join(10)
    assert all(h.startswith(f"retry: {feed.RETRY_MS}\n") and "event: live" in h for h in heads), heads
    assert extra.startswith(f"retry: {feed.CROWDED_RETRY_MS}\n"), extra[:80]
    assert "event: crowded" in extra and "event: live" not in extra

    monkeypatch.setattr(feed, "STREAM_S", 0.0)  # the streams given back: the next tab is live again
    assert _whole(client).startswith(f"retry: {feed.RETRY_MS}\n")
