"""The settings a running server took (``GET /admin/v1/settings``)."""

from typing import Annotated

from pydantic import Field
from typing_extensions import TypedDict

#: A setting's value as JSON: a number, a word, true or false, a list (CIDRs, host names), or null (unset).
SettingValue = int | float | str | bool | list[str] | None


class ServerSettings(TypedDict):
    """What a client that did not start the server needs to know of it: a scenario counting wrong passwords
    up to the lockout, a test crossing the idle timeout."""

    settings: Annotated[
        dict[str, SettingValue],
        Field(
            description="Every `SLS_*` setting but the secrets, at the value this server runs with (its "
            "environment's, else the default; `null`: unset), named as `sls config` lists them. The Redis "
            "URL's password is masked. As the server started: the gateway's daily reset changed at run time "
            "is read at `GET /admin/v1/gateway/daily-reset`, the clock at `GET /admin/v1/clock`.",
            examples=[{"SLS_LOCKOUT_THRESHOLD": 5, "SLS_IDLE_TIMEOUT": 900, "SLS_GATEWAY": False}],
        ),
    ]
    secrets_set: Annotated[
        list[str],
        Field(
            description="The secret settings that are set (`SLS_ADMIN_TOKEN`, `SLS_SECRET_KEY`, "
            "`SLS_SIM_TOKEN`, `SLS_METRICS_TOKEN`), named only: their values are never shown.",
            examples=[["SLS_ADMIN_TOKEN", "SLS_SECRET_KEY"]],
        ),
    ]
