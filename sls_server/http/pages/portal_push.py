"""The push wait's poll (``GET /login/<key>/status``): what the login page's script asks every few seconds
while the user approves the notification in the IB Key app, answered as JSON for that script alone.

Apart from ``portal`` because it is the one route of the login page that no form posts to and no page
renders: it reads the same sealed login cookie and, once the push is approved, hands out the session cookie
the verify form would have.
"""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from ...errors import SlsError, StoreUnavailable
from ..common import client_ip, core, now
from . import bp
from .kit import answers_json, drop_cookie, say, set_session_cookie
from .portal import LOGIN_COOKIE, login_path, login_state

#: Why a push step ended, by the status's ``reason``, where its state alone ("expired") would misstate it: a
#: wrong number picked in the app (number matching) ends the login at once.
PUSH_ENDED = {
    "too_many_wrong_responses": "The number selected on your phone was not this one, so this login has "
    "ended. Please log in again.",
    "device_revoked": "This security device was removed from your account. Please log in again.",
}


@bp.get("/login/<key>/status")
@answers_json
def login_status(key: str) -> ResponseReturnValue:
    """What the waiting page polls while the user approves the push in the app (an outage: 503, and the
    page polls on)."""
    state = login_state(key)
    if not state:
        return jsonify({"state": "ended", "message": "This login has ended. Please log in again."})
    try:
        body, result = core().logins.status(state["txn"], state["token"], now=now(), ip=client_ip())
    except StoreUnavailable:
        raise
    except SlsError as exc:
        return jsonify({"state": "ended", "message": say(exc)})
    if result is not None:
        answer = jsonify({"state": "authenticated", "next": "/account"})
        set_session_cookie(answer, result.token)
        drop_cookie(answer, LOGIN_COOKIE, path=login_path(key))
        return answer
    messages = {
        "denied": "The login was denied on your phone.",
        "expired": "The notification has expired. Please log in again.",
    }
    said = PUSH_ENDED.get(body.get("reason", "")) or messages.get(body["state"], "")
    return jsonify({"state": body["state"], "message": said})
