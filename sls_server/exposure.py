"""What an operator should hear once at start-up about settings that expose more than they may think.

Each is a valid combination (a proxy may guard /metrics; a classroom may want its simulators open), so
``sls serve`` warns rather than refusing to start.
"""

from __future__ import annotations

import hmac
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


def admin_token_reused(settings: Settings) -> str | None:
    """What an operator should hear once when the metrics or sim token is the admin token itself.

    Each is a door of its own, which the admin token does not open (``auth.metrics_access``,
    ``http.sim``); set to the admin token's value, whoever holds it for the lesser door (Prometheus's
    scrape config, the trainer's phone) holds the admin API too. Valid (a lab may want one token), hence a
    warning. Names the variables, never the value."""
    admin = settings.admin_token
    if admin is None:
        return None
    reused = [
        name
        for name, token in (
            ("SLS_METRICS_TOKEN", settings.metrics_token),
            ("SLS_SIM_TOKEN", settings.sim_token),
        )
        if token is not None and hmac.compare_digest(token.encode(), admin.encode())
    ]
    if not reused:
        return None
    return (
        f"{' and '.join(reused)} {'is' if len(reused) == 1 else 'are'} the admin token (SLS_ADMIN_TOKEN): "
        "whoever holds it for /metrics or /sim/v1 holds the admin API too; give each a token of its own"
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a ``--host``) answers this machine alone: ``localhost`` or a loopback address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name other than localhost, or "" (every interface): reachable from elsewhere
        return False
