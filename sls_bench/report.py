"""The benchmark's report for people: rich tables (the JSON form is the report itself)."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Iterable
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .flow import STEPS


def _targets_driven(report: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """The servers the run drove, in the order of their turns: (key, name shown, result)."""
    names = {"app": "sls serve", "against": f"sls serve @ {report['options'].get('against')}"}
    return [
        (key, names.get(key, key), report[key]) for key in ("app", "against", "baseline") if report.get(key)
    ]


def _steps(report: dict[str, Any]) -> Table:
    table = Table(title="latency per step (ms)", title_justify="left", header_style="bold")
    table.add_column("step")
    targets = _targets_driven(report)
    for _, name, _ in targets:
        for p in ("p50", "p95", "p99"):
            table.add_column(f"{name} {p}", justify="right")
    for step in (*STEPS, "flow"):
        cells = [
            f"{result['steps'][step][f'{p}_ms']:.1f}"
            for _, _, result in targets
            for p in ("p50", "p95", "p99")
        ]
        table.add_row(step, *cells)
    return table


def _spent(result: dict[str, Any]) -> float | None:
    """A target's CPU per flow, its server's processes and Redis: on shared cores, what bounds its flows/s."""
    server = result["server_cpu_ms_per_flow"]
    return None if server is None else server + result["redis"]["cpu_ms_per_flow"]


def _cpu_line(report: dict[str, Any]) -> list[Text]:
    """Each target's CPU per flow (its server's processes and Redis): on shared cores, the share's bound."""
    lines = []
    mine, theirs = _spent(report["app"]), _spent(report["baseline"]) if report.get("baseline") else None
    if mine is not None and theirs is not None:
        lines.append(
            Text(
                f"CPU per flow, server and Redis: sls serve {mine:.2f} ms, baseline {theirs:.2f} ms; their "
                f"inverse ratio, the share were CPU the only bound: {theirs / mine:.2f}"
            )
        )
    for _, shown, result in _targets_driven(report):
        parts = result["server_cpu"]
        if parts is None:  # not Linux
            continue
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
    for _, shown, result in _targets_driven(report):
        table.add_row(
            shown,
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
        lines.extend(
            _by_round(
                report.get("share_by_round") or [],
                2,
                "a change smaller than that spread is not seen in one run; --against measures one",
            )
        )
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
    lines.extend(_cpu_line(report))
    lines.extend(_change(report))
    for _, shown, result in _targets_driven(report):
        for sample in result.get("error_samples", []):
            lines.append(Text(f"{shown} error: {sample}", style="red"))
    return Group(*lines, _throughput(report), _steps(report), _targets(report))


def _change(report: dict[str, Any]) -> list[Text]:
    """``--against``: this code's flows/s and CPU against the other code's, overall and round by round."""
    other = report.get("against")
    if not other or not other["flows_per_s"]:
        return []
    label = report["options"].get("against")
    ratio = report["app"]["flows_per_s"] / other["flows_per_s"]
    lines = [Text(f"sls serve / sls serve @ {label} flows/s: {ratio:.3f}")]
    lines.extend(
        _by_round(
            report.get("change_by_round") or [],
            3,
            "one round the machine disturbed moves the whole run's ratio, not the median; --against the "
            "same code shows the spread",
        )
    )
    mine, theirs = _spent(report["app"]), _spent(other)
    if mine is not None and theirs is not None:
        lines.append(
            Text(
                f"CPU per flow, server and Redis: {mine:.2f} ms against {theirs:.2f} ms "
                f"({mine / theirs - 1:+.1%}); "
                f"Redis round trips per flow: {report['app']['redis']['round_trips_per_flow']:.2f} against "
                f"{other['redis']['round_trips_per_flow']:.2f}"
            )
        )
    return lines


def _by_round(ratios: list[float], digits: int, why: str) -> list[Text]:
    """A ratio's rounds, their median and their spread (nothing for a run of one round)."""
    if len(ratios) < 2:
        return []
    ordered = sorted(ratios)
    shown = " ".join(f"{x:.{digits}f}" for x in ratios)
    return [
        Text(
            f"the same, round by round: {shown} (median {statistics.median(ratios):.{digits}f}, from "
            f"{ordered[0]:.{digits}f} to {ordered[-1]:.{digits}f}: {why})"
        )
    ]


def emit(
    report: dict[str, Any],
    as_json: bool,
    table: Callable[[dict[str, Any]], Iterable[str]],
    out: Callable[[str], None],
) -> None:
    """A measuring module's report, as its ``main`` prints it: the JSON on one line (``--json``), else its
    ``table``'s lines."""
    if as_json:
        out(json.dumps(report))
        return
    for line in table(report):
        out(line)
