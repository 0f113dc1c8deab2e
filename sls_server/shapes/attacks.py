"""Staged attacks (``sim.attacks``): what a trainer asks for, and the report read out to the room."""

from typing import Annotated, Literal, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from .common import Password, Request, Username, UsernameInput

AttackKind = Literal[
    "password_spray",
    "brute_force",
    "credential_stuffing",
    "push_bombing",
    "sim_swap",
    "sim_swap_reset",
    "phishing_relay",
]
"""Every attack the emulator can stage; ``sim.attacks.KINDS`` is read from here."""

AttackVerdict = Literal["attacker_got_in", "defences_held", "not_run"]
"""How a staged attack ended: ``not_run`` when it could not start (a phished password that is not the
victim's, or a lock an earlier attack left on her, which would refuse every login), which is no win for either
side."""


class AttackRequest(Request):
    """One attack on one victim, run at once from attacker addresses in the documentation ranges (RFC 5737),
    through the real login service: the defences fire for real and show in the audit trail."""

    attack: AttackKind = Field(
        description="`password_spray`, `brute_force` and `credential_stuffing` guess passwords; "
        "`push_bombing`, `sim_swap` and `phishing_relay` start from the victim's password, as if phished "
        '(give `password`); `sim_swap_reset` needs none: the swapped SIM against "Forgot your password?".'
    )
    username: UsernameInput = Field(description="The victim.")
    password: Password | None = Field(
        None,
        description="The victim's password, as if phished: needed by `push_bombing`, `sim_swap` and "
        "`phishing_relay` (the emulator keeps only a hash, so it cannot know it).",
    )


class AttackWaiting(TypedDict):
    """Logins a push bombing or a relay left waiting on the victim's approval, or the SIM swap's password
    reset waiting on its push: the attacker's page keeps polling them."""

    ip: Annotated[
        str,
        Field(
            description="The attacker's address, which a `login.succeeded` (a reset's "
            "`password_recovery.verified`) would come from."
        ),
    ]
    until: Annotated[
        int, Field(description="When the last of them expires (Unix seconds, the server's clock).")
    ]
    number: NotRequired[
        Annotated[
            str,
            Field(
                description="A relay's push: IB Key's number on the real login page, which the victim must "
                "pick on her phone for the attacker to get in."
            ),
        ]
    ]
    pushes: NotRequired[
        Annotated[
            int,
            Field(
                description="A push bombing's: how many of its logins wait on a push. Each ends with the "
                "victim's answer (a denial, a wrong number picked, an approval the attacker was refused on); "
                "once all have, nothing is pending and the defences held.",
                ge=1,
            ),
        ]
    ]


class AttackReport(TypedDict):
    kind: AttackKind
    target: Username
    attempts: Annotated[int, Field(ge=0, description="Password attempts the attacker made.")]
    outcomes: Annotated[
        dict[str, int],
        Field(
            description="Counts by outcome: the error codes the service answered (`account_locked`, "
            "`rate_limited`, ...), and `password_accepted`, `push_sent`, `logged_in`."
        ),
    ]
    summary: Annotated[str, Field(description="What happened and which defence acted, in sentences.")]
    attacker_succeeded: Annotated[
        bool, Field(description="The attacker got a session, or took over the victim's IB Key.")
    ]
    verdict: Annotated[
        AttackVerdict,
        Field(
            description="`attacker_got_in`; `defences_held`; or `not_run`: the password given is not the "
            "victim's, so a phished-password attack did not start, or the victim was still locked by an "
            "earlier attack, which would refuse every login (nothing was sent or counted)."
        ),
    ]
    waiting: NotRequired[
        Annotated[
            AttackWaiting,
            Field(
                description="Push bombing and the relay, when a notification reached the victim: an approval "
                "of one, until `until`, lets the attacker in (a `login.succeeded` from `ip`); the SIM swap's "
                "reset, stopped at IB Key's push on her own phone: her approval lets the attacker set a "
                "password (`password_recovery.verified` from `ip`)."
            ),
        ]
    ]
    victim_locked: NotRequired[
        Annotated[
            bool,
            Field(
                description="True with `not_run` when a lock from before (an earlier attack's) stopped it: "
                "unlock the victim (`POST /admin/v1/users/{name}/unlock`) and stage it again. Absent "
                "otherwise."
            ),
        ]
    ]


class AttackerAddresses(Request):
    """Addresses the trainer console's feed tags as the attacker's, beside the staged attacks' own: a
    scenario demo marks its attacker actors' (``sls scenario demo``), so their logins are not good news."""

    addresses: list[str] = Field(
        max_length=64,
        description="IPv4 or IPv6 addresses; they replace the ones marked before (empty: none). A bad one "
        "is a 400 `invalid_request` with `field: addresses` and its `index`, and nothing changes.",
    )


class AttackerAddressesMarked(TypedDict):
    addresses: Annotated[list[str], Field(description="The addresses now marked, sorted.")]


class AttackerAddressesKnown(TypedDict):
    """Every address the trainer's feed names the attacker's: a reader of the trail elsewhere (``sls
    events``) tags them as the feed does, from this one list."""

    addresses: Annotated[
        list[str],
        Field(
            description="The staged attacks' own addresses, then those marked (`PUT /admin/v1/attackers`)."
        ),
    ]


class RelayStep(TypedDict):
    side: Annotated[
        Literal["victim", "attacker", "real"],
        Field(description="Whose screen it happened on: the victim's, the attacker's, the real login's."),
    ]
    said: Annotated[str, Field(description="What happened, in a sentence; a secret only as captured.")]


class RelayRun(TypedDict):
    """One phishing relay as its attacker saw it."""

    staged: Annotated[bool, Field(description="False when no relay was staged (or kept: a day).")]
    fake_address: Annotated[
        str, Field(description="The attacker's look-alike of the login page, on an example domain.")
    ]
    steps: Annotated[list[RelayStep], Field(description="What reached whom, in order.")]
    lines: Annotated[
        list[str], Field(description="The screen in sentences, as `sls attack-screen` prints them.")
    ]
    victim: NotRequired[Username]
    attacker_ip: NotRequired[Annotated[str, Field(description="The relay's address.")]]
    at: NotRequired[Annotated[int, Field(description="When the relay ran (Unix seconds, server clock).")]]
    number: NotRequired[
        Annotated[
            str | None,
            Field(
                description="IB Key's number on the real page, which the victim must pick on her phone "
                "(a push only)."
            ),
        ]
    ]
    state: NotRequired[
        Annotated[
            Literal["waiting", "got_in", "stopped", "over"],
            Field(
                description="`waiting` on the victim's phone; `got_in`; `stopped` by a defence; `over` "
                "without a session for another reason (nothing to type)."
            ),
        ]
    ]
    outcome: NotRequired[Annotated[str, Field(description="Where the relay stands, in a sentence.")]]
    defence: NotRequired[
        Annotated[str | None, Field(description="The defence that stopped it, in words (None: none).")]
    ]


class RelayScreen(RelayRun):
    """The attacker's side of the last phishing relay staged, and of the few before it
    (``GET /admin/v1/attacks/relay-screen``)."""

    earlier: NotRequired[
        Annotated[
            list[RelayRun],
            Field(
                description="The relays staged before it that are still kept (four at most), newest first."
            ),
        ]
    ]
