"""``sls attack push-bombing`` following its attack to the verdict: the report comes while the pushes still
wait on the victim's phone, so the command used to say "Not over yet" and exit, never learning her answers.
It now reads where the bombing stands (``GET /admin/v1/attacks/push-bombing``, the count of her answers the
server keeps, the same the trainer console draws) until no push waits, a progress line on stderr meanwhile,
then prints the final verdict (``--json``: the report with it). ``--no-wait`` reports and exits, as before."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from rich.text import Text

from .admin_client import AdminClient
from .output import err
from .server_errors import server_errors

#: How often the state is read again while a push waits: a person is tapping a phone.
INTERVAL_S = 1.0


def follow(client: AdminClient, username: str, *, interval_s: float = INTERVAL_S) -> dict[str, Any]:
    """Read the bombing on ``username`` until its verdict is no longer ``pending``; its last state. The
    server judges each push's expiry at its own clock, so the wait ends at the last push's expiry at the
    latest (or at once when the clock is moved past it)."""
    path = f"/admin/v1/attacks/push-bombing?username={quote(username)}"
    with err().status(Text("Waiting on the victim's phone… (Ctrl-C stops waiting)"), spinner="dots") as line:
        while True:
            with server_errors():
                state = client.request("GET", path)
            if state.get("verdict") != "pending":
                return state
            line.update(Text(f"Not over yet: {state.get('said', '')} (Ctrl-C stops waiting)"))
            time.sleep(interval_s)  # the victim answers on her phone: the CLI waits (tests never sleep)


def concluded(report: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    """The report with the bombing's final verdict (``--json``): ``verdict`` and ``attacker_succeeded`` as
    they ended, and ``push_bombing``, the count of her answers (the state without the report again)."""
    verdict = str(state.get("verdict") or report.get("verdict"))
    kept = {k: v for k, v in state.items() if k != "report"}
    return {
        **report,
        "verdict": verdict,
        "attacker_succeeded": verdict == "attacker_got_in",
        "push_bombing": kept,
    }
