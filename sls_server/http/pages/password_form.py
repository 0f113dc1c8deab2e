"""The account page's new password: the current one and the new one typed twice, once the user has verified
their identity for ``change_security`` (the step-up, started from the card's *Change password* button,
``account_tasks``). No cookie ever carries a password: the step-up comes first, and the form is shown only
while it is fresh, so nothing typed waits for a verification. Every answer is a 303 to the account page,
which says once what happened, to this tab only (``outcome.tell_tab``), so a reload never sends a password
again.
"""

from __future__ import annotations

from flask import redirect, request
from flask.typing import ResponseReturnValue

from ...errors import SlsError, StoreUnavailable
from ..common import client_ip, core, now
from ..crosssite import require_form_token
from . import bp
from .account import done_page, page_session
from .kit import say
from .outcome import tell_tab

#: Refusals about what was typed: the field is marked invalid and described by the message.
_TYPED = ("wrong_password", "weak_password", "invalid_request")


def _said(exc: SlsError) -> str:
    if exc.code == "reauth_required":
        return "Your verification has expired. Verify your identity again to change your password."
    if exc.code == "weak_password":
        return f"Choose another new password. {exc.message}"
    return say(exc)


@bp.post("/account/password/change")
def account_password_change() -> ResponseReturnValue:
    require_form_token()  # a bad form token is its own 403, never taken for a logout
    session = page_session(extend=True)
    current = request.form.get("current_password", "")
    new = request.form.get("new_password", "")
    if not current or not new:
        return tell_tab("/account", "Enter your current password and the new one.", 400, invalid=True)
    if new != request.form.get("confirm_password", ""):
        return tell_tab("/account", "The two new passwords do not match.", 400, invalid=True)
    try:
        done = core().tasks.change_password(
            session,
            current,
            new,
            end_others=request.form.get("end_other_sessions") == "yes",
            now=now(),
            ip=client_ip(),
        )
    except StoreUnavailable:
        raise
    except SlsError as exc:
        return tell_tab("/account", _said(exc), exc.status, invalid=exc.code in _TYPED)
    return redirect(done_page(session, "password_changed", len(done["sessions_ended"])), 303)
