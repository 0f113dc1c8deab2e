"""Security notices to the user's phone when a device or the phone number changes (ASVS 6.3.7, NIST
800-63B-4 §4.1.2.1: tell the subscriber through a channel an attacker does not control)."""

from __future__ import annotations

from sls_devices.phone import notice_text

from ..event_details import NoticeKind
from ..store import Store
from .phones import PhoneService


class Notifier:
    def __init__(self, store: Store, phones: PhoneService) -> None:
        self._store = store
        self._phones = phones

    def notify(
        self, username: str, what: str, *, kind: NoticeKind, now: int, number: str | None = None
    ) -> bool:
        """Text ``what`` to ``number`` or the user's phone; False when there is no phone to tell. ``kind``:
        which notice, in the text's event (``detail.notice``) for the trail and the feed, never the text."""
        if number is None:
            user = self._store.users.get(username)
            number = user.phone if user else None
        if not number:
            return False
        self._phones.send_sms(  # no login asked for a notice: no address to name
            number, notice_text(what), now=now, user=username, ip=None, purpose="notice", notice=kind
        )
        return True
