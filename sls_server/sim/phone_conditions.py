"""A phone's network conditions both ways: the model's (``sls_devices.phone.Conditions``, which decides where
a message lands, with the test hook ``approves_pushes``) from the store's record
(``store.records.PhoneConditions``), and back. Apart from ``phones`` (the carrier's delivery), which reads and
writes them through these two.
"""

from __future__ import annotations

from sls_devices.phone import Conditions

from ..store.records import PhoneConditions


def conditions_from_record(record: PhoneConditions) -> Conditions:
    """The network model's conditions (``sls_devices.phone``) from what the store keeps."""
    return Conditions(
        carrier_blocks_sms=record.carrier_blocks_sms,
        roaming=record.roaming,
        delivery_delay_s=record.delivery_delay_s or 0,
        sim_swapped_to=record.sim_swapped_to,
        needs_restart=bool(record.needs_restart),
        roaming_loses_every=record.roaming_loses_every or 0,
        approves_pushes=bool(record.approves_pushes),
    )


def record_from_conditions(conditions: Conditions) -> PhoneConditions:
    """What the store keeps of the network model's conditions (a delay of 0 kept as none)."""
    return PhoneConditions(
        carrier_blocks_sms=conditions.carrier_blocks_sms,
        roaming=conditions.roaming,
        delivery_delay_s=conditions.delivery_delay_s or None,
        sim_swapped_to=conditions.sim_swapped_to,
        needs_restart=conditions.needs_restart or None,
        roaming_loses_every=conditions.roaming_loses_every or None,
        approves_pushes=conditions.approves_pushes or None,
    )
