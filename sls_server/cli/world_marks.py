"""The server's own mark of each demo value demo.json holds, so ``world_sync`` asks the server which one it
holds now, instead of comparing this machine's clock with the trail's ids.

A password cannot be read back, but ``GET /admin/v1/users/<name>`` shows its ``password_version``: a tag the
server draws anew with every new password (a change, a reset, a recovery) and that comes back with a restored
world, as the password does. demo.json's :data:`demofile.MARKS` holds, per demo user, the tag of the password
its ``users`` entry holds (``held``: read as ``sls demo`` seeded the world, or right after a CLI command set
the password) and, once a CLI command replaced it, the tag of the demo world's kept one that ``seeded``
records (``kept``). A number needs no mark: the server shows it.

So the clock moved (``/admin/v1/clock``), the CLI on another machine than the server, or a restore older
than the trail keeps (``SLS_EVENT_RETENTION``) make no difference: the answer is the server's.

Every demo user's version comes in one call (``GET /admin/v1/users``'s ``password_versions``,
:func:`listed`), and every demo user's is checked, not only the ones a CLI command replaced: a password
changed by the console's users table, a staged attack (the SIM swap's reset, the phishing relay's change) or
another client never reached demo.json, and ``sls world`` printed one the server refused (:func:`unknown`).
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from . import demofile
from .admin_client import UNANSWERED, AdminClient, segment

HELD = "held"
KEPT = "kept"
#: The server holds a value for the field that is neither demo.json's nor the demo world's kept one.
OTHER = "other"
Which = Literal["held", "kept", "other"]
#: In the view of demo.json ``sls world`` prints (never written to the file): the demo user's password was
#: changed on the server since demo.json recorded it, so ``password`` is null there instead of a stale one.
CHANGED = "password_changed_on_server"
#: In the same view: the demo user's number on the server is not the one demo.json records (changed outside
#: sls, or by sls and then outside), so ``phone`` is the server's there (:func:`marked_numbers`).
PHONE_CHANGED = "phone_changed_on_server"


@dataclass(frozen=True)
class Listing:
    """``GET /admin/v1/users`` asked once: every username, each one's password version (none from a server
    that lists no versions: ``versions_listed`` False) and phone number ('' for none; None from a server
    that lists no numbers), or why it was not answered (``failed``: nothing else is known then)."""

    names: frozenset[str] = frozenset()
    versions: Mapping[str, str] = field(default_factory=dict)
    failed: Exception | None = None
    versions_listed: bool = True
    phones: Mapping[str, str] | None = None

    def password(self, username: str) -> dict[str, str] | None:
        """``username``'s password as :func:`which` compares it (None: the server did not say)."""
        version = self.versions.get(username)
        return {"password": version} if isinstance(version, str) else None

    def phone(self, username: str) -> dict[str, str] | None:
        """``username``'s number as :func:`which` compares it (None: the server did not list it)."""
        number = None if self.phones is None else self.phones.get(username)
        return {"phone": number} if number is not None else None

    def unlisted(self) -> list[str]:
        """The keys this server's list lacks that a current one gives (an older server): said by ``sls
        world``, which cannot tell then whether such a value changed on the server."""
        return [
            key
            for key, given in (
                ("password_versions", self.versions_listed),
                ("phones", self.phones is not None),
            )
            if not given
        ]


def listed(client: AdminClient) -> Listing:
    """Every user and password version on the server, in one call; never raises (``Listing.failed``)."""
    try:
        answer = client.request("GET", "/admin/v1/users")
    except UNANSWERED as exc:
        return Listing(failed=exc)
    answer = answer if isinstance(answer, dict) else {}
    names, versions, phones = answer.get("users"), answer.get("password_versions"), answer.get("phones")
    return Listing(
        frozenset(n for n in names or [] if isinstance(n, str)),
        {k: v for k, v in versions.items() if isinstance(v, str)} if isinstance(versions, dict) else {},
        versions_listed=isinstance(versions, dict),
        phones={k: v or "" for k, v in phones.items() if isinstance(v, str | None)}
        if isinstance(phones, dict)
        else None,
    )


def moved_numbers(info: dict[str, Any], listing: Listing) -> dict[str, str]:
    """The demo users whose number on the server (``listing``) is not the one demo.json records, and the
    server's ('' for none): changed outside sls (the admin API, the console's users table), since demo.json
    or since a CLI change. A number is no secret, so the server's is shown, whoever set it."""
    users = info.get("users")
    moved = {}
    for username, user in (users if isinstance(users, dict) else {}).items():
        server = listing.phone(username)
        held = user.get("phone") if isinstance(user, dict) else None
        if server is not None and server["phone"] != (held if isinstance(held, str) else ""):
            moved[username] = server["phone"]
    return moved


def marked_numbers(info: dict[str, Any], moved: Mapping[str, str]) -> dict[str, Any]:
    """``info`` as it may be shown, each of ``moved``'s users with the server's number (flagged
    :data:`PHONE_CHANGED`) and ``try``'s commands spelling it. demo.json is left as it is: a restore of the
    demo world brings its number back."""
    if not moved:
        return info
    users, flows = dict(info["users"]), info.get("try")
    for username, number in moved.items():
        stale = users[username].get("phone")
        users[username] = {**users[username], "phone": number or None, PHONE_CHANGED: True}
        if isinstance(stale, str) and stale and number:
            flows = demofile.respelled(flows, stale, number)
    return {**info, "users": users, "try": flows}


def unknown(info: dict[str, Any], listing: Listing) -> list[str]:
    """The demo users whose password the server holds is neither demo.json's nor the demo world's kept one
    (:data:`OTHER`): changed since by the console, a staged attack or another client. Only a user with a
    mark can be judged (an older ``sls``'s demo.json has none: nothing said of it)."""
    users = info.get("users")
    return [
        username
        for username in (users if isinstance(users, dict) else {})
        if which(info, listing.password(username), username, "password") == OTHER
    ]


def not_known(username: str) -> str:
    """Why ``--auto`` (``sls login``, ``sls attack``) has no password for ``username``, and the way back."""
    return (
        f"{username}'s password was changed on the server since demo.json recorded it (the console's users "
        "table, a staged attack, another client), so it is not known here: `sls state restore-demo` (or the "
        "console's \"Back to the demo world\") puts the demo world's back"
    )


def marked_unknown(info: dict[str, Any], usernames: list[str]) -> dict[str, Any]:
    """``info`` as it may be shown, each of ``usernames``'s password null and flagged :data:`CHANGED`, and
    ``<password>`` where ``try``'s commands spelled it. A login of theirs that ``try`` left to ``--auto``
    (which takes the password from demo.json, and refuses one :data:`CHANGED`: :func:`not_known`) asks for
    it too, keeping ``--auto`` for the answer. demo.json itself is left as it is: a restore of the demo world
    makes its password good again."""
    if not usernames:
        return info
    users, flows = dict(info["users"]), info.get("try")
    for username in usernames:
        stale = users[username].get("password")
        users[username] = {**users[username], "password": None, CHANGED: True}
        if isinstance(stale, str) and stale:
            flows = demofile.respelled(flows, shlex.quote(stale), "<password>")
        login = f"sls login {shlex.quote(username)}"
        flows = demofile.respelled(flows, f"{login} --auto", f"{login} --password <password> --auto")
    return {**info, "users": users, "try": flows}


def on_the_server(client: AdminClient, username: str) -> dict[str, str] | None:
    """What the server holds for ``username``, as marks (``password``: its version, ``phone``: the number or
    ''); None when it cannot say (no server, another token, no such user, a server that shows no
    version)."""
    try:
        view = client.request("GET", f"/admin/v1/users/{segment(username)}")
    except UNANSWERED:
        return None
    version = view.get("password_version") if isinstance(view, dict) else None
    if not isinstance(version, str):
        return None
    return {"password": version, "phone": str(view.get("phone") or "")}


def password_mark(client: AdminClient, username: str) -> str | None:
    """The version of the password ``username`` has on the server now (None: it cannot say), for a command
    that just set it to stamp demo.json's copy with (``demofile.remember_password``)."""
    found = on_the_server(client, username)
    return found["password"] if found else None


def marked(client: AdminClient, usernames: Iterable[str]) -> dict[str, dict[str, str]]:
    """demo.json's :data:`demofile.MARKS` for a world just seeded (``sls demo``): each demo user's password
    version as the server says it now (one call)."""
    versions = listed(client).versions
    return {username: {HELD: versions[username]} for username in usernames if username in versions}


def which(info: dict[str, Any], server: dict[str, str] | None, username: str, field: str) -> Which | None:
    """Whether the server (``server``: :func:`on_the_server`'s answer) holds demo.json's value of a demo
    user's ``field`` (:data:`HELD`), the demo world's kept one that ``seeded`` records (:data:`KEPT`), or
    another (:data:`OTHER`); None when the marks cannot tell (the server did not say, or demo.json was
    written by an older ``sls``, without them)."""
    if server is None or field not in server:
        return None
    held, kept = _mark(info, username, field, HELD), _mark(info, username, field, KEPT)
    if held is not None and server[field] == held:
        return "held"
    if kept is not None and server[field] == kept:
        return "kept"
    replaced = field in ((info.get(demofile.SEEDED) or {}).get(username) or {})
    # a replaced value without its kept mark is an older sls's record: the trail's to tell
    return "other" if held is not None and (kept is not None or not replaced) else None


def _mark(info: dict[str, Any], username: str, field: str, which: str) -> str | None:
    if field == "phone":  # the number is its own mark
        entry = (info.get("users") if which == HELD else info.get(demofile.SEEDED)) or {}
        value = (entry.get(username) or {}).get("phone") if isinstance(entry, dict) else None
        return value if isinstance(value, str) else None
    marks = (info.get(demofile.MARKS) or {}).get(username)
    found = marks.get(which) if isinstance(marks, dict) else None
    return found if isinstance(found, str) else None


def settled(demo: dict[str, Any], username: str, came_back: bool) -> None:
    """The marks of a demo user's password once ``world_sync`` settled it: the kept one back
    (``came_back``, its mark is the held one's now) or demo.json's the kept world's (no kept mark left)."""
    marks = demo.get(demofile.MARKS, {}).get(username)
    if not isinstance(marks, dict):
        return
    kept = marks.pop(KEPT, None)
    if came_back:
        if isinstance(kept, str):
            marks[HELD] = kept
        else:
            marks.pop(HELD, None)


def remarked(listing: Listing, server: str) -> None:
    """After ``sls state restore-demo``, each demo user's password without a held mark (settled from an
    older ``sls``'s record, which had none) marked with the server's version (``listing``, asked after the
    restore): demo.json holds the kept world's, which the server was just given, so the next change is
    settled by the server too."""
    demo = demofile.naming(server)
    users = demo.get("users") if demo is not None else None
    if demo is None or not isinstance(users, dict):
        return
    marks = demo.setdefault(demofile.MARKS, {})
    found = False
    versions = listing.versions
    for username in users:
        held = marks.get(username)
        if isinstance(held, dict) and isinstance(held.get(HELD), str):
            continue
        version = versions.get(username)
        if version is not None:
            marks[username] = {**(held if isinstance(held, dict) else {}), HELD: version}
            found = True
    if found:
        demofile.write(demofile.data_dir_from_env(), demo)
