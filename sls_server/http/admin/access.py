"""``/admin/v1`` routes for IP restrictions: users' and accounts' allowlists, account membership.

Registered on the admin blueprint, so its bearer-token guard applies. Views stay thin: the core parses
and normalises the lists, and refuses a bad entry before anything is stored.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...accounts.access import FIELD
from ...errors import InvalidRequest
from ..common import core, json_body, now, string
from . import bp


def _required(body: dict[str, Any], name: str) -> Any:
    if body.get(name) is None:
        raise InvalidRequest(f"{name} is required", field=name)
    return body[name]


def _optional_list(body: dict[str, Any], name: str) -> Any:
    """Absent or null is an empty list; anything else goes to the core's checks as given."""
    return [] if body.get(name) is None else body[name]


@bp.get("/users/<username>/ip-allowlist")
def get_user_allowlist(username: str):  # type: ignore[no-untyped-def]
    name = core().users.get(username).username
    return jsonify(core().ip_rules.user_allowlist(name))


@bp.put("/users/<username>/ip-allowlist")
def put_user_allowlist(username: str):  # type: ignore[no-untyped-def]
    name = core().users.get(username).username
    entries = _required(json_body(), FIELD)
    return jsonify(core().ip_rules.set_user_allowlist(name, entries, now=now()))


@bp.post("/accounts")
def create_account():  # type: ignore[no-untyped-def]
    body = json_body()
    account = core().ip_rules.create_account(
        _required(body, "account_id"), _optional_list(body, "users"), _optional_list(body, FIELD), now=now()
    )
    return jsonify(account), 201


@bp.get("/accounts/<account_id>")
def get_account(account_id: str):  # type: ignore[no-untyped-def]
    return jsonify(core().ip_rules.account(account_id))


@bp.put("/accounts/<account_id>/ip-allowlist")
def put_account_allowlist(account_id: str):  # type: ignore[no-untyped-def]
    entries = _required(json_body(), FIELD)
    return jsonify(core().ip_rules.set_account_allowlist(account_id, entries, now=now()))


@bp.post("/accounts/<account_id>/users")
def add_account_user(account_id: str):  # type: ignore[no-untyped-def]
    username = string(json_body(), "username", max_len=64)
    return jsonify(core().ip_rules.add_user_to_account(account_id, username, now=now()))
