"""``sls metrics``: what a running server's ``/metrics`` says, read by a person rather than by Prometheus.

The scrape is parsed with prometheus-client's own parser (the library that wrote it), so a sample reads the
same here as in Prometheus. Histogram buckets and ``_created`` timestamps are left out of the table (a
person wants the count and the sum); ``--json`` keeps every sample.
"""

from __future__ import annotations

from typing import Any

import click

from .admin_commands import admin_options, connect, token_option
from .output import CliError, note, print_json, print_renderable, table
from .server_errors import server_errors

#: Samples a person reading the table does not need: per-bucket counts and creation times.
HIDDEN_SUFFIXES = ("_bucket", "_created")


def samples(text: str) -> list[dict[str, Any]]:
    """Every sample of the scrape: its metric's name, the sample's name, labels and value.

    prometheus-client is imported here, not at the top: importing any part of it picks its storage mode
    from ``PROMETHEUS_MULTIPROC_DIR``, which ``sls serve`` sets only later, before the fork
    (``telemetry.multiproc``); imported with the CLI, every worker would count in memory that no scrape
    reads."""
    from prometheus_client.parser import text_string_to_metric_families

    try:
        families = list(text_string_to_metric_families(text))
    except ValueError as exc:  # not Prometheus text: a proxy's page, an older server
        raise CliError(f"the server's /metrics is not Prometheus text ({exc})") from None
    return [
        {"metric": family.name, "name": s.name, "labels": dict(s.labels), "value": s.value}
        for family in families
        for s in family.samples
    ]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


@click.command("metrics")
@click.option(
    "--name",
    "names",
    metavar="TEXT",
    multiple=True,
    help="Only metrics whose name contains TEXT; repeated, any of them: --name login --name lockouts.",
)
@token_option(
    "--metrics-token",
    "SLS_METRICS_TOKEN",
    "Bearer token of /metrics, when the server sets SLS_METRICS_TOKEN.",
)
@admin_options
def metrics(
    names: tuple[str, ...], metrics_token: str | None, url: str | None, admin_token: str | None, as_json: bool
) -> None:
    """The server's counters and latencies (GET /metrics), summed over its workers.

    Login attempts by result and factor, lockouts, texts, calls and pushes sent, active sessions, audit
    events by type, Redis errors, requests and their durations per route. --json: every sample, histogram
    buckets included, as a list of {metric, name, labels, value}.

    \b
    Examples:
      sls metrics                       # the emulator's counters as a table
      sls metrics --name login          # sls_login_attempts_total by result and factor
      sls metrics --json | jq '.[] | select(.metric == "sls_lockouts")'
      SLS_METRICS_TOKEN=... sls metrics  # a server that sets SLS_METRICS_TOKEN
    """
    client = connect(url, None)
    client.token = metrics_token  # the only credential /metrics reads; never the admin token
    with server_errors():
        text = client.fetch("GET", "/metrics", headers={"Accept": "text/plain"}).decode()
    # any of the names, in the metric's name or in the sample's as the table shows it (sls_events_total)
    chosen = [s for s in samples(text) if not names or any(n in s["metric"] or n in s["name"] for n in names)]
    if as_json:
        print_json(chosen)
        return
    rows = [
        [s["name"], ", ".join(f"{k}={v}" for k, v in sorted(s["labels"].items())), _number(s["value"])]
        for s in chosen
        if not s["name"].endswith(HIDDEN_SUFFIXES)
    ]
    if not rows:  # a counter shows only once something was counted: say so rather than draw an empty table
        wanted = " or ".join(repr(n) for n in names)
        note(f"nothing counted yet{' with ' + wanted + ' in its name' if names else ''} on {client.url}")
        return
    print_renderable(table(f"metrics of {client.url}", ["sample", "labels", "value"], rows, wrap=["labels"]))
