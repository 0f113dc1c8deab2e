"""Field types every feature shares, the base of request bodies, and :class:`Refusal`, the sentence a 400
says when a value breaks its field's constraints.

The patterns restate what the core enforces (``accounts.user_fields``, ``accounts.allowlists``,
``devices``); this package may not import them, so ``tests/unit/test_shapes.py`` compares each with its
original.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, JsonValue
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError


@dataclass(frozen=True)
class Refusal:
    """What a 400 ``invalid_request`` says, after the field's name, when the value has the right type but
    breaks the field's pattern, length or range ("challenge must be exactly 6 digits, ..."). Without one,
    the HTTP layer words pydantic's error itself."""

    says: str


class Request(BaseModel):
    """A request body. Strict JSON types, as the contract has always had them: ``"900"`` is no integer and
    ``1`` no boolean (``900.0`` is one, as JSON Schema has it: ``http.body_json.whole_numbers``). Unknown
    keys are refused (400 naming the key): a misspelt optional field would otherwise be silently ignored,
    and a client would believe it was obeyed."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Query(BaseModel):
    """Query parameters: text by nature, so numbers are parsed from it; parameters nobody reads are ignored
    (a cache-buster must not break a poller); one the model has, given twice, is refused
    (``http.validation.query``)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


def by_state(fields: Mapping[str, Sequence[str]]) -> ConfigDict:
    """An answer's config (``@with_config``) saying which of its optional fields each ``state`` always
    carries: the schema requires them for that state, as one ``if``/``then``/``else`` chain at the top (as
    ``StepUpRequest`` has its rule), which code generators skip and validators keep; not a ``oneOf``, which
    they read as a union of objects, nor an ``allOf`` of parts with no type. One shape per route keeps its
    component; a client validating by the document relies on a step-up's rotated ``session`` without a
    check, and a server that left it out fails the contract tests."""
    rule: dict[str, JsonValue] = {}
    for state, names in reversed(list(fields.items())):
        rule = {
            "if": {"properties": {"state": {"const": state}}},
            "then": {"required": list(names)},
            **({"else": rule} if rule else {}),
        }
    return ConfigDict(json_schema_extra=rule)


def refusal(model: type[BaseModel], name: str) -> str | None:
    """The :class:`Refusal` declared on ``model``'s field ``name`` (also inside ``X | None``), if any."""
    field = model.model_fields.get(name)
    if field is None:
        return None
    found = _find(field.metadata) or _find(get_args(field.annotation))
    return found.says if found else None


def _find(items: Any) -> Refusal | None:
    for item in items:
        if isinstance(item, Refusal):
            return item
        found = _find(item.metadata if isinstance(item, FieldInfo) else get_args(item))
        if found:
            return found
    return None


# --- patterns the core enforces too (see the module's docstring) -----------------------------------------

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,63}$"
#: A username as a client types it: any case (the core lower-cases it, then holds it to USERNAME_PATTERN).
USERNAME_INPUT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$"
PHONE_PATTERN = r"^\+[1-9][0-9]{6,14}$"
ACCOUNT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
HANDSET_PATTERN = r"^(?:\+[1-9][0-9]{6,14}|[A-Za-z0-9_.+-]*[A-Za-z][A-Za-z0-9_.+-]*)$"

# --- shared field types ----------------------------------------------------------------------------------


def _exactly_true(value: Any) -> Any:
    """``true`` itself, before pydantic's own check of ``Literal[True]``: that looks the value up by Python's
    equality, where ``1 == 1.0 == True``, so it took ``1`` and ``1.0`` even in strict mode."""
    if value is not True:
        raise PydanticCustomError("literal_error", "Input should be True", {"expected": "True"})
    return value


UnixTime = Annotated[
    int, Field(ge=0, description="Unix seconds of the server's clock (which /admin/v1/clock can move).")
]
#: A request's field that may only be JSON ``true`` (a flag such as ``reset``): never a number. Its schema is
#: ``Literal[True]``'s (``const: true``). A bare ``Literal[False]`` takes ``0`` alike; no request has one.
JsonTrue = Annotated[Literal[True], BeforeValidator(_exactly_true)]
Seconds = Annotated[int, Field(ge=0, description="A duration in seconds.")]
SessionsEndedCount = Annotated[
    int,
    Field(
        ge=0,
        description="A count, not a list of ids: how many live sessions of the user were ended. (The "
        "user's own password change answers `sessions_ended` as the ended sessions' ids.)",
    ),
]
"""``sessions_ended`` where an admin's or a recovery's change answers it (the user's own change gives ids)."""
FactorType = Literal["dscplus", "ibkey", "sms", "voice", "totp", "temporary"]
"""Every authenticator type this server has (``factors``); a device's type is one of them too."""
Username = Annotated[
    str,
    Field(
        pattern=USERNAME_PATTERN, description="Canonical: lower case, 3-64 letters, digits, `.`, `_`, `-`."
    ),
]
UsernameInput = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        description="Case-insensitive: 3-64 letters, digits, `.`, `_` or `-`, starting with a letter or "
        "digit.",
        # The form, declared for a client validating against the document; judged by the core (or by
        # NewUsername's check) on the lower-cased text, so a 400 words it, not pydantic's regex.
        json_schema_extra={"pattern": USERNAME_INPUT_PATTERN},
    ),
]
USERNAME_FORM = "must be 3-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit"
_USERNAME = re.compile(USERNAME_PATTERN)


def _username_form(value: str) -> str:
    """The form a new username must have (``accounts.user_fields.canonical_username``'s, on the same
    lower-case text), judged with the shape so that a 400 lists it beside the body's other refusals; the
    value is kept as typed, the core canonicalises it."""
    if not _USERNAME.fullmatch(value.strip().lower()):
        raise PydanticCustomError("refused", USERNAME_FORM)
    return value


#: A username being created: its form is judged with the shape.
NewUsername = Annotated[UsernameInput, AfterValidator(_username_form)]
DeviceId = Annotated[str, Field(description="A device's id, like `dscplus-1a2b3c4d5e6f`.")]
DeviceRef = Annotated[str, Field(min_length=1, max_length=64, description="A device's id.")]
Phone = Annotated[
    str,
    Field(pattern=PHONE_PATTERN, max_length=20, description="E.164, like `+15551234567`."),
    Refusal("must be in E.164 form, like +15551234567"),
]
Handset = Annotated[
    str,
    Field(pattern=HANDSET_PATTERN, max_length=32, description="An E.164 number or a handset name."),
    Refusal(
        "must be an E.164 number like +15551234567, or a handset name of 1-32 letters, digits, '_', '.', "
        "'+' or '-' with at least one letter"
    ),
]
Password = Annotated[str, Field(min_length=1, max_length=1024, json_schema_extra={"format": "password"})]
LABEL_MAX = 64
#: Text for people, read on pages and in a terminal: no control character (C0, DEL, C1), which could move a
#: terminal's cursor or colour what follows (``\x1b[31m``) or cut the text short (NUL), and no bidirectional
#: override or isolate (U+202A-U+202E, U+2066-U+2069), which shows the text around it reversed ("Trojan
#: Source", CVE-2021-42574), nor the other invisible direction marks (U+200E, U+200F, U+061C), line and
#: paragraph separators (U+2028, U+2029), zero-width space (U+200B) or byte-order mark (U+FEFF), each of which
#: hides in a name or breaks it across lines. ``[^...]`` of code points: the same in pydantic's Rust regex and
#: Python's ``re``.
PRINTABLE_PATTERN = (
    r"^[^\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]*$"
)
Label = Annotated[
    str,
    Field(
        max_length=LABEL_MAX,
        pattern=PRINTABLE_PATTERN,
        description="A name for people, like `dscplus 5-1234-56789`: at most 64 characters, no control "
        "characters or bidirectional overrides.",
    ),
    Refusal("must be at most 64 characters, without control characters or bidirectional overrides"),
]
SixDigits = Annotated[
    str,
    Field(pattern=r"^[0-9]{6}$", max_length=16, description="The 6 digits the login page shows."),
    Refusal("must be exactly 6 digits, as shown on the login page"),
]
EightDigits = Annotated[
    str, Field(pattern=r"^[0-9]{8}$", description="What the authenticator's display shows.")
]
Masked = Annotated[str, Field(description="A masked phone number, like `+1•••••••4567`.")]
