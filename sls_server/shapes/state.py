"""The state document: a saved world (users with their lockouts, devices with their secrets sealed,
allowlists, accounts, the simulated phones' IB Key apps and network conditions, the clock and the gateway's
daily reset), exported and imported whole. What is in it and why: ``sls_server.transfer.export``.

Records travel in their stored form (each one a map of field to text, as the store writes it), so the
encoding lives in one place, the store's typed records; the server checks every record by reading it back
through them before it writes anything.
"""

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator
from typing_extensions import TypedDict

from ..errors import InvalidRequest
from .clock import CLOCK_MAX, CLOCK_MIN, CLOCK_RANGE
from .common import Query, Refusal, Request
from .gateway import DailyResetAt

STATE_FORMAT = "sls-emulator/state"
STATE_VERSION = 3
#: The versions this server reads: 1 had no ``users[].lockout``, ``users[].known_ips`` or
#: ``settings.gateway_daily_reset`` (read as none of them), 2 added them, 3 has the second form of
#: ``key_check`` (``secretbox.key_check``) and may hold secrets sealed as ``v2`` (``secretbox.device_box``).
READABLE_VERSIONS = (1, 2, 3)
#: The first version whose ``key_check`` is of the second form.
KEY_CHECK_FORM_2 = 3
#: The most entries of any one list a document may hold (a fixture, not a production database).
MAX_ENTRIES = 100_000

Fields = Annotated[
    dict[str, str], Field(description="A record's fields as the store keeps them (text values).")
]


class StateUser(Request):
    record: Fields
    devices: list[str] = Field([], description="Ids of the devices the user may log in with.")
    allowlist: list[str] = Field([], description="The user's own IP allowlist (CIDRs); empty: none.")
    account: str | None = Field(None, description="The multi-user account the user trades under.")
    lockout: dict[str, Fields] = Field(
        {},
        description="The user's lockout buckets (`all`, `known`, `other`, `outside`) as the store keeps "
        "them: failures, locks so far, a timed lock's instants, a permanent lock (version 2; none: "
        "unlocked).",
    )
    known_ips: list[str] = Field(
        [],
        max_length=MAX_ENTRIES,
        description="Addresses the user has logged in from (`SLS_LOCKOUT_KNOWN_IPS`, new-place notices; "
        "version 2).",
    )


class StateAccount(Request):
    record: Fields
    members: list[str] = Field([], description="Usernames of the account's traders.")


class StatePhone(Request):
    number: str = Field(description="The phone number (or handset) the conditions apply to.")
    conditions: Fields


class StateDailyReset(Request):
    """The gateway's daily reset as set at run time (``PUT /admin/v1/gateway/daily-reset``)."""

    at: DailyResetAt = Field(
        description="HH:MM (UTC) of the daily reset; null: turned off, whatever the configuration says."
    )
    since: Annotated[int, Refusal(f"is {CLOCK_RANGE}")] = Field(
        ge=0, le=CLOCK_MAX, description="When it was set (the server's clock): a reset counts only from then."
    )


class StateSettings(Request):
    clock_offset_s: int = Field(description="Seconds the emulated clock ran ahead of system time.")
    clock_frozen_at: Annotated[int | None, Refusal(f"is {CLOCK_RANGE}")] = Field(
        None,
        ge=CLOCK_MIN,
        le=CLOCK_MAX,
        description="Present when the clock was frozen: the instant it stood at, where an import with "
        "`replace` freezes it again (`clock_offset_s` is then ignored). Absent (as in documents written "
        "before it existed): the clock was running, and runs on at `clock_offset_s`.",
    )
    gateway_daily_reset: StateDailyReset | None = Field(
        None,
        description="The gateway's daily reset as set at run time, which an import with `replace` sets again "
        "(for the importing server's `SLS_GATEWAY_INSTANCE`). Absent: none was set, and the configuration "
        "(`SLS_GATEWAY_DAILY_RESET`) decides (version 2).",
    )


class StateDocument(Request):
    """A whole world. `key_check` says which `SLS_SECRET_KEY` sealed its device secrets: a server with
    another key refuses the document (400 naming `key_check`) and changes nothing."""

    format: Literal["sls-emulator/state"] = Field(description="Always `sls-emulator/state`.")
    version: int = Field(
        description="The document's version: this server writes 3 and reads 1, 2 and 3 (a version 1 document "
        "has no lockout buckets, known addresses or gateway daily reset: none of them is set; versions 1 and "
        "2 carry `key_check` in its first form, and their sealed secrets are all `v1`)."
    )
    exported_at: int = Field(description="The exporting server's clock when it was made (Unix seconds).")
    key_check: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="HMAC-SHA256 of a fixed label under a key derived from the server's secret key (under "
        "the secret key itself before version 3): names it, reveals nothing.",
    )
    settings: StateSettings
    users: list[StateUser] = Field(max_length=MAX_ENTRIES)
    devices: list[Fields] = Field(max_length=MAX_ENTRIES)
    accounts: list[StateAccount] = Field(max_length=MAX_ENTRIES)
    ibkey_apps: list[Fields] = Field(
        max_length=MAX_ENTRIES, description="The simulated phones' IB Key apps (their keys sealed)."
    )
    phones: list[StatePhone] = Field(max_length=MAX_ENTRIES)

    @model_validator(mode="before")
    @classmethod
    def _a_world_document(cls, data: Any) -> Any:
        """Checked before every other field: a file that is no export at all (``{}``, some other JSON) was
        told "format is required", as if a world document lacked one field; it is told what it is not, and
        where a world document comes from."""
        if isinstance(data, dict) and data.get("format") != STATE_FORMAT:
            said = "format is missing" if "format" not in data else f'format is not "{STATE_FORMAT}"'
            raise InvalidRequest(
                f"{said}: this is not a world document, which is what `sls state export` (GET "
                "/admin/v1/state/export) writes; import a file one of them wrote",
                field="format",
            )
        return data


class StateImportQuery(Query):
    replace: bool = Field(
        False,
        description="Wipe the world first (and take the document's settings: the clock, the gateway's daily "
        "reset). Without it the document is "
        "added, and any user, device, account or app it names that exists already refuses it whole.",
    )


class StateCounts(TypedDict):
    users: int
    devices: int
    accounts: int
    ibkey_apps: int
    phones: int


class StateImported(TypedDict):
    imported: StateCounts
    replaced: Annotated[bool, Field(description="Whether the world was wiped first.")]


class DemoWorldKept(TypedDict):
    kept: Annotated[StateCounts, Field(description="What the demo world kept holds.")]


class DemoWorldHeld(TypedDict):
    kept: Annotated[bool, Field(description="Whether a demo world is kept to go back to.")]
    kept_at_ms: Annotated[
        int | None,
        Field(description="When it was kept (wall clock, ms); null when none is, or for one kept unsaid."),
    ]


Versions = Annotated[
    dict[str, int],
    Field(
        description="How many sealed values name each version: `v2` is under the device secrets' own "
        "key (derived from `SLS_SECRET_KEY`), `v1` under `SLS_SECRET_KEY` itself (sealed before there was "
        "a `v2`)."
    ),
]


class SealedSecrets(TypedDict):
    sealing_version: Annotated[str, Field(description="The version this server seals new values as (`v2`).")]
    devices: Annotated[
        Versions,
        Field(
            description="Devices' secrets: a card's key and PIN hash, a TOTP secret, a temporary passcode, "
            "the server's copy of an IB Key's OCRA key (one value a device)."
        ),
    ]
    ibkey_apps: Annotated[
        Versions,
        Field(description="The simulated phones' IB Key apps: each user's private keys, and the PIN hash."),
    ]
    older: Annotated[
        int,
        Field(
            description="Values under an older key than `sealing_version`: what a re-seal moves (0: none)."
        ),
    ]


class SecretsResealed(SealedSecrets):
    resealed: Annotated[
        int,
        Field(
            description="Values this call sealed again as `sealing_version` (the counts above are after it)."
        ),
    ]
    unopened: Annotated[
        list[str],
        Field(
            description="Devices and IB Key apps whose values do not open under this server's key (sealed "
            "under another, or moved from another record): left as they are, counted under their version."
        ),
    ]
