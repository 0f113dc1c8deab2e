"""``sls events``, ``sls sessions list|end|end-console``, ``sls wipe``, ``sls status`` and ``sls openapi``:
watching and controlling a running server.

``events --follow`` polls ``GET /admin/v1/events`` with the cursor the server hands back: each call returns
what came after the last one, so nothing is shown twice and nothing is missed, however long it runs.
"""

from __future__ import annotations

import time
from typing import Any

import click

from ..web.event_tones import attackers_after
from .admin_client import UNANSWERED, segment
from .admin_commands import admin_options, call, connect, sessions_table
from .event_reading import attacker_addresses, event_text, latest, print_events
from .output import EXIT_USAGE, CliError, HelpGroup, fields_table, note, print_json, print_renderable, table
from .reading import Seconds, confirm
from .server_errors import server_errors


@click.command("events")
@click.option(
    "--user",
    metavar="USERNAME",
    help="Only this user's events; for a name no user has, the attempts at it.",
)
@click.option("--type", "type_", metavar="TYPE", help="Only events of this type, e.g. login.succeeded.")
@click.option("--since", metavar="CURSOR", help="Start after this cursor (printed with each page).")
@click.option(
    "--limit", type=click.IntRange(1, 1000), default=100, show_default=True, help="Events per page."
)
@click.option(
    "--last",
    type=click.IntRange(1, 1000),
    metavar="N",
    help="Only the latest N events (of --user, --type), oldest of them first; reads the trail to its end.",
)
@click.option("--follow", "-f", is_flag=True, help="Keep watching for new events until Ctrl-C.")
@click.option(
    "--interval",
    type=Seconds(0.1, 60),
    default=1.0,
    show_default=True,
    help="--follow: seconds between polls.",
)
@admin_options
def events(
    user: str | None,
    type_: str | None,
    since: str | None,
    limit: int,
    last: int | None,
    follow: bool,
    interval: float,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """The audit trail, oldest first (GET /admin/v1/events).

    --limit is a page from the oldest (or from --since); --last N gives the latest N instead, read page by
    page to the end of the trail (the route reads oldest first only). Each event is a line in words, as
    the trainer's feed says it ("card-carl locked for 1 min after 5 wrong passwords"), coloured by what it
    means with its word (defence, breach, attempt, warning, ok), its dotted type after it; --json prints the
    events as the server sent them, fields and all.

    An address a staged attack comes from, or one marked as an attacker's (GET /admin/v1/attackers), is
    tagged "(attacker)", as in the feed; with --follow, a marked one from its mark on, and no longer after a
    wipe or a world loaded over the old one (the server unmarks it then).

    With --follow it keeps polling and prints each new event as it happens, on a line as the listing's
    (--json: one JSON object per line). Events never carry a password, PIN, code, response or key.

    \b
    Examples:
      sls events --user card-carl
      sls events --user card-carl --last 5         # what just happened to her
      sls events --type login.succeeded --json
      sls events --follow                          # in a second terminal, while you log in
    """
    # A type no server writes (a typo's login.sucess) is the server's to refuse: its 400 names the nearest
    if last is not None and (follow or since):
        raise CliError("--last reads the latest events: give it without --follow and --since", EXIT_USAGE)
    client = connect(url, admin_token)
    if last is not None:
        page = latest(client, {k: v for k, v in (("user", user), ("type", type_)) if v}, last)
        if as_json:
            print_json(page)
            return
        found = page["events"]
        with server_errors():
            attackers = attacker_addresses(client)
        print_events(f"the last {len(found)} event(s)", found, attackers)
        if page["cursor"]:
            note(f"next: sls events --since {page['cursor']}")
        return
    query: dict[str, str] = {"limit": str(limit)}
    if user:
        query["user"] = user
    if type_:
        query["type"] = type_
    cursor = since

    def read_attackers() -> frozenset[str]:
        with server_errors():
            return attacker_addresses(client)

    # --json gives the events as the server sent them: no tags to put on
    attackers = frozenset[str]() if as_json else read_attackers()
    while True:
        page_query = {**query, **({"since": cursor} if cursor else {})}
        with server_errors():
            page = client.request("GET", "/admin/v1/events", query=page_query)
        found = page.get("events") or []
        cursor = page.get("cursor") or cursor
        if not follow:
            break
        if found and (user or type_) and not as_json:
            attackers = read_attackers()  # the page leaves out the wipes and marks that change the list
        for event in found:
            if as_json:
                print_json(event, compact=True)
            else:  # a scenario demo's actors from their mark on, none of them after a wipe, as in the feed
                attackers = attackers_after(event, attackers, read_attackers)
                print_renderable(event_text(event, attackers))  # the listing's line, colours and all
        if len(found) < limit:
            time.sleep(interval)  # caught up: wait before asking again (the CLI waits; tests never do)
    if as_json:
        print_json(page)
        return
    print_events(f"{len(found)} event(s)", found, attackers)
    if cursor:
        more = " (a full page: there may be more)" if len(found) == limit else ""
        note(f"next: sls events --since {cursor}{more}")


@click.group(cls=HelpGroup)
def sessions() -> None:
    """Live sessions of a user: list them, end one; end every sign-in to the console (admin API).

    \b
    Examples:
      sls sessions list card-carl
      sls sessions end card-carl~3f2a...    # an id as the list prints it
      sls sessions end-console
    """


@sessions.command("list")
@click.argument("username")
@admin_options
def list_sessions(username: str, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """A user's live sessions (GET /admin/v1/users/<username>/sessions).

    \b
    Example:
      sls sessions list card-carl
    """
    result = call(url, admin_token, "GET", f"/admin/v1/users/{segment(username)}/sessions")
    if as_json:
        print_json(result)
        return
    print_renderable(sessions_table(f"live sessions of {username}", result.get("sessions") or []))


@sessions.command("end")
@click.argument("session_id")
@admin_options
def end_session(session_id: str, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """End a session now: its token is dead at once (DELETE /admin/v1/sessions/<session_id>).

    SESSION_ID is the id `sls sessions list USER` prints (`<username>~` and 64 hex digits), or the user
    and the 12-digit `session_id` an audit event shows (`card-carl~3f9a0c1d2e4b`).

    \b
    Examples:
      sls sessions end card-carl~3f9a0c1d2e4b
      sls sessions end "$(sls sessions list card-carl --json | jq -r '.sessions[0].id')"
    """
    result = call(url, admin_token, "DELETE", f"/admin/v1/sessions/{segment(session_id)}")
    if as_json:
        print_json(result)
    else:
        click.echo(f"ended session {result.get('ended', session_id)} of {result.get('username')}")


@sessions.command("end-console")
@admin_options
def end_console(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """End every sign-in to the trainer console and the simulator pages, on every browser: a copied cookie
    opens nothing after this (DELETE /admin/v1/console/sign-ins). The tokens are unchanged.

    \b
    Example:
      sls sessions end-console
    """
    result = call(url, admin_token, "DELETE", "/admin/v1/console/sign-ins")
    if as_json:
        print_json(result)
    else:
        click.echo(f"ended {result.get('trainer', 0)} console and {result.get('sim', 0)} simulator sign-ins")


@click.command("wipe")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@admin_options
def wipe(yes: bool, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Wipe all emulator state: users, devices, sessions, lockouts, inboxes, events (POST /admin/v1/reset).

    `sls demo` does this at start (unless --keep), then seeds its world again. The demo world it keeps on
    the server stays: `sls state restore-demo` puts it back.

    \b
    Example:
      sls wipe --yes
    """
    if not yes:
        confirm("Delete every user, device, session and event on this server?")
    result = call(url, admin_token, "POST", "/admin/v1/reset")
    if as_json:
        print_json(result)
    else:
        click.echo(f"wiped: {result.get('keys_deleted', 0)} keys deleted")


@click.command("status")
@admin_options
def status(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Is the server up, and can it write to Redis? (GET /healthz, GET /readyz).

    Exits 1 when it is not ready, so scripts can wait on it; the report is printed either way (with --json
    on stdout, and the not_ready error on stderr), as not ready is its answer, not a failure to get one.

    \b
    Example:
      sls status
    """
    client = connect(url, None)
    with server_errors():
        alive = client.request("GET", "/healthz")
    try:
        ready: dict[str, Any] = client.request("GET", "/readyz")
        is_ready = True
    except UNANSWERED as exc:  # 503 store_unavailable: said, not raised
        ready, is_ready = {"status": "not ready", "error": str(exc)}, False
    result = {"url": client.url, "healthz": alive, "readyz": ready}
    if as_json:
        print_json(result)
    else:
        print_renderable(
            fields_table(f"server {client.url}", {"live": alive.get("status"), "ready": is_ready})
        )
    if not is_ready:
        raise CliError(f"not ready: {ready.get('error')}", code="not_ready")


@click.command("openapi")
@admin_options
def openapi(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """The server's HTTP contract: its operations, or its OpenAPI 3.1 document (GET /openapi.json).

    \b
    Examples:
      sls openapi                      # method, path, summary
      sls openapi --json > openapi.json
    """
    document = call(url, None, "GET", "/openapi.json")
    if as_json:
        print_json(document)
        return
    rows = [
        [method.upper(), path, (op or {}).get("summary")]
        for path, ops in (document.get("paths") or {}).items()
        for method, op in ops.items()
        if method in ("get", "post", "put", "delete", "patch")
    ]
    print_renderable(
        table(document.get("info", {}).get("title"), ["method", "path", "summary"], rows, wrap=["summary"])
    )
