"""``sls events`` without ``--follow`` (and with ``--last N``) printed a table of raw fields (a dotted type,
``key value`` detail), while ``--follow`` and the trainer's feed said each event in a sentence: the listing
now says the feed's sentences (``web/event_words``), coloured by what each means (``web/event_tones``) with
the tone's word, the dotted type after it; ``--json`` still prints the fields, as the server sent them."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from cli_kit import cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner
from served_kit import json_over_http

LOCKED = {
    "id": "1764892800000-0",
    "at": 1764892800,
    "type": "account.locked",
    "user": "card-carl",
    "ip": "203.0.113.9",
    "detail": {"failures": 5, "wait_s": 60},
}
CREATED = {"id": "1764892799000-0", "at": 1764892799, "type": "user.created", "user": "card-carl"}
UNKNOWN = {
    "id": "1764892801000-0",
    "at": 1764892801,
    "type": "made.up",
    "user": "card-carl",
    "detail": {"a_b": 1},
}
PAGE = {"events": [CREATED, LOCKED, UNKNOWN], "cursor": UNKNOWN["id"]}
TOKEN = {"SLS_ADMIN_TOKEN": "t" * 20}


@pytest.fixture
def server() -> Iterator[str]:
    """``GET /admin/v1/events``: one page, whatever the query (the listing is under test, not the filter)."""
    with json_over_http(PAGE) as url:
        yield url


@pytest.mark.parametrize("args", [(), ("--last", "3")], ids=["page", "last"])
def test_the_listing_says_sentences_with_the_tone_s_word_and_the_type_after(
    runner: CliRunner, server: str, args: tuple[str, ...]
) -> None:
    shown = sls(runner, "events", *args, "--url", server, env=TOKEN)
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    said = "defence: card-carl locked for 1 min after 5 wrong passwords, from 203.0.113.9  account.locked"
    assert f"2025-12-05 00:00:00  {said}" in lines, shown.stdout
    assert any(line.endswith("  User card-carl created  user.created") for line in lines), shown.stdout
    assert any(line.endswith("  made.up  user=card-carl  a b 1") for line in lines), (
        shown.stdout
    )  # no sentence
    assert "wait_s" not in shown.stdout and "failures 5" not in shown.stdout  # no field where a sentence is


def test_the_listing_is_coloured_by_tone_on_a_terminal(runner: CliRunner, server: str) -> None:
    shown = sls(runner, "events", "--url", server, env={**TOKEN, "FORCE_COLOR": "1", "TERM": "xterm"})
    assert shown.exit_code == 0, shown.stderr
    locked = next(line for line in shown.stdout.splitlines() if "locked for" in line)
    assert "\x1b[1;34m" in locked, repr(locked)  # bold blue: a defence, as the console's feed colours it
    created = next(line for line in shown.stdout.splitlines() if "User card-carl created" in line)
    assert "\x1b[1;34m" not in created and "\x1b[1;31m" not in created, repr(created)  # neutral: plain


def test_json_keeps_the_fields_as_the_server_sent_them(runner: CliRunner, server: str) -> None:
    for args in ((), ("--last", "3")):
        shown = sls(runner, "events", *args, "--url", server, "--json", env=TOKEN)
        assert shown.exit_code == 0, shown.stderr
        assert json.loads(shown.stdout) == PAGE
