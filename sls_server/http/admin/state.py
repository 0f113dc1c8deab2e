"""``/admin/v1/state``: the world saved as one document, and loaded back (``sls_server.transfer``)."""

from __future__ import annotations

from typing import Any

from flask import request

from ...errors import Conflict
from ...shapes.state import (
    DemoWorldHeld,
    DemoWorldKept,
    SealedSecrets,
    SecretsResealed,
    StateDocument,
    StateImported,
    StateImportQuery,
)
from ...transfer import SecretsAtRest, StateTransfer
from ...transfer.demo_world import DemoWorld
from ..common import core
from ..operations import operation
from . import bp

#: A state document may be far larger than any other body (64 KiB): a world of thousands of users.
MAX_STATE_BYTES = 64 * 1024 * 1024


@bp.before_request
def allow_a_large_document() -> None:
    """Raise the body limit for the import alone, before its body is read."""
    if request.endpoint == f"{bp.name}.import_state":
        request.max_content_length = MAX_STATE_BYTES


@operation(
    bp,
    "get",
    "/state/export",
    summary="Export the world",
    ok=StateDocument,
    returns="Users (with their lockouts), devices (secrets sealed), allowlists, accounts, IB Key apps, "
    "phones' conditions, clock, the gateway's daily reset.",
)
def export_state() -> Any:
    """A versioned document to save a prepared world (a trainer's) or a fixture (QA's), and load it again
    with `POST /admin/v1/state/import`. Password hashes and sealed secrets travel as stored; the document
    opens only in a server with the same `SLS_SECRET_KEY` (`key_check` names it). Users' lockouts and known
    addresses are in it; sessions, logins in progress, rate-limit windows, inboxes and the audit trail are
    not."""
    return StateTransfer.of(core()).export()


@operation(
    bp,
    "post",
    "/state/export",
    summary="Export the world (POST)",
    ok=StateDocument,
    returns="The same document as `GET /admin/v1/state/export`.",
)
def export_state_by_post() -> Any:
    """The HTTP contract names the export `POST /admin/v1/state/export`; `GET` (what `sls state export`
    sends) answers the same."""
    return export_state()


@operation(
    bp,
    "post",
    "/state/import",
    summary="Import a world",
    body=StateDocument,
    query=StateImportQuery,
    ok=StateImported,
    returns="How many records of each kind were imported.",
    errors=(Conflict,),
)
def import_state(body: StateDocument, query: StateImportQuery) -> Any:
    """The whole document is checked before anything is written: a document this server cannot read (another
    version, another secret key, a record it does not store that way, a reference to a missing user or
    device) is a 400 `invalid_request` naming the list and `index`, and nothing changed. With `replace=true`
    the world is wiped first and the document's settings taken (the clock, the gateway's daily reset);
    without it the document is added, and a user, device, account or app that exists already refuses it
    whole (409 `conflict`). A user or account created by another request while the import runs refuses it
    too (409 `conflict` naming `users` or `accounts` and `index`): the users and accounts it wrote are
    deleted again (their events marked `detail.import_taken_back`), nothing else written. The accounts are
    written first, each with its IP allowlist, and each user is created with their own list and their
    account's link in one step: an imported user is never there outside either list."""
    counts = StateTransfer.of(core()).import_(body, replace=query.replace)
    return {"imported": counts, "replaced": query.replace}


@operation(
    bp,
    "get",
    "/state/secrets",
    summary="Count the sealed secrets by key",
    ok=SealedSecrets,
    returns="How many sealed values name each version, and how many are under an older key.",
)
def sealed_secrets() -> Any:
    """Devices' secrets and the simulated phones' IB Key keys are sealed (AES-256-GCM) under a key derived
    from `SLS_SECRET_KEY`: version `v2`. A server before `v2` sealed them under `SLS_SECRET_KEY` itself
    (`v1`), and those stay `v1` until re-sealed (`POST /admin/v1/state/secrets/reseal`) or enrolled again.
    Reads every device and app (a walk of the keyspace), opens none, changes nothing."""
    return SecretsAtRest.of(core()).survey()


@operation(
    bp,
    "post",
    "/state/secrets/reseal",
    summary="Re-seal old secrets under the current key",
    ok=SecretsResealed,
    returns="How many values were sealed again, and the counts after.",
    errors=(Conflict,),
)
def reseal_secrets() -> Any:
    """Seal every value under an older key (`v1`: `SLS_SECRET_KEY` itself) again as `v2`, record by record
    with compare-and-set, so a login or a wrong PIN meanwhile is never undone. Logins go on throughout.
    Running it again changes nothing more; a record that kept changing under it is a 409 `conflict`, and
    running it again finishes the rest. Records a `secrets.resealed` event."""
    return SecretsAtRest.of(core()).reseal()


@operation(
    bp,
    "get",
    "/state/demo",
    summary="Is a demo world kept",
    ok=DemoWorldHeld,
    returns="Whether a demo world is kept, and when.",
)
def demo_world_held() -> Any:
    """Whether a demo world is kept to go back to: `sls demo --keep` keeps the world it finds only when
    none is, so the one seeded (or prepared with `sls state keep-demo`) stays the way back."""
    return DemoWorld.of(core()).held()


@operation(
    bp,
    "put",
    "/state/demo",
    summary="Keep the world as the demo world",
    ok=DemoWorldKept,
    returns="What the demo world kept holds.",
)
def keep_demo_world() -> Any:
    """`sls demo` calls it once its world is seeded: the world as it is now (the document `GET
    /admin/v1/state/export` gives) is kept on the server, over any kept before, to go back to between two
    runs of a demo (`POST /admin/v1/state/demo/restore`). A reset and a replacing import keep it."""
    return {"kept": DemoWorld.of(core()).keep()}


@operation(
    bp,
    "post",
    "/state/demo/restore",
    summary="Go back to the demo world",
    ok=StateImported,
    returns="How many records of each kind were put back; the world was wiped first.",
    errors=(Conflict,),
)
def restore_demo_world() -> Any:
    """The demo world kept by `sls demo` (`PUT /admin/v1/state/demo`) put back: the world wiped
    (sessions, logins, inboxes and the audit trail too), then its users, devices, keys, accounts, IB Key
    apps, phones' conditions and clock as they were when kept, as `POST /admin/v1/state/import?replace=true`
    imports a document; its `state.imported` says when that world was kept (`detail.kept_at_ms`, wall
    clock). 409 `conflict` when no demo world is kept, and nothing changed."""
    return {"imported": DemoWorld.of(core()).restore(), "replaced": True}
