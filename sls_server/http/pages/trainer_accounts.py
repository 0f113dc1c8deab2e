"""``/trainer`` and multi-user accounts: the Accounts card lists them all (an account with no users too, which
no user's panel shows), deletes one, takes a user out of one; a user's panel puts the user in one and sets
its allowlist.

As in ``trainer_admin``, each route calls the core service its ``/admin/v1/accounts`` twin calls
(``http/admin/access.py``), with the twin's shapes, behind the trainer's sign-in and the page's CSRF token
(:func:`.trainer.action`).
"""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue

from ...accounts.errors import UnknownAccount
from ...shapes.access import AccountCreate, IpAllowlist
from ..common import core, now
from . import bp
from .kit import answers_json, shaped
from .trainer import action


@bp.post("/trainer/users/<username>/account")
@answers_json
def trainer_join_account(username: str) -> ResponseReturnValue:
    """The user trades under an account from now on: ``POST /admin/v1/accounts/<id>/users`` when the account
    exists, ``POST /admin/v1/accounts`` with the user as its first member when not (the panel's one field
    names an account either way)."""

    def join(body: dict[str, Any]) -> dict[str, Any]:
        name = core().users.get(username).username
        account_id = shaped(AccountCreate, {"account_id": body.get("account_id")}).account_id
        try:
            core().ip_rules.account(account_id)
        except UnknownAccount:
            return core().ip_rules.create_account(account_id, [name], [], now=now())
        return core().ip_rules.add_user_to_account(account_id, name, now=now())

    return action(join)


@bp.post("/trainer/accounts/<account_id>/ip-allowlist")
@answers_json
def trainer_set_account_allowlist(account_id: str) -> ResponseReturnValue:
    """``PUT /admin/v1/accounts/<id>/ip-allowlist``: applies to every user of the account (a user's own list
    narrows it); empty lifts it."""

    def put(body: dict[str, Any]) -> dict[str, Any]:
        entries = shaped(IpAllowlist, {"ip_allowlist": body.get("ip_allowlist")}).ip_allowlist
        return core().ip_rules.set_account_allowlist(account_id, entries, now=now())

    return action(put)


@bp.post("/trainer/accounts/<account_id>/users/<username>/remove")
@answers_json
def trainer_remove_account_user(account_id: str, username: str) -> ResponseReturnValue:
    """``DELETE /admin/v1/accounts/<id>/users/<u>``: the account's list no longer applies to the user; the
    account stays, with no users if they were its last."""
    return action(lambda _: core().ip_rules.remove_user_from_account(account_id, username, now=now()))


@bp.post("/trainer/accounts/<account_id>/delete")
@answers_json
def trainer_delete_account(account_id: str) -> ResponseReturnValue:
    """``DELETE /admin/v1/accounts/<id>``: its users stay, each with their own list. The console asks first
    (its confirmation dialog); this route does what it is told."""
    return action(lambda _: core().ip_rules.delete_account(account_id, now=now()))
