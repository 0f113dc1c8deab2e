"""``SlsEmulator``: what the ``sls_emulator`` pytest fixture hands an integration's tests.

A thin client of a running emulator's admin and simulator APIs, for the set-up and the "user's side" of a
test, while the code under test talks to ``url`` like it would to the broker. Everything is HTTP; a card's
response is computed offline from the key its enrolment returned (RFC 6287), like the physical card.
"""

from __future__ import annotations

import secrets
from typing import Any

from sls_devices.phone import conditions_update, mask_number
from sls_server.event_types import EVENT_TYPES

from .card import Card as Card  # re-exported: docs/integration.md names sls_scenarios.emulator.Card
from .emulator_http import EmulatorError as EmulatorError  # re-exported: docs/integration.md names it
from .emulator_http import EmulatorHttp, segment
from .spelling import suggest

WORDS = (
    "amber",
    "birch",
    "cobalt",
    "delta",
    "ember",
    "fjord",
    "granite",
    "harbor",
    "indigo",
    "juniper",
    "kestrel",
    "lantern",
    "meadow",
    "nimbus",
    "orchid",
    "quartz",
    "raven",
    "saffron",
    "thistle",
    "willow",
)


class SlsEmulator(EmulatorHttp):
    """A client of a running emulator: the ``sls_emulator`` fixture is one, for the server it started.

    ``url`` is where the code under test logs in; the methods set up the world (users, devices, the clock)
    through ``/admin/v1`` with ``admin_token``, and act as the user (read a code, approve a push) through
    ``/sim/v1`` with ``sim_token`` when the server guards it. Any refusal is an ``EmulatorError``. Build one
    yourself for a server you started: ``SlsEmulator(url, admin_token)``.
    """

    def __init__(
        self, url: str, admin_token: str, sim_token: str | None = None, *, timeout_s: float = 30
    ) -> None:
        super().__init__(url, admin_token, sim_token, timeout_s=timeout_s)
        self._pins: dict[str, str] = {}  # the app PIN each user's IB Key was activated with
        self._passcodes: dict[str, str] = {}  # iPhones without Touch ID / Face ID
        self._texted: dict[str, str] = {}  # IB Key device id: the number its activation code was texted to

    # --- the world --------------------------------------------------------------------------------------

    def reset(self) -> None:
        """Wipe every user, device, session, lockout, inbox and event; the clock goes back to real time, and
        this client forgets the cookies of logins made through ``call``."""
        self.call("POST", "/admin/v1/reset", admin=True)
        self._http.cookies.clear()  # a login made through ``call`` leaves its cookies: not the next test's
        self._pins.clear()
        self._passcodes.clear()
        self._texted.clear()

    def advance_clock(self, seconds: int) -> int:
        """Move the server's clock (never sleep in a test); the new ``now``."""
        return int(self.call("POST", "/admin/v1/clock", {"advance_s": int(seconds)}, admin=True)["now"])

    def freeze_clock(self, at: int | None = None) -> int:
        """Stop the server's clock (at ``at``, Unix seconds, if given); the ``now`` it stands at. Frozen, an
        instant a test asserts (``idle_expires_at``, a ``retry_after``) is exact: real seconds spent on
        requests never move it, only ``advance_clock``. The wipe before the next test thaws it."""
        body: dict[str, Any] = {"freeze": True, **({"set_at": int(at)} if at is not None else {})}
        return int(self.call("POST", "/admin/v1/clock", body, admin=True)["now"])

    def events(self, user: str | None = None, type: str | None = None) -> list[dict[str, Any]]:
        """Audit events, oldest first, every page. A ``type`` no server writes is refused, not answered
        ``[]``: a misspelt one would make ``assert not events(...)`` pass whatever happened."""
        if type is not None and type not in EVENT_TYPES:
            hint = suggest(type, EVENT_TYPES, otherwise="; `sls scenario reference` lists them")
            raise EmulatorError(f"the server writes no event {type!r}{hint}")
        found: list[dict[str, Any]] = []
        query: dict[str, Any] = {
            "limit": 1000,
            **({"user": user} if user else {}),
            **({"type": type} if type else {}),
        }
        while True:
            page = self.call("GET", "/admin/v1/events", admin=True, query=query)
            found.extend(page["events"])
            if len(page["events"]) < 1000 or not page.get("cursor"):
                return found
            query["since"] = page["cursor"]

    # --- users and authenticators -----------------------------------------------------------------------

    def create_user(
        self, username: str, password: str | None = None, phone: str | None = None, **extra: Any
    ) -> str:
        """Create a user (``phone`` in E.164, ``ip_allowlist=[...]``); the password used (drawn if None). A
        phone brings the SMS the broker enrols at account opening; ``sms=False`` leaves it out."""
        password = (
            password or "-".join(secrets.choice(WORDS) for _ in range(3)) + f"-{secrets.randbelow(90) + 10}"
        )
        self.call(
            "POST",
            "/admin/v1/users",
            {"username": username, "password": password, **({"phone": phone} if phone else {}), **extra},
            admin=True,
        )
        return password

    def enroll(self, username: str, type: str, **body: Any) -> dict[str, Any]:
        """Enrol any authenticator (``dscplus``, ``ibkey``, ``sms``, ``voice``, ``totp``, ``temporary``)."""
        enrolled: dict[str, Any] = self.call(
            "POST", f"/admin/v1/users/{segment(username)}/devices", {"type": type, **body}, admin=True
        )
        return enrolled

    def enroll_card(self, username: str, pin: str = "1234") -> Card:
        """Enrol a DSC+ card with ``pin``; the ``Card``, whose ``respond(challenge)`` answers a login's
        challenge (its key is handed out once, at enrolment, as the broker's token file is)."""
        record = self.enroll(username, "dscplus", pin=pin)
        return Card(record["device_id"], record["serial"], record["secret_hex"], pin, record)

    def enroll_ibkey(
        self,
        username: str,
        platform: str = "android",
        pin: str = "12ab",
        *,
        password: str,
        passcode: str | None = None,
        card: Card | None = None,
    ) -> str:
        """Enrol IB Key and activate it on the simulated phone with the texted code; the device id.

        Needs the user's phone and ``password`` (the one ``create_user`` returned): the activation asks for
        it, so the signature does too, and a call without it fails the type check, not the test at run time.
        ``passcode`` (iOS): an iPhone without Touch ID / Face ID, activated with its passcode, which
        ``approve_push`` then keys.
        A user who had IB Key and has an active DSC+ card gets no text: the new phone is activated with the
        card's response to a challenge, as at the broker, so pass ``card`` (what ``enroll_card`` returned).
        A user who had IB Key and no card gets the code on the number that IB Key was activated with, which
        after a phone change is not the user's phone (``_texted_number``).
        """
        active = self._active_ibkeys(username)  # before the enrolment: what a migration replaces
        record = self.enroll(username, "ibkey", platform=platform)
        number = next((self._texted[d] for d in active if d in self._texted), None)
        if record.get("activation") == "card":
            if card is None:
                raise EmulatorError(
                    f"{username} has an active DSC+ card, so the new IB Key is activated with the card's "
                    f"response to challenge {record.get('challenge')}, not a texted code: pass card= (the "
                    "Card enroll_card returned)"
                )
            code = card.respond(str(record["challenge"]))
        else:
            number = self._texted_number(username, number, str(record.get("sent_to", "")))
            code = self.latest_code(number, purpose="ibkey_activation")
        unlock: dict[str, Any] = {"biometric": True} if platform == "ios" else {"pin": pin}
        if platform == "ios" and passcode is not None:
            unlock = {"passcode": passcode}
            self._passcodes[username] = passcode
        self.call(
            "POST",
            f"/sim/v1/ibkey/{segment(record['device_id'])}/activate",
            {"username": username, "password": password, "activation_code": code, **unlock},
        )
        if platform != "ios":
            self._pins[username] = pin
        if number is not None:  # a card's migration keeps the number on the new IB Key, as the server does
            self._texted[str(record["device_id"])] = number
        return str(record["device_id"])

    def _texted_number(self, username: str, migrated_from: str | None, sent_to: str) -> str:
        """The number the server texted the activation code to, of those this client can know: the one the
        user's active IB Key was activated with, when this client activated it (a migration: the broker texts
        "the mobile phone number you originally used to activate IB Key", even after a phone change), else
        the user's phone as the server has it now. The answer's masked ``sent_to`` tells which."""
        user = self.call("GET", f"/admin/v1/users/{segment(username)}", admin=True)
        candidates = [n for n in (migrated_from, user.get("phone")) if n]
        for number in candidates:
            if not sent_to or mask_number(number) == sent_to:
                return str(number)
        raise EmulatorError(
            f"{username}'s activation code went to {sent_to}, the number their active IB Key was activated "
            "with (a migration texts that number, as the broker's does), which this client did not activate: "
            'read it with latest_code(<that number>, purpose="ibkey_activation")'
        )

    # --- the user's side --------------------------------------------------------------------------------

    def latest_code(self, phone: str, purpose: str | None = None) -> str:
        """The code sent last to ``phone``, by text or voice callback, of any purpose unless ``purpose`` names
        one (``"login"``, a step-up's such as ``"withdrawal"``, ``"ibkey_activation"``, ``"phone_change"``
        for the code a new number gets before it is the account's): each text and call
        keeps what it was sent for, so a step-up's code sent after a login's is not taken for it. Ordered by
        when it was sent, then by the handset's ``seq`` (a text and a call in one second of a frozen clock),
        not by arrival: a slow network's text that arrives after the callback replacing it is not the one."""
        number = segment(phone)
        texts = self.call("GET", f"/sim/v1/phones/{number}/messages")["messages"]
        calls = self.call("GET", f"/sim/v1/phones/{number}/calls")["calls"]
        found = [
            (int(item.get("sent_at", item["at"])), int(item.get("seq") or 0), str(item["code"]))
            for item in (*texts, *calls)
            if item.get("code") and (purpose is None or item.get("purpose") == purpose)
        ]
        if not found:
            raise EmulatorError(f"no code has reached {phone}" + (f" ({purpose})" if purpose else ""))
        return max(found)[2]

    def approve_push(
        self,
        username: str,
        pin: str | None = None,
        biometric: bool = False,
        *,
        match: str,
        txn_id: str | None = None,
        passcode: str | None = None,
    ) -> dict[str, Any]:
        """Approve the IB Key notification on ``username``'s phone that offers ``match`` (the newest such).

        ``match`` is the number the login page shows (``factor["match"]`` of the login answer), required:
        number matching exists so that nobody but the one looking at that page can approve, so the emulator
        cannot guess it for you either (a call without it fails the type check). With several logins
        waiting (one second can hold them all), ``txn_id`` names the login whose push to approve. The app is
        unlocked as the phone asks, unless ``pin``, ``biometric`` or ``passcode`` (an iPhone's, without
        Touch ID / Face ID) says otherwise.
        """
        return self._answer_push("approve", username, txn_id, match, pin, biometric, passcode)

    def deny_push(
        self,
        username: str,
        pin: str | None = None,
        biometric: bool = False,
        *,
        txn_id: str | None = None,
        passcode: str | None = None,
    ) -> dict[str, Any]:
        """Deny the newest IB Key notification on ``username``'s phone (``txn_id``: that login's), as a user
        who did not start that login does: the login ends (``push.denied``). Unlocked as ``approve_push``."""
        return self._answer_push("deny", username, txn_id, None, pin, biometric, passcode)

    def _answer_push(
        self,
        answer: str,
        username: str,
        txn_id: str | None,
        match: str | None,
        pin: str | None,
        biometric: bool,
        passcode: str | None,
    ) -> dict[str, Any]:
        device = self._ibkey_of(username)
        notes = self.call("GET", f"/sim/v1/ibkey/{segment(device)}/notifications")["notifications"]
        mine = [n for n in notes if n.get("username") == username and txn_id in (None, n.get("txn_id"))]
        if not mine:
            which = f" from login {txn_id}" if txn_id else ""
            raise EmulatorError(f"no IB Key notification is waiting for {username}{which}")
        # several logins' pushes may share a second: the one offering the number is the login's own
        offering = [n for n in mine if str(match) in n.get("candidates", [])] or mine
        note = max(offering, key=lambda n: n.get("sent_at", 0))
        if pin is None and not biometric and passcode is None:  # the way the phone asks
            asked = self.call("GET", f"/sim/v1/ibkey/{segment(device)}").get("unlock")
            biometric = asked == "biometric"
            pin = self._pins.get(username) if asked == "pin" else None
            passcode = self._passcodes.get(username) if asked == "passcode" else None
        unlock: dict[str, Any] = {"biometric": True} if biometric else ({"pin": pin} if pin else {})
        if passcode is not None and not biometric:
            unlock = {"passcode": passcode}
        path = f"/sim/v1/ibkey/{segment(device)}/notifications/{segment(note['id'])}/{answer}"
        picked = {"match": str(match)} if match is not None else {}
        answered: dict[str, Any] = self.call("POST", path, {**picked, **unlock})
        return answered

    def _active_ibkeys(self, username: str) -> list[str]:
        devices = self.call("GET", f"/admin/v1/users/{segment(username)}/devices", admin=True)["devices"]
        return [
            str(d["device_id"]) for d in devices if d.get("type") == "ibkey" and d.get("status") == "active"
        ]

    def _ibkey_of(self, username: str) -> str:
        active = self._active_ibkeys(username)
        if not active:
            raise EmulatorError(f"{username} has no active IB Key")
        return str(active[-1])

    def phone_conditions(self, phone: str, **conditions: Any) -> dict[str, Any]:
        """Set a number's network conditions (``carrier_blocks_sms``, ``roaming``, ``delivery_delay_s``,
        ``sim_swapped_to``, ``needs_restart``, ``roaming_loses_every``, ``approves_pushes``), keeping the
        others."""
        path = f"/sim/v1/phones/{segment(phone)}/conditions"
        changed: dict[str, Any] = self.call(
            "PUT", path, conditions_update(self.call("GET", path), conditions)
        )
        return changed
