"""Every configuration key, its default, its bounds and why, in one place.

Values come from the defaults below, then ``SLS_*`` environment variables, then the mapping given to
``create_app`` (keys with or without the ``SLS_`` prefix). Environment values are read as raw strings
and parsed per key: Flask's ``from_prefixed_env`` would JSON-decode them, turning an admin token of
digits into an int or a hex secret such as ``1e40...`` into a float. A bad value raises
:class:`InvalidConfig` naming the key, which the CLI prints as one line. How each kind of value is read
(integers in bounds, booleans, tokens, keys, CIDRs) is :mod:`.config_values`; which key reads which, with
which bounds, is :data:`PARSERS` here; every key as the rows ``sls config`` prints is :mod:`.config_table`.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import platformdirs

from .config_values import (
    bearer_token,
    boolean,
    choice,
    cidrs,
    daily_time,
    host_names,
    instance_name,
    integer,
    number,
    path,
    redis_url,
    seconds,
    secret_key,
)
from .errors import InvalidConfig

PREFIX = "SLS_"
MAX_BODY_BYTES = 64 * 1024  # the contract's limit on request bodies

#: What the server generates into ``data_dir`` when the setting is unset (``runtime``), and where the CLI
#: reads the admin token back from.
SECRET_KEY_FILE = "secret.key"
ADMIN_TOKEN_FILE = "admin.token"


@dataclass(frozen=True)
class Settings:
    redis_url: str | None = None
    """Unset: start an embedded redis-server with its data in ``data_dir``. Else ``redis://``, ``rediss://``,
    ``unix://``, ``redis+sentinel://host:port[,...]/<master>`` or ``redis+cluster://host:port[,...]``."""
    data_dir: Path = Path(platformdirs.user_data_dir("sls-emulator"))
    """Embedded Redis data (AOF on, 0600 files, 0700 socket), the generated secret key and admin token."""
    secret_key: bytes | None = None
    """32 bytes (64 hex or base64): each use (device keys at rest, cookies, CSRF) derives its own key from it;
    unset: generated into data_dir."""
    admin_token: str | None = None
    """Bearer token of /admin/v1; unset: generated into data_dir (``sls demo`` prints it)."""
    hash_profile: str = "standard"
    """Argon2id cost: ``strong`` (RFC 9106: t=3, 64 MiB, p=4), ``standard`` (t=2, 19 MiB, p=1), ``test``."""
    challenge_ttl: int = 300
    """Seconds a login challenge stays valid; 30..600 (NIST caps out-of-band secrets at 10 minutes)."""
    verify_attempts: int = 3
    """Wrong responses allowed per login transaction before it is dead and the login must start over."""
    card_pin_attempts: int = 3
    """Wrong PINs in a row before a simulated DSC+ card locks itself, like the real card."""
    idle_timeout: int = 900
    """Seconds of inactivity before automatic logoff (15 min: NIST 800-63B-4 AAL3 idle)."""
    absolute_timeout: int = 86400
    """Seconds a session may live at all, activity or not (24 h: NIST AAL2 overall)."""
    lockout_threshold: int = 5
    """Consecutive wrong passwords that lock an account for a while; 1..100 (NIST 800-63B caps it at 100)."""
    lockout_wait_increment: int = 60
    """Seconds of the first temporary lock; each further lock waits this much longer (Keycloak's model),
    counted since the last completed login or admin unlock."""
    lockout_max_wait: int = 3600
    """The longest temporary lock, in seconds, however many locks came before."""
    lockout_permanent_after: int = 0
    """Temporary locks (since the last completed login or admin unlock) after which the account stays locked
    until an admin unlocks it; 0 = never."""
    lockout_known_ips: bool = False
    """Count failures from addresses the user never logged in from apart, so they cannot lock the user out
    of addresses they did log in from (lockout-as-DoS mitigation NIST 800-63B permits)."""
    ip_refusal: str = "explicit"
    """A login from outside the user's IP allowlist: ``explicit`` refuses it before the password (403
    ip_restricted: the name is shown to have an allowlist); ``silent`` answers it as a wrong password for the
    name (a dummy hash; counted apart, so the user is never locked out), the password never judged."""
    ip_throttle_limit: int = 30
    """Failed logins one client address (an IPv6 address: its /64) may make across all accounts per window
    before 429 (stuffing)."""
    ip_throttle_window: int = 300
    """Seconds of the per-address sliding window."""
    device_failure_limit: int = 10
    """Consecutive wrong responses after which an authenticator is disabled (NIST 800-63B-4 §3.2.10)."""
    challenge_issue_limit: int = 20
    """Challenges (DSC+, IB Key challenge mode) issued per card and per user per issue window before 429: a
    password holder cannot burn through a card's challenge space by switching factors in a loop."""
    challenge_issue_window: int = 600
    """Seconds of the sliding window of SLS_CHALLENGE_ISSUE_LIMIT."""
    challenge_history: int = 100_000
    """Challenges each card remembers by encoding and is never given again (the oldest are forgotten first):
    bounds memory per card (about 100 bytes each) while a recorded response stays useless for this many
    later challenges."""
    session_concurrency: str = "replace"
    """Sessions per user: ``replace`` keeps one, a new login ending the older (it gets 401 session_replaced);
    ``refuse`` keeps one, refusing the new login while one is live; ``allow`` keeps each login's, which the
    user lists and ends (GET /api/v1/sessions)."""
    session_limit: int = 10
    """Live sessions a user may hold under ``SLS_SESSION_CONCURRENCY=allow``, 1..100: a login past it
    ends the user's oldest (401 session_replaced), so logins in a loop cannot fill Redis with one user's
    sessions."""
    trusted_proxies: tuple[str, ...] = ()
    """Comma-separated CIDRs of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed
    (no zone: ``fe80::1%eth0`` stops start-up); empty: the socket's address and scheme, whatever the headers
    say."""
    sms_code_ttl: int = 300
    """Seconds an SMS or voice code stays valid; 60..600 (NIST 800-63B: out-of-band codes live <= 10 min)."""
    sms_send_limit: int = 5
    """Codes that may be sent to one account, and to one number, per SMS send window (429 beyond)."""
    sms_send_window: int = 600
    """Seconds of the sliding window for SMS and voice sends."""
    push_limit: int = 3
    """IB Key push notifications per account per push window: the push-fatigue defence."""
    push_window: int = 600
    """Seconds of the sliding window for push notifications."""
    push_ttl: int = 120
    """Seconds an IB Key push notification can be approved."""
    activation_code_ttl: int = 600
    """Seconds an IB Key activation code sent by SMS stays valid (single use; at most 10 minutes)."""
    temporary_passcode_days: int = 2
    """Days an admin-issued temporary passcode (for a lost device) stays valid; the broker's: 2 (KB69)."""
    stepup_validity: int = 300
    """Seconds a step-up verification ("verify your identity") counts as fresh for sensitive routes (a
    withdrawal's is also spent by the one withdrawal it allows)."""
    sim_enabled: bool = True
    """Serve /sim/v1 (the simulated cards and phones); off for demos where the audience plays the attacker."""
    sim_token: str | None = None
    """Bearer token /sim/v1 then requires (16+ characters), for demos where the audience plays the attacker
    but the trainer still needs the simulated phone; unset: /sim/v1 is open (possession is the test)."""
    console_idle_timeout: int = 1800
    """Seconds without the person's activity after which a sign-in to the trainer console or the simulator
    pages ends (30 min: NIST 800-63B-3 AAL2 idle). Activity is a page opened, a click's or a form's request;
    the pages' own polls (``X-SLS-Background: 1``) and the live feed do not count, so a console left open
    idles out too. Wall clock."""
    console_absolute_timeout: int = 43200
    """Seconds a sign-in to the console or the simulator pages lasts at all (12 h: a training day, NIST AAL2
    and AAL3 re-authentication). On the wall clock: moving the emulated clock signs no one out."""
    metrics_token: str | None = None
    """Bearer token /metrics then requires (16+ characters; Prometheus sends it as ``authorization:
    credentials``); unset: /metrics is open to anyone who reaches it, and its counts tell silent IP refusals
    from wrong passwords, and a real user's lock (its notice texted) from a made-up name's."""
    threads: int = 4
    """Threads per worker process (1: gunicorn's sync worker), as ``sls serve --threads`` sets them. Half,
    rounded down, may serve long-held requests at once (outbox waits, the trainer's live feeds)."""
    redis_timeout: float = 2.0
    """Seconds a request waits on a silent Redis, once (no retry), before 503 store_unavailable."""
    log_level: str = "INFO"
    """Server log level: debug, info, warning or error. Logs never carry a password, PIN, code or token."""
    log_format: str = "text"
    """``text`` for people; ``json``: one JSON object per line (one per request: request id, route pattern,
    status, duration), for a log collector."""
    event_retention: int = 7 * 86400
    """Seconds audit events are kept, whatever their number (trimmed by age on Redis's clock or the app's,
    whichever is behind, never by count, so a flood cannot push the history out); memory grows with events
    per second times this."""
    event_summary_window: int = 60
    """Seconds of a flood window: refusals an outsider can repeat (throttled, locked, IP-rejected) are written
    once per client, reason and window, and the rest counted into one events.summary event."""
    gateway: bool = False
    """Gateway mode (``sls gateway`` sets it): also serve the Client Portal Gateway's login page (/sso/Login),
    its REST routes (/v1/api, /v1/portal), /admin/v1/gateway and /sim/v1/outbox, for testing tools that
    automate the gateway (IBeam and the like)."""
    gateway_profile: str = "classic"
    """The gateway login page's markup: ``classic`` (#xyz-field-bronze-response) or ``live`` (the newer live
    page: #xyz-field-silver-response, #xyz-field-username, #xyz-field-password)."""
    gateway_notification_step: bool = False
    """Render the IB Key push step with the class login-step-notification; off by default, because known
    clients (IBeam) take that class for their notification handler and mishandle it."""
    gateway_daily_reset: str | None = None
    """HH:MM (UTC, on the server's clock; H:MM is read as 0H:MM, as the API and the CLI read it) at which the
    gateway's SSO session ends every day, as the broker's daily reset does; unset or ``off``: no daily reset
    (``PUT /admin/v1/gateway/daily-reset`` changes it at run time)."""
    gateway_instance: str = "default"
    """Name of this gateway's one session slot in Redis: gateway processes on one Redis share a session when
    they share a name, as a single gateway process would (a start of ``sls gateway`` ends that session
    unless another live process of the name holds its lease: ``sls gateway``, or ``sls serve`` or ``sls
    demo`` in gateway mode)."""
    allowed_hosts: tuple[str, ...] = ()
    """Host names the server answers to besides any IP address, localhost (and ``*.localhost``) and this
    machine's own name (comma-separated; ``--host`` adds its own; read from ``SLS_GATEWAY_HOSTS``, its older
    name, too): a request naming another Host gets 400, so a web page whose name is made to point at this
    machine (DNS rebinding) cannot read the simulators or drive a login. Name here what clients call the
    server: a proxy's public name, the service name a Prometheus scrapes /metrics by (compose's ``sls``)."""


#: The settings whose values are secrets: ``sls config`` never prints them and demo.json never records them.
SECRETS = frozenset({"secret_key", "admin_token", "sim_token", "metrics_token"})


PARSERS: dict[str, Callable[[Any], Any]] = {
    "redis_url": redis_url,
    "data_dir": path,
    "secret_key": secret_key,
    "admin_token": bearer_token,
    "hash_profile": choice("strong", "standard", "test"),
    "challenge_ttl": seconds(30, 600),
    "verify_attempts": integer(1, 10),
    "card_pin_attempts": integer(1, 10),
    "idle_timeout": seconds(60, 86400),
    "absolute_timeout": seconds(300, 30 * 86400),
    "lockout_threshold": integer(1, 100),
    "lockout_wait_increment": seconds(1, 86400),
    "lockout_max_wait": seconds(1, 7 * 86400),
    "lockout_permanent_after": integer(0, 100),
    "lockout_known_ips": boolean,
    "ip_refusal": choice("explicit", "silent"),
    "ip_throttle_limit": integer(1, 1_000_000),
    "ip_throttle_window": seconds(1, 86400),
    "device_failure_limit": integer(1, 100),
    "challenge_issue_limit": integer(1, 1000),
    "challenge_issue_window": seconds(1, 86400),
    "challenge_history": integer(10, 500_000),
    "session_concurrency": choice("replace", "refuse", "allow"),
    "session_limit": integer(1, 100),
    "trusted_proxies": cidrs,
    "sms_code_ttl": seconds(60, 600),
    "sms_send_limit": integer(1, 1000),
    "sms_send_window": seconds(1, 86400),
    "push_limit": integer(1, 1000),
    "push_window": seconds(1, 86400),
    "push_ttl": seconds(10, 600),
    "activation_code_ttl": seconds(60, 600),
    "temporary_passcode_days": integer(1, 14, "days"),
    "stepup_validity": seconds(30, 3600),
    "sim_enabled": boolean,
    "sim_token": bearer_token,
    "console_idle_timeout": seconds(60, 86400),
    "console_absolute_timeout": seconds(300, 7 * 86400),
    "metrics_token": bearer_token,
    "threads": integer(1, 64),
    "redis_timeout": number(0.05, 60.0),
    "log_level": choice("debug", "info", "warning", "error"),
    "log_format": choice("text", "json"),
    "event_retention": seconds(60, 400 * 86400),
    "event_summary_window": seconds(1, 3600),
    "gateway": boolean,
    "gateway_profile": choice("classic", "live"),
    "gateway_notification_step": boolean,
    "gateway_daily_reset": daily_time,
    "gateway_instance": instance_name,
    "allowed_hosts": host_names,
}


#: Settings renamed, by their older variable: still read, so a deployment set up before keeps its value.
OLDER_NAMES = {"SLS_GATEWAY_HOSTS": "allowed_hosts"}


def env_name(field: str) -> str:
    return PREFIX + field.upper()


def unknown_variables(also: Iterable[str] = (), environ: Mapping[str, str] | None = None) -> list[str]:
    """One line for each ``SLS_*`` variable that is no setting nor in ``also`` (the command line's own), with
    the setting it was probably meant to be: a misspelt name (``SLS_IDLE_TIMOUT``) would otherwise leave the
    default in effect without a word. Said, not refused: another tool's variable may share the prefix."""
    environ = os.environ if environ is None else environ
    known = {env_name(f.name) for f in fields(Settings)} | set(OLDER_NAMES) | set(also)
    lines = []
    for name in sorted(n for n in environ if n.startswith(PREFIX) and n not in known):
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        meant = f"did you mean {close[0]}? " if close else ""
        lines.append(f"{name} is not a setting and is ignored ({meant}`sls config` lists them)")
    return lines


def _set_once(raw: dict[str, tuple[str, Any]], name: str, label: str, value: Any) -> None:
    """A variable's value, unless its older name gave one: both set is refused rather than one picked."""
    if name in raw:
        raise InvalidConfig(label, f"set only this one: {raw[name][0]} is its older name")
    raw[name] = (label, value)


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Merge defaults, environment and ``overrides``; validate each value and the relations between them."""
    environ = os.environ if environ is None else environ
    known = {f.name for f in fields(Settings)}
    raw: dict[str, tuple[str, Any]] = {}
    for older, name in OLDER_NAMES.items():
        if older in environ:
            raw[name] = (older, environ[older])
    for name in known:
        if env_name(name) in environ:
            _set_once(raw, name, env_name(name), environ[env_name(name)])
    for key, value in (overrides or {}).items():
        name = key[len(PREFIX) :] if key.upper().startswith(PREFIX) else key
        name = OLDER_NAMES.get(env_name(name), name.lower())
        if name not in known:
            raise InvalidConfig(env_name(name), "unknown configuration key")
        raw[name] = (env_name(name), value)

    values: dict[str, Any] = {}
    for name, (label, value) in raw.items():
        if value is None:
            continue
        try:
            values[name] = PARSERS[name](value)
        except ValueError as exc:
            raise InvalidConfig(label, str(exc)) from None
    if "log_level" in values:
        values["log_level"] = values["log_level"].upper()
    settings = Settings(**values)
    if settings.absolute_timeout < settings.idle_timeout:
        raise InvalidConfig("SLS_ABSOLUTE_TIMEOUT", "must not be shorter than SLS_IDLE_TIMEOUT")
    if settings.console_absolute_timeout < settings.console_idle_timeout:
        raise InvalidConfig(
            "SLS_CONSOLE_ABSOLUTE_TIMEOUT", "must not be shorter than SLS_CONSOLE_IDLE_TIMEOUT"
        )
    if settings.lockout_max_wait < settings.lockout_wait_increment:
        raise InvalidConfig("SLS_LOCKOUT_MAX_WAIT", "must not be shorter than SLS_LOCKOUT_WAIT_INCREMENT")
    return settings
