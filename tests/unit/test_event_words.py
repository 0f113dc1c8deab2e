"""The trainer's feed in words (``sls_server.web.event_words``): every event type the server writes has a
sentence a room reads (each tone's meaning: ``test_event_tones.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from event_kit import ATTACKERS, event

import sls_server.web
from sls_server import event_details
from sls_server.auth.stepup import PURPOSES as STEPUP_PURPOSES
from sls_server.event_types import EVENT_TYPES
from sls_server.web.event_phrases import KILLED_BY, NOTICES
from sls_server.web.event_words import WORDS, sentence

#: The modules that word the trail, each one job.
PARTS = ("event_line.py", "event_phrases.py", "event_words.py", "event_tones.py")
#: A flood's window, as a summary's detail gives it.
FLOOD = {
    "type": "login.refused",
    "count": 3,
    "suppressed": 2,
    "window_start": 1_800_000_000,
    "window_end": 1_800_000_060,
}


def test_every_event_type_the_server_writes_has_a_sentence() -> None:
    assert sorted(EVENT_TYPES - WORDS.keys()) == []
    assert sorted(WORDS.keys() - EVENT_TYPES) == []  # no wording for a type nobody writes


@pytest.mark.parametrize("kind", sorted(EVENT_TYPES))
def test_each_sentence_is_words_without_its_dotted_name(kind: str) -> None:
    said = sentence({"type": kind, "user": "totp-tom", "ip": "198.51.100.66", "detail": {}}, ATTACKERS)
    assert said and kind not in said and "_" not in said.replace("totp-tom", ""), said
    assert said.endswith("from 198.51.100.66 (attacker)") or "198.51.100.66" in said


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (
            event("login.password_failed", user="totp-tom", ip="127.0.0.1"),
            "Wrong password for totp-tom, from 127.0.0.1",
        ),
        (
            event(
                "device.unlocked", user="shared-sue", factor="dscplus", detail={"strikes_cleared": ["sid"]}
            ),
            "shared-sue's Digital Security Card+: wrong-response strikes forgotten for sid",
        ),
        (
            event(
                "account.locked",
                user="totp-tom",
                detail={"lock_number": 1, "bucket": "all", "failures": 5, "wait_s": 60},
            ),
            "totp-tom locked for 1 min after 5 wrong passwords",
        ),
        (
            event(
                "sms.sent",
                user="sms-sam",
                result="delivered",
                detail={"to": "+1•••0104", "purpose": "login", "notes": []},
            ),
            "Code texted to sms-sam's phone",
        ),
        (
            event(
                "phone.conditions_changed",
                user="sms-sam",
                detail={"number": "+1•••0104", "sim_swapped": True},
            ),
            "sms-sam's SIM moved to the attacker's handset",
        ),
        (
            event("phone.conditions_changed", detail={"number": "+1•••0104", "sim_swapped": True}),
            "The SIM of +1•••0104 moved to the attacker's handset",
        ),
        (  # the owner named (``PhoneService.owners``): whose phone, as the conditions' line says it
            event("phone.restarted", user="sms-sam", detail={"number": "+1•••0104"}),
            "sms-sam's phone restarted: it takes texts again",
        ),
        (
            event("phone.restarted", detail={"number": "+1•••0104"}),
            "Phone +1•••0104 restarted: it takes texts again",
        ),
        (
            event("login.succeeded", user="iphone-ivy", ip="198.51.100.77", result="success"),
            "The attacker signed in as iphone-ivy, from 198.51.100.77 (attacker)",
        ),
        (
            event(
                "push.approved", user="iphone-ivy", ip="198.51.100.77", detail={"answered_from": "127.0.0.1"}
            ),
            "iphone-ivy approved the attacker's login request on their phone, from 198.51.100.77 (attacker)",
        ),
        (  # a step-up's push picked wrong: what it confirmed, not "that login"
            event(
                "login.second_factor_failed",
                user="alice",
                ip="127.0.0.1",
                factor="ibkey",
                detail={"attempts_left": 0, "wrong_number": True, "purpose": "withdrawal"},
            ),
            "alice picked the wrong number on their phone: number matching ended the step-up to confirm a "
            "withdrawal, from 127.0.0.1",
        ),
        (  # the limit lifted is the attacker's address's: named so, as the feed names it elsewhere
            event("ip.throttle_lifted", ip="198.51.100.66", detail={"attempts": 30}),
            "Login limit of 198.51.100.66 (attacker) lifted: 30 attempts forgotten",
        ),
        (  # number matching stopped the attacker's login: said as the defence, at the login's address
            event(
                "login.second_factor_failed",
                user="android-ann",
                ip="198.51.100.77",
                factor="ibkey",
                detail={"attempts_left": 0, "answered_from": "127.0.0.1", "wrong_number": True},
            ),
            "android-ann picked the wrong number on their phone: number matching ended the attacker's "
            "login, from 198.51.100.77 (attacker)",
        ),
        (
            event(
                "login.second_factor_failed",
                user="android-ann",
                ip="127.0.0.1",
                factor="ibkey",
                detail={"attempts_left": 0, "answered_from": "127.0.0.1", "wrong_number": True},
            ),
            "android-ann picked the wrong number on their phone: number matching ended that login, "
            "from 127.0.0.1",
        ),
        (  # the phone condition approves_pushes: nobody tapped it (push fatigue, unattended scripts)
            event("push.approved", user="iphone-ivy", ip="198.51.100.77", detail={"by_itself": True}),
            "iphone-ivy's phone approved the attacker's login request by itself: it is set to approve every "
            "push, from 198.51.100.77 (attacker)",
        ),
        (
            event("phone.conditions_changed", user="iphone-ivy", detail={"approves_pushes": True}),
            "iphone-ivy's phone: IBKR Mobile approves every notification by itself",
        ),
        (  # a SIM swap moved her IB Key to the attacker's handset: the attacker's hand, not hers
            event(
                "push.approved",
                user="iphone-ivy",
                ip="198.51.100.99",
                detail={"answered_from": "198.51.100.99"},
            ),
            "The attacker approved the push on their own handset, where iphone-ivy's IB Key now is, "
            "from 198.51.100.99 (attacker)",
        ),
        (
            event(
                "push.sent",
                user="iphone-ivy",
                ip="198.51.100.99",
                detail={"purpose": "password_recovery"},
            ),
            "Push sent to iphone-ivy's phone to confirm a password reset the attacker asked for, "
            "from 198.51.100.99 (attacker)",
        ),
        (
            event("push.sent", user="iphone-ivy", ip="198.51.100.77", detail={"purpose": "login"}),
            "Push sent to iphone-ivy's phone for the attacker's login, from 198.51.100.77 (attacker)",
        ),
        (
            event(
                "login.password_failed",
                ip="198.51.100.66",
                detail={"unknown_username": True, "name_ref": "3f9a"},
            ),
            "Wrong password for a name no user has (#3f9a\u2026), from 198.51.100.66 (attacker)",
        ),
        (
            event(
                "events.summary",
                ip="198.51.100.66",
                user="card-carl",
                result="account_locked",
                detail={
                    "type": "login.refused",
                    "count": 3,
                    "suppressed": 2,
                    "window_start": 1_800_000_000,
                    "window_end": 1_800_000_060,
                },
            ),
            "Login as card-carl refused: the account is locked, 3 times 08:00\u201308:01"
            " (2 of them not listed one by one), from 198.51.100.66 (attacker)",
        ),
        (  # a flood by address at several names: counted, never "a user"
            event("events.summary", ip="198.51.100.66", result="rate_limited", detail=FLOOD | {"users": 3}),
            "Login as 3 users refused: too many tries from that address, 3 times 08:00\u201308:01"
            " (2 of them not listed one by one), from 198.51.100.66 (attacker)",
        ),
        (
            event(
                "events.summary",
                ip="198.51.100.66",
                result="rate_limited",
                detail=FLOOD | {"users": 8, "unknown_names": 2, "more_names": True},
            ),
            "Login as at least 8 users and 2 names no user has refused: too many tries from that address,"
            " 3 times 08:00\u201308:01 (2 of them not listed one by one), from 198.51.100.66 (attacker)",
        ),
        (
            event(
                "events.summary",
                ip="198.51.100.66",
                result="rate_limited",
                detail=FLOOD | {"users": 1, "unknown_names": 1},
            ),
            "Login as 1 user and 1 name no user has refused: too many tries from that address,"
            " 3 times 08:00\u201308:01 (2 of them not listed one by one), from 198.51.100.66 (attacker)",
        ),
        (
            event(
                "events.summary",
                ip="198.51.100.66",
                result="rate_limited",
                detail=FLOOD | {"unknown_username": True, "name_ref": "3f9a"},
            ),
            "Login as a name no user has (#3f9a\u2026) refused: too many tries from that address,"
            " 3 times 08:00\u201308:01 (2 of them not listed one by one), from 198.51.100.66 (attacker)",
        ),
        (  # the SIM-swap lesson: the attacker's reset ended the victim's session, not an administrator
            event("session.killed", user="iphone-ivy", detail={"ended_by": "password_recovery"}),
            "iphone-ivy's session ended: password reset",
        ),
        (
            event("session.killed", user="iphone-ivy", detail={"ended_by": "password_reset"}),
            "iphone-ivy's session ended: password reset by Client Services",
        ),
        (
            event("session.killed", user="card-carl", detail={"ended_by": "user_disabled"}),
            "card-carl's session ended: user disabled",
        ),
        (
            event("session.killed", user="card-carl", detail={"ended_by": "admin"}),
            "card-carl's session ended by an administrator",
        ),
        (  # the trainer ending the attacker's session, opened at the attacker's address: said so
            event(
                "session.killed",
                user="card-carl",
                detail={"ended_by": "admin", "opened_from": "198.51.100.66"},
            ),
            "The attacker's session as card-carl (opened from 198.51.100.66) ended by an administrator",
        ),
        (  # her own session, opened from here: as before
            event(
                "session.killed", user="card-carl", detail={"ended_by": "admin", "opened_from": "127.0.0.1"}
            ),
            "card-carl's session ended by an administrator",
        ),
        (  # written before events said why: that it ended, no guess
            event("session.killed", user="card-carl", detail={"session_id": "card-carl~3f9a"}),
            "card-carl's session ended",
        ),
        (
            event(
                "sms.sent",
                user="iphone-ivy",
                result="delivered",
                detail={"purpose": "notice", "notice": "password_reset", "notes": []},
            ),
            "Security notice (password reset) texted to iphone-ivy's phone",
        ),
        (
            event(
                "sms.sent",
                user="sms-sam",
                result="delivered",
                detail={"purpose": "notice", "notice": "device_revoked", "notes": ["sim_swapped"]},
            ),
            "Security notice (a device removed) texted to sms-sam's phone:"
            " it arrived on the attacker's handset",
        ),
        (  # a deletion finished by a later request (the first cut short, or still running)
            event("user.deleted", user="sms-sam", detail={"resumed": True, "begun_at": 1_799_999_000}),
            "User sms-sam deleted: finished by a later request than the one that began it",
        ),
        (  # an account's likewise
            event("account.deleted", detail={"account_id": "desk-1", "resumed": True, "begun_at": 1}),
            "Account desk-1 deleted: finished by a later request than the one that began it",
        ),
        (  # a refused state import deleting again what it had written
            event("user.deleted", user="sms-sam", detail={"import_taken_back": True}),
            "User sms-sam deleted: taken back, written by a state import that was refused",
        ),
        (  # a password reset's start whose text the send limits refused: it says no code went
            event("password_recovery.started", user="sms-sam", detail={"to": "+1•••0123", "text": "refused"}),
            "Password reset asked for sms-sam, no code sent: too many texts to +1•••0123",
        ),
        (
            event("password_recovery.started", user="sms-sam", detail={"to": "+1•••0123", "text": "sent"}),
            "Password reset asked for sms-sam, code sent to +1•••0123",
        ),
        (  # a script's wrong admin token, not someone at the console's sign-in
            event(
                "admin_api.token_refused",
                ip="198.51.100.66",
                result="wrong_token",
                detail={"route": "/admin/v1/users/<username>"},
            ),
            "Wrong admin token at the admin API (/admin/v1/users/<username>), from 198.51.100.66 (attacker)",
        ),
        (  # their flood, whose summary keeps no route
            event(
                "events.summary",
                ip="198.51.100.66",
                result="wrong_token",
                detail=FLOOD | {"type": "admin_api.token_refused"},
            ),
            "Wrong admin token at the admin API, 3 times 08:00\u201308:01"
            " (2 of them not listed one by one), from 198.51.100.66 (attacker)",
        ),
        (  # a script's wrong sim token at /sim/v1, not someone at the simulator pages' sign-in
            event(
                "sim_api.token_refused",
                ip="198.51.100.66",
                result="wrong_token",
                detail={"route": "/sim/v1/phones/<number>/messages"},
            ),
            "Wrong simulator token at the simulator API (/sim/v1/phones/<number>/messages),"
            " from 198.51.100.66 (attacker)",
        ),
        (  # their flood, whose summary keeps no route
            event(
                "events.summary",
                ip="198.51.100.66",
                result="wrong_token",
                detail=FLOOD | {"type": "sim_api.token_refused"},
            ),
            "Wrong simulator token at the simulator API, 3 times 08:00\u201308:01"
            " (2 of them not listed one by one), from 198.51.100.66 (attacker)",
        ),
    ],
)
def test_the_sentences_a_room_reads(given: dict[str, Any], said: str) -> None:
    assert sentence(given, ATTACKERS) == said


def test_every_reason_a_session_is_killed_and_every_notice_has_words() -> None:
    """The closed lists the core writes (``event_details``) and the words the feed says them in, one each."""
    assert sorted(KILLED_BY) == sorted(event_details.KILLED_BY)
    assert sorted(NOTICES) == sorted(event_details.NOTICE_KINDS)


def test_an_unknown_type_has_no_sentence_so_the_page_shows_its_fields() -> None:
    assert sentence(event("login.teleported", user="ann"), ATTACKERS) is None


def test_the_wording_of_the_trail_is_split_along_its_jobs() -> None:
    """``event_words.py`` had grown to 367 lines (the fields said, the longer sentences, the table): each part
    is a module of its own, small, as CONTRIBUTING asks."""
    web = Path(sls_server.web.__file__).parent
    sizes = {name: len((web / name).read_text().splitlines()) for name in PARTS}
    assert all(n < 300 for n in sizes.values()), sizes


@pytest.mark.parametrize("kind", ["stepup.challenge_issued", "stepup.verified", "push.sent"])
def test_every_step_up_purpose_reads_as_words_a_room_says(kind: str) -> None:
    """What a step-up confirms, as the room hears it ("sms-sam confirmed a change of phone number"). Before,
    the purpose's id was printed with its underscores as spaces: "confirmed change contact", "to confirm
    trade permissions"."""
    said = {
        purpose: sentence(event(kind, user="sms-sam", ip="127.0.0.1", detail={"purpose": purpose}), ATTACKERS)
        for purpose in STEPUP_PURPOSES
    }
    assert {p: s for p, s in said.items() if "_" in p and p.replace("_", " ") in s} == {}
    verified = sentence(
        event("stepup.verified", user="sms-sam", detail={"purpose": "change_contact"}), ATTACKERS
    )
    assert verified == "sms-sam confirmed a change of phone number"
