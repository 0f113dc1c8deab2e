"""``/api/v1`` routes inside a session: step-up ("verify your identity") and the sensitive tasks it guards.

The tasks are stand-ins for what a client portal protects (changing contact details, moving money): they
change real emulator state or record the request, and refuse with 401 ``reauth_required`` unless the session
carries a fresh verification for that purpose.
"""

from __future__ import annotations

import secrets

from flask import jsonify

from ...auth.sessions import Session
from ...errors import InvalidRequest
from ..common import client_ip, core, integer, json_body, now, session_token, string
from . import bp
from .login import with_session_cookie


def _session() -> Session:
    return core().sessions.authenticate(session_token(), now=now(), ip=client_ip())


@bp.post("/verify")
def verify_identity():  # type: ignore[no-untyped-def]
    session = _session()
    body = json_body()
    txn_id = string(body, "txn_id", max_len=64, required=False)
    if txn_id is None:
        purpose = string(body, "purpose", max_len=32)
        type_ = string(body, "type", max_len=32, required=False)
        device_id = string(body, "device_id", max_len=64, required=False)
        return jsonify(
            core().stepup.begin(session, purpose, now=now(), ip=client_ip(), type_=type_, device_id=device_id)
        )
    response = string(body, "response", max_len=64, required=False)
    result, token = core().stepup.complete(session, txn_id, response, now=now(), ip=client_ip())
    return with_session_cookie(token, result) if token else jsonify(result)


@bp.post("/account/phone")
def change_phone():  # type: ignore[no-untyped-def]
    session = _session()
    core().stepup.require(session, "change_contact", now=now())
    phone = string(json_body(), "phone", max_len=20)
    changed = core().users.change_phone(session.username, phone, now=now())
    core().devices.follow_phone(session.username, phone)
    return jsonify(changed)


@bp.post("/withdrawals")
def withdraw():  # type: ignore[no-untyped-def]
    session = _session()
    core().stepup.require(session, "withdrawal", now=now())
    body = json_body()
    amount = integer(body, "amount", lo=1, hi=10**9)
    currency = string(body, "currency", max_len=3, required=False) or "USD"
    if not currency.isalpha() or not currency.isupper() or len(currency) != 3:
        raise InvalidRequest("currency must be a 3-letter ISO code like USD", field="currency")
    request_id = f"wd-{secrets.token_hex(6)}"
    core().events.record(
        "withdrawal.requested",
        at=now(),
        user=session.username,
        ip=client_ip(),
        detail={"amount": amount, "currency": currency, "request_id": request_id},
    )
    return jsonify(
        {
            "state": "accepted",
            "request_id": request_id,
            "amount": amount,
            "currency": currency,
            "note": "simulated: the emulator moves no money",
        }
    )
