"""A push bombing as the server keeps it (``sim.push_bombing_state``): how many of its pushes the victim has
answered, and the verdict, which the trainer console and ``sls attack push-bombing`` both read
(``GET /admin/v1/attacks/push-bombing``), so a reload of the console or a CLI following the attack says the
same."""

from typing import Annotated, Literal, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from .attacks import AttackKind, AttackReport
from .common import Query, Username, UsernameInput

BombingVerdict = Literal["pending", "attacker_got_in", "defences_held", "not_run"]
"""``pending`` while a push still waits on the victim's phone; then who won, as a report's ``verdict``."""


class PushBombingQuery(Query):
    username: UsernameInput | None = Field(
        None,
        description="The victim whose last push bombing to read (case-insensitive); none: the last one "
        "staged on anyone.",
    )


class PushAnswers(TypedDict):
    """The victim's answers to the bombing's pushes, by how each ended its login."""

    denied: Annotated[int, Field(ge=0, description="Denied on her phone.")]
    wrong_number: Annotated[int, Field(ge=0, description="A wrong number picked: number matching ended it.")]
    refused: Annotated[
        int, Field(ge=0, description="Approved, and the attacker's page refused (`attack.wait_refused`).")
    ]
    got_in: Annotated[int, Field(ge=0, description="Approved with the right number: the attacker got in.")]


class PushBombingState(TypedDict):
    """The last push bombing staged (on `username`, or on anyone), as it stands now."""

    staged: Annotated[bool, Field(description="False when none was staged (or kept: a day).")]
    said: Annotated[str, Field(description="Where it stands, in a sentence.")]
    target: NotRequired[Username]
    ip: NotRequired[Annotated[str, Field(description="The attacker's address.")]]
    at: NotRequired[Annotated[int, Field(description="When it was staged (Unix seconds, server clock).")]]
    pushes: NotRequired[Annotated[int, Field(ge=0, description="Notifications it sent to the victim.")]]
    answered: NotRequired[Annotated[int, Field(ge=0, description="Of them, those the victim answered.")]]
    answers: NotRequired[PushAnswers]
    expired: NotRequired[Annotated[int, Field(ge=0, description="Of them, those that expired unanswered.")]]
    waiting: NotRequired[
        Annotated[int, Field(ge=0, description="Of them, those still waiting on her phone (unanswered).")]
    ]
    until: NotRequired[
        Annotated[int, Field(description="When the last push still waiting expires (Unix seconds).")]
    ]
    verdict: NotRequired[
        Annotated[
            BombingVerdict,
            Field(
                description="`pending` while a push waits; `attacker_got_in` once she approved one with its "
                "number (or the report's own); else `defences_held`, once every push was answered or "
                "expired; `not_run` when the attack did not start."
            ),
        ]
    ]
    report: NotRequired[
        Annotated[AttackReport, Field(description="The attack's report as it was made, when it was staged.")]
    ]


class LastAttackState(TypedDict):
    """The last attack staged, whatever its kind, as the trainer console draws it again after a reload."""

    staged: Annotated[bool, Field(description="False when none was staged (or kept: a day).")]
    kind: NotRequired[AttackKind]
    target: NotRequired[Username]
    at: NotRequired[Annotated[int, Field(description="When it was staged (Unix seconds, server clock).")]]
    report: NotRequired[
        Annotated[AttackReport, Field(description="Its report as it was made, when it was staged.")]
    ]
    push_bombing: NotRequired[
        Annotated[
            PushBombingState,
            Field(
                description="A push bombing's count of her answers and verdict as they stand now "
                "(`GET /admin/v1/attacks/push-bombing`'s, without its report)."
            ),
        ]
    ]
