"""Instructions per flow of the login flow, ``sls`` against the baseline, counted by valgrind's callgrind.

``step_cost.py``'s CPU times wander by several percent on this shared two-core machine, more than most single
changes to the hot path. An instruction count does not: the same binary on the same inputs executes the same
instructions whatever else the machine does. So this runs ``step_cost.py``'s harness (the same WSGI calls,
users and flows: ``sls_bench/wsgi_apps.py``) in one Python process under ``valgrind --tool=callgrind``, with
``PYTHONHASHSEED=0``: imports, seeding and warm-up, then N flows of the app, then N of the baseline.

Phases are marked by calling ``getppid()`` (``os.getppid``), which nothing else in the process calls:
callgrind runs with ``--dump-before=getppid`` and writes each phase's count to a file of its own. That no
other call slipped in is checked: the number of dumps must be the number of marks. ``--steps`` marks each
step of each flow too (two marks a step: before and after), so a step's count is its request alone; what
lies between the steps (the client computing the card's response, the loop) is shown as ``client``, and the
steps and the client add up to the flow. Redis runs outside valgrind (callgrind does not follow child
processes), so its own work is not counted; nor is the kernel's. Callgrind's instrumentation is off until
the warm-up is done (imports and set-up run some ten times faster than with it); then a flow runs some 50
times slower than without valgrind, a second or so each.

``--against REV`` (a folder or a git revision, as ``sls bench --against``) runs a second process whose
``sls_server`` is imported from that code, with this code's harness, and shows its app's count beside
this one.

python sls_bench/step_instructions.py --flows 50 --steps
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

APPS = ("app", "baseline")
STEP_NAMES = ("login", "verify", "session", "tickle", "logout")  # sls_bench.flow.STEPS, without importing it
MARK = "getppid"


class ValgrindMissing(RuntimeError):
    """No ``valgrind`` on the PATH: nothing can be counted."""


def _mark() -> float:
    """A phase boundary: callgrind dumps before each ``getppid``. A clock for ``one_flow`` that reads 0."""
    os.getppid()
    return 0.0


def _instrument() -> None:
    """Callgrind's instrumentation on, from here: the process starts with it off (``--instr-atstart=no``), so
    the imports, the app's routes and the warm-up run some ten times faster; what they cost is not wanted.

    ``callgrind_control`` asks valgrind's gdbserver, which reads the request only while this process runs
    code: so this spins rather than waits in a system call for it to finish."""
    asked = subprocess.Popen(
        ["callgrind_control", "--instr=on", str(os.getpid())],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while asked.poll() is None:
        if time.monotonic() > deadline:
            asked.kill()
            raise SystemExit("callgrind_control did not switch the instrumentation on within 120 s")
    _, said = asked.communicate()
    if asked.returncode != 0:
        raise SystemExit(f"callgrind_control could not switch the instrumentation on: {said.strip()}")


def child(flows: int, steps: bool, server_from: str) -> None:
    """Inside valgrind: warm up both apps, then ``flows`` flows of each, marking the phases.

    ``server_from``: the folder whose ``sls_server`` is imported (another code's, for ``--against``); this
    module's own package, ``sls_bench``, is already imported from this checkout, so the harness stays ours."""
    sys.path.insert(0, server_from)
    import sls_server

    if not Path(sls_server.__file__).resolve().is_relative_to(Path(server_from).resolve()):
        raise SystemExit(f"sls_server imported from {sls_server.__file__}, not from {server_from}")
    from sls_bench.flow import one_flow
    from sls_bench.wsgi_apps import WARM_FLOWS, both_apps

    with both_apps() as both:
        users = both.users
        for name in APPS:
            for turn in range(WARM_FLOWS):
                one_flow(both.callers[name], users[turn % len(users)])
        _instrument()
        clock: Callable[[], float] = _mark if steps else lambda: 0.0
        for name in APPS:
            _mark()  # the start of this app's phase
            for turn in range(flows):
                one_flow(both.callers[name], users[turn % len(users)], clock=clock)
        _mark()  # the end of the last phase


def _totals(folder: Path) -> list[int]:
    """The instructions of each dump callgrind wrote into ``folder``, in order (the final one, at exit,
    left out)."""
    parts: dict[int, int] = {}
    for path in folder.glob("cg.out.*"):
        part = total = None
        with path.open() as lines:
            for line in lines:
                if line.startswith("part: "):
                    part = int(line.split()[1])
                elif line.startswith("totals: "):
                    total = int(line.split()[1])
        if part is None or total is None:
            raise RuntimeError(f"{path}: no part or totals line")
        parts[part] = total
    return [parts[number] for number in sorted(parts)]


def count(
    flows: int, steps: bool, server_from: str | None = None, keep: Path | None = None
) -> dict[str, Any]:
    """One process under callgrind; instructions per flow (and per step) of each app.

    ``server_from`` defaults to the folder this ``sls_server`` is imported from, so this code's process and
    ``--against``'s import in the same order: the order moves the count by some tenths of a percent (the
    types' version tags, and so which attribute lookups miss the interpreter's method cache)."""
    if server_from is None:
        import sls_server

        server_from = str(Path(sls_server.__file__).resolve().parent.parent)
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise ValgrindMissing(
            "valgrind is not installed (apt-get install -y valgrind): nothing to count with"
        )
    with tempfile.TemporaryDirectory() as workdir:
        folder = keep or Path(workdir)
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("cg.out*"):  # a kept folder's earlier run would be counted too
            old.unlink()
        command = [
            valgrind,
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--dump-before={MARK}",
            f"--callgrind-out-file={folder / 'cg.out'}",
            sys.executable,
            "-P",  # not the working folder's sls_bench: this checkout's, as installed
            "-m",
            "sls_bench.step_instructions",
            "--child",
            "--flows",
            str(flows),
            *(["--steps"] if steps else []),
            "--server-from",
            server_from,
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        env.pop(
            "PYTHONPATH", None
        )  # the child's sls_bench must be this one; --server-from names the server's code
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"the process under valgrind failed:\n{done.stderr[-3000:]}")
        totals = _totals(folder)
    per_flow_marks = 2 * len(STEP_NAMES) if steps else 0
    expected = 1 + len(APPS) * (1 + flows * per_flow_marks)  # set-up, each phase's start and steps, the end
    if len(totals) != expected:
        raise RuntimeError(
            f"callgrind dumped {len(totals)} times, not {expected}: something else calls {MARK}()"
        )
    report: dict[str, Any] = {"flows": flows, "setup": totals[0]}
    at = 1
    for name in APPS:
        if not steps:
            report[name] = {"flow": round(totals[at] / flows)}
            at += 1
            continue
        # Per flow: (client, step) five times, the client before each step (the loop, the card's response);
        # the client after the last step runs to the next phase's mark. The steps and the client add up to
        # the flow.
        sums = dict.fromkeys((*STEP_NAMES, "client"), 0)
        for index, total in enumerate(totals[at : at + flows * per_flow_marks]):
            kind = "client" if index % 2 == 0 else STEP_NAMES[(index // 2) % len(STEP_NAMES)]
            sums[kind] += total
        sums["client"] += totals[at + flows * per_flow_marks]
        at += flows * per_flow_marks + 1
        report[name] = {kind: round(value / flows) for kind, value in sums.items()}
        report[name]["flow"] = round(sum(sums.values()) / flows)
    report["ratio"] = {k: round(report["app"][k] / report["baseline"][k], 3) for k in report["app"]}
    return report


def table(report: dict[str, Any]) -> Iterable[str]:
    columns = [c for c in (*STEP_NAMES, "client", "flow") if c in report["app"]]
    yield f"instructions per flow (callgrind's Ir), one process, {report['flows']} flows each"
    yield f"{'':10}" + "".join(f"{c:>12}" for c in columns)
    rows = ["app", *(["against"] if "against" in report else []), "baseline", "ratio"]
    for name in rows:
        yield f"{name:10}" + "".join(f"{report[name][c]:>12}" for c in columns)
    if "against" in report:
        mine, theirs = report["app"]["flow"], report["against"]["flow"]
        yield f"this code / {report['against_label']}, instructions per flow: {mine / theirs:.4f}"


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--flows", type=int, default=50, help="flows per app (after 30 to warm up)")
    parser.add_argument("--steps", action="store_true", help="also count each step of the flow")
    parser.add_argument("--against", metavar="PATH|REV", help="also count another code's app, as sls bench")
    parser.add_argument(
        "--keep", type=Path, help="keep callgrind's files in this folder (for callgrind_annotate)"
    )
    parser.add_argument("--json", action="store_true", help="the report as JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--server-from", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.flows < 1:
        parser.error("--flows: at least 1")
    if options.child:
        if options.server_from is None:
            parser.error("--child needs --server-from")
        child(options.flows, options.steps, options.server_from)
        return
    from sls_bench.report import emit

    try:
        report = count(options.flows, options.steps, keep=options.keep)
        if options.against:
            from sls_bench.against import checked_out

            with ExitStack() as stack:
                other = stack.enter_context(
                    checked_out(options.against, Path(stack.enter_context(tempfile.TemporaryDirectory())))
                )
                theirs = count(options.flows, options.steps, server_from=str(other.path))
            report["against"] = theirs["app"]
            report["against_label"] = options.against
            report["against_baseline"] = theirs["baseline"]
    except ValgrindMissing as missing:
        print(f"step_instructions: {missing}", file=sys.stderr)
        raise SystemExit(2) from None
    emit(report, options.json, table, out)


if __name__ == "__main__":
    main()
