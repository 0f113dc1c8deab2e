"""What the login commands print (the open step, the session it ended in), the clients and demo world they
work with, and the options they answer with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from . import login_state, world_sync
from .admin_client import AdminClient
from .admin_commands import connect, when
from .answering import Answerer
from .app_unlock import Given
from .demo_world import World
from .device_commands import DEVICE_TYPES
from .hints import hint
from .output import fields_table, note, print_json, print_renderable
from .reading import Seconds
from .sim_access import sim_client, sim_token_option
from .step_flow import Flow

F = TypeVar("F", bound=Callable[..., Any])

#: Words the interactive prompt takes as "switch to this factor" rather than as an answer.
SWITCH_WORDS = tuple(t for t in DEVICE_TYPES if t != "temporary")


def switch_words(flow: Flow) -> list[str]:
    """The factor types the prompt offers to switch to: this login's own (a type the user lacks was refused
    by the server, and ended the command); for a code, its own type too: a new one."""
    current = flow.factor.get("type")
    types = dict.fromkeys(str(f.get("type")) for f in flow.factors)
    return [t for t in types if t in SWITCH_WORDS and (t != current or t in ("sms", "voice"))]


def answer_options(func: F) -> F:
    """How to answer without typing: --auto (with --pin/--biometric/--passcode), --timeout for an app
    approval."""
    options = [
        click.option(
            "--auto",
            is_flag=True,
            help="Answer through the simulators: key the card, read the text or call, approve in the app.",
        ),
        click.option(
            "--pin", metavar="PIN", help="--auto: the card's or IB Key app's PIN, if not in demo.json."
        ),
        click.option("--biometric", is_flag=True, help="--auto: unlock the iOS app with biometrics."),
        click.option(
            "--passcode",
            metavar="DIGITS",
            help="--auto: the iPhone's passcode, which IB Key asks for when Touch ID / Face ID is off "
            "(the demo iPhone's is in demo.json).",
        ),
        click.option(
            "--timeout",
            type=Seconds(1, 600),
            default=120.0,
            show_default=True,
            help="Seconds to wait for an IB Key approval.",
        ),
        sim_token_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def print_session(result: dict[str, Any], username: str, as_json: bool, title: str) -> None:
    if as_json:
        print_json({"username": username, **result})
        return
    session = result.get("session") or {}
    shown = {
        "user": username,
        "session token": session.get("token"),
        "idle ends": when(session.get("idle_expires_at")),
        "ends": when(session.get("expires_at")),
    }
    if result.get("purpose"):
        shown["verified for"] = f"{result['purpose']} until {when(result.get('valid_until'))}"
    print_renderable(fields_table(title, shown))
    note(f"kept in {login_state.path()}: sls whoami, sls stepup --purpose withdrawal, sls logout use it")


def print_prompt(flow: Flow, answer: dict[str, Any], as_json: bool, answerer: Answerer) -> None:
    if as_json:
        print_json(answer)
        return
    shown = dict(flow.factor)
    current = (flow.factor.get("type"), flow.factor.get("device_id"))
    others = [
        f"{f.get('type')} {f.get('device_id')}"
        for f in flow.factors
        if (f.get("type"), f.get("device_id")) != current
    ]
    if others:  # the one prompted is not another factor
        shown["other factors"] = others
    print_renderable(fields_table(f"{flow.kind} of {flow.username}: {flow.factor.get('type')}", shown))
    note(hint(answerer, flow))
    if flow.is_push:  # nothing to type: the approval is collected by a poll
        note("once approved, `sls answer` collects it (--auto approves it), switch with `sls switch <type>`")
    else:
        note("answer with `sls answer <response>` (or --auto), switch with `sls switch <type>`")


def tools(
    url: str | None, admin_token: str | None, sim_token: str | None, given: Given, *, about: str | None
) -> tuple[AdminClient, Answerer]:
    """The admin client and the answerer of a command at ``about`` (its user, if named): a demo user's
    password changed on the server is said of that user alone, not of every one (``sls world`` lists
    them all)."""
    admin = connect(url, admin_token)
    world = World.load()
    # another server's world is none of this one's; this one's, caught up with a restore by the console
    users = (about.strip().lower(),) if about else ()
    world = World(world_sync.caught_up(admin, world.info, about=users) if world.serves(admin.url) else None)
    sim = sim_client(admin.url, sim_token)
    return admin, Answerer(
        admin, sim, world, pin=given.pin, biometric=given.biometric, passcode=given.passcode
    )
