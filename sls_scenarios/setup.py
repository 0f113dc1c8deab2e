"""Building a scenario's world through the API: wipe, set the clock, then users, accounts, devices, phones.

Everything goes through ``/admin/v1`` (what the broker's back office does) and ``/sim/v1`` (what the user
does with the phone: an IB Key of the setup is activated by reading its code off the phone's inbox, as the
seed describes). Whatever the setup leaves in the phones' inboxes counts as read, so the first ``read_sms``
of a step sees only what the steps caused.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .loader import Scenario
from .steps.devices import activation_code, tell_passcode
from .steps.phones import set_conditions
from .steps.world import enrol, instant
from .targets import InProcessTarget, RemoteTarget
from .transport import segment
from .world import Actor, Device, StepFailed, World

DEFAULT_CLOCK = "2030-01-01T09:00:00Z"
DEFAULT_ACTOR = "user"


def role_of(name: str, spec: dict[str, Any]) -> str:
    return str(spec.get("role") or ("attacker" if name.startswith("attacker") else "defender"))


def new_world(target: InProcessTarget | RemoteTarget, scenario: Scenario, seed: int) -> World:
    world = World(target, random.Random(f"{seed}:{scenario.name}"))
    specs: dict[str, dict[str, Any]] = {DEFAULT_ACTOR: {}, **(scenario.data.get("actors") or {})}
    for name, spec in specs.items():
        address = spec.get("address")
        world.actors[name] = Actor(name, address, role_of(name, spec), target.client(address))
    world.variables["scenario"] = scenario.name
    return world


def reset(world: World, clock: Any) -> None:
    """A blank world at the scenario's instant, on a frozen clock: time passes only with ``advance_clock``,
    so the instants a run sees (the order of two enrolments, an expiry) never depend on how many real
    seconds its requests took. The world's reset thaws the clock, so it is frozen after it."""
    world.admin_ok("POST", "/admin/v1/reset", what="reset the world")
    body = {"set_at": instant(clock), "freeze": True}
    world.admin_ok("POST", "/admin/v1/clock", body, what="setup.clock")


class SetupFailed(StepFailed):
    """A setup entry the server refused, with where it is written, so the report names its line as it does a
    step's (a user set in a second account passes validation, which does not judge it)."""

    def __init__(self, message: str, where: tuple[Any, ...]) -> None:
        super().__init__(message)
        self.where = where


@contextmanager
def _entry(*where: Any) -> Iterator[None]:
    try:
        yield
    except SetupFailed:
        raise
    except StepFailed as exc:
        raise SetupFailed(str(exc), where) from None


def apply(world: World, setup: dict[str, Any]) -> None:
    for i, spec in enumerate(setup.get("users") or []):
        with _entry("setup", "users", i):
            _user(world, spec)
    for i, spec in enumerate(setup.get("accounts") or []):
        with _entry("setup", "accounts", i):
            _account(world, spec)
    for i, spec in enumerate(setup.get("devices") or []):
        with _entry("setup", "devices", i):
            _device(world, spec)
    for number, conditions in (setup.get("phones") or {}).items():
        answer = set_conditions(world, world.actors[DEFAULT_ACTOR], number, dict(conditions))
        if answer.status != 200:
            said = f"setup.phones {number}: {answer.brief()} {answer.body}"
            raise SetupFailed(said, ("setup", "phones", number))
    _mark_read(world)


def _user(world: World, spec: dict[str, Any]) -> None:
    password = spec.get("password") or world.new_password()
    # A scenario's world is what its setup lists: no SMS of account opening beside its devices.
    body = {"username": spec["username"], "password": password, "sms": False}
    for key in ("phone", "ip_allowlist"):
        if key in spec:
            body[key] = spec[key]
    world.admin_ok("POST", "/admin/v1/users", body, what=f"setup.users {spec['username']}")
    record = {"username": spec["username"], "password": password, "phone": spec.get("phone")}
    world.users[spec["username"]] = world.variables[spec["username"]] = record


def _account(world: World, spec: dict[str, Any]) -> None:
    body = {"account_id": spec["id"], "users": spec.get("users") or []}
    if "ip_allowlist" in spec:
        body["ip_allowlist"] = spec["ip_allowlist"]
    world.admin_ok("POST", "/admin/v1/accounts", body, what=f"setup.accounts {spec['id']}")


def _device(world: World, spec: dict[str, Any]) -> None:
    what = f"setup.devices {spec['type']} for {spec['user']}"
    device, answer = enrol(world, spec)
    if device is None:
        raise StepFailed(f"{what}: {answer.brief()} {answer.body}")
    if spec["type"] != "ibkey" or not spec.get("activate", True):
        return
    holder = world.actors[DEFAULT_ACTOR]
    device.pin = None if spec.get("platform") == "ios" else str(spec.get("pin", "12ab"))
    unlock = _unlock(device, what)
    body = {
        "username": spec["user"],
        "password": world.password(spec["user"]),
        "activation_code": activation_code(world, holder, spec["user"]),
        **unlock,
    }
    activated = world.sim(holder, "POST", f"/sim/v1/ibkey/{segment(device.device_id)}/activate", body)
    if activated.status != 200:
        raise StepFailed(f"{what}: activation answered {activated.brief()} {activated.body}")
    device.record["status"] = "active"
    tell_passcode(world, holder, device, unlock, what)
    if spec.get("notifications") is False:
        path = f"/sim/v1/ibkey/{segment(device.device_id)}/settings"
        switched = world.sim(holder, "PUT", path, {"notifications": False})
        if switched.status != 200:
            raise StepFailed(f"{what}: notifications off answered {switched.brief()}")


def _unlock(device: Device, what: str) -> dict[str, Any]:
    """How the phone is activated: the app's PIN (Android); Face ID, or the iPhone's passcode where the
    setup says it has no Touch ID / Face ID (``biometrics: false``)."""
    if device.pin is not None:
        return {"pin": device.pin}
    if device.biometrics:
        return {"biometric": True}
    if not device.passcode:
        raise StepFailed(f"{what}: an iPhone without Touch ID / Face ID needs its `passcode`")
    return {"passcode": device.passcode}


def _mark_read(world: World) -> None:
    holder = world.actors[DEFAULT_ACTOR]
    for number in {u["phone"] for u in world.users.values() if u.get("phone")}:
        for what in ("messages", "calls"):
            answer = world.sim(holder, "GET", f"/sim/v1/phones/{segment(number)}/{what}")
            items = answer.body.get(what, []) if isinstance(answer.body, dict) else []
            world.seen.setdefault((what, number), set()).update(str(item.get("id")) for item in items)
