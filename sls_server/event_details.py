"""The event detail fields whose values are a closed list, declared once: the core writes them, the feed and
``sls events`` say them in words (``web/event_phrases``), and the tests hold the two to each other. Each is a
plain word, never a secret.

- ``session.killed``'s ``detail.ended_by``: why a session its holder did not end was ended. The type alone
  said "an administrator" for a password reset too, the very moment of the SIM-swap lesson.
- ``sms.sent``'s ``detail.notice`` (with ``purpose: notice``): which security notice was texted, never its
  text.
- ``password_recovery.code_failed``'s and ``password_recovery.refused``'s ``detail.budget``: which of a name's
  two counts of reset codes the try fell in, so the room sees a stranger spend only the new addresses' one.
"""

from __future__ import annotations

from typing import Literal, get_args

#: Why ``session.killed`` ended a session: an administrator ended it (one, or all of a user's); Client
#: Services reset the password (admin API, console, ``sls user password``); the user's own forgotten-password
#: reset (``password_recovery``: whoever held the phone and the second factor); the user disabled or deleted.
KilledBy = Literal["admin", "password_reset", "password_recovery", "user_disabled", "user_deleted"]
KILLED_BY: tuple[str, ...] = get_args(KilledBy)

#: Which security notice a text was (``sim.notices.Notifier.notify``'s ``kind``).
NoticeKind = Literal[
    "device_added",
    "shared_card_added",
    "device_revoked",
    "phone_changed",
    "password_changed",
    "password_reset",
    "password_reset_by_admin",
    "ip_restrictions_changed",
    "suspicious_sign_in",
    "account_locked",
]
NOTICE_KINDS: tuple[str, ...] = get_args(NoticeKind)

#: Which count a password recovery's code (and text) fell in (``auth.recovery_codes``): from an address the
#: user has signed in from, or from any other.
CodeBudget = Literal["known", "new"]
CODE_BUDGETS: tuple[str, ...] = get_args(CodeBudget)


def deletion_detail(begun_at: int | None = None, *, import_taken_back: bool = False) -> dict[str, object]:
    """What ``user.deleted`` and ``account.deleted`` add: how the deletion came (none: an administrator's
    deletion, done in one request). ``begun_at``: finished by a request other than the one that deleted the
    record (a ``DELETE`` sent again, a create of the name or id, a state import), when the record went:
    ``resumed``, ``begun_at`` ("finished by a later request than the one that began it").

    That first request may have been cut short (its worker killed, Redis lost) or may still be running (two
    ``DELETE``s racing, the second finding the record gone and finishing first): the mark cannot tell them
    apart soundly, so the words claim neither. Its age says nothing (``begun_at`` is on the app's clock,
    which an administrator freezes and moves, and a live request can stall for any time), and a token the
    first request kept alive is not visible across processes and outlives no crash. ``import_taken_back``: a
    state import refused midway deleting again what it had written, which the trail never showed created (an
    import records ``state.imported`` once done, not each record): ``import_taken_back`` ("taken back,
    written by a state import that was refused")."""
    detail: dict[str, object] = {"resumed": True, "begun_at": begun_at} if begun_at is not None else {}
    if import_taken_back:
        detail["import_taken_back"] = True
    return detail
