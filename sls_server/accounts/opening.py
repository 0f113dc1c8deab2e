"""Opening an account: the user, and the SMS authenticator the broker enrols automatically at account opening
("SMS (automatic enrollment at account opening)", the broker's SLS overview) on the phone number given.

The broker enrols it whatever else the user will hold: IB Key is activated in the app and a DSC+ card is
mailed, both after the account exists. So a user created with a phone gets SMS unless the request opts out
explicitly (``sms: false``), which is how a test builds a world with exactly the factors it chose. State
import does not come through here: a snapshot already lists every device its users had.
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidRequest, SlsError
from ..store.records import UserRecord
from .allowlists import parse_allowlist
from .devices import DeviceService
from .users import UserService


class AccountOpening:
    def __init__(self, users: UserService, devices: DeviceService) -> None:
        self._users = users
        self._devices = devices

    def open(
        self,
        username: str,
        password: str,
        *,
        phone: str | None,
        sms: bool | None,
        now: int,
        paper: bool = False,
        ip_allowlist: object = None,
    ) -> tuple[UserRecord, dict[str, Any] | None]:
        """(the new user, the SMS device enrolled on their phone or None). ``sms``: None enrols SMS when there
        is a phone; True requires a phone (400 naming ``sms`` before anything is written); False never.
        ``ip_allowlist``: the addresses the user may log in from, judged first and written with the user."""
        if sms and phone is None:
            raise InvalidRequest("sms needs a phone: the codes go to it", field="sms")
        allowlist = parse_allowlist(ip_allowlist) if ip_allowlist else []
        record = self._users.create(
            username, password, phone=phone, now=now, paper=paper, allowlist=allowlist
        )
        if phone is None or sms is False:
            return record, None
        try:
            device = self._devices.enrol(record.username, "sms", {}, now=now, at_opening=True)
        except SlsError:  # a half-opened account is taken back: a refused request leaves nothing behind
            self._users.delete(record.username, now=now)
            raise
        return record, device
