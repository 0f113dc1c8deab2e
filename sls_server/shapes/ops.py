"""The operator's routes: liveness and readiness."""

from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import TypedDict


class Status(TypedDict):
    status: Literal["ok", "ready"]
    instance_id: Annotated[
        str,
        Field(
            description=(
                "This run of the server: 32 hex digits made at its start, the same in each of its workers, "
                "another at the next start. The data folder's records (demo.json, serve.json, gateway.json) "
                "name it, so a command tells the server that wrote one from another answering at its URL "
                "since. Not a secret: it opens nothing."
            )
        ),
    ]
