"""Gateway mode's core: the single-user gateway session a browser login establishes and the brokerage
session beside it (``session``; what can be staged on the brokerage session: ``brokerage``), the login page's
paper/live rule (``login_mode``), what the gateway's REST routes answer (``answers``), and the outbox hook
that hands a tool the code the user's simulated phone received (``outbox``).

May import auth, accounts, sim (the outbox reads the simulated phone), store, shapes, events, errors, clock,
config, stopping (a waiting outbox ends on a graceful stop), starting (a start's step yet to run) and
long_held (the threads it may hold); never Flask, http or cli.
"""

from __future__ import annotations

from .errors import LoginModeMismatch, NoCode, NoGatewaySession, OutboxBusy
from .login_mode import login_mode
from .outbox import Outbox
from .session import GatewayService, GatewayView

__all__ = [
    "GatewayService",
    "GatewayView",
    "LoginModeMismatch",
    "NoCode",
    "NoGatewaySession",
    "Outbox",
    "OutboxBusy",
    "login_mode",
]
