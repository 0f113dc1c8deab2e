"""Every request the trainer console's and the simulator pages' scripts make on their own is marked as such
(``X-SLS-Background: 1``, which ``pages.access`` reads), so an open console's polls keep no one signed in.
Their GETs are the ones they make on their own (a poll, a refresh, the state after an action); what a person
does is a POST. A GET added without the mark would quietly keep a console left open signed in for 12 h."""

from __future__ import annotations

import re
from pathlib import Path

from sls_server.http.pages import access

JS = Path(__file__).resolve().parents[2] / "sls_server" / "web" / "static" / "js"
#: The console's and the simulators' scripts (the portal's pages are another sign-in, with its own rules).
SCRIPTS = (
    "trainer.js",
    "trainer-admin.js",
    "trainer-enrol.js",
    "trainer-world.js",
    "trainer-attack.js",
    "trainer-attack-wait.js",
    "trainer-feed.js",
    "trainer-events.js",
    "trainer-limits.js",
    "trainer-present.js",
    "phone.js",
    "card.js",
    "ibkey-app.js",
)


def _calls(source: str, opening: str) -> list[str]:
    """Each call that starts with ``opening``, up to its closing parenthesis."""
    found = []
    for match in re.finditer(re.escape(opening), source):
        depth, i = 0, match.start() + opening.index("(")
        while True:
            depth += {"(": 1, ")": -1}.get(source[i], 0)
            if depth == 0:
                break
            i += 1
        found.append(source[match.start() : i + 1])
    return found


def test_the_header_the_scripts_set_is_the_one_the_server_reads() -> None:
    common = (JS / "common.js").read_text()
    assert f'const BACKGROUND = {{ "{access.BACKGROUND_HEADER}": "1" }};' in common


def test_every_get_of_the_console_and_simulator_scripts_is_marked_background() -> None:
    checked = 0
    for name in SCRIPTS:
        source = (JS / name).read_text()
        for call in _calls(source, 'SLS.call("GET"'):
            assert "{ background: true }" in call, f"{name}: {call}"
            checked += 1
        for call in _calls(source, "fetch("):
            if "method:" not in call:  # a GET
                assert "headers: SLS.background" in call, f"{name}: {call}"
                checked += 1
        # an EventSource sets no header: only the live feed, which the server never counts as activity
        assert all("eventsUrl" in c for c in _calls(source, "new EventSource(")), name
    assert checked >= 3  # the users table's refresh, the phone's and the card's polls
