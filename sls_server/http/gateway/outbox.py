"""``/sim/v1/outbox/latest-code``: the newest second-factor code on a user's simulated phone, or the one its
authenticator app shows, as plain text (digits only, no newline), for a tool's "external request" 2FA
handler (IBeam's ``EXTERNAL_REQUEST``).

It stands for reading the phone, so it is guarded like all of ``/sim/v1`` (``SLS_SIM_ENABLED``,
``SLS_SIM_TOKEN``). ``wait=N`` holds the request up to N seconds (at most 30) for a code it has not handed
out yet, so a handler that asks as soon as the page wants a code gets the one on its way; only a few wait at
once in each worker process (``sls_server.long_held``), so they never hold every thread logins need.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from ...accounts.errors import UserNotFound
from ...accounts.user_fields import canonical_username
from ...errors import InvalidRequest
from ...gateway import NoCode, OutboxBusy
from ...shapes.gateway import LatestCodeQuery
from ..common import core
from ..operations import Raw, operation
from ..sim import sim_surface

bp = Blueprint("gateway_outbox", __name__, url_prefix="/sim/v1/outbox")
sim_surface(bp)
CODE = Raw("text/plain", {"type": "string", "pattern": "^[0-9]{6,8}$"})


@operation(
    bp,
    "get",
    "/latest-code",
    summary="The newest code on a user's phone, or its authenticator app's (plain text)",
    query=LatestCodeQuery,
    ok=CODE,
    returns="The code's digits, nothing else (no newline).",
    errors=(UserNotFound, NoCode, OutboxBusy),
)
def latest_code(query: LatestCodeQuery) -> Any:
    """The newest SMS or voice-callback code the user's phone holds and is still valid (notices and IB Key
    activation codes skipped); newest is the one sent last, which the login takes. Or the code the user's
    authenticator app shows at the server's clock: `factor=app`, or no `factor` while the user's newest
    pending login asks for the app (or the user has no phone number). `wait=N`: the newest one not handed
    out by this route before (an app's: nor used by a login, so the next time step's), waiting up to N
    seconds for it. 404 `no_code` when there is none (in
    time); 404 `unknown_user`. A wait holds one of the server's threads, so waits and trainer feeds together
    hold at most half of a worker process's threads (`SLS_THREADS`, 4 by default: 2); with no code to hand out
    at once, one more is 429 `outbox_busy` with `retry_after`."""
    try:
        username = canonical_username(query.user)
    except InvalidRequest:
        raise InvalidRequest("user must be a username", field="user") from None
    code = core().outbox.latest_code(username, wait_s=query.wait, factor=query.factor)
    return Response(code, 200, mimetype="text/plain")
