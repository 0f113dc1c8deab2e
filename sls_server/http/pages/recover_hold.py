"""The recover page's tab saying it keeps the new-password form's hold (``recover-hold.js``): from then on the
tab's address shows the hold no more, so that address opened again (the history, the next person on a shared
computer) is not offered the form. Until then the page offers it again (``recover.HOLD_VIEWS``): shown once
only, a reload before the script had run lost the reset.
"""

from __future__ import annotations

import secrets

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from ...errors import InvalidRequest
from ..errors import answer_error
from . import bp
from .kit import answers_json, require_browser_token
from .recover import PATH, keep, tab_recovery


@bp.post(PATH + "/hold")
@answers_json
def recover_hold_kept() -> ResponseReturnValue:
    """``{"hold"}``: the tab's hold, kept. ``kept`` when it is this tab's recovery's; ``ignored`` otherwise
    (no recovery at the new password, another hold: nothing changes); 400 naming ``hold`` when none is
    sent."""
    require_browser_token()
    body = request.get_json(silent=True)
    hold = body.get("hold") if isinstance(body, dict) else None
    if not isinstance(hold, str) or not hold or len(hold) > 128:
        return answer_error(InvalidRequest("the tab's hold is required", field="hold"))
    state = tab_recovery()
    if not state or state.get("stage") != "verified":
        return jsonify({"state": "ignored"})
    if not secrets.compare_digest(hold.encode(), str(state.get("hold") or "-").encode()):
        return jsonify({"state": "ignored"})
    return keep({**state, "kept": True}, jsonify({"state": "kept"}))
