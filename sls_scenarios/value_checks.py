"""Values written out in a scenario that only the run would refuse: an instant the server's clock cannot be
set to, a duration the runner cannot read, a PIN or iPhone passcode the device cannot take, an actor's
address or an allowlist's entry that is no IP address (or range) to the server.

Each is judged by the same code that would refuse it at run time (``values``, the device models), so a
validation says at its line what step 14 would have failed on; the cross-checks (``checks``) call these
where such a value is written, in the setup or in a step.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from sls_devices import dscplus, ibkey
from sls_server.ipnets import parse_ip, parse_network

from .durations import duration_words
from .positions import Report
from .refusals import lacks
from .values import duration_seconds, parse_instant

#: Words written for "nothing" that YAML keeps as text: only ``null`` or ``~`` is nothing.
NOTHING = ("none", "nil", "null", "nothing", "nobody")


def sim_holder(conditions: Any, path: tuple[Any, ...], report: Report) -> None:
    """``sim_swapped_to: none``, meant to give the SIM back, moves it to a handset called ``none``: the
    user's texts then vanish, and the run failed later with ``no new text ... reached`` and no cause."""
    holder = conditions.get("sim_swapped_to") if isinstance(conditions, dict) else None
    if isinstance(holder, str) and holder.strip().lower() in NOTHING:
        report(
            (*path, "sim_swapped_to"),
            f"{holder!r} is text in YAML, a handset of that name: to give the SIM back, write "
            "`sim_swapped_to: null`",
        )


def instant(value: Any, path: tuple[Any, ...], report: Report) -> None:
    """An instant written out must be one the server's clock can be set to (one the schema refused, no
    text or number, is the schema's to tell)."""
    if not isinstance(value, str | int) or (isinstance(value, str) and "${" in value):
        return
    try:
        parse_instant(value)
    except ValueError as exc:
        report(path, str(exc))


def pin(device: dict[str, Any], path: tuple[Any, ...], report: Report) -> None:
    """A PIN the device could never take (a card's keypad enters 4 digits; the IB Key app wants 4-6
    letters or digits) fails its enrolment or activation: say so at its line instead."""
    pin, kind, platform = device.get("pin"), device.get("type"), device.get("platform", "android")
    if not isinstance(pin, str) or "${" in pin or "share" in device:
        return
    try:
        if kind == "dscplus":
            dscplus.hash_pin(pin)
        elif kind == "ibkey" and isinstance(platform, str) and platform != "ios":
            ibkey.validate_pin(pin)
    except ValueError as exc:
        report((*path, "pin"), f"{kind} PIN {pin!r}: {exc}")


def iphone(device: dict[str, Any], path: tuple[Any, ...], report: Report) -> None:
    """``passcode`` and ``biometrics`` are an iPhone's; one without Touch ID / Face ID activates with its
    passcode, so it needs one. A type or platform the schema refused (``ibky``), or a key it refused (a
    misspelt ``pascode``), is the schema's to tell: nothing is said of them here."""
    kind, platform = device.get("type"), device.get("platform")
    known = platform is None or isinstance(platform, str)
    other = (isinstance(kind, str) and kind != "ibkey") or (kind == "ibkey" and known and platform != "ios")
    for key in ("passcode", "biometrics"):
        if key in device and other:
            report((*path, key), f"`{key}` is an iPhone's: only for type ibkey, platform ios")
    if device.get("biometrics") is False and lacks(device, "passcode"):
        report((*path, "biometrics"), "an iPhone without Touch ID / Face ID needs its `passcode`")
    passcode = device.get("passcode")
    if isinstance(passcode, str) and "${" not in passcode:
        try:
            ibkey.validate_passcode(passcode)
        except ValueError as exc:
            report((*path, "passcode"), f"iPhone passcode {passcode!r}: {exc}")


def clock_move(body: Any, path: tuple[Any, ...], report: Report) -> None:
    """A duration written out must be one the runner (and ``sls clock --advance``) can read, and an
    instant one the server's clock can be set to."""
    if isinstance(body, dict) and "to" in body:
        instant(body["to"], (*path, "to"), report)
    seconds, where = (body.get("seconds"), (*path, "seconds")) if isinstance(body, dict) else (body, path)
    if isinstance(seconds, str) and "${" not in seconds:
        try:
            duration_seconds(seconds)
        except ValueError as exc:
            report(where, f"{exc}{duration_words(seconds)}")


def addresses(data: dict[str, Any], report: Report) -> None:
    """Each actor's ``address`` must be an IP address and each ``ip_allowlist`` entry of the setup's users
    and accounts an address or CIDR range, as the server reads them (``sls_server.ipnets``, its one parser):
    in-process a bad address reached the server as no address at all (an allowlist scenario expecting 403
    passed for the wrong reason), and a bad entry failed the run with a raw 400 from the admin API."""
    actors = data.get("actors")
    for name, actor in actors.items() if isinstance(actors, dict) else ():
        value = actor.get("address") if isinstance(actor, dict) else None
        if _written(value) and not _reads(parse_ip, value):
            report(("actors", name, "address"), f"{value!r} is not an IP address")
    setup = data.get("setup")
    for kind in ("users", "accounts"):
        listed = setup.get(kind) if isinstance(setup, dict) else None
        for i, entry in enumerate(listed if isinstance(listed, list) else ()):
            allowlist = entry.get("ip_allowlist") if isinstance(entry, dict) else None
            for j, value in enumerate(allowlist if isinstance(allowlist, list) else ()):
                if _written(value) and not _reads(parse_network, value):
                    where = ("setup", kind, i, "ip_allowlist", j)
                    report(where, f"{value!r} is not an IP address or CIDR range")


def _written(value: Any) -> TypeGuard[str]:
    """Text written out, not a ``${variable}`` (nor what the schema refused: no text)."""
    return isinstance(value, str) and "${" not in value


def _reads(parse: Any, value: str) -> bool:
    try:
        parse(value)
    except ValueError:
        return False
    return True
