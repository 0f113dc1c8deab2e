"""How ``--auto`` unlocks the IB Key app on a simulated phone, the way the person holding it would: with the
PIN, Touch ID / Face ID or iPhone passcode the command line gives; else the way the phone asks now (``GET
/sim/v1/ibkey/<device_id>``, its ``unlock``), with what ``demo.json`` says the user holds.

An iPhone whose Face ID was removed (``sls device ibkey-biometrics --off``) asks for the iPhone's passcode:
the demo's iPhone has one (``iphone_passcode`` in ``demo.json``, set by ``sls demo``); for any other,
``--passcode`` gives it, and without it the command says so rather than guessing (a wrong passcode counts
towards locking the app).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from .admin_client import AdminClient, ApiError, NoServer, segment
from .output import EXIT_USAGE, CliError


@dataclasses.dataclass(frozen=True)
class Given:
    """What the command line says about the app's unlock (``--pin``, ``--biometric``, ``--passcode``)."""

    pin: str | None = None
    biometric: bool = False
    passcode: str | None = None

    def chosen(self) -> dict[str, Any] | None:
        if self.biometric:
            return {"biometric": True}
        if self.passcode:
            return {"passcode": self.passcode}
        if self.pin:
            return {"pin": self.pin}
        return None


def asks_for(sim: AdminClient, device_id: str, held: dict[str, Any]) -> str | None:
    """What the app asks for now (``pin``, ``biometric``, ``passcode``), as its holder sees on the phone; the
    demo world's word when the phone cannot be asked."""
    try:
        unlock = sim.request("GET", f"/sim/v1/ibkey/{segment(device_id)}").get("unlock")
    except (ApiError, NoServer):
        unlock = None
    if unlock:
        return str(unlock)
    if held.get("biometric"):
        return "biometric"
    return "pin" if held.get("pin") else None


def unlock_for(
    sim: AdminClient,
    device_id: str,
    held: dict[str, Any],
    given: Given,
    *,
    unknown: Callable[[], str | None] | None = None,
) -> dict[str, Any]:
    """The body's unlock for an approval, a denial or a response, or a CliError saying which flag it needs.
    ``unknown`` says, when it can, why demo.json does not describe the app (an IB Key migrated since): that
    is the news, not the flags."""
    chosen = given.chosen()
    if chosen is not None:
        return chosen
    asked = asks_for(sim, device_id, held)
    if asked == "biometric":
        return {"biometric": True}
    if asked == "passcode":
        if held.get("iphone_passcode"):
            return {"passcode": str(held["iphone_passcode"])}
        raise CliError(
            "--passcode: Touch ID / Face ID is off on this iPhone, so IB Key asks for the iPhone's passcode, "
            "and demo.json does not know it; give it with --passcode (or set Face ID up again: "
            f"sls device ibkey-biometrics {device_id} --on --passcode ...)",
            EXIT_USAGE,
        )
    if held.get("pin"):
        return {"pin": str(held["pin"])}
    why = None if held or unknown is None else unknown()
    if why:
        raise CliError(f"--pin or --biometric: {why}", EXIT_USAGE)
    raise CliError(
        "--pin or --biometric: how the IB Key app is unlocked is not in demo.json "
        "(--passcode on an iPhone without Touch ID / Face ID)",
        EXIT_USAGE,
    )


def unlock_flags(sim: AdminClient, device_id: str, held: dict[str, Any], given: Given) -> str:
    """The same, as the flags of a command to type (a placeholder where the CLI cannot know the secret)."""
    try:
        unlock = unlock_for(sim, device_id, held, given)
    except CliError:
        asked = asks_for(sim, device_id, held)
        return "--passcode <the iPhone's passcode>" if asked == "passcode" else "--pin <PIN>"
    if unlock.get("biometric"):
        return "--biometric"
    return " ".join(f"--{k} {v}" for k, v in unlock.items())
