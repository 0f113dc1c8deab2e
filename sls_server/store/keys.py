"""Every Redis key the service uses, in one place.

Keys carry a hash tag per owner (``{u:alice}``, ``{d:<device>}``, ``{ip:...}``, ``{ibapp:<app>}``...) so
each Lua script touches a single slot and the same code runs on Redis Cluster. A user's logins and sessions
live under the user's own tag (their ids name the user: :mod:`.ids`), so one script can check the user and
act on them together. No key is built anywhere else.
"""

from __future__ import annotations

from typing import Literal

PREFIX = "sls:"
#: A SCAN pattern for every key of ours (a reset; the Redis may hold other data).
EVERY_KEY = f"{PREFIX}*"

CLOCK_OFFSET = f"{PREFIX}{{clock}}:offset"
USERS_INDEX = f"{PREFIX}{{index}}:users"
EVENTS = f"{PREFIX}{{events}}:stream"
METRICS = f"{PREFIX}{{events}}:metrics"
READY_PROBE = f"{PREFIX}{{ready}}:probe"
#: Which ``SLS_SECRET_KEY`` sealed this Redis's secrets (``secretbox.key_check``): a server with another
#: key refuses to start on it (``runtime.claim_secret_key``). Not the world: a reset keeps it
#: (``Store.reset``).
SECRET_KEY_CHECK = f"{PREFIX}{{keycheck}}:secret_key"
#: The form of stored state this Redis has been brought to (``store.upgrade``): the release whose start-up
#: carried over what an earlier one wrote. Not the world: a reset keeps it, so a wipe costs no scan again.
STATE_FORM = f"{PREFIX}{{stateform}}:form"
#: The world ``sls demo`` seeded, as a state document (``transfer.demo_world``): what the console's "Back to
#: the demo world" puts back. Not the world: a reset and a replacing import keep it (``Store.reset``).
DEMO_WORLD = f"{PREFIX}{{demoworld}}:document"
#: When it was kept (wall-clock ms, the trail's ids' clock), beside it and kept with it: a restore says it
#: (``detail.kept_at_ms``), so a CLI that changed a value before that keep knows the world brought back
#: holds the changed one (``cli.world_sync``).
DEMO_WORLD_KEPT_AT = f"{PREFIX}{{demoworld}}:kept_at"
#: Open flood windows (group -> "start count") and their end instants: beside the stream, one slot.
EVENT_WINDOWS = f"{PREFIX}{{events}}:windows"
EVENT_WINDOWS_DUE = f"{PREFIX}{{events}}:windows_due"
#: Where a decoy's events go (``EventRepo.append_decoy``): the trail's four keys, for a stream nobody reads
#: (capped), its counts and its flood windows.
DECOY_EVENTS = f"{PREFIX}{{decoyevents}}:stream"
DECOY_METRICS = f"{PREFIX}{{decoyevents}}:metrics"
DECOY_EVENT_WINDOWS = f"{PREFIX}{{decoyevents}}:windows"
DECOY_EVENT_WINDOWS_DUE = f"{PREFIX}{{decoyevents}}:windows_due"
#: Sign-ins to the trainer console and the simulator pages (``auth.console``): one slot for all of them, so
#: one script can end them all at once. Not the world: a reset keeps them, a state document leaves them out.
CONSOLE = f"{PREFIX}{{console}}:"
#: Their index (zset: SHA-256 of the sign-in's id -> its absolute deadline), for ending them all at once.
CONSOLE_SIGN_INS = f"{CONSOLE}sign_ins"


def clock_channel(db: int) -> str:
    """The pub/sub channel carrying each new clock to the workers that cache it (not a key: never stored), one
    per database: Redis pub/sub ignores the database number, so on one channel a server on db 0 took the
    clock of one moved on db 2. Database 0 keeps the name it always had, so servers of the version before
    still hear and are heard during an upgrade there (a Cluster has only db 0). The ``{clock}`` tag puts the
    channel in the offset's slot: on a Cluster, the node that ``store.clock`` subscribes on and checks."""
    channel = f"{PREFIX}{{clock}}:moved"
    return channel if db == 0 else f"{channel}:db{db}"


def ready_probe(tag: int) -> str:
    """One of the keys /readyz writes on a Redis Cluster, one in a slot of each master (``cluster_ready``)."""
    return f"{PREFIX}{{ready:{tag}}}:probe"


def console_sign_in(digest: str) -> str:
    """One sign-in to the console or the simulator pages, under the SHA-256 of its id (never the id)."""
    return f"{CONSOLE}sign_in:{digest}"


def console_sign_in_prefix() -> str:
    """What :func:`console_sign_in` puts before the digest: the script ending them all builds each key."""
    return console_sign_in("")


def user(username: str) -> str:
    return f"{PREFIX}{{u:{username}}}:user"


def user_devices(username: str) -> str:
    return f"{PREFIX}{{u:{username}}}:devices"


def user_deletion(username: str) -> str:
    """What the user's deletion has left to do, once their record is gone and until it is finished
    (``user_delete.lua`` writes it in the record's own step, ``deletion_end.lua`` takes it): left by a
    deletion cut short, it is what a ``DELETE`` sent again, a create of the name or a state import finishes
    (``UserService.finish_deletion``). No secret, and no expiry: a deletion half done is finished, never
    forgotten."""
    return f"{PREFIX}{{u:{username}}}:deleting"


def user_sessions(username: str) -> str:
    return f"{PREFIX}{{u:{username}}}:sessions"


def device(device_id: str) -> str:
    return f"{PREFIX}{{d:{device_id}}}:device"


def device_turn(device_id: str) -> str:
    """Held by the one request changing the device's record (its token), with a lease in real time
    (``DeviceRepo.take_turn``): on the device's own slot, beside the record it guards."""
    return f"{PREFIX}{{d:{device_id}}}:turn"


def device_used_challenges(device_id: str) -> str:
    """The card's remembered challenge encodings: a zset scored by issue order, bounded."""
    return f"{PREFIX}{{d:{device_id}}}:used"


def device_challenge_issues(device_id: str) -> str:
    """Challenges issued to the card lately: a sliding window (the issuance limit)."""
    return f"{PREFIX}{{d:{device_id}}}:issued"


def user_challenge_issues(username: str) -> str:
    """Challenges issued for the user lately, on any card: a sliding window (the issuance limit)."""
    return f"{PREFIX}{{u:{username}}}:issued"


def recovery(digest: str) -> str:
    """A password recovery in progress (``store.recoveries``), named by the SHA-256 of its client's token."""
    return f"{PREFIX}{{rc:{digest}}}:recovery"


def user_phone_change(username: str) -> str:
    """A new number the user asked for, waiting for the code texted to it (``store.phone_changes``)."""
    return f"{PREFIX}{{u:{username}}}:phone_change"


def user_phone_change_tries(username: str) -> str:
    """The wrong codes typed at the user's new numbers, whichever code (``phone_change_confirm.lua``): a new
    code does not reset them."""
    return f"{PREFIX}{{u:{username}}}:phone_change_tries"


def login(username: str, txn_id: str) -> str:
    return f"{PREFIX}{{u:{username}}}:login:{txn_id}"


def login_prefix(username: str) -> str:
    return login(username, "")


#: Addresses the trainer's feed tags as the attacker's besides the staged attacks' own (a scenario demo's
#: attacker actors: ``PUT /admin/v1/attackers``).
MARKED_ATTACKERS = f"{PREFIX}attackers:marked"
#: What the attacker's screens of the last few phishing relays showed (``sim.relay_screen``): a list of JSON
#: documents, newest first, with no secret in them (what the victim typed is only said to have been
#: captured), kept a day.
RELAY_SCREENS = f"{PREFIX}{{attack}}:relay_screens"


#: The victim of the last push bombing staged (``store.push_bombings``), so the trainer console opened or
#: reloaded later shows that attack's count and verdict; kept as long as the bombing's own state.
LAST_PUSH_BOMBING = f"{PREFIX}{{attack}}:push_bombing_last"


#: The last attack staged, whatever its kind (``store.last_attack``): its kind, victim, time and report
#: (JSON), so the trainer console reloaded shows that attack's report, not an older push bombing's; a day.
LAST_ATTACK = f"{PREFIX}{{attack}}:last"


def push_bombing(username: str) -> str:
    """The last push bombing staged on the user (hash: its address, report and count of the pushes she
    answered, and ``t:<txn id>`` -> the expiry of each push still unanswered), on the user's slot."""
    return f"{PREFIX}{{u:{username}}}:push_bombing"


def attacker_waits(username: str) -> str:
    """A staged attack's logins still waiting for the victim's approval (hash: txn id -> the attacker's
    address and login token), so an approval after the attack's report still lets the attacker in."""
    return f"{PREFIX}{{u:{username}}}:attacker_waits"


def user_logins(username: str) -> str:
    """The user's login transactions (zset: id -> when Redis may reclaim it), to delete them with the user."""
    return f"{PREFIX}{{u:{username}}}:logins"


def session(username: str, session_id: str) -> str:
    return f"{PREFIX}{{u:{username}}}:session:{session_id}"


def session_prefix(username: str) -> str:
    """What :func:`session` puts before the id: Lua scripts build a session's key from an id in the index."""
    return session(username, "")


def lockout(username: str, bucket: str) -> str:
    return f"{PREFIX}{{u:{username}}}:lock:{bucket}"


def lockout_inflight(username: str, bucket: str) -> str:
    return f"{PREFIX}{{u:{username}}}:inflight:{bucket}"


def user_device_strikes(username: str) -> str:
    """The wrong responses the user's logins and step-ups gave each device since its last right one (hash:
    device id -> count), counted on the user's slot before the device's own count (``login_verify.lua``), so
    the scripts that settle a right answer there judge the device's lock in their own step."""
    return f"{PREFIX}{{u:{username}}}:device_strikes"


def known_ips(username: str) -> str:
    return f"{PREFIX}{{u:{username}}}:known_ips"


def ip_attempts(ip: str) -> str:
    return f"{PREFIX}{{ip:{ip}}}:attempts"


def token_guesses(ip: str) -> str:
    """The address's sliding window of wrong admin and sim tokens (``auth.token_guesses``), apart from its
    login attempts: negative login tests never shut the admin API, nor a token guesser the login."""
    return f"{PREFIX}{{ip:{ip}}}:token_guesses"


def metrics_guesses(ip: str) -> str:
    """The address's sliding window of wrong ``/metrics`` tokens (``auth.metrics_access``), apart from its
    admin and sim tokens: a scraper left with an old token never shuts the admin API to its machine, nor a
    wrong admin token typed there the scrape."""
    return f"{PREFIX}{{ip:{ip}}}:metrics_guesses"


def user_access(username: str) -> str:
    """The user's own IP allowlist and the account they trade under (IP restrictions): its id and which
    making of it (``account_incarnation``: ``account_link.lua``)."""
    return f"{PREFIX}{{u:{username}}}:access"


def account(account_id: str) -> str:
    """A multi-user account: its IP allowlist, creation time and incarnation (random, drawn by each making of
    the id: ``AccessRepo.create_account``)."""
    return f"{PREFIX}{{a:{account_id}}}:account"


def account_members(account_id: str) -> str:
    return f"{PREFIX}{{a:{account_id}}}:members"


def event_places(deletion: str) -> str:
    """The places in the trail of a deletion's events (``DeletionLeft.events_of``: which deletion): each
    event's field set to its id in the step writing it (``events_append.lua``), so it is written once
    however many requests finish the deletion, or finish it again after a worker was killed. On the trail's
    slot. No expiry while the deletion works (a deletion may be finished days after it was cut short); the
    trail's retention once its events are written, set just before its mark is released
    (``EventRepo.places_done``), so no kill leaves them for good."""
    return f"{PREFIX}{{events}}:places:{deletion}"


def account_deletion(account_id: str) -> str:
    """What the account's deletion has left to do, once its record is gone and until it is finished
    (``account_delete.lua`` writes it in the record's own step, ``deletion_end.lua`` takes it): its members,
    whose links still name it. Left by a deletion cut short, it is what a ``DELETE`` sent again, a create of
    the id or a state import finishes (``IpRestrictions.finish_deletion``). The user's deletion's pattern
    (:func:`user_deletion`): no secret, no expiry."""
    return f"{PREFIX}{{a:{account_id}}}:deleting"


def phone_conditions(number: str) -> str:
    return f"{PREFIX}{{p:{number}}}:conditions"


def phone_owners(number: str) -> str:
    """The users whose number it was made (``PhoneRepo.add_owner``): a hint read against each user's record,
    so one who changed number or was deleted since is passed over; no expiry (a user's record has none)."""
    return f"{PREFIX}{{p:{number}}}:owners"


def phone_box(handset: str, box: str) -> str:
    return f"{PREFIX}{{p:{handset}}}:{box}"


def phone_sent_count(handset: str) -> str:
    """How many texts and calls were sent to the handset: each one's ``seq``, on its boxes' slot."""
    return f"{PREFIX}{{p:{handset}}}:sent"


#: What a send window counts: texts to a user, texts to a number, the same for a recovery's texts (windows of
#: their own: ``PhoneService.limit``), IB Key pushes to a user, recoveries started from a client, recovery
#: codes tried at a name, IB Key activation codes tried by a user; and, in a user's and a number's place, the
#: texts a name that is sent none would have been sent (``PhoneService.rehearse``).
SendScope = Literal[
    "send:user",
    "send:number",
    "recovery_text:user",
    "recovery_text:number",
    "push",
    "recovery",
    "recovery_code",
    "activation_code",
    "decoy:user",
    "decoy:number",
]

#: The windows a login's, a step-up's and an activation's texts count in (per account, per number).
SEND_WINDOWS: tuple[SendScope, SendScope] = ("send:user", "send:number")
#: Those of *Forgot your password?*: their own, bounded alike. A start needs nothing but a name, so counted
#: in the login's windows, a script starting a few a window kept every login of an SMS user refused
#: (``429 rate_limited``) before a code was sent, without the password
#: (``tests/api/test_recovery_send_budget.py``).
RECOVERY_WINDOWS: tuple[SendScope, SendScope] = ("recovery_text:user", "recovery_text:number")


def send_window(scope: SendScope, who: str) -> str:
    """A sliding window of sends (``sliding_window.lua``), one slot per scope and user or number."""
    return f"{PREFIX}{{rl:{scope}:{who}}}:window"


def user_ibkey_activation(username: str) -> str:
    """Held by the one IB Key activation of the user in progress (its token), with a lease in real time
    (``leases``, ``IbKeyRepo.hold_activation``): activating and replacing the user's other IB Keys (other
    slots) run one at a time per user."""
    return f"{PREFIX}{{u:{username}}}:ibkey_activation"


def ibkey_app(app_id: str) -> str:
    """The IB Key app's own storage on the simulated phone; only the simulator reads it."""
    return f"{PREFIX}{{ibapp:{app_id}}}:app"


def ibkey_app_turn(app_id: str) -> str:
    """Held by the one request changing the phone's app (its token), with a lease in real time
    (``IbKeyRepo.take_turn``): on the app's own slot, beside the record it guards."""
    return f"{PREFIX}{{ibapp:{app_id}}}:turn"


def ibkey_inbox(app_id: str) -> str:
    """The push channel the server delivers notifications into, like a carrier's inbox."""
    return f"{PREFIX}{{ibpush:{app_id}}}:inbox"


def gateway_session(instance: str) -> str:
    """The gateway's one session (gateway mode): which real session the browser login established, and the
    brokerage session's state beside it."""
    return f"{PREFIX}{{gw:{instance}}}:session"


def gateway_ended(instance: str) -> str:
    """Why the gateway's last session ended (``sso_expired``, ``logout``...) and when, on the app clock, kept
    until the next login (or an hour of that clock), so every client that calls meanwhile is told, not only
    the one that found it ended."""
    return f"{PREFIX}{{gw:{instance}}}:ended"


def gateway_owed(instance: str) -> str:
    """The session a start's step ended whose close is still owed (its ``gateway.session_ended`` and the end
    of the real session behind it): the step's script moves the record here, and the step deletes it once
    done, so a step cut in between (killed at its deadline) is finished by the next one (``ended_at``, the
    app clock's instant it ended, beside the record's fields)."""
    return f"{PREFIX}{{gw:{instance}}}:owed"


def gateway_config(instance: str) -> str:
    """What the gateway's behaviour was set to at run time (the daily reset), over its settings."""
    return f"{PREFIX}{{gw:{instance}}}:config"


def gateway_processes(instance: str) -> str:
    """The tokens of the ``sls gateway`` processes serving the instance (a set), each holding a lease
    (:func:`gateway_process`): on the instance's slot, so one script checks them and ends its session."""
    return f"{PREFIX}{{gw:{instance}}}:processes"


def gateway_process(instance: str, token: str) -> str:
    """One process's lease: where it runs (JSON), with a TTL in real time that its gunicorn master renews
    (``cli.gateway_lease``); gone, the process is no longer live."""
    return f"{PREFIX}{{gw:{instance}}}:process:{token}"


def gateway_process_prefix(instance: str) -> str:
    """What :func:`gateway_process` puts before the token: the scripts build each lease's key."""
    return gateway_process(instance, "")


def outbox_cursor(handset: str) -> str:
    """The id of the last code ``/sim/v1/outbox/latest-code`` handed out from this handset (a number, or
    ``app:<device id>`` for an authenticator app's codes: ``gateway.outbox.app_cursor``)."""
    return f"{PREFIX}{{p:{handset}}}:outbox"
