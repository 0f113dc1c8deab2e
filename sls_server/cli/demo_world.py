"""The demo world: one user per authenticator and protection, each named for what they show, and the lookups
the login commands use to answer for them (a card's key and PIN, an app's unlock, a TOTP secret).

The world is data here and is seeded by ``demo_seed`` over HTTP, like any client would; what the server hands
out (device ids, keys, URIs, passcodes) is added to it and saved in ``demo.json`` (mode 0600), which
``sls world`` prints and ``sls login`` reads.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from . import demofile


@dataclasses.dataclass(frozen=True)
class DemoUser:
    username: str
    shows: str
    password: str
    phone: str
    #: Enrolment bodies (``POST /admin/v1/users/<u>/devices``), plus what the user holds: ``pin`` (a card's or
    #: an Android app's), ``biometric`` (iOS) and ``iphone_passcode`` (the iPhone's own, which IB Key asks
    #: for when Face ID is off); ``share_from`` names the user whose card this one shares.
    devices: tuple[dict[str, Any], ...]
    ip_allowlist: tuple[str, ...] = ()
    #: The SMS the broker enrols at account opening, on ``phone``; the others are created with ``sms: false``
    #: so that each holds exactly what the README's demo world table says (multi-mia's SMS is enrolled in her
    #: order).
    sms_at_opening: bool = False


#: The 555-0100..0199 numbers are reserved for fiction: no real phone is ever texted.
WORLD: tuple[DemoUser, ...] = (
    DemoUser(
        "card-carl",
        "DSC+ card: PIN on the card, 6-digit challenge, 8-digit response",
        "amber-falcon-ridge-12",
        "+15555550101",
        ({"type": "dscplus", "pin": "1234", "label": "Carl's DSC+"},),
    ),
    DemoUser(
        "android-ann",
        "IB Key on Android: push with number matching, unlocked with the app's PIN",
        "copper-lantern-meadow-7",
        "+15555550102",
        ({"type": "ibkey", "platform": "android", "pin": "12ab"},),
    ),
    DemoUser(
        "iphone-ivy",
        "IB Key on iOS: push approved with Face ID / Touch ID (without them, the iPhone's passcode)",
        "velvet-harbour-quartz-5",
        "+15555550103",
        ({"type": "ibkey", "platform": "ios", "biometric": True, "iphone_passcode": "482916"},),
    ),
    DemoUser(
        "sms-sam",
        "SMS code; no text? a new one or a voice callback (--factor voice)",
        "maple-orbit-thunder-8",
        "+15555550104",
        (),
        sms_at_opening=True,
    ),
    DemoUser(
        "voice-vic",
        "voice callback only: the code read out digit by digit",
        "prism-willow-canyon-3",
        "+15555550105",
        ({"type": "voice"},),
    ),
    DemoUser(
        "totp-tom",
        "authenticator app (TOTP, RFC 6238); a code is good once per time step",
        "cobalt-fern-summit-6",
        "+15555550106",
        ({"type": "totp"},),
    ),
    DemoUser(
        "multi-mia",
        "several factors (M2FS): card, IB Key, SMS and TOTP; switch with --factor",
        "ember-glacier-violet-4",
        "+15555550107",
        (
            {"type": "dscplus", "pin": "2468", "label": "Mia's DSC+"},
            {"type": "ibkey", "platform": "android", "pin": "24mm"},
            {"type": "sms"},
            {"type": "totp"},
        ),
    ),
    DemoUser(
        "office-olga",
        "IP allowlist: logs in only from 203.0.113.0/24, so from here she is refused",
        "linen-comet-basalt-2",
        "+15555550108",
        ({"type": "dscplus", "pin": "1357", "label": "Olga's DSC+"},),
        ("203.0.113.0/24",),
    ),
    DemoUser(
        "temp-tess",
        "temporary passcode for a lost device (valid 2 days)",
        "saffron-pebble-orchid-9",
        "+15555550109",
        ({"type": "temporary", "days": 2},),
    ),
    DemoUser(
        "shared-sue",
        "owns a DSC+ card she shares with shared-sid",
        "juniper-atlas-ripple-1",
        "+15555550110",
        ({"type": "dscplus", "pin": "8642", "label": "the desk card"},),
    ),
    DemoUser(
        "shared-sid",
        "uses shared-sue's card: one card, two users, never the same challenge twice",
        "tundra-mosaic-falcon-5",
        "+15555550111",
        ({"type": "dscplus", "share_from": "shared-sue"},),
    ),
)

#: Roomier limits than the defaults, so that a demo's repeated logins never meet them; any of them set in
#: the environment wins (to show the push-fatigue defence, start with SLS_PUSH_LIMIT=3).
DEMO_LIMITS: dict[str, tuple[int, int]] = {  # variable: (demo value, the server's default)
    "SLS_PUSH_LIMIT": (20, 3),
    "SLS_SMS_SEND_LIMIT": (20, 5),
    "SLS_CHALLENGE_ISSUE_LIMIT": (100, 20),
}

#: Fields the user holds rather than the server: never sent in an enrolment body.
HELD = ("pin", "biometric", "iphone_passcode", "share_from")


def enrol_body(spec: dict[str, Any]) -> dict[str, Any]:
    """What goes to the admin API: a card's PIN does (the server keys the simulated card with it); an app's
    unlock does not (it is set on the phone at activation)."""
    body = {k: v for k, v in spec.items() if k not in HELD}
    if spec["type"] == "dscplus" and "pin" in spec:
        body["pin"] = spec["pin"]
    return body


class World:
    """The last demo's world as ``demo.json`` holds it: users by name, devices by id."""

    def __init__(self, info: dict[str, Any] | None) -> None:
        self.info = info or {}
        users = self.info.get("users")
        self.users: dict[str, dict[str, Any]] = users if isinstance(users, dict) else {}

    @classmethod
    def load(cls) -> World:
        return cls(demofile.read())

    def serves(self, url: str) -> bool:
        """Is the demo world the one on this server? Keys of another server's cards would only mislead, and
        a stopped demo's world is no server's (``demofile.names``: one started on its port since is not
        it)."""
        return bool(self.users) and demofile.names(self.info, url)

    def user(self, username: str) -> dict[str, Any]:
        return self.users.get(username.strip().lower()) or {}

    def lacks(self, what: str) -> str:
        """Says that ``what`` is not known, and why: not in the demo's world, or no demo world at hand (none
        written, or another server's: a command sent elsewhere with --url knows no PIN or phone of it)."""
        if self.users:
            return f"{what} is not in demo.json"
        return f"{what} is unknown here: no demo.json of this server's demo (sls demo writes one)"

    def device(self, device_id: str | None) -> dict[str, Any]:
        """Everything the world knows of a device, from every user that holds it (a shared card's key is
        in its owner's entry, its PIN in both)."""
        merged: dict[str, Any] = {}
        for user in self.users.values():
            for entry in user.get("devices") or []:
                if device_id and entry.get("device_id") == device_id:
                    for key, value in entry.items():
                        if value is not None:
                            merged.setdefault(key, value)
        return merged
