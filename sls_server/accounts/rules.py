"""What a request body's rules judge after its shape, one function per kind of body, each the refusals of
every field at fault (a username's form, the password policy, an allowlist's entries, an account's users).

One judgement, called from three places: the core call itself when the shape passed (``UserService.create``,
``IpRules``, the password changes), the HTTP layer when the shape refused the body (``@operation(rules=...)``,
``http.validation.with_rules``, which keeps what they say of the fields the shape let through), and the
trainer's *Add a user* form. So
a 400 lists every field at fault in one round, whichever stage finds it. Each takes the body's fields as
parsed from JSON (a value of the wrong type is the shape's to refuse, and is judged as absent) and returns
the refusals in the body's field order; :func:`judge` raises them as one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import InvalidRequest, SlsError, together
from .allowlists import FIELD, allowlist_refusals, canonical_account_id, username_refusals
from .user_fields import new_user_refusals, weak_password

Fields = Mapping[str, Any]


def judge(found: list[SlsError]) -> None:
    """Raise ``found`` as one refusal (every field in ``problems``), if any."""
    refused = together(found)
    if refused is not None:
        raise refused


def new_user(fields: Fields) -> list[SlsError]:
    """``POST /admin/v1/users`` and the trainer's *Add a user*: the username's form, the password policy,
    the phone's form, the allowlist's entries."""
    found = new_user_refusals(fields.get("username"), fields.get("password"), fields.get("phone"))
    return found + allowlist(fields)


def allowlist(fields: Fields) -> list[SlsError]:
    """A body's ``ip_allowlist``: every bad entry with its ``index``."""
    entries = fields.get(FIELD)
    return allowlist_refusals(entries) if entries is not None else []


def new_account(fields: Fields) -> list[SlsError]:
    """``POST /admin/v1/accounts``: the id's form, every bad username, every bad allowlist entry."""
    found: list[SlsError] = []
    if "account_id" in fields:
        try:
            canonical_account_id(fields["account_id"])
        except InvalidRequest as exc:
            found.append(exc)
    if fields.get("users") is not None:
        found += username_refusals(fields["users"])
    return found + allowlist(fields)


def new_password(fields: Fields, *, field: str, username: str = "") -> list[SlsError]:
    """The password policy on the body's ``field``, chosen by ``username``. Where the user is known only
    after the body is read (the caller's session, a recovery's token), the HTTP layer judges it beside the
    shape's refusals without one (``username`` empty), and the core call in full once the shape passes."""
    password = fields.get(field)
    weak = weak_password(password, username, field=field) if isinstance(password, str) else None
    return [weak] if weak is not None else []
