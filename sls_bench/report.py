"""The benchmark's report for people: rich tables (the JSON form is the report itself)."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .flow import STEPS


def _steps(report: dict[str, Any]) -> Table:
    table = Table(title="latency per step (ms)", title_justify="left", header_style="bold")
    table.add_column("step")
    targets = [("sls serve", report["app"])]
    if report.get("baseline"):
        targets.append(("baseline", report["baseline"]))
    for name, _ in targets:
        for p in ("p50", "p95", "p99"):
            table.add_column(f"{name} {p}", justify="right")
    for step in (*STEPS, "flow"):
        cells = [
            f"{result['steps'][step][f'{p}_ms']:.1f}" for _, result in targets for p in ("p50", "p95", "p99")
        ]
        table.add_row(step, *cells)
    return table


def _cpu_line(report: dict[str, Any]) -> list[Text]:
    """Each target's CPU per flow (its server's processes and Redis): on shared cores, the share's bound."""
    spent = {}
    for name in ("app", "baseline"):
        server = report[name]["server_cpu_ms_per_flow"]
        if server is None:
            return []
        spent[name] = server + report[name]["redis"]["cpu_ms_per_flow"]
    lines = [
        Text(
            f"CPU per flow, server and Redis: sls serve {spent['app']:.2f} ms, baseline "
            f"{spent['baseline']:.2f} ms; their inverse ratio, the share were CPU the only bound: "
            f"{spent['baseline'] / spent['app']:.2f}"
        )
    ]
    for name, shown in (("app", "sls serve"), ("baseline", "baseline")):
        parts = report[name]["server_cpu"]
        lines.append(
            Text(
                f"{shown}'s server per flow: {parts['user_ms_per_flow']:.2f} ms user, "
                f"{parts['system_ms_per_flow']:.2f} ms system; context switches "
                f"{parts['voluntary_switches_per_flow']:.1f} voluntary (a thread waiting: on Redis, the "
                f"GIL, a client), {parts['involuntary_switches_per_flow']:.1f} involuntary"
            )
        )
    return lines


def _ms(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.2f}"


def _throughput(report: dict[str, Any]) -> Table:
    table = Table(title="throughput", title_justify="left", header_style="bold")
    for column in (
        "target",
        "flows",
        "seconds",
        "flows/s",
        "errors",
        "Redis round trips/flow",
        "commands/flow",
        "server CPU ms/flow",
        "Redis CPU ms/flow",
    ):
        table.add_column(column, justify="left" if column == "target" else "right")
    for name in ("app", "baseline"):
        result = report.get(name)
        if result:
            table.add_row(
                "sls serve" if name == "app" else "baseline",
                str(result["flows"]),
                f"{result['seconds']:.1f}",
                f"{result['flows_per_s']:.1f}",
                str(result["errors"]),
                f"{result['redis']['round_trips_per_flow']:.2f}",
                f"{result['redis']['commands_per_flow']:.1f}",
                _ms(result["server_cpu_ms_per_flow"]),
                _ms(result["redis"]["cpu_ms_per_flow"]),
            )
    return table


def _targets(report: dict[str, Any]) -> Table:
    table = Table(title="issue 13's targets", title_justify="left", header_style="bold")
    for column in ("what", "target", "measured", "met"):
        table.add_column(column)
    for row in report["targets"]:
        met = Text("yes", style="green") if row["met"] else Text("no", style="red")
        table.add_row(row["what"], row["target"], f"{row['measured']:.3f}", met)
    return table


def render(report: dict[str, Any]) -> RenderableType:
    options, machine = report["options"], report["machine"]
    hashing = report["hashing"]
    lines = [
        Text(
            f"{options['workers']} workers x {options['threads']} threads; {options['clients']} clients in "
            f"{options['processes']} processes for {options['duration_s']:g} s in "
            f"{options.get('rounds', 1)} alternating rounds; hash profile "
            f"{options['hash_profile']}; {machine['cpus']} CPUs, load average at start "
            + " ".join(f"{x:.2f}" for x in machine["load_avg"])
        ),
        Text(f"start-up (sls serve, embedded Redis, to /readyz): {report['startup_s']:.2f} s"),
        Text(
            f"hashing bound: {hashing['hashes_per_s']:.1f} hashes/s on {hashing['processes']} processes; "
            f"sls serve's flows/s is {report['app']['flows_per_s'] / hashing['hashes_per_s']:.1%} of it"
        ),
    ]
    bound_by_round = hashing.get("hashes_per_s_by_round") or []
    if options["hash_profile"] != "test" and len(bound_by_round) > 1:
        flows_by_round = report["app"]["flows_per_s_by_round"]
        shares = [flows / bound for flows, bound in zip(flows_by_round, bound_by_round, strict=True)]
        lines.append(Text("the same, round by round: " + " ".join(f"{x:.2f}" for x in shares)))
    if report.get("baseline") and report["baseline"]["flows_per_s"]:
        ratio = report["app"]["flows_per_s"] / report["baseline"]["flows_per_s"]
        lines.append(Text(f"sls serve / baseline flows/s: {ratio:.2f}"))
        by_round = report.get("share_by_round") or []
        if len(by_round) > 1:
            ordered = sorted(by_round)
            lines.append(
                Text(
                    "the same, round by round: " + " ".join(f"{x:.2f}" for x in by_round) + f" (from "
                    f"{ordered[0]:.2f} to {ordered[-1]:.2f}: a change smaller than that spread is not seen "
                    "in one run)"
                )
            )
        lines.extend(_cpu_line(report))
    if "memory" in report:
        memory = report["memory"]
        lines.append(
            Text(
                f"Redis per user with one card: {memory['bytes_per_user']:.0f} bytes (MEMORY USAGE of "
                f"{memory['sampled_users']} random users' keys of {memory['users']:,} seeded in "
                f"{memory['seed_seconds']:.1f} s, plus the index's share); used_memory grew "
                f"{memory['used_memory_delta_per_user']:.0f} bytes per user"
            )
        )
    for name in ("app", "baseline"):
        for sample in (report.get(name) or {}).get("error_samples", []):
            lines.append(Text(f"{name} error: {sample}", style="red"))
    return Group(*lines, _throughput(report), _steps(report), _targets(report))
