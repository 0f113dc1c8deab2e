"""The account page's IP Restrictions ("enable IP Restrictions via the Client Portal"): the addresses typed
one per line, saved once the user has verified their identity for ``change_security`` (the card's *Change IP
Restrictions* button, ``account_tasks``). As for a new password, the step-up comes first and the form is shown
only while it is fresh, so nothing typed waits for a verification. Every answer is a 303 to the account page,
which says once what happened, to this tab only (``outcome.tell_tab``).
"""

from __future__ import annotations

import re

from flask import redirect, request
from flask.typing import ResponseReturnValue

from ...errors import SlsError, StoreUnavailable
from ..common import client_ip, core, now
from ..crosssite import require_form_token
from . import bp
from .account import done_page, page_session
from .kit import say
from .outcome import tell_tab

#: What separates the entries typed: lines, commas, spaces.
_SEPARATORS = re.compile(r"[\s,]+")
#: The most of a refused list the page keeps typed for the user to mend (the outcome rides in a cookie, and
#: is cut to its sentence when other tabs' refusals wait beside it: ``outcome``).
KEEP_TYPED_CHARS = 1200
#: The most of a refused entry the sentence echoes ("…" for the rest): each tab's sentence stays short enough
#: that ``outcome.TABS_TOLD`` tabs refused at once are each told theirs.
ECHO_CHARS = 24


def _said(exc: SlsError) -> str:
    if exc.code == "reauth_required":
        return "Your verification has expired. Verify your identity again to change your IP Restrictions."
    if "your_address" in exc.extra:
        here = exc.extra["your_address"] or "unknown"
        return (
            f"The list must include the address you are using now ({here}): without it you would be logged "
            "out at once, and could not log in again."
        )
    if "entry" in exc.extra:
        entry = str(exc.extra["entry"])
        shown = entry if len(entry) <= ECHO_CHARS else entry[: ECHO_CHARS - 1] + "…"
        return f"“{shown}” is not an IP address or a range like 203.0.113.0/24."
    return say(exc)


@bp.post("/account/ip-allowlist/save")
def account_ip_allowlist_save() -> ResponseReturnValue:
    require_form_token()  # a bad form token is its own 403, never taken for a logout
    session = page_session(extend=True)
    entries = [entry for entry in _SEPARATORS.split(request.form.get("ip_allowlist", "")) if entry]
    try:
        core().tasks.set_ip_restrictions(session, entries, now=now(), ip=client_ip())
    except StoreUnavailable:
        raise
    except SlsError as exc:
        typed = "\n".join(entries)
        kept = {"ip_typed": typed} if len(typed) <= KEEP_TYPED_CHARS else None
        return tell_tab("/account", _said(exc), exc.status, invalid=exc.status == 400, spare=kept)
    return redirect(done_page(session, "ip_allowlist_saved"), 303)
