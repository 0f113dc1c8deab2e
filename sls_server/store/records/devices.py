"""A device record (``keys.device``): the fields every authenticator has, and each type's own.

One flat record rather than one class per type: the scripts read and write the hash by field name
whatever the type (``device_failure.lua``, ``totp_accept_step.lua``, ``ibkey_activate.lua``), and a type's
fields are simply ``None`` on the others. Which type writes what:

* ``dscplus``: ``serial``, ``suite``, ``sealed`` (key and PIN hash), ``pin_failures``, ``locked``,
  ``max_pin_failures`` (the card's own PIN counter, which the card, not the server, enforces);
* ``sms`` / ``voice``: ``number``;
* ``totp``: ``algorithm``, ``digits``, ``period``, ``sealed``, ``last_step``, ``used_steps``, ``floor_step``
  (replay guard);
* ``temporary``: ``sealed``, ``expires_at``, ``lapsed_at`` (when it was first found past ``expires_at``);
* ``ibkey``: ``platform``, ``phone`` (where the activation code went), ``activation_digest``,
  ``activation_expires_at``, ``activation_failures``, ``activation_card`` (a migration confirmed with the
  user's card instead of a text: the card that answers) and ``activation_challenge`` (the challenge the new
  phone shows for that card: no secret, the phone displays it), then on activation ``app_id``, ``public_key``,
  ``ocra_sealed``, ``activated_at``; ``handset`` for a user added to another user's phone; ``push_enabled``.
"""

from __future__ import annotations

from dataclasses import field
from typing import TypedDict

from ...frozen import frozen
from .codec import Fields, dataclass_fields, to_hash


@frozen
class DeviceRecord:
    device_id: str
    type: str
    owner: str
    status: str
    created_at: int
    version: int = 0
    """Bumped by every compare-and-set write (``update_hash_versioned.lua``)."""
    label: str | None = None
    shared_with: tuple[str, ...] = ()
    """Users a card is shared with besides its owner (one card, several users)."""
    factor_failures: int = 0
    factor_locked: bool = False
    revoked_at: int | None = None
    replaced_at: int | None = None
    replaced_by: str | None = None
    expires_at: int | None = None
    lapsed_at: int | None = None
    """When the device was first found past ``expires_at`` (``device_lapse.lua``): lapsed for good."""
    sealed: str | None = field(default=None, repr=False)
    # dscplus
    serial: str | None = None
    suite: str | None = None
    pin_failures: int | None = None
    locked: bool | None = None
    max_pin_failures: int | None = None
    # sms, voice
    number: str | None = None
    # totp
    algorithm: str | None = None
    digits: int | None = None
    period: int | None = None
    last_step: int | None = None
    used_steps: str | None = None
    """The highest accepted steps (at most 16), comma-separated, lowest first (``totp_accept_step.lua``)."""
    floor_step: int | None = None
    """The highest step dropped from ``used_steps``: it and every step below it are refused for good."""
    # ibkey
    platform: str | None = None
    phone: str | None = None
    activation_digest: str | None = field(default=None, repr=False)
    activation_expires_at: int | None = None
    activation_failures: int | None = None
    activation_card: str | None = None
    activation_challenge: str | None = None
    app_id: str | None = None
    public_key: str | None = None
    ocra_sealed: str | None = field(default=None, repr=False)
    activated_at: int | None = None
    handset: str | None = None
    push_enabled: bool | None = None

    @property
    def users(self) -> tuple[str, ...]:
        """The owner, then the users the device is shared with."""
        return (self.owner, *self.shared_with)

    @classmethod
    def from_hash(cls, raw: dict[str, str]) -> DeviceRecord:
        f = Fields("device", raw)
        get = raw.get  # a text that may be absent, read inline: ``Fields.maybe_text``
        return cls(
            device_id=f.text("device_id"),
            type=f.text("type"),
            owner=f.text("owner"),
            status=f.text("status"),
            created_at=f.integer("created_at"),
            version=f.count("version"),
            label=get("label") or None,
            shared_with=f.names("shared_with"),
            factor_failures=f.count("factor_failures"),
            factor_locked=f.flag("factor_locked"),
            revoked_at=f.maybe_integer("revoked_at"),
            replaced_at=f.maybe_integer("replaced_at"),
            replaced_by=get("replaced_by") or None,
            expires_at=f.maybe_integer("expires_at"),
            lapsed_at=f.maybe_integer("lapsed_at"),
            sealed=get("sealed") or None,
            serial=get("serial") or None,
            suite=get("suite") or None,
            pin_failures=f.maybe_integer("pin_failures"),
            locked=f.maybe_flag("locked"),
            max_pin_failures=f.maybe_integer("max_pin_failures"),
            number=get("number") or None,
            algorithm=get("algorithm") or None,
            digits=f.maybe_integer("digits"),
            period=f.maybe_integer("period"),
            last_step=f.maybe_integer("last_step"),
            used_steps=get("used_steps") or None,
            floor_step=f.maybe_integer("floor_step"),
            platform=get("platform") or None,
            phone=get("phone") or None,
            activation_digest=get("activation_digest") or None,
            activation_expires_at=f.maybe_integer("activation_expires_at"),
            activation_failures=f.maybe_integer("activation_failures"),
            activation_card=get("activation_card") or None,
            activation_challenge=get("activation_challenge") or None,
            app_id=get("app_id") or None,
            public_key=get("public_key") or None,
            ocra_sealed=get("ocra_sealed") or None,
            activated_at=f.maybe_integer("activated_at"),
            handset=get("handset") or None,
            push_enabled=f.maybe_flag("push_enabled"),
        )

    def to_hash(self) -> dict[str, str]:
        return to_hash(dataclass_fields(self))


class DeviceChanges(TypedDict, total=False):
    """Fields a factor sets at enrolment and a compare-and-set write may change; ``None`` clears one.

    Not here: ``device_id``, ``type``, ``created_at`` (fixed at enrolment) and ``version`` (the script's).
    """

    owner: str
    status: str
    label: str | None
    shared_with: tuple[str, ...]
    factor_failures: int
    factor_locked: bool
    revoked_at: int
    replaced_at: int
    replaced_by: str
    expires_at: int
    sealed: str
    serial: str
    suite: str
    pin_failures: int
    locked: bool
    max_pin_failures: int
    number: str
    algorithm: str
    digits: int
    period: int
    platform: str
    phone: str
    activation_digest: str
    activation_expires_at: int
    activation_card: str
    activation_challenge: str
    app_id: str
    public_key: str
    ocra_sealed: str
    activated_at: int
    handset: str | None
    push_enabled: bool
