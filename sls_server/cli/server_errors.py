"""The server's refusals told as one line a person can act on: its error code and message, the token it
asked for and where the one sent came from, what to run next; nothing answering, or a certificate not
trusted, said plainly. ``server_errors`` wraps every command's calls; ``admin_commands.call`` is the short
form for one call.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from ..config import env_name
from . import demofile, recorded_process
from .admin_client import ApiError, NoServer
from .output import CliError, mask_url

#: Where a token given on the command line or in the environment came from, as a refusal names it.
GIVEN_TOKEN = "--admin-token or SLS_ADMIN_TOKEN"


NO_ROUTE = "this server has no such route: is it an older version?"
#: A 401's code -> the token it asks for (its option and variable follow from the name), and what to add
#: after "pass --x-token or set SLS_X_TOKEN" when none was sent.
TOKEN_HINTS = {
    "admin_token_required": ("admin token", "; `sls world --token` prints a demo's"),
    "sim_token_required": ("sim token", " to the server's sim token"),
    "metrics_token_required": ("metrics token", " to the server's metrics token"),
}
UNTRUSTED = "a self-signed one (`sls gateway --tls`)? trust it: SSL_CERT_FILE=<data dir>/gateway-tls/cert.pem"
#: Trusted, but not for this name: the gateway's certificate names its --host and SLS_ALLOWED_HOSTS only.
MISMATCH = (
    "the certificate does not name this host: `sls gateway --tls` names its --host and SLS_ALLOWED_HOSTS "
    "(and localhost), and makes its certificate again at start when one is missing"
)


@contextlib.contextmanager
def server_errors(no_route: str | None = None, no_server: str | None = None) -> Iterator[None]:
    """The server's error code and message in red, exit 1 (with --json, its code, message, status and the
    rest of its error body as ``details``); no server at all, said plainly (``unreachable``), exit 1.

    A 404 ``not_found`` is a route the server lacks: told with ``NO_ROUTE`` after the server's words, or,
    when the command knows what it means (``no_route``: a server not in gateway mode), by that alone, as
    the message of --json's error too: the server's words only say that some URL was not found. Nothing
    answering is told with ``no_server`` (``{url}`` and ``{reason}`` filled in) when the command knows what
    should have answered (a gateway), else with how to start the demo or a server."""
    try:
        yield
    except NoServer as exc:
        if "CERTIFICATE_VERIFY_FAILED" in exc.reason:  # a server answered, with a certificate we do not trust
            hint = (
                MISMATCH if "mismatch" in exc.reason else UNTRUSTED
            )  # Python's "IP address/Hostname mismatch"
            told = f"cannot trust the certificate of {exc.url} ({exc.reason}); {hint}"
            raise CliError(told, code="untrusted_certificate") from None
        if no_server is not None:
            raise CliError(no_server.format(url=exc.url, reason=exc.reason), code="unreachable") from None
        hint = stopped_demo(exc.url) or (
            "start one with `sls demo` or `sls serve`, or name yours with --url or SLS_URL"
        )
        raise CliError(f"no server at {exc.url} ({exc.reason}); {hint}", code="unreachable") from None
    except ApiError as exc:
        hint = ""
        if exc.code in TOKEN_HINTS:
            given, more = TOKEN_HINTS[exc.code]
            flag, variable = "--" + given.replace(" ", "-"), env_name(given.replace(" ", "_"))
            hint = f" (pass {flag} or set {variable}{more})"
            if exc.token_sent:  # sent and refused is not missing: another server's token, or a typo
                hint = refused_token(given, flag, variable, exc.token_source)
            elif exc.token_source and exc.token_source != GIVEN_TOKEN:  # the folder's, withheld
                hint = (
                    f" (none was sent: the {given} in {exc.token_source} goes only to a server that data "
                    "folder names as running, and this is not one: set SLS_DATA_DIR to the folder this "
                    f"server was started with (--data-dir), or pass {flag} or set {variable})"
                )
        elif exc.code == "device_locked":
            hint = " (an admin unlocks it: sls device unlock <device_id>, or Unlock device in the console)"
        elif exc.code == "unknown_user":
            hint = " (`sls user list` shows the users there are)"
        elif exc.code == "unknown_device":
            hint = " (`sls device list USER` shows a user's devices)"
        elif exc.code == "card_locked":  # not wrong_pin's last try: the IB Key app's PIN answers it too
            hint = " (`sls device reset DEVICE_ID` resets it, or Reset card in the console)"
        elif exc.code == "account_locked":
            hint = " (it lapses by itself; `sls user unlock USER` lifts it now)"
        elif exc.code == "rate_limited" and "failed logins from this address" in exc.message:  # no user's
            hint = " (this address's login limit, no user's: `sls ip-throttle --lift [IP]` lifts it now)"
        elif exc.code == "rate_limited" and "wrong tokens from this address" in exc.message:
            hint = (  # the admin API itself refuses the right token: the lift must come another way
                " (every token from this address is refused, the right one too, until the window passes;"
                " `sls ip-throttle --lift IP` from another address, or a trainer console already signed in,"
                " lifts it now)"
            )
        elif exc.code == "no_second_factor":
            hint = " (`sls device list USER` shows why; `sls device enroll USER` adds one)"
        elif exc.code == "ip_restricted":
            hint = " (an IP allowlist: see `sls user allowlist <user>` and its account's)"
        elif exc.code == "not_found":
            if no_route:
                raise CliError(no_route, code=exc.code, status=exc.status) from None
            hint = f" ({NO_ROUTE})"
        elif exc.code == "reauth_required":
            purpose = exc.body.get("purpose", "<purpose>")
            hint = f" (verify your identity first: sls stepup --purpose {purpose})"
        extra = {k: v for k, v in exc.body.items() if k not in ("error", "message")}
        shown = {k: v for k, v in extra.items() if k != "problems"}
        details = " (" + ", ".join(f"{k}={v}" for k, v in shown.items()) + ")" if shown else ""
        told = f"{exc.code}: {exc.message}{details}{hint}" + also_refused(extra.get("problems"))
        raise CliError(told, code=exc.code, status=exc.status, said=exc.message, details=extra) from None


def stopped_demo(url: str) -> str:
    """What to do when the demo this data folder last ran has stopped, and where it was: the commands go to
    the default address once the demo is gone, and "no server at http://127.0.0.1:8000" alone leaves the
    reader wondering where the demo they started on another port went. '' when demo.json names no stopped
    demo. Read only once nothing answered, so no command pays for it."""
    demo = demofile.read() or {}
    said = demo.get("url")
    if not isinstance(said, str) or not said or not recorded_process.gone(demo):
        return ""
    shown = _shown_url(said)
    where = "" if not shown or demofile.same_server(said, url) else f", at {shown},"
    return (
        f"the demo this data folder last ran{where} has stopped: `sls demo --keep` starts it again with its "
        "world, `sls demo` a new one; or name another server with --url or SLS_URL"
    )


def _shown_url(url: str) -> str:
    """A URL read from a file the user may have edited by hand (demo.json), as a refusal may print it: its
    password masked (``output.mask_url``), as everywhere; '' for one with a line break or a terminal escape,
    which would break (or rewrite) the refusal's one line, or whose port is no number."""
    if not url.isprintable():
        return ""
    try:
        return mask_url(url) or ""
    except ValueError:  # urlsplit's, for a port that is none
        return ""


def refused_token(given: str, flag: str, variable: str, source: str | None) -> str:
    """Why a token sent was refused, and where it was taken from (``source``): one read from a data folder
    (its admin.token, its demo.json) is most often another folder's than the server's, which keeps its own
    in the folder it was started with (``--data-dir``), so the folder is what to set."""
    if source is None or source == GIVEN_TOKEN:
        taken = f" (taken from {source})" if source else ""
        return f" (the {given} sent is not this server's{taken}: check {flag} or {variable})"
    return (
        f" (the {given} sent is not this server's (taken from {source}): a server keeps its own in the data "
        f"folder it was started with (--data-dir, else SLS_DATA_DIR): set SLS_DATA_DIR to that folder, "
        f"or pass {flag} or set {variable})"
    )


def also_refused(problems: Any) -> str:
    """The fields a 400 refused beside its first (``problems``), one line each, as a person reads them: a
    message that does not name its field (the password policy's "Too short: ...") is led by it."""
    if not isinstance(problems, list) or len(problems) < 2:
        return ""
    return "".join(f"\n  also: {_named(p)}" for p in problems[1:] if isinstance(p, dict))


def _named(problem: dict[str, Any]) -> str:
    message, field = str(problem.get("message")), problem.get("field")
    return message if not isinstance(field, str) or field in message else f"{field}: {message}"
