"""Why ``demo.json`` knows nothing of the IB Key a step asks for, when the command line can tell.

``sls demo`` writes down the IB Key it activated for each demo user, with the app's PIN (or Face ID). A
later migration (a staged SIM swap's "Migrate IB Key" to the attacker's handset, or ``sls device
ibkey-migrate``) replaces it with another, which demo.json does not describe: ``--auto`` then has no unlock
for it. Saying only "not in demo.json" sent the user looking for a PIN, when the real news is that the key
moved, and where; so the admin API (demo.json's admin token) is asked which phone holds it.
"""

from __future__ import annotations

from typing import Any

from .admin_client import AdminClient, ApiError, NoServer
from .demo_world import World


def moved_ibkey(admin: AdminClient, world: World, username: str, device_id: str) -> str | None:
    """The sentence saying that ``username``'s IB Key ``device_id`` is not the one demo.json describes, where
    it went, and how to put hers back; None when demo.json describes no other IB Key of hers (nothing moved
    that the command line can tell)."""
    described = [
        str(d["device_id"])
        for d in world.user(username).get("devices") or []
        if d.get("type") == "ibkey" and d.get("device_id")
    ]
    if not described or device_id in described:
        return None
    try:
        listed = {str(d.get("device_id")): d for d in admin.devices(username)}
    except (ApiError, NoServer):
        listed = {}
    old = described[0]
    was = listed.get(old, {}).get("status")
    now_ = f", now {was}" if was and was != "active" else ""
    return (
        f"{username}'s active IB Key ({device_id}) is not the one demo.json describes ({old}{now_}): it was "
        f"migrated to {_where(listed.get(device_id, {}))}, so demo.json knows no PIN or Face ID for it. "
        "To put hers back: sls state import FILE --replace, with a world exported before (sls state export "
        "-o FILE); or an admin enrols a new IB Key for her phone (sls device enroll "
        f"{username} --type ibkey --platform ..., then sls device activate). Whoever holds that app can "
        "answer with --pin or --biometric"
    )


def _where(record: dict[str, Any]) -> str:
    """Which phone the IB Key is on, as the admin's device view says (``handset``)."""
    from ..sim.relay import ATTACKER_HANDSET  # here: the simulators' package loads the API's shapes, and a
    # client command's --help must load no server-side module (tests/unit/test_cli_lazy.py)

    handset = record.get("handset")
    if handset == ATTACKER_HANDSET:
        return "the attacker's handset by a SIM swap (sls attack sim-swap)"
    if handset:
        return f"another phone ({handset})"
    return "another phone"
