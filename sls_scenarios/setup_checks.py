"""The cross-checks' walk over a scenario's ``setup`` (``checks.Walk`` walks the steps after it): its users,
each set up once and named where accounts and devices name one; its devices, each of a user with a phone
if the broker texts or calls it, named once; and the values only the server would refuse (the clock, a
PIN, an iPhone's passcode: ``value_checks``; a password, by the server's own rules).

It reads the setup as the schema left it (``refusals``): a user or device the schema refused makes the
names it may have defined unknown (``Walk.unknown``) rather than wrongly missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sls_server.password_rules import refusal

from .refusals import entries, given, lacks
from .spelling import suggest
from .value_checks import instant, iphone, pin, sim_holder

if TYPE_CHECKING:
    from .checks import Walk

#: Devices the broker refuses to enrol for a user without a phone number, and why they need one.
NEEDS_PHONE = {"sms": "texts go to it", "voice": "calls go to it", "ibkey": "its activation code is texted"}


def setup(walk: Walk, setup: Any) -> None:
    if not isinstance(setup, dict):  # refused as a whole: its users and devices are unknown
        walk.users = None
        walk.unknown()
        return
    if isinstance(setup.get("clock"), int | str):
        instant(setup["clock"], ("setup", "clock"), walk.problem)
    listed, complete = entries(given(setup, "users", []), _named)
    users = [user["username"] for _, user in listed] if complete else None
    if not complete:  # a username the schema refused
        walk.unknown()
    walk.users = {u["username"]: not _phoneless(u) for _, u in listed}
    if users is None or any("${" in name for name in users):
        walk.users = None
    for i, user in listed:
        if users is not None and users.count(user["username"]) > 1:
            walk.problem(("setup", "users", i), f"user {user['username']!r} is set up twice")
        walk.define(user["username"], ("setup", "users", i))
        walk.mappings[user["username"]] = "username"
        _password(walk, user, ("setup", "users", i, "password"))
    for i, account in entries(setup.get("accounts"))[0]:
        for j, name in entries(account.get("users"), lambda name: isinstance(name, str))[0]:
            if users is not None and name not in users:
                said = f"{name!r} is not a user of setup.users{suggest(name, users)}"
                walk.problem(("setup", "accounts", i, "users", j), said)
    phones = setup.get("phones")
    for number, conditions in phones.items() if isinstance(phones, dict) else ():
        sim_holder(conditions, ("setup", "phones", number), walk.problem)
    phoneless = {user["username"] for _, user in listed if _phoneless(user)}
    devices, complete = entries(given(setup, "devices"))
    if not complete:  # one the schema refused may have had a name
        walk.unknown()
    for i, device in devices:
        _device(walk, device, ("setup", "devices", i), users, phoneless)


def _device(
    walk: Walk, device: dict[str, Any], where: tuple[Any, ...], users: list[str] | None, phoneless: set[str]
) -> None:
    user, kind = device.get("user"), device.get("type")
    if isinstance(user, str) and users is not None and user not in users:
        walk.problem((*where, "user"), f"{user!r} is not a user of setup.users{suggest(user, users)}")
    if isinstance(user, str) and user in phoneless and isinstance(kind, str) and kind in NEEDS_PHONE:
        said = f"{kind} needs {user!r} to have a `phone` in setup.users ({NEEDS_PHONE[kind]})"
        walk.problem((*where, "type"), said)
    if "share" in device:
        walk.device(device["share"], (*where, "share"), kind)
    walk.name_device(given(device, "as"), kind, (*where, "as"))
    pin(device, where, walk.problem)
    iphone(device, where, walk.problem)


def _password(walk: Walk, user: dict[str, Any], where: tuple[Any, ...]) -> None:
    """A password the server's policy refuses beyond its length (the schema's): common, one character
    repeated, a run like abcd, the username inside. Judged by the server's own rules
    (``sls_server.password_rules``), at the line rather than by every run's setup; never shown."""
    password, username = user.get("password"), user["username"]
    if not isinstance(password, str) or "${" in password:
        return
    found = refusal(password, username="" if "${" in username else username)
    if found is None or found[0] in ("too_short", "too_long"):  # the length: the schema's to tell
        return
    said = found[1].rstrip(".")
    walk.problem(
        where,
        f"this secret is refused: {said}, as the server's password policy has it (its value is not shown)",
    )


def _phoneless(user: dict[str, Any]) -> bool:
    """Whether a setup user surely has no phone: none given (not one under a key the schema refused)."""
    return not user.get("phone") and ("phone" in user or lacks(user, "phone"))


def _named(user: Any) -> bool:
    return isinstance(user, dict) and isinstance(user.get("username"), str)
