"""``sls attack push-bombing`` following its attack to the verdict: the report comes while the pushes still
wait on the victim's phone, so the command used to say "Not over yet" and exit, never learning her answers.
It now reads where the bombing stands (``GET /admin/v1/attacks/push-bombing``, the count of her answers the
server keeps, the same the trainer console draws) until no push waits, a progress line on stderr meanwhile,
then prints the final verdict (``--json``: the report with it). ``--no-wait`` reports and exits, as before.

On a frozen server clock the pushes never expire, so unless the victim answered it waited until Ctrl-C, and a
script with it: it now says at once that the clock is frozen and the ``sls clock`` move that ends the wait,
and ``--timeout SECONDS`` (real time) ends it with the bombing still pending (:func:`still_pending`: exit
:data:`EXIT_PENDING`, ``attack_pending``, the report and the count so far in the error's ``details``)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from rich.text import Text

from .admin_client import AdminClient
from .output import CliError, err, note
from .server_errors import server_errors

#: How often the state is read again while a push waits: a person is tapping a phone.
INTERVAL_S = 1.0
#: The exit status of a wait that ran out (``--timeout``) with a push still waiting: neither the attacker's
#: win nor the defences' (exit 0), nor an attack that could not run (exit 1), nor a usage error (exit 2).
EXIT_PENDING = 3


def follow(
    client: AdminClient, username: str, *, interval_s: float = INTERVAL_S, timeout_s: float | None = None
) -> dict[str, Any]:
    """Read the bombing on ``username`` until its verdict is no longer ``pending``, or ``timeout_s`` (real
    seconds) have passed; its last state (``pending`` still, after a timeout). The server judges each push's
    expiry at its own clock, so the wait ends at the last push's expiry at the latest (or at once when the
    clock is moved past it), unless that clock is frozen: then it is said at once, with the move that ends
    it."""
    path = f"/admin/v1/attacks/push-bombing?username={quote(username)}"
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    stop = "Ctrl-C stops waiting" if deadline is None else f"stops waiting after {timeout_s:g} s"
    frozen_told = False
    with err().status(Text(f"Waiting on the victim's phone… ({stop})"), spinner="dots") as line:
        while True:
            with server_errors():
                state = client.request("GET", path)
            if state.get("verdict") != "pending":
                return state
            frozen = frozen_move(client, state)
            if frozen and not frozen_told:  # once, at once: the wait would otherwise last until Ctrl-C
                frozen_told = True
                line.stop()
                note(frozen_words(frozen, timed=deadline is not None))
                line.start()
            told = f"Not over yet: {state.get('said', '')}"
            line.update(Text(f"{told} ({'the clock is frozen; ' if frozen else ''}{stop})"))
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return state
            # the victim answers on her phone: the CLI waits (tests never sleep)
            time.sleep(interval_s if left is None else min(interval_s, left))


def frozen_move(client: AdminClient, state: dict[str, Any]) -> str | None:
    """The ``sls clock`` move that makes the bombing's last push expire, when the server's clock is frozen
    (which is the only way it ever will, unless the victim answers); None when the clock runs."""
    with server_errors():
        clock = client.request("GET", "/admin/v1/clock")
    if not clock.get("frozen"):
        return None
    return f"sls clock --advance {max(int(state.get('until', 0)) - int(clock.get('now', 0)) + 1, 1)}"


def frozen_words(move: str, *, timed: bool) -> str:
    """What the trainer is told at once on a frozen clock: why the wait may never end, and how to end it."""
    end = "--timeout ends the wait" if timed else "Ctrl-C stops waiting, or give --timeout SECONDS"
    return (
        "The server's clock is frozen: the pushes expire only when it moves, so this waits for the victim's "
        f"answers ({end}). To let them expire now: {move} (or sls clock --unfreeze, to let it run on)."
    )


def concluded(report: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    """The report with the bombing's final verdict (``--json``): ``verdict`` and ``attacker_succeeded`` as
    they ended (``pending`` after a timeout), and ``push_bombing``, the count of her answers (the state
    without the report again)."""
    verdict = str(state.get("verdict") or report.get("verdict"))
    kept = {k: v for k, v in state.items() if k != "report"}
    return {
        **report,
        "verdict": verdict,
        "attacker_succeeded": verdict == "attacker_got_in",
        "push_bombing": kept,
    }


def still_pending(report: dict[str, Any], timeout_s: float) -> CliError:
    """The wait ran out with pushes still on her phone: exit :data:`EXIT_PENDING`, ``attack_pending``, and
    (``--json``) the report with ``verdict: pending`` and the count so far under ``details.report``. The
    bombing goes on: her answers still count, and the attacker's page still waits."""
    state = report.get("push_bombing") or {}
    until = datetime.fromtimestamp(int(state.get("until", 0)), UTC).strftime("%H:%M")
    who, left = report.get("target", "the victim"), int(state.get("waiting", 0))
    pushes = "1 push still waits" if left == 1 else f"{left} pushes still wait"
    return CliError(
        f"no verdict within {timeout_s:g} s: {pushes} on {who}'s phone until {until} UTC, server time "
        f"(GET /admin/v1/attacks/push-bombing?username={quote(str(who))} reads where it stands)",
        EXIT_PENDING,
        code="attack_pending",
        details={"report": report},
    )
