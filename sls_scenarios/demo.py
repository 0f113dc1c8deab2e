"""Trainer mode: a scenario replayed as a live demo (``sls scenario demo NAME``).

Each ``say`` is shown as narration and the demo waits (for Enter, or ``--pace`` seconds); each step is shown
on its side, what the attacker does and sees on the left, the defender (the user, their phone and card) on
the right, and beside them the audit events it caused: the broker's view. The demo runs against a real
server (one it starts, unless it is given one: ``--server``, or the running ``sls demo`` the command finds)
so the room can watch the trainer console (``/trainer``) in a browser at the same time; a server it did not
start gets its world back afterwards (``targets.RemoteTarget``), once its consoles have shown the last steps
(:meth:`DemoReport.before_restore`). The scenario's attacker actors' addresses are marked as the attacker's
for the console's feed (``PUT /admin/v1/attackers``), as a staged attack's are.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .loader import Scenario
from .report import close_target
from .runner import Runner, ScenarioResult
from .server import ChildServer
from .steps import StepResult
from .targets import RemoteTarget, TargetError
from .world import World

SIDES = ("attacker", "defender")
#: Seconds a demo on someone's server holds before putting their world back (and wiping the trail with it),
#: so every console open on it has read the scenario's last events: past a crowded console's 3 s polling
#: (``sls_server/http/pages/feed.py``).
FEED_GRACE_S = 3.5


class DemoReport:
    def __init__(
        self, console: Console, *, pace: float | None, wait: Callable[[], Any] | None = None
    ) -> None:
        self.console = console
        self.pace = pace
        self.wait = wait or (lambda: console.input(Text("  ⏎ ", style="dim")))
        self.cursor: str | None = None
        self.headed = False

    def pause(self) -> None:
        if self.pace is None:
            try:
                self.wait()
            except EOFError:  # no keyboard (a pipe, CI): play on without pauses
                self.pace = 0
        elif self.pace > 0:
            time.sleep(self.pace)  # the room's pace, in wall-clock time; the server's clock never sleeps

    def scenario_started(self, scenario: Scenario, world: World | None) -> None:
        lines = [Text(scenario.description)]
        if scenario.data.get("source"):
            lines.append(Text(f"source: {scenario.data['source']}", style="dim"))
        if world is not None:
            for actor in world.actors.values():
                where = actor.address or "the default address"
                lines.append(Text(f"{actor.name}: {actor.role}, from {where}", style="cyan"))
            mark_attackers(world)
            clock = world.admin("GET", "/admin/v1/clock")
            if clock.status == 200 and isinstance(clock.body, dict) and clock.body.get("frozen"):
                lines.append(Text(clock_line(int(clock.body["now"])), style="dim"))
            self.cursor = self._events(world)[1]  # the setup's events are not the show
        self.console.print(Panel(Group(*lines), title=scenario.name, title_align="left", border_style="bold"))

    def step_done(self, result: StepResult, step: dict[str, Any], world: World) -> None:
        if result.kind == "say":
            self.console.print(
                Panel(Text(str(step["say"]).strip(), style="italic"), border_style="magenta", title="»")
            )
            self.pause()
            return
        events, self.cursor = self._events(world)
        actor = acting(result)
        side = world.actors[actor].role if actor in world.actors else "defender"
        grid = Table(show_header=not self.headed, expand=True, box=None, padding=(0, 1))
        for column in (*SIDES, "audit trail"):
            grid.add_column(column, ratio=1, overflow="fold", header_style="bold")
        self.headed = True
        style = "green" if result.status == "passed" else "bold red"
        cell = Text(f"{result.index} {result.title}", style="red" if side == "attacker" else "")
        if result.answer:
            cell.append(f"\n→ {result.answer}", style=style)
        if result.status != "passed":
            cell.append(f"\n{result.message}", style="red")
        trail = Text("\n".join(_event_line(e) for e in events), style="dim")
        grid.add_row(cell if side == "attacker" else "", cell if side != "attacker" else "", trail)
        self.console.print(grid)

    def scenario_done(self, result: ScenarioResult) -> None:
        style = "bold green" if result.ok else "bold red"
        self.console.print(
            Text(f"{result.status}: {result.message or 'every step as expected'}", style=style)
        )

    def before_restore(self, server: str) -> None:
        """The world is about to go back, and with it the audit trail (a state import replaces all): hold
        until the room's consoles have read the last steps. With Enter, the trainer says when; otherwise at
        least :data:`FEED_GRACE_S`, a crowded console's polling interval and more, whatever ``--pace``:
        at ``--pace 0`` the restore came so soon that no console showed the scenario's logins."""
        said = f"{server}'s own world goes back next, and its audit trail with it"
        if self.pace is None:
            self.console.print(Text(f"{said}: the console keeps what it showed. ⏎ puts it back", style="dim"))
            self.pause()
            if self.pace is None:  # Enter was pressed: the trainer has seen the feed
                return
        self.console.print(
            Text(f"{said}, in {FEED_GRACE_S:g} s: the console keeps what it showed", style="dim")
        )
        time.sleep(
            max(self.pace or 0, FEED_GRACE_S)
        )  # wall-clock time for the consoles' reads, not the server's

    def _events(self, world: World) -> tuple[list[dict[str, Any]], str | None]:
        query: dict[str, Any] = {"limit": 1000, **({"since": self.cursor} if self.cursor else {})}
        page = world.admin("GET", "/admin/v1/events", query=query)
        if page.status != 200 or not isinstance(page.body, dict):
            return [], self.cursor
        events = [e for e in page.body.get("events", []) if e.get("type") != "clock.moved"]
        return events, page.body.get("cursor") or self.cursor


def clock_line(now: int) -> str:
    """Why the console's times jump: a scenario runs on its own frozen clock (the same steps every run), and
    the server's own comes back with its world."""
    at = time.strftime("%d %b %Y %H:%M:%S", time.gmtime(now)).lstrip("0")
    return (
        f"the scenario's clock stands at {at} UTC, frozen, so its steps are the same every run: the console "
        "shows its events at that time, and the server's own clock comes back with its world"
    )


def mark_attackers(world: World) -> None:
    """Tell the server which addresses are the attacker actors', so the trainer console's feed tags them
    "(attacker)" and in red, as it does a staged attack's (``PUT /admin/v1/attackers``): the scenario's
    attacker logging in from its own address showed as green good news. A server without the route (an
    older one) is left as it is."""
    addresses = sorted({a.address for a in world.actors.values() if a.role == "attacker" and a.address})
    if addresses:
        world.admin("PUT", "/admin/v1/attackers", {"addresses": addresses})


def acting(result: StepResult) -> str:
    """Who did a step: for a ``parallel`` or ``repeat``, the one actor all its steps have, if they have one.
    The loop itself is the default actor's (the user), which put five attacker branches in the defender's
    column."""
    if not result.children:
        return result.actor
    actors = {acting(child) for child in result.children}
    return actors.pop() if len(actors) == 1 else result.actor


def _event_line(event: dict[str, Any]) -> str:
    parts = [str(event.get("type"))]
    for key in ("user", "ip", "factor", "result"):
        if event.get(key):
            parts.append(f"{key}={event[key]}")
    return " ".join(parts)


def run_demo(
    scenario: Scenario,
    console: Console,
    *,
    pace: float | None,
    server: str | None = None,
    admin_token: str | None = None,
    sim_token: str | None = None,
    seed: int = 0,
    known: Mapping[str, Any] | None = None,
    port: int | None = None,
    port_named: str = "--port",
    host: str = "127.0.0.1",
    told: Callable[[ChildServer], RenderableType] | None = None,
    room: str | None = None,
) -> ScenarioResult:
    """Replay ``scenario`` for a room: against ``server`` (known to run with ``known`` settings beyond the
    defaults: a demo's; its /sim/v1 behind ``sim_token``, if it sets one), or a server started for it on
    ``host`` and ``port`` (else a free one) and stopped after: the console's URL printed is the one the room
    opens (this machine's address on its network when it listens on every interface; for ``server``, the
    ``room`` URL the caller knows it by there, a demo on every interface's).

    A started server trusts this machine's ``X-Forwarded-For`` (each actor appears at its own address) and
    runs with the scenario's settings; its admin token is shown as ``told`` says (the command's rule: withheld
    beyond loopback), and never without it. ``ServerFailed``/``TargetError`` when there is no server to use
    (a taken ``port`` is refused naming ``port_named``, before anything is shown).
    """
    settings = (scenario.data.get("setup") or {}).get("settings") or {}
    child = None
    try:
        if server is None:
            child = ChildServer(
                settings=settings, trust_local_proxy=True, port=port, port_named=port_named, host=host
            ).start()
            server, admin_token, known = child.url, child.admin_token, settings
            sim_token = str(settings["SLS_SIM_TOKEN"]) if "SLS_SIM_TOKEN" in settings else None
        target = RemoteTarget(server, admin_token, sim_token, applied=known, own=child is not None)
        shown = child.public_url if child is not None else (room or server)
        console.print(trainer_console(server, shown), style="bold", soft_wrap=True)
        if child is not None and told is not None:  # its token is made here: the console asks for it
            console.print(told(child), soft_wrap=True)
        report = DemoReport(console, pace=pace)
        try:
            result = Runner(target, seed=seed, listener=report).run(scenario)
            if not target.own:  # someone's world comes back: once the consoles have shown the ending
                report.before_restore(shown)
            return result
        finally:
            close_target(target, console)
    finally:
        if child is not None:
            child.stop()


def parse_pace(value: str | None) -> float | None:
    """``2s``, ``500ms``, ``0`` -> seconds; ``None`` or ``enter`` -> wait for Enter."""
    import re

    if value is None or value == "enter":
        return None
    found = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s)?", value.strip())
    if not found:
        raise ValueError("a time like 2s, 500ms or 0, or 'enter'")
    number = float(found.group(1))
    return number / 1000 if found.group(2) == "ms" else number


def trainer_console(server: str, shown: str | None = None) -> str:
    """Where the room watches the feed: at ``shown``, the URL other machines reach ``server`` at, when it is
    not the one this process uses (a server listening on every interface). A server that does not answer at
    all is said here, before the demo's title (``TargetError``): it used to be read as a server without a
    console, and the demo went on to fail at its first step."""
    import requests

    where = f"{server.rstrip('/')}/trainer"
    room = f"{(shown or server).rstrip('/')}/trainer"
    try:
        found = requests.get(where, timeout=5).status_code != 404
    except requests.RequestException as exc:
        raise TargetError(
            f"nothing answers at {server} ({type(exc).__name__}): is the server running? Start one with "
            "`sls serve` or `sls demo`, or leave out --server and the demo starts its own"
        ) from None
    said = f"trainer console: {room}" + ("" if found else "  (404 there: no trainer console; not sls?)")
    if room != where:  # every interface: the room's is this machine's address; here, loopback answers too
        said += f"\n(it listens on every interface; on this machine also {where})"
    return said
