"""A request under the gateway's REST prefixes that gateway mode has no route for (the gateway's accounts,
portfolio, orders, market data, as ibind calls them): still a 404 saying so, naming the request, and activity
of the gateway's session, as the real gateway forwards every ``/v1/api`` request of a logged-in session to
the broker, and the broker's session times out only when the gateway "has not received any requests for
several minutes". A client polling a route not emulated here is not logged off where the real one is not.

Only a request the served routes would take counts: one from another site's page (``Sec-Fetch-Site`` or
``Origin`` saying so) renews nothing, as it could not tickle either; and with no live session nothing is
renewed or revived (``GatewayService.forwarded``)."""

from __future__ import annotations

import re

from flask import request

from ..common import client_ip, core, now
from ..crosssite import from_own_origin
from ..errors import GatewayRouteNotEmulated
from ..route_lookup import method_named

#: A path said back in the answer only when it reads as a route (segments of letters, digits, ``_.-``):
#: anything else, a sentence put in a link to the gateway, is "this path" (content spoofing).
ROUTE_LIKE = re.compile(r"/v1/(?:api|portal)(?:/[A-Za-z0-9_.\-]+)*/?")
#: The longest path said back: the gateway's real routes are far shorter.
LONGEST_NAMED = 200


def unserved() -> GatewayRouteNotEmulated:
    """The 404 for the request, counted first as the gateway session's activity when it may be (503 when
    Redis cannot say: ``StoreUnavailable`` is the caller's to answer)."""
    if from_own_origin():
        core().gateway.forwarded(now=now(), ip=client_ip())
    path = request.path
    if len(path) <= LONGEST_NAMED and ROUTE_LIKE.fullmatch(path):
        return GatewayRouteNotEmulated.of(f"{method_named(request.method)} {path}")
    return GatewayRouteNotEmulated.of("this path")
