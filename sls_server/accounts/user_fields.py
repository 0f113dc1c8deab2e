"""What a user's fields must be: the username's form (the canonical, lower-case name every key and event
uses), the phone's E.164 form, the password policy said as the API's refusal, a new epoch, and the user as
the API shows them. Pure judgements, no store: the shapes, the rules and the services ask the same ones.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from ..errors import InvalidRequest, SlsError
from ..store.records import UserRecord
from .errors import WeakPassword
from .passwords import PasswordRejected, check_password_policy

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
PHONE_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")


def new_epoch() -> str:
    """A user's epoch: logins and sessions remember the one they began under, and disabling (or deleting and
    re-creating) the user draws a new one, so everything begun before is dead on its next step. Random, not a
    counter, so a re-created user can never land on an old value."""
    return secrets.token_hex(8)


def canonical_username(username: str) -> str:
    """Usernames are case-insensitive, as at the broker; keys and events use the lower-case form."""
    name = username.strip().lower()
    if not USERNAME_RE.fullmatch(name):
        raise InvalidRequest(
            "username must be 3-64 characters: letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            field="username",
        )
    return name


def checked_phone(phone: str) -> None:
    """400 naming ``phone`` unless it is a number in E.164 form."""
    if not PHONE_RE.fullmatch(phone):
        raise InvalidRequest("phone must be in E.164 form, like +15551234567", field="phone")


def weak_password(password: str, username: str, *, field: str = "password") -> WeakPassword | None:
    """The policy's 400 ``weak_password`` for ``password`` chosen by ``username`` (judged in its lower-case
    form, so a form can judge a password beside a username it refuses), or None if the policy allows it."""
    try:
        check_password_policy(password, username=username.strip().lower())
    except PasswordRejected as exc:
        return WeakPassword(exc.message, field=field, reason=exc.reason)
    return None


def new_user_refusals(username: object, password: object, phone: object = None) -> list[SlsError]:
    """What a new user's username, password and phone break, each field's refusal, in that order (a body's):
    the username's form, the password policy (judged against the username as typed, even one refused, and
    against none when there is no text to judge it with), the phone's E.164 form. A value that is no text
    is the shape's to refuse and judged here as absent."""
    found: list[SlsError] = []
    name = username if isinstance(username, str) else ""
    if isinstance(username, str):
        try:
            canonical_username(username)
        except InvalidRequest as exc:
            found.append(exc)
    weak = weak_password(password, name) if isinstance(password, str) else None
    if weak is not None:
        found.append(weak)
    if isinstance(phone, str) and not PHONE_RE.fullmatch(phone):
        found.append(InvalidRequest("phone must be in E.164 form, like +15551234567", field="phone"))
    return found


def public_user(record: UserRecord, devices: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "username": record.username,
        "phone": record.phone,
        "created_at": record.created_at,
        "disabled": record.disabled,
        "paper": record.paper,
        "password_version": password_version(record),
        "devices": devices,
    }


def password_version(record: UserRecord) -> str:
    """A tag of the password the user has now, from its epoch (drawn anew by every change, reset and
    recovery; the state document keeps it, so a restored world brings it back): ``sls`` stamps demo.json's
    passwords with it, then asks the server which one it holds without comparing two machines' clocks.
    Hashed, so the epoch itself (which guards logins in progress) is not shown; the same for every password
    never changed since its user was made."""
    return version_of(record.password_epoch)


def version_of(password_epoch: str | None) -> str:
    """:func:`password_version` from the epoch alone, as ``UserRepo.listed`` reads them."""
    return hashlib.sha256(b"sls password version:" + (password_epoch or "").encode()).hexdigest()[:16]
