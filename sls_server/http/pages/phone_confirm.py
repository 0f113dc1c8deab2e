"""The account page's last step of a new phone number: the code texted to it, typed back.

The step-up (``stepup``) verified the user and texted the code (``account_tasks.run_task``); the account page
then shows the code's form in place of the number's, for as long as the code lives, read from the server
(``SensitiveTasks.pending_phone``): no cookie carries the number. Every answer is a 303 to the account page,
which says once what happened, to this tab only (``outcome.tell_tab``), so a reload never sends a code again.
"""

from __future__ import annotations

from flask import redirect
from flask.typing import ResponseReturnValue

from ...errors import SlsError, StoreUnavailable
from ..common import client_ip, core, now
from ..crosssite import require_form_token
from . import bp
from .account import done_page, page_session
from .kit import SIX_DIGITS, say, typed
from .outcome import tell_tab


@bp.post("/account/phone/confirm")
def account_phone_confirm() -> ResponseReturnValue:
    require_form_token()  # a bad form token is its own 403, never taken for a logout
    session = page_session(extend=True)
    pending = core().tasks.pending_phone(session, now=now())
    if pending is None:
        return tell_tab("/account", "No code is waiting any more: enter the new number again.", 410)
    code = typed("code")
    if not SIX_DIGITS.fullmatch(code):
        return tell_tab("/account", "Enter the 6-digit code we sent to your new number.", 400, invalid=True)
    try:
        core().tasks.change_phone(session, pending["phone"], code, now=now(), ip=client_ip())
    except StoreUnavailable:
        raise
    except SlsError as exc:
        return tell_tab("/account", say(exc), exc.status, invalid=exc.code == "invalid_response")
    return redirect(done_page(session, "change_contact"), 303)
