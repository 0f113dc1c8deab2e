"""The account page's sensitive tasks, a withdrawal, a new phone number, a new password, IP Restrictions and
logging out the user's other sessions: read from their forms and, once the step-up (``stepup``) has verified
the user, carried out.

Apart from the step-up pages because what a task *is* (its fields, how a typo is told, which core step runs
it) does not change with how the user is verified: the verify page only waits for it, sealed.
"""

from __future__ import annotations

import re
from typing import Any

from flask import request

from ...accounts.user_fields import PHONE_RE
from ...auth.session_state import Session
from ...sim.errors import SendLimited
from ..common import client_ip, core, now
from .account import done_page

_AMOUNT = re.compile(r"^[0-9]{1,9}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
#: The verify page's title for each task, by what it verifies for.
PURPOSE_TITLES = {
    "withdrawal": "Withdraw funds",
    "change_contact": "Change your phone number",
    "change_security": "Log out your other sessions",
}


#: The verify page's title for the tasks verified for ``change_security`` whose fields come after it.
KIND_TITLES = {"password": "Change your password", "ip_allowlist": "Change your IP Restrictions"}


def task_title(task: dict[str, Any]) -> str:
    """The verify page's title for a waiting task."""
    return KIND_TITLES.get(task.get("kind", ""), "") or PURPOSE_TITLES[task["purpose"]]


def what_was_asked(task: dict[str, Any]) -> str:
    """The task as its verify page names it ("Withdraw funds: 2,500 USD"), to say it was done."""
    if task["purpose"] == "withdrawal":
        return f"{task_title(task)}: {task['amount']:,} {task['currency']}"
    if task["purpose"] == "change_contact":
        return f"{task_title(task)} to {task['phone']}"
    return task_title(task)


def task_from_form(kind: str, session: Session) -> tuple[dict[str, Any] | None, str | None]:
    """The task as typed, or a sentence saying what is wrong with it."""
    if kind == "end_other_sessions":
        return {"purpose": "change_security"}, None  # nothing typed: which sessions is decided once verified
    if kind in KIND_TITLES:
        # Verified first, typed after (``password_form``, ``ip_form``): nothing typed waits for the step-up,
        # and no password ever waits in a cookie.
        return {"purpose": "change_security", "kind": kind}, None
    if kind == "withdrawal":
        amount = request.form.get("amount", "").strip()
        currency = request.form.get("currency", "USD").strip().upper()
        if not _AMOUNT.fullmatch(amount) or int(amount) < 1:
            return None, "Enter a whole amount between 1 and 999,999,999."
        if not _CURRENCY.fullmatch(currency):
            return None, "Choose a currency."
        return {"purpose": "withdrawal", "amount": int(amount), "currency": currency}, None
    phone = request.form.get("phone", "").strip().replace(" ", "")
    if not PHONE_RE.fullmatch(phone):
        return None, "Enter the new number in international form, like +15551234567."
    if core().users.get(session.username).phone == phone:
        return None, "That is already your number."
    return {"purpose": "change_contact", "phone": phone}, None


def run_task(session: Session, task: dict[str, Any]) -> str:
    """Carry out a verified task through the same core step as ``/api/v1/withdrawals``,
    ``/api/v1/account/phone`` and ``/api/v1/sessions/end-others`` (which checks the step-up itself); where
    the browser goes next: the account page, saying what was done. A new number is only texted its code
    here (the account page then asks for it, ``phone_confirm``), or refused for the codes sent lately; a
    new password or new IP Restrictions are only made possible here (the account page then shows their forms,
    ``password_form``, ``ip_form``)."""
    if task.get("kind") in KIND_TITLES:
        return done_page(session, f"{task['kind']}_ready")
    if task["purpose"] == "change_security":
        ended = len(core().tasks.end_other_sessions(session, now=now(), ip=client_ip()))
        return done_page(session, "change_security", ended)
    if task["purpose"] == "change_contact":
        try:
            core().tasks.change_phone(session, task["phone"], None, now=now(), ip=client_ip())
        except SendLimited:
            return done_page(session, "phone_code_limited")
        return done_page(session, "phone_code_sent")
    done = core().tasks.withdraw(session, task["amount"], task["currency"], now=now(), ip=client_ip())
    return done_page(session, "withdrawal", done["request_id"])
