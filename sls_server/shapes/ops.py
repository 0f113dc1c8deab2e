"""The operator's routes: liveness and readiness."""

from typing import Literal

from typing_extensions import TypedDict


class Status(TypedDict):
    status: Literal["ok", "ready"]
