"""Phones: conditions per number, an inbox and a call log per handset, and sliding-window send limits."""

from __future__ import annotations

from . import keys
from .base import Scripts, guarded, hash_reply, texts
from .connection import Client
from .records import PhoneConditions, TextMessage, VoiceCall
from .records.codec import pairs

KEEP_MESSAGES = 200
#: Seconds (real time: a Redis TTL) a number nobody has is kept: once its user moved away from it, so the
#: notice of the change stays readable there a while (``phone_release.lua``), and after its last text, call
#: or conditions set (a number typed in a change never confirmed, one typed at random over /sim/v1).
MOVED_AWAY_KEPT_S = 30 * 86400
MESSAGES, CALLS = "messages", "calls"
ROAMING_TEXTS = "roaming_texts"  # a count beside the conditions, not one of them


@guarded
class PhoneRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def conditions(self, number: str) -> PhoneConditions:
        """The number's conditions; the normal network when none were set."""
        return PhoneConditions.from_hash(hash_reply(self._r.hgetall(keys.phone_conditions(number))))

    def set_conditions(self, number: str, conditions: PhoneConditions) -> None:
        """In one script: a number nobody has keeps them :data:`MOVED_AWAY_KEPT_S`
        (``phone_conditions_set.lua``)."""
        args: list[str | int] = [MOVED_AWAY_KEPT_S, *pairs(conditions.to_hash())]
        self._scripts(
            "phone_conditions_set", [keys.phone_conditions(number), keys.phone_owners(number)], args
        )

    def add_owner(self, number: str, username: str) -> None:
        """``username``'s phone is ``number`` now (their creation, a change of number, an import): kept for
        good again if a move away from it had set it to expire (``phone_own.lua``)."""
        self._scripts("phone_own", [keys.phone_owners(number), *self._phone(number)[:-1]], [username])

    def release(self, number: str, username: str, *, keep_s: int | None = None) -> bool:
        """``username`` no longer has ``number``: True when nobody else was given it, and the simulated phone
        went with it, at once (their deletion) or after ``keep_s`` seconds of real time (a move to another
        number: ``phone_release.lua``)."""
        args = [username, "" if keep_s is None else keep_s]
        return bool(self._scripts("phone_release", [keys.phone_owners(number), *self._phone(number)], args))

    @staticmethod
    def _phone(number: str) -> list[str]:
        """The number's phone's keys but its owners: what goes with it when nobody has it; the last, the
        outbox cursor, has an expiry of its own (``GatewayRepo``), which a number given again keeps."""
        return [
            keys.phone_box(number, MESSAGES),
            keys.phone_box(number, CALLS),
            keys.phone_sent_count(number),
            keys.phone_conditions(number),
            keys.outbox_cursor(number),
        ]

    def owners(self, number: str) -> list[str]:
        """Every user ever given ``number`` (:meth:`add_owner`), sorted; whose it is now, callers check."""
        return sorted(texts(self._r.smembers(keys.phone_owners(number))))

    def count_roaming_text(self, number: str) -> int:
        """One more text counted while the number roams; its place in the count, from 1. Kept in the
        conditions' hash, so setting them again (``set_conditions`` rewrites it) starts the count over."""
        # sent again by redis-py after a lost connection, a place is skipped: the rule loses another text
        return int(self._r.hincrby(keys.phone_conditions(number), ROAMING_TEXTS, 1))

    def next_seq(self, handset: str) -> int:
        """The ``seq`` of the next text or call to the handset: an order finer than a clock's second."""
        # sent again by redis-py after a lost connection, a number is skipped: harmless, it only orders
        return int(self._r.incr(keys.phone_sent_count(handset)))

    def push_message(self, handset: str, message: TextMessage, *, kept: bool = False) -> None:
        """``kept``: the box is kept for good whoever owns the number (a decoy's, whose text must cost
        Redis what one to a user's phone does: ``PhoneService.rehearse``)."""
        self._push(handset, MESSAGES, message.to_json(), kept=kept)

    def push_call(self, handset: str, call: VoiceCall) -> None:
        self._push(handset, CALLS, call.to_json())

    def messages(self, handset: str) -> list[TextMessage]:
        """Newest first."""
        return [TextMessage.from_json(raw) for raw in self._box(keys.phone_box(handset, MESSAGES))]

    def calls(self, handset: str) -> list[VoiceCall]:
        return [VoiceCall.from_json(raw) for raw in self._box(keys.phone_box(handset, CALLS))]

    def hit(
        self, scope: keys.SendScope, who: str, *, now: int, window_s: int, limit: int, member: str
    ) -> int:
        """Count one send to ``who`` in the scope's sliding window of ``window_s`` seconds; 0 if allowed, else
        seconds to wait."""
        key = keys.send_window(scope, who)
        return int(self._scripts("sliding_window", [key], [now, window_s, limit, member]))

    def unhit(self, scope: keys.SendScope, who: str, member: str) -> None:
        self._r.zrem(keys.send_window(scope, who), member)

    def forget_window(self, scope: keys.SendScope, who: str) -> None:
        """Every try counted in the window: a right code forgets the wrong ones before it."""
        self._r.delete(keys.send_window(scope, who))

    def _push(self, handset: str, box: str, value: str, *, kept: bool = False) -> None:
        """One script, never a MULTI/EXEC: redis-py sends a transaction again after a lost connection, when
        Redis may have run it, and the text showed twice; the script's batch is never sent again. A handset
        nobody has is kept :data:`MOVED_AWAY_KEPT_S` after its last text or call
        (``list_push_capped.lua``); a ``kept`` box is its own "owner", there once the text is, so the script
        keeps it as it keeps an owned phone's, with the same commands."""
        list_key = keys.phone_box(handset, box)
        owners = list_key if kept else keys.phone_owners(handset)
        phone = [list_key, owners, keys.phone_sent_count(handset)]
        self._scripts("list_push_capped", phone, [value, KEEP_MESSAGES, MOVED_AWAY_KEPT_S])

    def _box(self, key: str) -> list[str]:
        return texts(self._r.lrange(key, 0, -1))
