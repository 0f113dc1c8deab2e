"""The ways to answer a second-factor step in progress (a ``step_flow.Flow``: a login or a step-up).

:class:`Answerer` finds the answer the way the person holding the authenticator would:

- from what the demo world says the user holds (``demo.json``): a card's response from its key and PIN, a
  TOTP code from the app's secret at the *server's* clock, a temporary passcode;
- with ``--auto``, through the simulators too: the card keyed with its PIN, the text or call the phone got,
  the IB Key app's approval or response, unlocked the way the phone asks (``app_unlock``: the app's PIN,
  Face ID, or an iPhone's passcode where Face ID is off).

It never guesses: when it cannot know the answer it says what the user would do instead.
"""

from __future__ import annotations

import base64
from typing import Any

from sls_devices.dscplus import expected_response, hash_pin
from sls_devices.totp import TotpApp

from .admin_client import UNANSWERED, AdminClient, ApiError, NoServer, segment
from .app_unlock import Given, unlock_for
from .demo_world import World
from .ibkey_moved import moved_ibkey
from .output import EXIT_USAGE, CliError
from .step_flow import Flow, done, ended

#: The simulators' refusals of this client (switched off, or guarded by a sim token it lacks).
SIM_CLOSED = ("simulator_disabled", "sim_token_required")

#: What keeps a texted code from a phone, as the simulated network has it (``sls phone conditions``).
WHY_NO_TEXT = (
    "carrier blocking texts? lost while roaming? a phone that needs a restart? a delivery delay? "
    "a swapped SIM?"
)


class Answerer:
    def __init__(
        self,
        admin: AdminClient,
        sim: AdminClient,
        world: World,
        *,
        pin: str | None = None,
        biometric: bool = False,
        passcode: str | None = None,
    ) -> None:
        self.admin = admin
        self.sim = sim
        self.world = world
        self.pin = pin
        self.biometric = biometric
        self.given = Given(pin, biometric, passcode)

    # --- what the user holds, per demo.json -------------------------------------------------------------

    def known(self, flow: Flow) -> str | None:
        """The answer computed from the demo world alone (no simulator), or None."""
        factor = flow.factor
        held = self.world.device(factor.get("device_id"))
        kind = factor.get("type")
        if (
            kind == "dscplus"
            and held.get("secret_hex")
            and (self.pin or held.get("pin"))
            and "challenge" in factor
        ):
            pin = self.pin or held["pin"]
            return str(
                expected_response(bytes.fromhex(held["secret_hex"]), hash_pin(pin), factor["challenge"])
            )
        if kind == "totp" and held.get("secret_b32"):
            now = self._server_now()
            if now is None:
                return None
            secret = base64.b32decode(held["secret_b32"] + "=" * (-len(held["secret_b32"]) % 8))
            app = TotpApp(
                secret,
                digits=int(held.get("digits", 6)),
                period=int(held.get("period", 30)),
                algorithm=held.get("algorithm", "sha1"),
                account=flow.username,
            )
            return app.code(now)
        if kind == "temporary" and held.get("passcode"):
            return str(held["passcode"])
        return None

    def _server_now(self) -> int | None:
        """The server's clock (it may have been moved): a TOTP code must be the one for that instant."""
        try:
            return int(self.admin.request("GET", "/admin/v1/clock")["now"])
        except UNANSWERED:  # no admin token at hand: the app cannot know the server's time either
            return None

    # --- through the simulators (--auto) ----------------------------------------------------------------

    def offer(self, flow: Flow) -> str | None:
        """What the prompt offers: the answer the user's device would give, so none from a card that locked
        itself after wrong PINs (it shows ``LOCKED``, not a response)."""
        device_id = str(flow.factor.get("device_id", ""))
        if flow.factor.get("type") == "dscplus" and self._card_locked(device_id):
            return None
        return self.known(flow)

    def _card_locked(self, device_id: str) -> bool:
        try:
            return bool(self.sim.request("GET", f"/sim/v1/dscplus/{segment(device_id)}").get("locked"))
        except UNANSWERED:  # simulator off or guarded: nothing says the card is locked
            return False

    def automatic(self, flow: Flow) -> str:
        """The answer ``--auto`` types; a push has none to type (``run_flow`` calls :meth:`approve`). A card
        is keyed on the simulator, so one locked by wrong PINs answers ``card_locked``."""
        factor = flow.factor
        kind, device_id = factor.get("type"), str(factor.get("device_id", ""))
        if kind == "dscplus":
            return self._key_the_card(flow, device_id)
        found = self.known(flow)
        if found is not None:
            return found
        if kind == "ibkey":
            unlock = self.unlock(device_id, flow.username)
            body = {"challenge": factor["challenge"], "username": flow.username, **unlock}
            return str(
                self.sim.request("POST", f"/sim/v1/ibkey/{segment(device_id)}/respond", body)["response"]
            )
        if kind in ("sms", "voice"):
            return self.received_code(flow, kind)
        if kind == "totp":
            return str(self.sim.request("GET", f"/sim/v1/totp/{segment(device_id)}/code")["code"])
        raise CliError(  # a question nobody here can answer, as an unknown PIN is: exit 2
            f"--response: nothing simulates a {kind} answer; type it (the passcode the admin gave)",
            EXIT_USAGE,
        )

    def _key_the_card(self, flow: Flow, device_id: str) -> str:
        """demo.json's key serves only when the simulators are closed to this client."""
        pin = self.pin or self.world.device(device_id).get("pin")
        if not pin:
            unknown = self.world.lacks("the card's PIN")
            raise CliError(f"--pin: {unknown}; give it to key it in", EXIT_USAGE)
        body = {"pin": pin, "challenge": flow.factor["challenge"]}
        try:
            return str(
                self.sim.request("POST", f"/sim/v1/dscplus/{segment(device_id)}/respond", body)["response"]
            )
        except ApiError as exc:
            found = self.known(flow) if exc.code in SIM_CLOSED else None
            if found is None:
                raise
            return found

    def unlock(self, device_id: str, username: str) -> dict[str, Any]:
        """The app's PIN, Face ID or the iPhone's passcode, as the phone asks (``app_unlock``); unknown, said
        as an IB Key of ``username``'s that moved since demo.json was written, when it did."""
        return unlock_for(
            self.sim,
            device_id,
            self.world.device(device_id),
            self.given,
            unknown=lambda: moved_ibkey(self.admin, self.world, username, device_id),
        )

    def notification(self, flow: Flow) -> dict[str, Any] | None:
        device_id = segment(str(flow.factor.get("device_id", "")))
        listed = self.sim.request("GET", f"/sim/v1/ibkey/{device_id}/notifications").get("notifications", [])
        return next((n for n in listed if n.get("txn_id") == flow.txn_id), None)

    def approve(self, flow: Flow) -> dict[str, Any] | None:
        """Approve the step's push in the app; the server's final body instead when it is approved already.

        A push approved on the phone beforehand (``sls device approve``, as docs/trainers.md's flows do after
        ``--start-only``) has left the notification list, and the session comes with the first poll after
        the approval: so one poll collects it, rather than an error that the notification is gone.
        """
        note = self.notification(flow)
        if note is None:
            polled = flow.poll(self.admin)
            if done(polled):
                return polled
            if polled.get("state") not in ("pending", "approved"):
                raise ended(flow, polled)  # denied, expired: as waiting for it would say
            raise CliError(
                f"no notification for this {flow.kind} on the phone (expired, or answered already)"
            )
        device_id = segment(str(flow.factor["device_id"]))
        body = {"match": flow.factor["match"], **self.unlock(str(flow.factor["device_id"]), flow.username)}
        self.sim.request(
            "POST", f"/sim/v1/ibkey/{device_id}/notifications/{segment(note['id'])}/approve", body
        )
        return None

    def phone_of(self, username: str) -> str:
        """The user's number now: the server's, when the admin token can ask it (a number changed since
        ``sls demo`` wrote demo.json, by an admin or by the user, gets the codes now), else demo.json's. An
        unknown user, or one without a phone, is said as such: demo.json is no better there."""
        why = "no admin token to ask the server"
        try:
            record = self.admin.user(username)
        except ApiError as exc:
            if exc.code == "unknown_user":
                raise CliError(
                    f"{username} is no user of {self.admin.url}, so no phone of theirs gets a code "
                    "(`sls user list` shows the users there are)",
                    code=exc.code,
                    status=exc.status,
                ) from None
            if exc.token_sent:
                why = f"the server refused the admin token to ask it ({exc.code})"
        except NoServer:
            why = f"no server at {self.admin.url} to ask"
        else:
            if not record.get("phone"):
                raise CliError(
                    f"{username} has no phone number on the server, so no text or call with a code reaches "
                    f"them (an admin gives one: sls user phone {username} +E164)"
                )
            return str(record["phone"])
        number = self.world.user(username).get("phone")
        if not number:
            unknown = self.world.lacks(f"{username}'s phone number")
            raise CliError(f"{unknown}, and {why}")
        return str(number)

    def sim_now_in(self, number: str) -> str | None:
        """The handset a swapped SIM of ``number`` sits in now (``sls phone conditions --sim-swapped-to``),
        where its texts and calls go; None in its own phone, or when the simulator does not say."""
        try:
            conditions = self.sim.request("GET", f"/sim/v1/phones/{segment(number)}/conditions")
        except UNANSWERED:
            return None
        held = conditions.get("sim_swapped_to")
        return str(held) if held else None

    def snapshot(self, username: str) -> list[str]:
        """Ids of the texts and calls on the user's phone now, so a code found later is this step's own."""
        try:
            number = segment(self.phone_of(username))
            inbox = self.sim.request("GET", f"/sim/v1/phones/{number}/messages")
            calls = self.sim.request("GET", f"/sim/v1/phones/{number}/calls").get("calls", [])
        except UNANSWERED:  # no phone, no simulator: nothing to tell apart later
            return []
        texts = [
            *inbox.get("messages", []),
            *inbox.get("in_transit", []),
        ]  # one on its way is an older step's
        return [str(m.get("id")) for m in (*texts, *calls)]

    def received_code(self, flow: Flow, kind: str) -> str:
        number = self.phone_of(flow.username)
        what = "messages" if kind == "sms" else "calls"
        body = self.sim.request("GET", f"/sim/v1/phones/{segment(number)}/{what}")
        found = next(
            (
                item
                for item in body.get(what, [])  # newest first
                if item.get("code")
                and item.get("purpose") == flow.code_purpose
                and str(item.get("id")) not in flow.seen
            ),
            None,
        )
        since = (found.get("seq") or 0) if found else -1
        coming = [
            t
            for t in body.get("in_transit") or []
            if t.get("purpose") == flow.code_purpose
            and str(t.get("id")) not in flow.seen
            and (t.get("seq") or 0) > since
        ]
        if coming:  # a newer code is on its way: the one found (if any) is spent, or about to be
            wait = max(int(t["arrives_in_s"]) for t in coming)
            raise CliError(
                f"the text with the code is on its way to {number}: the carrier delays texts, and it arrives "
                f"in {wait} s by the server's clock (`sls clock --advance {wait}`, then `sls answer --auto`)"
            )
        if found is not None:
            return str(found["code"])
        reason = "text" if kind == "sms" else "call"
        held = self.sim_now_in(number)
        if held is not None:
            where = "inbox" if kind == "sms" else "calls"
            raise CliError(
                f"no {reason} with a code reached {number}: its SIM is in the handset '{held}' (a SIM swap), "
                f"which gets its codes: `sls phone {where} {held}`, then `sls answer CODE`; "
                f"`sls phone conditions {number} --restore-sim` gives the SIM back"
            )
        raise CliError(
            f"no {reason} with a code reached {number} ({WHY_NO_TEXT}); "
            "try --factor voice, `sls phone conditions`, `sls phone restart`, or `sls clock --advance`"
        )
