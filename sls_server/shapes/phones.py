"""The simulated phones (``/sim/v1/phones``): a handset's texts and voice callbacks, and the network's
conditions for a number."""

from typing import Annotated

from pydantic import ConfigDict, Field
from typing_extensions import TypedDict

from .common import Handset, Request, UnixTime
from .stepup import PURPOSES as STEPUP_PURPOSES

#: The longest a carrier may hold back a text, in seconds of the server's clock.
MAX_DELAY_S = 3600
ROAMING_LOSS_MAX = 10  # the sparsest loss roaming_loses_every names: one text in ten

_Seq = Annotated[
    int | None,
    Field(
        description="Its place among the texts and calls sent to this handset, from 1: it orders two sent in "
        "the same second. Null on one kept from before the count began."
    ),
]
_STEPUPS = ", ".join(f"`{p}`" for p in STEPUP_PURPOSES)
#: Every value a text's ``purpose`` takes, named so a script knows which to pick: an IB Key's activation
#: code is followed at once by the "new IB Key added" notice, so the newest text is not the code.
TEXT_PURPOSES = (
    f"Why it was sent: `login`; a step-up's purpose ({_STEPUPS}); `ibkey_activation` (an IB Key's "
    "activation code); `phone_change` (the code a new number gets before it is the account's); "
    "`password_recovery` (*Forgot your password?*); `notice` (no code: what changed on the account, or "
    "a suspicious sign-in). Null when none was recorded."
)
_Code = Annotated[
    str | None, Field(description="The code parsed out of the text, for scripts; null when it carries none.")
]

PhoneMessage = TypedDict(
    "PhoneMessage",
    {
        "id": Annotated[str, Field(description="The text's id.")],
        "at": Annotated[
            UnixTime, Field(description="When it arrived (a delayed text is listed from then on).")
        ],
        "sent_at": Annotated[UnixTime, Field(description="When it was sent.")],
        "from": Annotated[str, Field(description="The sender id.", examples=["IBKR"])],
        "to": Annotated[str, Field(description="The number it was sent to (another one after a SIM swap).")],
        "text": Annotated[str, Field(description="What the phone shows.")],
        "code": _Code,
        "purpose": Annotated[str | None, Field(description=TEXT_PURPOSES)],
        "seq": _Seq,
    },
)
PhoneMessage.__doc__ = "A text on the handset."

PhoneCall = TypedDict(
    "PhoneCall",
    {
        "id": Annotated[str, Field(description="The call's id.")],
        "at": Annotated[UnixTime, Field(description="When the call came in.")],
        "from": Annotated[str, Field(description="The caller id.", examples=["IBKR"])],
        "to": Annotated[str, Field(description="The number that was called.")],
        "transcript": Annotated[
            str, Field(description="What the voice says: the code digit by digit, twice.")
        ],
        "code": _Code,
        "purpose": Annotated[
            str | None,
            Field(
                description=f"Why the call was placed: `login`, or a step-up's purpose ({_STEPUPS}). "
                "Null when none was recorded."
            ),
        ],
        "seq": _Seq,
        "audio_url": Annotated[
            str | None,
            Field(description="The call as a WAV file, where the server can speak (espeak-ng); else null."),
        ],
    },
)
PhoneCall.__doc__ = "A voice callback the handset received."


class TextInTransit(TypedDict):
    """A text sent but not yet arrived (the carrier's ``delivery_delay_s``). Never its content: only that it
    exists and whether it carries a code, so a script can tell the newest code listed is not the newest
    sent."""

    id: Annotated[str, Field(description="The text's id, as it will have in `messages` once arrived.")]
    sent_at: Annotated[UnixTime, Field(description="When it was sent.")]
    at: Annotated[UnixTime, Field(description="When it arrives, by the server's clock.")]
    arrives_in_s: Annotated[
        int, Field(ge=1, description="Seconds of the server's clock until then (`sls clock --advance`).")
    ]
    purpose: Annotated[str | None, Field(description=TEXT_PURPOSES)]
    has_code: Annotated[bool, Field(description="Whether it carries a code.")]
    seq: _Seq


class PhoneMessages(TypedDict):
    number: Handset
    messages: Annotated[list[PhoneMessage], Field(description="Newest first.")]
    in_transit: Annotated[
        list[TextInTransit], Field(description="Texts still on their way, the first to arrive first.")
    ]


class PhoneCalls(TypedDict):
    number: Handset
    calls: Annotated[list[PhoneCall], Field(description="Newest first.")]


class PhoneConditionsUpdate(Request):
    """The whole set (PUT replaces): an absent field is the normal network (false, 0, null)."""

    # The core's rule (``sim.phones.PhoneService.set_conditions``), declared for a client validating its
    # body: a loss rule needs roaming.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {
                "required": ["roaming_loses_every"],
                "properties": {"roaming_loses_every": {"not": {"const": 0}}},
            },
            "then": {"required": ["roaming"], "properties": {"roaming": {"const": True}}},
        }
    )

    carrier_blocks_sms: bool = Field(
        False, description="Texts to this number are dropped; voice callbacks ring."
    )
    roaming: bool = Field(
        False,
        description="The phone is abroad, without data: IB Key logins ask for challenge/response instead of "
        "a push. Texts arrive, unless `roaming_loses_every` loses some.",
    )
    delivery_delay_s: int = Field(
        0, ge=0, le=MAX_DELAY_S, description="Texts arrive this many seconds late, by the server's clock."
    )
    sim_swapped_to: Handset | None = Field(
        None, description="The handset that now holds this number's SIM; texts and calls reach it instead."
    )
    needs_restart: bool = Field(
        False,
        description="The phone stopped taking texts until it is restarted (`POST .../restart`): texts sent "
        "meanwhile are lost, voice callbacks still ring.",
    )
    roaming_loses_every: int = Field(
        0,
        ge=0,
        le=ROAMING_LOSS_MAX,
        description="While roaming, every Nth text is lost (1: all, 2: the second, fourth...; 0: none), "
        "counted from when the conditions were set. Needs `roaming`.",
        examples=[2],
    )
    approves_pushes: bool = Field(
        False,
        description="A test hook: the IB Key app on this smartphone approves each push by itself as it "
        "arrives (any login's, an attacker's too), signed by the app and checked by the server as a "
        "person's approval is; the trail's `push.approved` says `by_itself`. For unattended scripts and "
        "push-fatigue lessons. Texts and calls are not affected.",
    )


class PhoneConditions(TypedDict):
    """The conditions in force for a number."""

    number: Handset
    carrier_blocks_sms: bool
    roaming: bool
    delivery_delay_s: Annotated[int, Field(ge=0, le=MAX_DELAY_S)]
    sim_swapped_to: Handset | None
    needs_restart: bool
    roaming_loses_every: Annotated[int, Field(ge=0, le=ROAMING_LOSS_MAX)]
    approves_pushes: Annotated[bool, Field(description="The phone's IB Key approves each push by itself.")]
