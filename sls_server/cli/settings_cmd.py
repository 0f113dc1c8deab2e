"""``sls settings``: the settings a running server took (``GET /admin/v1/settings``), where ``sls config``
shows what this shell's environment would give a server started here."""

from __future__ import annotations

import click

from .admin_commands import admin_options, call
from .output import fields_table, print_json, print_renderable


@click.command("settings")
@admin_options
def settings(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """The settings the server runs with (GET /admin/v1/settings): every SLS_* value it took.

    Asks the server, so it is the truth for a server started elsewhere (another shell, a container, CI),
    where `sls config` shows this shell's environment. Secrets (SLS_ADMIN_TOKEN, SLS_SECRET_KEY,
    SLS_SIM_TOKEN, SLS_METRICS_TOKEN) are only said to be set; a Redis URL's password is masked.

    \b
    Examples:
      sls settings
      sls settings --json | jq .settings.SLS_LOCKOUT_THRESHOLD
    """
    read = call(url, admin_token, "GET", "/admin/v1/settings")
    if as_json:
        print_json(read)
        return
    from ..settings_view import readable  # here: `sls --help` imports no settings code

    print_renderable(fields_table("settings of the server", readable(read)))
