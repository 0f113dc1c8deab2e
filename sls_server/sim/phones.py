"""Delivering texts and voice calls to simulated phones, as a carrier would.

Where a message lands is decided by ``sls_devices.phone`` from the number's conditions (blocked SMS, delay,
roaming, a SIM swapped to another handset); this service stores it in that handset's inbox or call log and
records the event, which never carries the code itself. Sending is rate-limited per account and per
number, because each text costs money and each one is another chance for an attacker (ASVS 2.4.1).
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from sls_devices.phone import (
    SENDER,
    Conditions,
    Delivery,
    counts_roaming_texts,
    mask_number,
    parse_code,
    route_call,
    route_sms,
)

from ..errors import InvalidRequest
from ..event_details import NoticeKind
from ..events import EventLog
from ..shapes.phones import ROAMING_LOSS_MAX
from ..store import Store
from ..store.keys import SEND_WINDOWS, SendScope
from ..store.records import TextMessage, VoiceCall
from .errors import SendLimited
from .phone_conditions import conditions_from_record, record_from_conditions

#: Where a decoy's text goes (``PhoneService.rehearse``): no number, and no handset name either (``~`` is in
#: none: ``sls_devices.phone.HANDSET_RE``), so no page, route or state document reaches its box, and nobody
#: can set its conditions: its texts always arrive, as a phone's do in the normal network.
DECOY_HANDSET = "~decoy"


def _sent(number: str, delivery: Delivery) -> dict[str, Any]:
    """What a send answers (``PhoneService.send_sms``; a decoy's ``rehearse`` alike, at the same cost)."""
    return {
        "to": number,
        "sent_to": mask_number(number),
        "delivered": delivery.delivered,
        "deliver_at": delivery.deliver_at,
    }


class PhoneService:
    #: Where :meth:`rehearse` sends a decoy's text, for the caller's own event to mask first.
    decoy_number = DECOY_HANDSET

    def __init__(self, store: Store, events: EventLog, *, send_limit: int, send_window: int) -> None:
        self._store = store
        self._events = events
        self._send_limit = send_limit
        self._send_window = send_window

    def conditions(self, number: str) -> Conditions:
        return conditions_from_record(self._store.phones.conditions(number))

    def owners(self, number: str) -> list[str]:
        """The users whose phone ``number`` is now: the number's owners as recorded when it was given to them
        (``PhoneRepo.add_owner``), each read against their record, so one who changed number or was deleted
        since is passed over. A few reads for the few users of one number, never a scan of the users."""
        names = self._store.phones.owners(number)
        records = [self._store.users.get(name) for name in names]
        return [record.username for record in records if record is not None and record.phone == number]

    def _record(self, type_: str, number: str, user: str | None, *, now: int, detail: dict[str, Any]) -> None:
        """A phone's event, naming ``user`` when the caller knows whose phone it is, else each of its owners
        (:meth:`owners`: one event each, so ``sls events --user`` and the feed tie it to every one); a number
        nobody owns (an attacker's handset, a number typed at random), one event naming nobody."""
        names: list[str | None] = [user] if user else list(self.owners(number))
        for name in names or [None]:
            self._events.record(type_, at=now, user=name, detail=detail)

    def set_conditions(
        self, number: str, conditions: Conditions, *, now: int, user: str | None = None
    ) -> Conditions:
        """Replace the number's conditions (the roaming count starts over). A loss rule without roaming
        would do nothing, so it is refused rather than kept to surprise someone later. ``user``: whose phone
        it is, when the caller knows (a staged SIM swap), so the event names them ("sms-sam's SIM moved")."""
        if conditions.roaming_loses_every and not conditions.roaming:
            raise InvalidRequest(
                "roaming_loses_every needs roaming: texts are lost only while the phone is abroad",
                field="roaming_loses_every",
            )
        if conditions.sim_swapped_to is not None and conditions.sim_swapped_to == number:
            # the number's own SIM in its own phone is no swap, yet every text would carry the swap's note
            raise InvalidRequest(
                "sim_swapped_to names this number itself: a swapped SIM sits in another handset (null, or "
                "--restore-sim, gives it back)",
                field="sim_swapped_to",
            )
        if not 0 <= conditions.roaming_loses_every <= ROAMING_LOSS_MAX:
            raise InvalidRequest(
                f"roaming_loses_every must be 0 to {ROAMING_LOSS_MAX}", field="roaming_loses_every"
            )
        self._store.phones.set_conditions(number, record_from_conditions(conditions))
        self._record(
            "phone.conditions_changed",
            number,
            user,
            now=now,
            detail={
                "number": mask_number(number),
                "carrier_blocks_sms": conditions.carrier_blocks_sms,
                "roaming": conditions.roaming,
                "delivery_delay_s": conditions.delivery_delay_s,
                "sim_swapped": conditions.sim_swapped_to is not None,
                "needs_restart": conditions.needs_restart,
                "roaming_loses_every": conditions.roaming_loses_every,
                "approves_pushes": conditions.approves_pushes,
            },
        )
        return conditions

    def restart(self, number: str, *, now: int, user: str | None = None) -> Conditions:
        """The subscriber powers the phone down and on again: it takes texts again (what was sent meanwhile
        stays lost). Its other conditions are the network's and stay. ``user``: whose phone it is, when the
        caller knows (the user's phone page), so the event names them, as :meth:`set_conditions`'s does."""
        conditions = replace(self.conditions(number), needs_restart=False)
        self._store.phones.set_conditions(number, record_from_conditions(conditions))
        self._record("phone.restarted", number, user, now=now, detail={"number": mask_number(number)})
        return conditions

    def limit(
        self,
        username: str,
        number: str,
        *,
        now: int,
        ip: str | None,
        windows: tuple[SendScope, SendScope] = SEND_WINDOWS,
        lane: str = "",
    ) -> None:
        """One more code sent to this account and this number, or 429 ``rate_limited`` with ``retry_after``.
        A send refused by the second window gives back its place in the first. ``ip``: the client that asked
        for the text, which the refusal's event names (as ``sms.sent`` would have). ``windows``: the account's
        and the number's windows it counts in (a recovery's own: :data:`RECOVERY_WINDOWS`). ``lane``: a count
        of their own in those windows (a recovery's, by who asked: ``recovery_codes.Budget``), so texts asked
        from strangers' addresses leave the user's own a text."""
        user_window, number_window = windows
        wait = self._count([(user_window, _in(username, lane)), (number_window, _in(number, lane))], now=now)
        if wait:
            self._events.record_flood(  # repeatable at will: counted per user and window
                "sms.rate_limited",
                per="user",
                at=now,
                user=username,
                ip=ip,
                detail={"to": mask_number(number)},
            )
            raise SendLimited(retry_after=wait)

    def send_sms(
        self,
        number: str,
        text: str,
        *,
        now: int,
        user: str | None,
        ip: str | None,
        purpose: str,
        notice: NoticeKind | None = None,
    ) -> dict[str, Any]:
        """Text ``number``; ``ip`` is the address of the login or step-up that asked for the code (None for a
        notice or an activation code): the event names it, as ``push.sent`` does, so a relayed login's
        texts are the attacker's in the trail and the trainer's feed. ``notice``: which security notice
        (``purpose: notice``) it is, in the event: the feed says which, where the text's words stay out."""
        delivery = self._deliver(number, text, now=now, purpose=purpose)
        detail: dict[str, Any] = {
            "to": mask_number(number),
            "purpose": purpose,
            "notes": list(delivery.notes),
        }
        if notice is not None:
            detail["notice"] = notice
        self._events.record(
            "sms.sent",
            at=now,
            user=user,
            ip=ip,
            result="delivered" if delivery.delivered else "dropped",
            detail=detail,
        )
        return _sent(number, delivery)

    def rehearse(
        self, ref: str, text: str, *, now: int, ip: str | None, purpose: str, lane: str = ""
    ) -> dict[str, Any] | None:
        """The work of :meth:`limit` then :meth:`send_sms`, for a name that is sent no text (no user has it,
        or its user has no phone), so that the answer's time does not tell which names are users'
        (ASVS 5.0 6.3.8: ``auth.password_recovery``). The same code and the same commands in the same round
        trips, on keys no user, number or handset can name: the send windows are the decoy's, kept for the
        name by ``ref`` (a keyed digest: the keys name nobody), so the name's sixth start in a window meets
        the limit as a user's does; the text goes to :data:`DECOY_HANDSET`, whose box nobody reads (it keeps
        the last ``KEEP_MESSAGES``); each event is written to a stream nobody reads, not the trail
        (``EventLog.record_decoy``).
        Nothing reaches a phone, nothing is recorded, nothing names the name; the caller's own event masks
        :attr:`decoy_number`, as it masks a user's phone. Answers as :meth:`send_sms` does (None when the
        limit refused it, where :meth:`limit` raises): its number masked for the answer too.
        ``tests/api/test_recovery_decoy.py`` holds this to the commands of the other path."""
        if self._count([("decoy:user", _in(ref, lane)), ("decoy:number", _in(ref, lane))], now=now):
            refused = {"to": mask_number(DECOY_HANDSET)}
            self._events.record_decoy("sms.rate_limited", at=now, ip=ip, detail=refused, flood_of=ref)
            return None
        delivery = self._deliver(DECOY_HANDSET, text, now=now, purpose=purpose)
        result = "delivered" if delivery.delivered else "dropped"
        detail: dict[str, Any] = {
            "to": mask_number(DECOY_HANDSET),
            "purpose": purpose,
            "notes": list(delivery.notes),
        }
        self._events.record_decoy("sms.sent", at=now, ip=ip, result=result, detail=detail)
        return _sent(DECOY_HANDSET, delivery)

    def _count(self, windows: list[tuple[SendScope, str]], *, now: int) -> int:
        """One more send in each window, in turn: 0, or (the first to refuse) the seconds to wait, the
        windows counted before it given their place back."""
        member = secrets.token_hex(8)
        counted: list[tuple[SendScope, str]] = []
        for scope, who in windows:
            wait = self._store.phones.hit(
                scope, who, now=now, window_s=self._send_window, limit=self._send_limit, member=member
            )
            if wait:
                for earlier, whom in counted:
                    self._store.phones.unhit(earlier, whom, member)
                return wait
            counted.append((scope, who))
        return 0

    def _deliver(self, number: str, text: str, *, now: int, purpose: str) -> Delivery:
        """Route the text by the number's conditions and keep it in the handset's box if it arrives."""
        conditions = self.conditions(number)
        place = self._store.phones.count_roaming_text(number) if counts_roaming_texts(conditions) else 0
        delivery = route_sms(number, conditions, now=now, roaming_text_no=place)
        message = TextMessage(
            id=secrets.token_hex(6),
            at=delivery.deliver_at,
            sent_at=now,
            sender=SENDER,
            to=number,
            text=text,
            code=parse_code(text),
            purpose=purpose,
            seq=self._store.phones.next_seq(delivery.handset) if delivery.delivered else None,
        )
        if delivery.delivered:
            self._store.phones.push_message(delivery.handset, message, kept=delivery.handset == DECOY_HANDSET)
        return delivery

    def call(
        self,
        number: str,
        transcript: str,
        *,
        code: str | None,
        now: int,
        user: str | None,
        ip: str | None,
        purpose: str,
    ) -> dict[str, Any]:
        """A voice callback; ``code`` is what the transcript reads out, kept for scripts like an SMS's;
        ``ip``, the address of the login or step-up that asked for it (as :meth:`send_sms`'s)."""
        delivery = route_call(number, self.conditions(number), now=now)
        record = VoiceCall(
            id=secrets.token_hex(6),
            at=now,
            sender=SENDER,
            to=number,
            transcript=transcript,
            code=code,
            purpose=purpose,
            seq=self._store.phones.next_seq(delivery.handset),
        )
        self._store.phones.push_call(delivery.handset, record)
        self._events.record(
            "voice.called",
            at=now,
            user=user,
            ip=ip,
            result="answered",
            detail={"to": mask_number(number), "purpose": purpose, "notes": list(delivery.notes)},
        )
        return {"to": number, "sent_to": mask_number(number), "call_id": record.id}

    def messages(self, handset: str, *, now: int) -> list[dict[str, Any]]:
        """Texts arrived by ``now`` (a delayed one shows when the clock gets there), newest first."""
        return self.inbox(handset, now=now)[0]

    def inbox(self, handset: str, *, now: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """:meth:`messages`, and the texts the carrier still holds back (first to arrive first), without
        their words: what tells a script the newest code listed is not the newest code sent. One read."""
        stored = self._store.phones.messages(handset)
        due = sorted((m for m in stored if m.at > now), key=lambda m: m.at)
        in_transit = [
            {
                "id": m.id,
                "sent_at": m.sent_at,
                "at": m.at,
                "arrives_in_s": m.at - now,
                "purpose": m.purpose,
                "has_code": m.code is not None,
                "seq": m.seq,
            }
            for m in due
        ]
        return [m.as_dict() for m in stored if m.at <= now], in_transit

    def calls(self, handset: str, *, now: int) -> list[dict[str, Any]]:
        return [c.as_dict() for c in self._store.phones.calls(handset) if c.at <= now]


def _in(who: str, lane: str) -> str:
    """``who``'s count in a send window's ``lane`` (none: its one count)."""
    return f"{who}:{lane}" if lane else who
