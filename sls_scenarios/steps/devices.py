"""What a person does with the authenticators they hold: the DSC+ card, the IB Key app and an authenticator
app's code (``/sim/v1``).

An iPhone without Touch ID / Face ID (``biometrics: false`` in the setup or an ``enroll`` step, an
``ibkey_activate`` with ``passcode``, or ``ibkey_biometrics``) is unlocked with its passcode by default, as
the phone then asks.

The runner knows which number each login page shows (it started those logins), so ``ibkey_approve`` picks
the right one by default, the way a user looking at the page would; ``pick: wrong`` is the tired guess that
number matching is there to stop. A card's challenge defaults to the newest one shown for that card.
"""

from __future__ import annotations

from typing import Any

from ..transport import segment
from ..world import Actor, Device, Prompt, StepFailed, World
from . import Outcome, step


def _challenge(world: World, device: Device, body: dict[str, Any]) -> str:
    if body.get("challenge"):
        return str(body["challenge"])
    prompt = world.prompt_for(device_id=device.device_id)
    if prompt is None and device.type == "ibkey":
        prompt = next((p for p in reversed(world.prompts) if p.factor.get("type") == "ibkey"), None)
    if prompt is None or not prompt.challenge:
        raise StepFailed(f"no challenge is shown for {device.name}: give `challenge`")
    return prompt.challenge


@step("card")
def card(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    device = world.device(body["device"])
    challenge = _challenge(world, device, body)
    pin = str(body.get("pin", device.pin or ""))
    if body.get("offline"):
        from sls_devices.dscplus import expected_response, hash_pin

        secret = device.record.get("secret_hex")
        if not secret:
            raise StepFailed(f"{device.name}'s key is unknown (it was not enrolled by this scenario)")
        response = expected_response(bytes.fromhex(secret), hash_pin(pin), challenge)
        world.last_answer = world.variables["response"] = response
        return Outcome(None, f"offline OCRA: PIN {pin}, challenge {challenge} -> {response}")
    path = f"/sim/v1/dscplus/{segment(device.device_id)}/respond"
    answer = world.sim(actor, "POST", path, {"pin": pin, "challenge": challenge})
    shown = f"press > PIN {pin} > CHALLNG {challenge}"
    if answer.status == 200 and isinstance(answer.body, dict):
        world.last_answer = world.variables["response"] = answer.body["response"]
        return Outcome(answer, f"{shown} > {answer.body['response']}")
    return Outcome(answer, shown)


def _notification(world: World, actor: Actor, device: Device, body: dict[str, Any]) -> dict[str, Any]:
    listed = world.sim(actor, "GET", f"/sim/v1/ibkey/{segment(device.device_id)}/notifications")
    if listed.status != 200 or not isinstance(listed.body, dict):
        raise StepFailed(f"cannot read {device.name}'s notifications: {listed.brief()}")
    notes: list[dict[str, Any]] = list(listed.body.get("notifications") or [])
    if body.get("txn"):
        notes = [n for n in notes if n.get("txn_id") == body["txn"]]
    if body.get("user"):
        notes = [n for n in notes if n.get("username") == body["user"]]
    if not notes:
        raise StepFailed(f"no notification is waiting on {device.name}'s phone")
    for prompt in reversed(world.prompts):  # the newest login the scenario started that has one
        for note in notes:
            if note.get("txn_id") == prompt.txn_id:
                return note
    return max(notes, key=lambda n: n.get("sent_at", 0))


def _right_number(world: World, note: dict[str, Any]) -> str:
    prompt: Prompt | None = world.prompt_for(txn_id=str(note.get("txn_id")))
    if prompt is None or not prompt.match:
        raise StepFailed(
            "this notification's login was not started by the scenario, so the number its page "
            "shows is unknown: give `match`"
        )
    return prompt.match


@step("ibkey_approve")
def ibkey_approve(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    device = world.device(body["device"])
    note = _notification(world, actor, device, body)
    if body.get("match"):
        match = str(body["match"])
    elif body.get("pick") == "wrong":
        right = _right_number(world, note)
        match = world.rng.choice(sorted(c for c in note.get("candidates", []) if c != right))
    else:
        match = _right_number(world, note)
    path = f"/sim/v1/ibkey/{segment(device.device_id)}/notifications/{segment(note['id'])}/approve"
    answer = world.sim(actor, "POST", path, {"match": match, **device.unlock(body)})
    shown = " ".join(note.get("candidates", []))
    return Outcome(answer, f"{note.get('username')}: numbers {shown}, picked {match}")


@step("ibkey_deny")
def ibkey_deny(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    device = world.device(body["device"])
    note = _notification(world, actor, device, body)
    path = f"/sim/v1/ibkey/{segment(device.device_id)}/notifications/{segment(note['id'])}/deny"
    answer = world.sim(actor, "POST", path, device.unlock(body))
    return Outcome(answer, f"{note.get('username')}: deny")


@step("ibkey_respond")
def ibkey_respond(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    device = world.device(body["device"])
    challenge = _challenge(world, device, body)
    payload: dict[str, Any] = {"challenge": challenge, **device.unlock(body)}
    if body.get("user"):
        payload["username"] = body["user"]
    answer = world.sim(actor, "POST", f"/sim/v1/ibkey/{segment(device.device_id)}/respond", payload)
    if answer.status == 200 and isinstance(answer.body, dict):
        world.last_answer = world.variables["response"] = answer.body["response"]
        return Outcome(answer, f"challenge {challenge} > {answer.body['response']}")
    return Outcome(answer, f"challenge {challenge}")


def activation_code(world: World, actor: Actor, user: str) -> str:
    """The newest activation code texted to ``user``'s phone, as the person reads it."""
    number = world.phone_of({"user": user})
    inbox = world.sim(actor, "GET", f"/sim/v1/phones/{segment(number)}/messages")
    messages = inbox.body.get("messages", []) if isinstance(inbox.body, dict) else []
    codes = [m["code"] for m in messages if m.get("purpose") == "ibkey_activation" and m.get("code")]
    if not codes:
        raise StepFailed(f"no activation code has arrived at {number} ({inbox.brief()})")
    return str(codes[0])  # newest first


def tell_passcode(world: World, actor: Actor, device: Device, unlock: dict[str, Any], what: str) -> None:
    """An iPhone just activated with Face ID whose passcode the scenario knows (the setup's or the
    ``enroll`` step's ``passcode``): that passcode is the one iOS asks for in Settings, so the simulated
    iPhone is given it now (``ibkey_biometrics`` with a wrong one is then refused, as on a real iPhone)."""
    if not (unlock.get("biometric") and device.passcode):
        return
    path = f"/sim/v1/ibkey/{segment(device.device_id)}/biometrics"
    given = world.sim(actor, "PUT", path, {"enabled": True, "passcode": device.passcode})
    if given.status != 200:
        raise StepFailed(f"{what}: the iPhone's passcode answered {given.brief()} {given.body}")


@step("ibkey_activate")
def ibkey_activate(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    device = world.device(body["device"])
    user = str(body["user"])
    code = str(body.get("code") or activation_code(world, actor, user))
    payload = {
        "username": user,
        "password": world.password(user, body.get("password")),
        "activation_code": code,
    }
    unlock = device.unlock(body)
    payload.update(unlock)
    answer = world.sim(actor, "POST", f"/sim/v1/ibkey/{segment(device.device_id)}/activate", payload)
    if answer.status == 200 and "pin" in body and not device.pin:
        device.pin = str(body["pin"])
    if answer.status == 200 and "passcode" in body:  # an iPhone without Touch ID / Face ID
        device.passcode, device.biometrics = str(body["passcode"]), False
    if answer.status == 200:
        tell_passcode(world, actor, device, unlock, f"ibkey_activate {device.name}")
    return Outcome(answer, f"code {code}")


@step("ibkey_add_user")
def ibkey_add_user(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    device = world.device(body["device"])
    user = str(body["user"])
    payload = {"username": user, "password": world.password(user, body.get("password"))}
    answer = world.sim(actor, "POST", f"/sim/v1/ibkey/{segment(device.device_id)}/users", payload)
    return Outcome(answer)


@step("ibkey_settings")
def ibkey_settings(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    device = world.device(body["device"])
    payload = {"notifications": bool(body["notifications"])}
    answer = world.sim(actor, "PUT", f"/sim/v1/ibkey/{segment(device.device_id)}/settings", payload)
    return Outcome(answer)


@step("ibkey_biometrics")
def ibkey_biometrics(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    """The iPhone's Settings, Face ID & Passcode: iOS asks for the passcode; later steps unlock the way the
    phone then asks."""
    device = world.device(body["device"])
    passcode = str(body.get("passcode") or device.passcode or "")
    if not passcode:
        raise StepFailed(f"{device.name}'s passcode is unknown: give `passcode` (or set it in the setup)")
    payload = {"enabled": bool(body["enabled"]), "passcode": passcode}
    answer = world.sim(actor, "PUT", f"/sim/v1/ibkey/{segment(device.device_id)}/biometrics", payload)
    if answer.status == 200:
        device.passcode = device.passcode or passcode
        device.biometrics = bool(body["enabled"])
    state = "set up" if body["enabled"] else "removed"
    return Outcome(answer, f"Touch ID / Face ID {state}, passcode {passcode}")


@step("totp_code")
def totp_code(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    """What the app's screen shows at the server's clock: ``${code}``, and ``verify``'s default answer."""
    device = world.device(body["device"])
    answer = world.sim(actor, "GET", f"/sim/v1/totp/{segment(device.device_id)}/code")
    if answer.status == 200 and isinstance(answer.body, dict):
        world.last_answer = world.variables["code"] = answer.body["code"]
        return Outcome(answer, f"{answer.body['code']} ({answer.body.get('seconds_left')}s left)")
    return Outcome(answer)
