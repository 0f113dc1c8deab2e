"""How the broker's side tells a user on their phone that something changed on their account (a device, the
number, the password, the IP Restrictions, a suspicious sign-in, a lock): the call each service is given
(``sim.notices.Notifier.notify``, wired in ``wiring``), declared once so each caller names which notice it
sends (``event_details.NoticeKind``), for the trail and the trainer's feed.
"""

from __future__ import annotations

from typing import Protocol

from ..event_details import NoticeKind


class Notify(Protocol):
    """Tell the user on their phone what happened (``sim.notices.Notifier.notify``): ``what`` the text says,
    ``kind`` which notice it is, for the trail (``sms.sent``'s ``detail.notice``), which never holds the text.
    """

    def __call__(
        self, username: str, what: str, *, kind: NoticeKind, now: int, number: str | None = None
    ) -> object: ...


def tell_nobody(username: str, what: str, *, kind: NoticeKind, now: int, number: str | None = None) -> None:
    """The :class:`Notify` of a service built without a phone to tell (the tests' own)."""
