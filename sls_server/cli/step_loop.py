"""Answering an open step until it is done: ``run_flow``, which ``sls login``, ``sls answer`` and ``sls
stepup`` share.

It types the given ``--response``, waits for an IB Key approval (approving it first with ``--auto``), has
the ``answering.Answerer`` work the answer out, or prompts, offering what ``demo.json`` knows and taking a
factor's name to switch to it; a wrong answer with attempts left is said and asked again. Apart from the
commands because it is the loop, not the command line: each command only sets the step up and finishes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text

from .admin_client import AdminClient, ApiError
from .answering import Answerer
from .hints import hint
from .login_view import SWITCH_WORDS, switch_words
from .output import CliError, err, note
from .reading import ask
from .server_errors import server_errors
from .step_flow import Flow, wait_for_approval


def verify_computed(flow: Flow, api: AdminClient, answer: str) -> dict[str, Any]:
    """Verify an answer the CLI worked out; a TOTP code told ``challenge_used`` is one already used, which
    the server answers without spending an attempt: say when the next one comes."""
    try:
        return flow.verify(api, answer)
    except ApiError as exc:
        if not _totp_replayed(flow, exc):
            raise
        period = flow.factor.get("period", 30)
        said = (
            f"this time step's TOTP code was used already (a code is good once; no attempt was spent); "
            f"the next code comes within {period} s, or move the clock on: sls clock --advance {period}s"
        )
        details = {k: v for k, v in exc.body.items() if k not in ("error", "message")}
        raise CliError(
            f"{exc.code}: {said}", code=exc.code, status=exc.status, said=said, details=details
        ) from None


def verify_typed(flow: Flow, api: AdminClient, response: str) -> dict[str, Any]:
    """Verify a response given on the command line. On a push there is none to give: the server's
    ``wrong_mode`` names the HTTP routes that poll, which a CLI user does not call by hand, so the commands
    that do are named instead."""
    try:
        return flow.verify(api, response)
    except ApiError as exc:
        if exc.code != "wrong_mode" or not flow.is_push:
            raise
        said = (
            f"The {flow.kind} is an IB Key push: there is no response to type. Approve it on "
            "the phone and `sls answer` (no response) collects it, `sls answer --auto` approves it in the "
            "simulated app, or `sls switch ibkey --challenge` asks for a response instead"
        )
        raise CliError(f"{exc.code}: {said}", code=exc.code, status=exc.status, said=said) from None


def run_flow(
    flow: Flow,
    api: AdminClient,
    answerer: Answerer,
    *,
    response: str | None,
    auto: bool,
    timeout: float,
    remember: Callable[[Flow], None],
) -> dict[str, Any]:
    """Answer the step until it is done; the server's final body (with the session)."""
    while True:
        if response is not None:
            return verify_typed(flow, api, response)
        if flow.is_push:
            if auto:
                collected = answerer.approve(flow)
                if collected is not None:
                    return collected
            else:
                note(hint(answerer, flow))
            return wait_for_approval(flow, api, timeout)
        if auto:
            return verify_computed(flow, api, answerer.automatic(flow))
        note(hint(answerer, flow))
        offered = answerer.offer(flow)
        if offered:
            note(f"demo.json knows the answer: {offered} (press Enter to use it)")
        switchable = switch_words(flow)
        typed = ask(
            f"Answer (or {', '.join(switchable)} to switch)" if switchable else "Answer",
            instead=f"the {flow.kind} stays open: sls answer RESPONSE (or --auto)",
            default=offered,
        ).strip()
        if typed.lower() in SWITCH_WORDS and typed.lower() not in switchable:
            err().print(Text(f"{flow.username} has no {typed.lower()} to switch to", style="red"))
            continue
        if typed.lower() in SWITCH_WORDS:
            with server_errors():
                flow.switch(api, typed.lower(), None)
            remember(flow)
            continue
        try:
            return flow.verify(api, typed)
        except ApiError as exc:
            if _totp_replayed(flow, exc):  # no attempt spent: the next code can be typed
                err().print(Text(exc.message, style="red"), soft_wrap=True)
                continue
            if exc.code != "invalid_response" or not exc.body.get("attempts_left"):
                raise
            left = exc.body["attempts_left"]
            err().print(Text(f"{exc.message} ({left} attempt(s) left)", style="red"), soft_wrap=True)


def _totp_replayed(flow: Flow, exc: ApiError) -> bool:
    """The server's answer to an authenticator-app code whose time step was used already."""
    return exc.code == "challenge_used" and flow.factor.get("type") == "totp"
