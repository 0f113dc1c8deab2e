"""The emulated world's control: its clock, and the reset that wipes it."""

from typing import Annotated, Any, Literal

from pydantic import Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from typing_extensions import TypedDict

from ..errors import InvalidRequest
from .clock_range import CLOCK_MAX as CLOCK_MAX  # the range, with the shapes that declare it
from .clock_range import CLOCK_MIN as CLOCK_MIN
from .clock_range import CLOCK_RANGE as CLOCK_RANGE
from .common import JsonTrue, Refusal, Request, UnixTime

#: The most one move may advance (or take back) the clock: ten years.
MAX_CLOCK_S = 10 * 365 * 86400
_MOVES = ("advance_s", "set_at")


class Clock(TypedDict):
    now: Annotated[UnixTime, Field(description="The server's now.")]
    offset_s: Annotated[
        int, Field(description="Seconds the clock runs ahead of system time (negative: behind).")
    ]
    frozen: Annotated[
        bool,
        Field(
            description="The clock stands still until moved (`now` changes only with `advance_s` or "
            "`set_at`), so scripted runs see the same instants every time; a reset thaws it."
        ),
    ]


class ClockMove(Request):
    """One of `advance_s` (move by seconds, negative goes back) or `set_at`, or `freeze`, or `freeze` with one
    of them (the clock is frozen or thawed first, then moved), or `reset` alone (back to real time, running).
    The clock stays within 2000-01-01T00:00:00Z .. 2100-01-01T00:00:00Z: a move that would leave that range
    is a 400 `invalid_request` naming the field, and the clock is unchanged; a running clock that reaches
    2100-01-01 stands there until moved or reset."""

    advance_s: int | None = Field(
        None,
        ge=-MAX_CLOCK_S,
        le=MAX_CLOCK_S,
        description="Seconds to move the clock by; the clock must end up within the range.",
    )
    set_at: Annotated[int | None, Refusal(f"is {CLOCK_RANGE}")] = Field(
        None,
        ge=CLOCK_MIN,
        le=CLOCK_MAX,
        description="The instant to set the clock to, in Unix seconds (2000-01-01 .. 2100-01-01).",
    )
    freeze: bool | None = Field(
        None,
        description="`true`: the clock stops where it stands and moves only with `advance_s`/`set_at`; "
        "`false`: it runs on from where it stands.",
    )
    reset: Annotated[JsonTrue | None, Refusal("must be true (or left out)")] = Field(
        None,
        description="`true`: back to real time (offset 0, running), from any state and in one step, however "
        "far the clock is from real time; given alone.",
    )

    @model_validator(mode="before")
    @classmethod
    def _one_move(cls, data: Any) -> Any:
        """Checked first, so ``{"advance_s": 1, "set_at": 5}`` is refused for giving both, not for 5. A null
        counts as absent; ``freeze`` alone is a change too."""
        if isinstance(data, dict) and not set(data) - set(cls.model_fields):
            # (A key of no field is left to the model's own refusal, which names it: {"offset_s": 5} was
            # told to give advance_s or set_at, naming advance_s.)
            moves = sum(data.get(name) is not None for name in _MOVES)
            if data.get("reset") is not None:
                if moves or data.get("freeze") is not None:
                    raise InvalidRequest(
                        "reset is given alone: not with advance_s, set_at or freeze", field="reset"
                    )
                return data
            if moves > 1 or (moves == 0 and data.get("freeze") is None):
                raise InvalidRequest(
                    "give exactly one of advance_s or set_at (with or without freeze), or freeze alone, "
                    "or reset alone",
                    field="advance_s",
                )
        return data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """One alternative per move, each with its field alone (and an optional ``freeze``), ``freeze`` alone
        and ``reset`` alone, so the document says what the validator above does; as there, a null counts as
        absent, so each alternative lets the fields it does not require be null (the others only null)."""
        generated = handler.resolve_ref_schema(handler(schema))
        properties = generated["properties"]
        names = list(properties)

        def field(name: str) -> dict[str, Any]:
            given = next(s for s in properties[name]["anyOf"] if s.get("type") != "null")
            return {**given, "description": properties[name]["description"]}

        def alternative(required: str, optional: tuple[str, ...]) -> dict[str, Any]:
            nullable = {name: {"anyOf": [field(name), {"type": "null"}]} for name in optional}
            absent = {name: {"type": "null"} for name in names if name not in (required, *optional)}
            return {
                "type": "object",
                "properties": {required: field(required), **nullable, **absent},
                "required": [required],
                "additionalProperties": False,
            }

        alternatives = [alternative(name, ("freeze",)) for name in _MOVES]
        alternatives += [alternative(name, ()) for name in ("freeze", "reset")]
        for key in ("properties", "required", "additionalProperties", "type"):
            generated.pop(key, None)
        generated["oneOf"] = alternatives
        return generated


class ResetDone(TypedDict):
    """Users, devices, sessions, transactions and events are gone."""

    reset: Literal[True]
    keys_deleted: Annotated[int, Field(ge=0)]
