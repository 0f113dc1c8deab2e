"""``sls bench``, small: both targets serve every flow, the Redis counting reads the baseline's known round
trips right, and the report has every number issue 13 asks for (the numbers themselves are not asserted:
speed is what the bench measures, not what a test may assume)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from cluster.topology import LocalCluster
from rich.console import Console

import sls_server
from sls_bench.flow import STEPS
from sls_bench.report import render
from sls_bench.run import Options, run
from sls_bench.servers import start_baseline
from sls_server.cli.main import cli

pytestmark = pytest.mark.e2e

CHECKOUT = Path(sls_server.__file__).resolve().parent.parent


def test_a_small_run_measures_both_targets_and_every_number() -> None:
    report = run(
        Options(clients=2, processes=2, duration_s=1.0, seed_users=2000, rounds=2), progress=lambda _: None
    )

    for name in ("app", "baseline"):
        result = report[name]
        assert result["flows"] > 0 and result["errors"] == 0, result["error_samples"]
        for step in ("login", "verify", "session", "tickle", "logout", "flow"):
            p = result["steps"][step]
            assert 0 < p["p50_ms"] <= p["p95_ms"] <= p["p99_ms"]
    # the baseline makes exactly one round trip per request, five requests a flow (plus its warm-up flows
    # and /readyz polls, spread over the run): the counting must find about five
    assert 4.5 <= report["baseline"]["redis"]["round_trips_per_flow"] <= 6.0
    assert report["app"]["redis"]["round_trips_per_flow"] > 5
    for name in ("app", "baseline"):  # each target's own processes and Redis, around its own slices
        assert report[name]["server_cpu_ms_per_flow"] > 0 and report[name]["redis"]["cpu_ms_per_flow"] > 0
        parts = report[name]["server_cpu"]
        assert parts["user_ms_per_flow"] + parts["system_ms_per_flow"] == pytest.approx(
            report[name]["server_cpu_ms_per_flow"]
        )
        # each request waits for its Redis answer, and a worker's threads for each other
        assert parts["voluntary_switches_per_flow"] > 1
    mine, theirs = (report[name]["flows_per_s_by_round"] for name in ("app", "baseline"))
    assert len(mine) == len(theirs) == 2 and min(mine + theirs) > 0  # each round's own throughput
    shares = [a / b for a, b in zip(mine, theirs, strict=True)]
    assert report["share_by_round"] == pytest.approx(shares, abs=0.001)
    assert report["memory"]["users"] == 2000 and report["memory"]["bytes_per_user"] > 200
    assert report["hashing"]["hashes_per_s"] > 0 and report["startup_s"] > 0
    assert len(report["hashing"]["hashes_per_s_by_round"]) == 2  # the bound takes its turn in each round
    assert {row["what"].split(",")[0] for row in report["targets"]} >= {
        "flows/s",
        "Redis round trips per flow",
        "Redis bytes per user with one card",
    }


def test_another_checkout_takes_its_turns_beside_this_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--against``: a second ``sls serve`` from the other folder's code serves every round on the same
    Redis, and the report sets this code's flows/s against its own, round by round. The run's working
    folder (logs, data, the embedded Redis's AOF) is gone after it."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    other = tmp_path / "before"
    shutil.copytree(
        CHECKOUT / "sls_server", other / "sls_server", ignore=shutil.ignore_patterns("__pycache__")
    )
    init = other / "sls_server" / "__init__.py"  # the other code leaves a mark where it is imported from
    init.write_text(
        init.read_text() + '\nfrom pathlib import Path\nPath(__file__).with_name("imported").touch()\n'
    )

    options = Options(
        clients=2, processes=2, duration_s=1.0, seed_users=0, rounds=2, baseline=False, against=str(other)
    )
    report = run(options, progress=lambda _: None)

    assert (other / "sls_server" / "imported").exists()  # the other server ran the other code
    for name in ("app", "against"):
        assert report[name]["flows"] > 0 and report[name]["errors"] == 0, report[name]["error_samples"]
        assert report[name]["server_cpu_ms_per_flow"] > 0
    mine, theirs = (report[name]["flows_per_s_by_round"] for name in ("app", "against"))
    assert len(mine) == len(theirs) == 2
    shares = [a / b for a, b in zip(mine, theirs, strict=True)]
    assert report["change_by_round"] == pytest.approx(shares, abs=0.001)
    assert "baseline" not in report and report["options"]["against"] == str(other)
    assert list(temporary.iterdir()) == []
    shown = Console(width=200, record=True)
    shown.print(render(report))
    assert f"sls serve / sls serve @ {other} flows/s" in shown.export_text()


def test_fail_below_sets_the_exit_status_from_the_median_change(tmp_path: Path) -> None:
    """A CI job's guard: the report is printed either way, and the status says whether this code served at
    least RATIO times the other's flows/s. Against a copy of itself, the ratio is about 1.

    Each slice costs seconds beyond its own (client processes spawned, connections warmed): the slices are
    short, and the second run, which only has to pass, takes one round."""
    other = tmp_path / "before"
    shutil.copytree(
        CHECKOUT / "sls_server", other / "sls_server", ignore=shutil.ignore_patterns("__pycache__")
    )
    base = ["bench", "--against", str(other), "--seed-users", "0", "--no-baseline"]
    base += ["--clients", "2", "--client-processes", "2", "--json"]

    slower = CliRunner().invoke(cli, [*base, "--duration", "1", "--rounds", "2", "--fail-below", "9"])
    assert slower.exit_code == 1, slower.stderr[-1500:]
    assert len(json.loads(slower.stdout)["change_by_round"]) == 2  # the report, all the same
    error = json.loads(slower.stderr.splitlines()[-1])["error"]  # after the progress lines
    assert error["code"] == "check_failed" and "below --fail-below 9" in error["message"]

    kept = CliRunner().invoke(cli, [*base, "--duration", "1", "--rounds", "1", "--fail-below", "0.1"])
    assert kept.exit_code == 0, kept.output


def test_other_code_whose_server_does_not_start_is_named(tmp_path: Path) -> None:
    """Code too far back to serve on this run's Redis, settings or users: the run ends naming --against and
    the server's own last words, not a bare URL that did not answer."""
    other = tmp_path / "before"
    shutil.copytree(
        CHECKOUT / "sls_server", other / "sls_server", ignore=shutil.ignore_patterns("__pycache__")
    )
    (other / "sls_server" / "cli" / "main.py").write_text('raise SystemExit("this code cannot serve")\n')

    options = Options(clients=1, processes=1, duration_s=1.0, seed_users=0, rounds=1, against=str(other))
    with pytest.raises(RuntimeError) as failed:
        run(options, progress=lambda _: None)
    told = str(failed.value)
    assert (
        told.startswith(f"--against {other}: its sls serve did not start")
        and "this code cannot serve" in told
    )


def test_a_small_run_on_a_cluster_counts_every_master(redis_cluster: LocalCluster) -> None:
    """``--redis-url redis+cluster://...``: both targets, the seeding and the counters work on a cluster."""
    redis_cluster.wait_healthy()  # a failover test before may still be settling its replica
    redis_cluster.flush()
    options = Options(
        clients=2, processes=2, duration_s=1.0, seed_users=300, redis_url=redis_cluster.url, rounds=2
    )
    report = run(options, progress=lambda _: None)

    for name in ("app", "baseline"):
        result = report[name]
        assert result["flows"] > 0 and result["errors"] == 0, result["error_samples"]
        assert result["redis"]["masters"] == 3
    # five requests, one round trip each, but the verify's pipeline of two keys reaches two masters two
    # times in three: about 5.7
    assert 4.5 <= report["baseline"]["redis"]["round_trips_per_flow"] <= 7.0
    assert report["memory"]["users"] == 300 and report["memory"]["bytes_per_user"] > 200
    held = [int(node.call("DBSIZE")) for node in redis_cluster.live_nodes() if node.role() == "master"]
    assert all(count > 0 for count in held), held


def test_the_lockout_mode_reports_exact_locks_as_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = CliRunner().invoke(
        cli, ["bench", "--lockout", "--accounts", "6", "--attempts", "8", "--clients", "4", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["every_lock_exact"] is True and report["metrics_agree"] is True
    assert report["attempts"] == 48
    assert list(tmp_path.iterdir()) == []  # its working folder, the embedded Redis's too, removed


def test_the_step_cost_measures_both_apps_step_by_step_and_names_the_parts() -> None:
    """``sls_bench/step_cost.py`` in its own process: its ``--budget`` patches functions for good."""
    command = [sys.executable, "-m", "sls_bench.step_cost", "--flows", "20", "--blocks", "2", "--budget"]
    done = subprocess.run(
        [*command, "--profile", "5", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["flows"] == 20
    for name in ("app", "baseline"):
        steps = report[name]
        assert all(steps[step] > 0 for step in ("login", "verify", "session", "tickle", "logout"))
        assert steps["flow"] == pytest.approx(sum(v for k, v in steps.items() if k != "flow"), abs=1)
    parts = report["budget_us_per_flow"]
    assert parts["Argon2id verify"]["app"] > 0 and parts["Argon2id verify"]["baseline"] == 0
    assert parts["redis-py: commands sent, answers read"]["baseline"] > 0
    # the baseline makes one round trip a request, by design: the count is redis-py's, not the app's own
    assert report["round_trips"]["baseline"] == {**dict.fromkeys(STEPS, 1), "flow": 5}
    app_trips = report["round_trips"]["app"]
    assert app_trips["flow"] == sum(app_trips[step] for step in STEPS) and app_trips["login"] >= 2
    assert all(report["redis_cpu_us_per_flow"][name] > 0 for name in ("app", "baseline"))
    assert len(report["profile"]["top"]) == 5 and report["profile"]["flows"] == 10


def test_the_baseline_starts_in_a_project_that_has_a_bench_package_of_its_own(
    redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sls bench` run in a user's project whose own bench/ (a common name) would shadow this package: the
    baseline's gunicorn put the working folder first on sys.path and found no ``sls_bench.baseline`` there.
    Nor does it leave gunicorn's control socket in the user's home, as `sls serve` does not."""
    project = tmp_path / "project"
    (project / "bench").mkdir(parents=True)
    # the project's own package leaves a mark when imported (an editable install's finder would still find
    # sls_bench.baseline behind it, so the mark, not the start-up, is what tells)
    mark = 'from pathlib import Path\n\nPath(__file__).with_name("imported").touch()\n'
    (project / "bench" / "__init__.py").write_text(f'"""the project\'s own benchmarks"""\n{mark}')
    monkeypatch.chdir(project)
    workdir = tmp_path / "work"
    workdir.mkdir()

    server = start_baseline(workdir, workers=1, threads=1, redis_url=redis_url)
    try:
        with urllib.request.urlopen(f"{server.url}/readyz", timeout=5) as answer:
            assert answer.status == 200
    finally:
        server.stop()
    assert not (project / "bench" / "imported").exists()
    assert "Control socket" not in server.log_path.read_text()


def test_runs_on_a_given_redis_share_one_key_and_a_foreign_one_is_refused(
    redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Redis keeps the check of the key its secrets are sealed under, and a server with another refuses to
    start on it. The bench's servers on a Redis it is given (``--redis-url``) keep one key across runs (its
    data folder's ``bench.key``): a second run starts; a Redis a server with another key already uses does
    not take the bench's."""
    monkeypatch.setenv("SLS_DATA_DIR", str(tmp_path / "data"))
    small = Options(
        workers=1,
        clients=2,
        processes=1,
        duration_s=0.5,
        seed_users=0,
        rounds=1,
        redis_url=redis_url,
        baseline=False,
    )
    for _ in range(2):
        report = run(small, progress=lambda _: None)
        assert report["app"]["flows"] > 0 and report["app"]["errors"] == 0
    assert (tmp_path / "data" / "bench.key").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("SLS_DATA_DIR", str(tmp_path / "another-machine"))  # another key
    with pytest.raises(RuntimeError, match="sealed under another key"):
        run(small, progress=lambda _: None)
