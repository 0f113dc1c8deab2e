"""demo.json's replaced values settled once the demo world kept on the server is the world again: by
``sls state restore-demo`` and ``keep-demo`` (:func:`back_to_the_kept_world`), or seen afterwards
(:func:`caught_up`). ``sls state restore-demo`` writes the kept world's passwords and numbers back into
demo.json as it puts them back on the server; the console's "Back to the demo world" (or ``POST
/admin/v1/state/demo/restore`` from any client) cannot reach the file, and ``sls world`` went on printing a
password the server now refused, ``--auto`` logging in with it.

Each value a CLI command replaced is settled by asking the server which one it holds now
(``world_marks``: a password's version, a number as it is): demo.json's, left as it is; the demo world's
kept one, written back into demo.json; another, said on stderr. Nothing is compared with this machine's
clock, so a CLI on another machine than the server, the emulated clock moved, or a restore older than the
trail keeps make no difference. Every demo user's password is checked in the same one call, replaced by a
CLI command or not: one the server holds that is neither demo.json's nor the kept one (changed by the
console, a staged attack, another client) is shown as not known here, never printed as if it worked.

A value an older ``sls`` recorded has no mark, only a cursor of the trail (``demofile.SEEDED_SINCE``, taken
from this machine's clock): for it the first restore of the demo world the trail holds after that cursor
(``state.imported`` with ``detail.demo_world``) decides, by when the world it brought back was kept
(``detail.kept_at_ms``), with a note that this is what decided.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from . import demofile, world_marks
from .admin_client import AdminClient, ApiError, NoServer
from .output import note

#: A way back to the demo world (its ``detail.demo_world``).
RESTORED = "state.imported"
#: The largest page ``GET /admin/v1/events`` gives.
PAGE = 1000


def caught_up(
    client: AdminClient,
    info: dict[str, Any],
    listing: world_marks.Listing | None = None,
    *,
    about: Collection[str] | None = None,
) -> dict[str, Any]:
    """``info`` (demo.json's, for the demo ``client`` talks to) with each replaced value the server holds
    the demo world's kept one of again written back into demo.json (said on stderr, one line, without the
    values), and, in the view returned, each password the server holds that is neither demo.json's nor
    the kept one null and flagged (``world_marks.CHANGED``, said on stderr): changed since by the
    console, a staged attack or another client; and each number the server holds that is not demo.json's,
    the server's shown and flagged (``world_marks.PHONE_CHANGED``, said on stderr): a number is no
    secret. ``listing``: the server's users and password versions (``world_marks.listed``: one call, made
    here when not given). As it was when the server cannot be asked (no server, another token): nothing
    is guessed. ``about``: the users a command is at (``sls login``'s, ``sls attack``'s), the only ones a
    changed password is said of (each is still flagged); None, every one (``sls world``, which lists them
    all)."""
    listing = listing or world_marks.listed(client)
    if listing.failed is not None:
        return info
    back = _asked(client, info, listing, restored=False)
    if back:
        note(
            f"the demo world was restored on the server since a CLI change: demo.json holds its passwords "
            f"and numbers again ({', '.join(back)})"
        )
    info = demofile.naming(client.url) or info
    changed = world_marks.unknown(info, listing)
    said = [name for name in changed if about is None or name in about]
    if said:
        note(
            f"the password of {', '.join(said)} was changed on the server since demo.json recorded it "
            "(the console's users table, a staged attack, another client): not known here, so not printed; "
            "`sls state restore-demo` (or the console's \"Back to the demo world\") puts the demo's back"
        )
    moved = world_marks.moved_numbers(info, listing)
    for username in (name for name in moved if about is None or name in about):
        note(
            f"{username}'s number was changed on the server since demo.json recorded it (the admin API, the "
            f"console's users table): the server's, {moved[username] or 'none'}, is shown; `sls state "
            "restore-demo` puts the demo's back"
        )
    unlisted = listing.unlisted()
    if about is None and unlisted:
        what = " or ".join({"password_versions": "password", "phones": "number"}[key] for key in unlisted)
        note(
            f"the server at {client.url} is older than this sls (GET /admin/v1/users gives no "
            f"{' nor '.join(unlisted)}): sls cannot tell whether a demo user's {what} changed on the server "
            "since demo.json recorded it, and shows demo.json's"
        )
    return world_marks.marked_numbers(world_marks.marked_unknown(info, changed), moved)


def restored(client: AdminClient) -> list[str]:
    """``sls state restore-demo`` has put the demo world back: each replaced value settled as the server
    says (a world kept after the change, by any client, holds the changed one), the rest (it cannot tell)
    as the kept world's. The demo users whose values came back."""
    listing = world_marks.listed(client)
    back = _asked(client, demofile.naming(client.url) or {}, listing, restored=True)
    names = list(dict.fromkeys([*back, *back_to_the_kept_world(client.url, restored=True)]))
    world_marks.remarked(listing, client.url)
    return names


def _asked(
    client: AdminClient, info: dict[str, Any], listing: world_marks.Listing, *, restored: bool
) -> list[str]:
    """Each replaced value settled as the server says (:mod:`world_marks`: a password's version from
    ``listing``, a number from the user's own view), or for one recorded by an older ``sls``, without a
    mark, as the trail says (:func:`_by_the_trail`). ``restored``: the demo world was just put back, so a
    value the server holds as demo.json does is the kept world's (no longer replaced)."""
    seeded = info.get(demofile.SEEDED)
    if not isinstance(seeded, dict) or not seeded:
        return []
    phones: dict[str, dict[str, str] | None] = {}
    by_the_trail: list[Callable[[str, str], bool | None]] = []
    unmarked: list[str] = []
    other: list[str] = []

    def verdict(username: str, field: str) -> bool | None:
        if field == "password":
            server = listing.password(username)
        elif listing.phones is not None:
            server = listing.phone(username)
        else:  # a server that lists no numbers: the user's own view
            if username not in phones:
                phones[username] = world_marks.on_the_server(client, username)
            server = phones[username]
        found = world_marks.which(info, server, username, field)
        if found is not None:  # another value stays replaced: caught_up says so of a password
            if found == world_marks.OTHER and field != "password" and listing.phones is None:
                other.append(f"{username}'s {field}")  # else caught_up shows the server's
            return {"held": False if restored else None, "kept": True}.get(found)
        if server is not None:  # the server answered: demo.json's record has no mark
            unmarked.append(f"{username}'s {field}")
        if not by_the_trail:
            by_the_trail.append(_by_the_trail(client, info))
        return by_the_trail[0](username, field)

    names = settle(client.url, verdict)
    if unmarked:
        note(
            f"demo.json's record of {', '.join(unmarked)} is an older sls's, without the server's mark: "
            "whether the demo world was restored since is read from the trail against this machine's clock, "
            "and a restore the trail no longer holds (SLS_EVENT_RETENTION) is missed; `sls state "
            "restore-demo` settles it"
        )
    if other:
        note(
            f"the server holds neither demo.json's nor the demo world's kept value of {', '.join(other)} "
            "(set outside sls since?): set it again with sls to record it"
        )
    return names


def _by_the_trail(client: AdminClient, info: dict[str, Any]) -> Callable[[str, str], bool | None]:
    """For values recorded by an older ``sls`` (a cursor of the trail from this machine's clock, no mark):
    whether the first restore of the demo world the trail holds after the cursor brought the kept value
    back (the world it brought back was kept before the change); None when the trail shows none, or
    cannot be read, or the value has no cursor either."""
    stamps = _stamps(info)
    try:
        restores = _restores(client, min(stamps.values(), key=_order)) if stamps else []
    except (NoServer, ApiError):
        restores = []

    def verdict(username: str, field: str) -> bool | None:
        if (username, field) not in stamps:
            return None
        stamp = _order(stamps[(username, field)])
        after = [kept for at, kept in restores if _order(at) > stamp]
        return None if not after else after[0] < stamp

    return verdict


def back_to_the_kept_world(server: str, data_dir: Path | None = None, *, restored: bool) -> list[str]:
    """The demo world kept on ``server`` is the world again (``restored``: its passwords and numbers in
    demo.json once more, ``try``'s commands spelling them) or is now the world as it is (``sls state
    keep-demo``: the values demo.json holds are the kept world's). The demo users whose values came back."""
    return settle(server, lambda _username, _field: restored, data_dir)


def settle(server: str, back: Callable[[str, str], bool | None], data_dir: Path | None = None) -> list[str]:
    """Each replaced value of the demo at ``server`` (``demofile.SEEDED``) settled as
    ``back(username, field)`` says: True, the kept world's is back (written in again); False, the kept
    world holds the one demo.json has (the record dropped); None, still replaced (kept). The demo users
    whose values came back."""
    demo = demofile.naming(server, data_dir)
    changed = demo.get(demofile.SEEDED) if demo is not None else None
    if demo is None or not isinstance(changed, dict):
        return []
    stamps = demo.get(demofile.SEEDED_SINCE)
    since: dict[str, Any] = stamps if isinstance(stamps, dict) else {}
    names, before = [], json.dumps(demo, sort_keys=True)
    for username, fields in list(changed.items()):
        user = demo.get("users", {}).get(username)
        if not isinstance(user, dict) or not isinstance(fields, dict):
            del changed[username]
            continue
        came_back = False
        for field, kept in list(fields.items()):
            verdict = back(username, field)
            if verdict is None:
                continue
            del fields[field]
            (since.get(username) or {}).pop(field, None)
            if field == "password":
                world_marks.settled(demo, username, came_back=verdict)
            if verdict:
                now, user[field] = user.get(field), kept
                if isinstance(now, str) and now and isinstance(kept, str):
                    quote = shlex.quote if field == "password" else str
                    demo["try"] = demofile.respelled(demo.get("try"), quote(now), kept)
                came_back = True
        if not fields:
            del changed[username]
            since.pop(username, None)
        if came_back:
            names.append(username)
    if not changed:  # nothing replaced left: no record of it either
        demo.pop(demofile.SEEDED, None)
        demo.pop(demofile.SEEDED_SINCE, None)
    if json.dumps(demo, sort_keys=True) != before:  # `sls world` settles nothing most times: no write then
        demofile.write(data_dir or demofile.data_dir_from_env(), demo)
    return names


def _stamps(info: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Each replaced value's stamp, by (username, field); a value recorded without one (by an older CLI) is
    left alone, since no one can say whether a restore came after it."""
    seeded, since = info.get(demofile.SEEDED), info.get(demofile.SEEDED_SINCE)
    if not isinstance(seeded, dict) or not isinstance(since, dict):
        return {}
    found = {}
    for username, fields in seeded.items():
        stamped = since.get(username)
        if not isinstance(fields, dict) or not isinstance(stamped, dict):
            continue
        for field in fields:
            stamp = stamped.get(field)
            if isinstance(stamp, str) and _order(stamp) != (-1, -1):
                found[(username, field)] = stamp
    return found


def _restores(client: AdminClient, since: str) -> list[tuple[str, tuple[int, int]]]:
    """The demo world's restores in the trail after ``since``, oldest first: each one's id, and when the
    world it brought back was kept (as a trail id; by a server that did not say, long before)."""
    restores = []
    cursor = since
    while True:
        page = client.request(
            "GET", "/admin/v1/events", query={"type": RESTORED, "since": cursor, "limit": str(PAGE)}
        )
        events = page.get("events") or []
        for event in events:
            detail = event.get("detail") or {}
            if detail.get("demo_world"):
                kept = detail.get("kept_at_ms")
                restores.append((str(event["id"]), (kept, 0) if isinstance(kept, int) else (0, 0)))
        if len(events) < PAGE or not page.get("cursor"):
            return restores
        cursor = str(page["cursor"])


def _order(cursor: str) -> tuple[int, int]:
    """A trail id (``<ms>-<sequence>``) as numbers, to compare; (-1, -1) for one that is none."""
    ms, _, seq = cursor.partition("-")
    return (int(ms), int(seq)) if ms.isdigit() and seq.isdigit() else (-1, -1)


def still_replaced(info: dict[str, Any], last: dict[str, Any]) -> None:
    """The last demo.json's record of the values a CLI command replaced since the demo world was kept (a
    password, a number; each kept one's mark), carried into ``info``: that world is still the one a restore
    brings back, and with the record, ``sls world`` and ``--auto`` follow it there."""
    for field in (demofile.SEEDED, demofile.SEEDED_SINCE):
        if isinstance(last.get(field), dict):
            info[field] = last[field]
    for username, marks in (last.get(demofile.MARKS) or {}).items():
        if isinstance(marks, dict) and world_marks.KEPT in marks and username in info[demofile.MARKS]:
            info[demofile.MARKS][username][world_marks.KEPT] = marks[world_marks.KEPT]
