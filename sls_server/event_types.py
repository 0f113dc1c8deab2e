"""Every audit event type the server writes: the one list, read by the admin API to refuse a filter by a
type it never writes (``GET /admin/v1/events?type=``, ``shapes.events``), by ``sls events``, and by the
scenarios to judge an ``events`` check at validation time.

A filter or an expectation that an event did *not* happen passes whatever the type is called:
``login.succeded`` never happens, so a misspelt one checked nothing and said nothing. The server declares its
types where it writes them (a literal, or composed: ``session.<why it ended>``, ``<door>.password_failed``),
so the closed list lives here, pure (the standard library alone: the shapes and ``sls_scenarios`` may import
it), and ``tests/scenarios/test_scenario_events.py`` reads the server's source to keep the two equal.
"""

from __future__ import annotations

import difflib

EVENT_TYPES: frozenset[str] = frozenset(
    {
        # the login page and the IB Key app's password door
        "login.password_ok",
        "login.password_failed",
        "login.refused",
        "login.challenge_issued",
        "login.second_factor_failed",
        "login.succeeded",
        "login.code_replayed",
        "login.answer_refused",
        "ibkey.password_failed",
        # step-up and what it guards
        "stepup.challenge_issued",
        "stepup.password_failed",
        "stepup.verified",
        "password_change.password_failed",
        "password_recovery.started",
        "password_recovery.code_failed",
        "password_recovery.refused",
        "password_recovery.verified",
        "withdrawal.requested",
        # sessions, and why each ended
        "session.rotated",
        "session.replaced",
        "session.logout",
        "session.killed",
        "session.ended_by_user",
        "session.expired_idle",
        "session.expired_absolute",
        "session.replaced_by_gateway_login",
        "session.sso_expired",
        "session.daily_reset",
        "session.gateway_restarted",
        # users, accounts, addresses
        "user.created",
        "user.deleted",
        "user.disabled",
        "user.enabled",
        "user.password_rehashed",
        "user.password_changed",
        "user.phone_change_requested",
        "user.phone_change_failed",
        "user.phone_changed",
        "account.created",
        "account.user_added",
        "account.user_removed",
        "account.deleted",
        "account.locked",
        "account.unlocked",
        "ip.allowlist_changed",
        "ip.rejected",
        "ip.throttle_lifted",
        # authenticators
        "device.enrolled",
        "device.activated",
        "device.shared",
        "device.replaced",
        "device.revoked",
        "device.locked",
        "device.unlocked",
        "card.pin_locked",
        "card.reset",
        "challenge.rate_limited",
        "ibkey.migration_started",
        "ibkey.activation_failed",
        "ibkey.activation_code_burnt",
        "ibkey.settings_changed",
        "push.sent",
        "push.approved",
        "push.denied",
        "push.rate_limited",
        # phones
        "sms.sent",
        "sms.rate_limited",
        "voice.called",
        "phone.conditions_changed",
        "phone.restarted",
        # gateway mode
        "gateway.session_established",
        "gateway.session_ended",
        "gateway.reauthenticated",
        "gateway.brokerage_dropped",
        "gateway.brokerage_disconnected",
        "gateway.competing_session",
        "gateway.daily_reset_set",
        # the emulator itself: clock, reset, state, the pages' sign-in, flood summaries
        "clock.moved",
        "clock.frozen",
        "clock.thawed",
        "emulator.reset",
        "state.exported",
        "state.imported",
        "secrets.resealed",
        "trainer.signed_in",
        "trainer.sign_in_failed",
        "trainer.signed_out",
        "console.sign_ins_ended",
        "attack.addresses_marked",
        "attack.wait_refused",
        "sim.signed_in",
        "sim.signed_out",
        "sim.sign_in_failed",
        "metrics.token_refused",
        "admin_api.token_refused",
        "sim_api.token_refused",
        "events.summary",
    }
)


def nearest(typed: str) -> str | None:
    """The type the server writes that ``typed`` most likely meant (a typo's ``login.sucess``), if any is
    close enough to name."""
    near = difflib.get_close_matches(typed, sorted(EVENT_TYPES), 1)
    return near[0] if near else None
