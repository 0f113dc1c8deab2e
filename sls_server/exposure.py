"""What an operator should hear once at start-up about settings that expose more than they may think.

Each is a valid combination (a proxy may guard /metrics; a classroom may want its simulators open), so
``sls serve`` warns rather than refusing to start.
"""

from __future__ import annotations

import ipaddress

from .config import Settings


def metrics_exposure(settings: Settings, host: str) -> str | None:
    """What an operator should hear once at start-up about an open /metrics.

    Its counters tell apart what the answers keep alike. Under ``SLS_IP_REFUSAL=silent``, refusals are
    answered as wrong passwords but counted apart (``ip.rejected``, ``result="ip_restricted"``), so whoever
    can read /metrics before and after a try learns the name has an allowlist: said wherever the server
    listens. And a real user from a made-up name: a lock texts the user a notice, a "Forgot your password?"
    texts a code, and the counts of texts and of those events go up only for a real user's name: said when
    the server listens beyond loopback. Valid combinations (a proxy may guard /metrics), hence warnings, not
    errors."""
    if settings.metrics_token is not None:
        return None
    if settings.ip_refusal == "silent":
        return (
            "SLS_IP_REFUSAL=silent with no SLS_METRICS_TOKEN: /metrics reveals silent refusals to whoever "
            "can read it (its ip.rejected and ip_restricted counts); set SLS_METRICS_TOKEN or keep /metrics "
            "from outsiders"
        )
    if is_loopback(host):
        return None
    return (
        f"/metrics is open to anyone who reaches {host or 'every interface'}: its counts of texts and events "
        "tell a real user's name from a made-up one (a lock's notice, a password reset's code); set "
        "SLS_METRICS_TOKEN or keep /metrics from outsiders"
    )


def simulators_exposure(settings: Settings, host: str) -> str | None:
    """What an operator should hear once at start-up when anyone on the network can play the users' side.

    /sim/v1 and the simulator pages are open by default, possession of the address being the test: a
    developer's server on loopback, a trainer's room. Listening beyond loopback with no ``SLS_SIM_TOKEN``,
    whoever reaches the server reads every user's texted codes, approves their pushes and computes their
    cards' responses. A classroom may want just that, hence a warning, not an error."""
    if not settings.sim_enabled or settings.sim_token is not None or is_loopback(host):
        return None
    return (
        f"/sim/v1 and the simulator pages are open to anyone who reaches {host or 'every interface'}: they "
        "read users' texted codes and approve their pushes; set SLS_SIM_TOKEN, or SLS_SIM_ENABLED=false, "
        "or listen on 127.0.0.1"
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a ``--host``) answers this machine alone: ``localhost`` or a loopback address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name other than localhost, or "" (every interface): reachable from elsewhere
        return False
