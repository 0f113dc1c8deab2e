"""Mutation testing of one of the store's Lua scripts against the tests that cover it: does each test fail
when the script is wrong? ``scripts/mutation.sh`` (mutmut) reaches only Python, and the lockout, the
windows, the session's checks and the challenge claim are decided in Lua (CONTRIBUTING.md, "Mutation
testing of the Lua scripts"). Not part of CI: seconds per mutant, minutes per script.

    python scripts/lua_mutation.py sls_server/store/lua/lockout_reserve.lua tests/api/test_lockout.py [--json]

Each mutant is written over the script in place (the original is put back after each one, and on an
exception or Ctrl-C), then the tests run in a fresh ``pytest -n 0 -x``: ``Scripts`` reads every script (and
the ``lib/`` files it includes) from disk when an app starts, and the mutant's text has its own SHA-1, so no
script cache stands between the mutant and Redis. One run at a time per worktree.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType

#: Operators swapped one for the other: relations, equality, the logical words, true/false, math.min/max.
_SWAPS = {
    "<=": "<",
    "<": "<=",
    ">=": ">",
    ">": ">=",
    "==": "~=",
    "~=": "==",
    "and": "or",
    "or": "and",
    "true": "false",
    "false": "true",
    "math.min": "math.max",
    "math.max": "math.min",
    "+": "-",
    "-": "+",
}
#: What the operators match in code (comments and strings blanked first): a number (not a subscript's,
#: ``KEYS[1]``, ``ARGV[2]``, ``reply[1]``: wiring, not logic), a binary ``+``/``-`` with space around it (a
#: unary minus and ``..`` are left alone), the words, the relations.
_TOKEN = re.compile(
    r"(?P<num>(?<![\w.\[])\d+(?:\.\d+)?(?![\w.\]]))"
    r"|(?P<arith>(?<=\s)[+-](?=\s))"
    r"|(?P<word>\b(?:and|or|true|false|math\.min|math\.max)\b)"
    r"|(?P<rel><=|>=|==|~=|<|>)"
    r"|(?P<not>\bnot\s+)"
)
_LONG_OPEN = re.compile(r"(--)?\[(=*)\[")
_STATEMENT_CALL = re.compile(r"^\s*redis\.call\(.*\)\s*$")
_RETURN = re.compile(r"^(?P<lead>\s*return\s+)(?P<value>\S.*?)\s*$")


@dataclass(frozen=True)
class Mutant:
    """One change to the script: ``original`` at ``line`` (1-based) and ``column`` (0-based) made
    ``replacement``; ``operator`` names the rule."""

    id: int
    line: int
    column: int
    operator: str
    original: str
    replacement: str


@dataclass
class Outcome:
    """What the tests did with one mutant: ``killed`` (they failed), ``survived`` (an assertion missing, or an
    equivalent mutant) or ``timeout`` (a mutant that makes a loop endless or a wait never end)."""

    mutant: Mutant
    status: str  # killed | survived | timeout
    seconds: float


def code_mask(text: str) -> str:
    """``text`` with every comment and string blanked to spaces (newlines kept), so a mutation never lands in
    one and the columns stay those of ``text``: ``--`` comments, ``--[[ ]]`` blocks, ``'..'``/``".."`` strings
    with their escapes, ``[[ ]]`` long strings."""
    out = list(text)
    i, n = 0, len(text)

    def blank(start: int, end: int) -> None:
        for k in range(start, min(end, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        long_open = _LONG_OPEN.match(text, i)
        if long_open and (long_open.group(1) or c == "["):
            close = "]" + long_open.group(2) + "]"
            end = text.find(close, long_open.end())
            end = n if end < 0 else end + len(close)
            blank(i, end)
            i = end
        elif text.startswith("--", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            blank(i, end)
            i = end
        elif c in "'\"":
            k = i + 1
            while k < n and text[k] != c and text[k] != "\n":
                k += 2 if text[k] == "\\" else 1
            blank(i, k + 1)
            i = k + 1
        else:
            i += 1
    return "".join(out)


def _last_element_dropped(value: str) -> str | None:
    """``{'a', x, y}`` -> ``{'a', x}``: the caller must read what the answer's last element says."""
    if not (value.startswith("{") and value.endswith("}")):
        return None
    depth, cut = 0, -1
    for k, c in enumerate(value[1:-1], start=1):
        depth += c in "({["
        depth -= c in ")}]"
        if c == "," and depth == 0:
            cut = k
    return None if cut < 0 else value[:cut] + "}"


def mutants(text: str) -> list[Mutant]:
    """Every mutant of a Lua script, in the order of its text."""
    found: list[tuple[int, int, str, str, str]] = []
    masked = code_mask(text).split("\n")
    for number, (line, code) in enumerate(zip(text.split("\n"), masked, strict=True), start=1):
        for match in _TOKEN.finditer(code):
            kind, token, col = match.lastgroup or "", match.group(), match.start()
            if kind == "num":
                constant = int(token) if token.isdigit() else float(token)
                for moved in (constant + 1, constant - 1):
                    if moved >= 0:
                        found.append((number, col, "number", token, str(moved)))
            elif kind == "not":
                found.append((number, col, "not dropped", token, ""))
            else:
                found.append((number, col, "swap", token, _SWAPS[token]))
        if _STATEMENT_CALL.match(code):
            found.append((number, 0, "redis.call dropped", line, ""))
        returned = _RETURN.match(code)
        if returned and returned.group("value") != "nil":
            value = line[returned.start("value") : returned.end("value")]
            dropped = _last_element_dropped(value)
            col = returned.start("value")
            found.append((number, col, "return changed", value, dropped or "nil"))
    return [Mutant(k, *entry) for k, entry in enumerate(found, start=1)]


#: The mutant every run starts with, which the tests must kill: the script (or the lib file, taken in at the
#: top level of the scripts including it) raises before it does anything. Survived, the tests never run the
#: script, or the app does not read it from this file (another checkout installed), and nothing is measured.
BROKEN = Mutant(0, 1, 0, "broken on purpose", "", "error('lua_mutation: broken on purpose') ")


def apply(text: str, mutant: Mutant) -> str:
    """``text`` with ``mutant`` written in (the other lines untouched)."""
    lines = text.split("\n")
    line = lines[mutant.line - 1]
    end = mutant.column + len(mutant.original)
    assert line[mutant.column : end] == mutant.original, (line, mutant)
    lines[mutant.line - 1] = line[: mutant.column] + mutant.replacement + line[end:]
    return "\n".join(lines)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def run_tests(tests: Sequence[str], timeout: float) -> tuple[str, float]:
    """``passed``/``failed``/``timeout`` of one fresh pytest over ``tests``; its whole process group is
    ended on a timeout (the app's children, a redis-server)."""
    command = [sys.executable, "-m", "pytest", "-n", "0", "-x", "-q", "-p", "no:randomly"]
    command += ["-p", "no:cacheprovider", *tests]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.monotonic()
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True
    )
    try:
        status = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return "timeout", time.monotonic() - started
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    return ("passed" if status == 0 else "failed"), time.monotonic() - started


def each_mutant(path: Path, chosen: Sequence[Mutant]) -> Iterator[Mutant]:
    """Write each mutant over ``path`` in turn, yielding while it is there; the original text is written back
    after each one and whatever happens (an exception, Ctrl-C, SIGTERM)."""
    original = path.read_text()
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        for mutant in chosen:
            path.write_text(apply(original, mutant))
            try:
                yield mutant
            finally:
                path.write_text(original)
    finally:
        path.write_text(original)
        signal.signal(signal.SIGTERM, previous)


def table(outcomes: Sequence[Outcome]) -> str:
    """One line a mutant, then the counts."""
    rows = [f"{'id':>4} {'line':>4}  {'status':<8} {'operator':<18} change"]
    for o in outcomes:
        m = o.mutant
        change = f"{m.original.strip()!r} -> {m.replacement.strip()!r}"
        rows.append(f"{m.id:>4} {m.line:>4}  {o.status:<8} {m.operator:<18} {change}")
    counts = {s: sum(o.status == s for o in outcomes) for s in ("killed", "survived", "timeout")}
    rows.append(f"{len(outcomes)} mutants: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("script", type=Path, help="a .lua file of sls_server/store/lua (or its lib/)")
    parser.add_argument("tests", nargs="+", help="the test files (or node ids) that cover it")
    parser.add_argument("--only", type=int, nargs="*", help="run only these mutant ids")
    parser.add_argument("--list", action="store_true", help="print the mutants, run nothing")
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    parser.add_argument(
        "--timeout", type=float, help="seconds a mutant may take (default: 3x the clean run + 30)"
    )
    args = parser.parse_args(argv)
    chosen = [m for m in mutants(args.script.read_text()) if not args.only or m.id in args.only]
    if args.list:
        print(table([Outcome(m, "-", 0.0) for m in chosen]))
        return 0
    clean, seconds = run_tests(args.tests, timeout=args.timeout or 900)
    if clean != "passed":
        print(f"the tests do not pass on the real script ({clean}): nothing to measure", file=sys.stderr)
        return 2
    limit = args.timeout or 3 * seconds + 30
    for _ in each_mutant(args.script, [BROKEN]):
        if run_tests(args.tests, limit)[0] == "passed":
            print("the tests pass on a script that raises: they never run it from this file", file=sys.stderr)
            return 2
    print(f"clean run {seconds:.1f} s; {len(chosen)} mutants, {limit:.0f} s each at most", file=sys.stderr)
    outcomes = []
    for done, mutant in enumerate(each_mutant(args.script, chosen), start=1):
        verdict, took = run_tests(args.tests, limit)
        status = {"passed": "survived", "failed": "killed"}.get(verdict, verdict)
        outcomes.append(Outcome(mutant, status, round(took, 1)))
        print(f"  {done}/{len(chosen)} mutant {mutant.id} {status} ({took:.1f} s)", file=sys.stderr)
    if args.json:
        print(json.dumps([{**asdict(o.mutant), "status": o.status, "seconds": o.seconds} for o in outcomes]))
    else:
        print(table(outcomes))
    return 1 if any(o.status == "survived" for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
