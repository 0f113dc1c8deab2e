"""Seeding the demo world over HTTP, the way any client would: the admin API creates users and enrols their
authenticators; the simulated phone's inbox gives each IB Key its activation code and the simulated app
activates it (``/sim/v1``). Nothing reaches into the server's internals, so the demo also shows that the
published API is enough to build such a world.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .admin_client import AdminClient, ApiError, NoServer, segment
from .demo_world import WORLD, DemoUser, World, enrol_body
from .output import CliError

#: Whatever enrolment hands out that the demo world keeps (keys, URIs, passcodes, labels).
KEPT = (
    "device_id", "type", "label", "serial", "suite", "secret_hex", "platform", "otpauth_uri", "secret_b32",
    "digits", "algorithm", "period", "passcode", "expires_at",
)  # fmt: skip


def wait_until_ready(client: AdminClient, alive: Callable[[], bool], timeout_s: float = 60.0) -> None:
    """Poll ``/readyz`` until the server answers 200 (it writes to Redis), while its process lives."""
    deadline = time.monotonic() + timeout_s
    while True:
        if not alive():
            raise CliError("the server stopped while starting; see its log above")
        try:
            client.request("GET", "/readyz")
            return
        except (NoServer, ApiError):  # not listening yet, or Redis not writable yet: ask again shortly
            if time.monotonic() >= deadline:
                raise CliError(f"the server did not become ready within {timeout_s:g} s") from None
            time.sleep(0.05)


def activation_code(sim: AdminClient, phone: str) -> str:
    """The newest IB Key activation code on the phone, as the user reads it off the screen."""
    messages = sim.request("GET", f"/sim/v1/phones/{segment(phone)}/messages").get("messages", [])
    for message in messages:  # newest first
        if message.get("purpose") == "ibkey_activation" and message.get("code"):
            return str(message["code"])
    raise CliError(f"no IB Key activation code reached {phone}")


def enrol(
    client: AdminClient, sim: AdminClient, user: DemoUser, spec: dict[str, Any], made: dict[str, Any]
) -> dict[str, Any]:
    """One device of ``user``: enrolled (and, for IB Key, activated on the simulated phone)."""
    if "share_from" in spec:
        owner = made[spec["share_from"]]
        card = next((d for d in owner.get("devices", []) if d.get("type") == "dscplus"), None)
        if card is None or not card.get("device_id"):
            return {"type": "dscplus", "note": f"{spec['share_from']}'s card is not known: nothing shared"}
        body = {"type": "dscplus", "share_device_id": card["device_id"]}
        shared = client.enrol_device(user.username, body)
        return {
            **{k: shared.get(k) for k in ("device_id", "type", "label", "serial")},
            "pin": card.get("pin"),
            "shared_from": owner["username"],
        }
    enrolled = client.enrol_device(user.username, enrol_body(spec))
    record = {k: enrolled[k] for k in KEPT if k in enrolled}
    held: dict[str, Any] = {k: spec[k] for k in ("pin", "biometric", "iphone_passcode") if k in spec}
    if spec["type"] == "ibkey":
        try:
            record.update(activate(sim, user, spec, record["device_id"]))
        except ApiError as exc:
            if exc.code != "simulator_disabled":
                raise
            record["status"] = "pending_activation"  # SLS_SIM_ENABLED=false: no phone to read the code on
            record["note"] = "not activated: the simulated phone is off (SLS_SIM_ENABLED=false)"
    return {**record, **held}


def activate(sim: AdminClient, user: DemoUser, spec: dict[str, Any], device_id: str) -> dict[str, Any]:
    """What the user does on the phone: read the texted code, open the app, type it, set the unlock."""
    unlock = {"biometric": True} if spec.get("biometric") else {"pin": spec["pin"]}
    body = {
        "username": user.username,
        "password": user.password,
        "activation_code": activation_code(sim, user.phone),
        **unlock,
    }
    activated = sim.request("POST", f"/sim/v1/ibkey/{segment(device_id)}/activate", body)
    if spec.get("iphone_passcode"):  # an iPhone with Face ID has a passcode too: Settings, Face ID & Passcode
        iphone = {"enabled": True, "passcode": spec["iphone_passcode"]}
        sim.request("PUT", f"/sim/v1/ibkey/{segment(device_id)}/biometrics", iphone)
    return {"app_id": activated.get("app_id"), "status": activated.get("status")}


#: Where the trainer's own logins come from (``sls login``, the browser on this machine): each demo user has
#: signed in from them before, so a volunteer's login is no "new location" notice, and the first staged
#: attack from the documentation ranges is (``auth/suspicious.py`` tells of a new place only to a user with
#: known ones).
TRAINER_ADDRESSES = ("127.0.0.1", "::1")


def seed(
    client: AdminClient,
    sim: AdminClient,
    previous: World,
    step: Callable[[str], None] = lambda name: None,
) -> dict[str, dict[str, Any]]:
    """Create every demo user and device; a user who exists already (``--keep``) is taken from the last
    demo.json, or marked as kept with its secrets unknown."""
    made: dict[str, dict[str, Any]] = {}
    for user in WORLD:
        step(user.username)
        entry: dict[str, Any] = {
            "username": user.username,
            "shows": user.shows,
            "password": user.password,
            "phone": user.phone,
            "ip_allowlist": list(user.ip_allowlist),
        }
        try:
            created = client.create_user(
                user.username,
                user.password,
                user.phone,
                list(user.ip_allowlist),
                sms=user.sms_at_opening,
                known_ips=list(TRAINER_ADDRESSES),
            )
        except ApiError as exc:
            if exc.code != "user_exists":
                raise
            kept = previous.user(user.username)
            made[user.username] = kept or {
                **entry,
                "devices": [],
                "note": "kept from an earlier run; unknown",
            }
            continue
        entry["devices"] = [{k: d[k] for k in KEPT if k in d} for d in created.get("devices", [])]
        made[user.username] = entry
        for spec in user.devices:
            entry["devices"].append(enrol(client, sim, user, spec, made))
    return made


def try_this(users: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Three flows to paste, with this world's names, passwords and numbers."""

    def password(name: str) -> str:
        return str(users.get(name, {}).get("password", "<password>"))

    def device_of(name: str, kind: str) -> str:
        found = [d for d in users.get(name, {}).get("devices", []) if d.get("type") == kind]
        return str(found[0].get("device_id")) if found else f"<{kind} device>"

    sam_phone = users.get("sms-sam", {}).get("phone", "<number>")
    return [
        {
            "title": "A DSC+ card: the challenge, the card's response (press Enter: the demo card answers)",
            "commands": [f"sls login card-carl --password {password('card-carl')}"],
        },
        {
            "title": "IB Key push with number matching: approve it in a second terminal (or add --auto)",
            "commands": [
                f"sls login android-ann --password {password('android-ann')}",
                f"sls device notifications {device_of('android-ann', 'ibkey')}",
                f"sls device approve {device_of('android-ann', 'ibkey')} <notification> "
                "--match <number> --pin 12ab",
            ],
        },
        {
            "title": "SMS, then a SIM swap: the attacker's handset gets the code",
            "commands": [
                "sls login sms-sam --auto",
                f"sls phone conditions {sam_phone} --sim-swapped-to attacker",
                f"sls login sms-sam --password {password('sms-sam')} --start-only",
                "sls phone inbox attacker",
                "sls answer <the code from the attacker's inbox>",
                f"sls phone conditions {sam_phone} --restore-sim",
            ],
        },
    ]
