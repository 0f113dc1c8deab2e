"""``sls bench --against``: the code before a change, served in the same turns as the code after it.

One run of ``sls bench`` cannot tell a change of a few percent from this machine's noise, and runs of the two
codes one after the other fall on different minutes of a machine whose speed drifts. So each change to the
hot path was measured with a second checkout by hand (a git worktree, ``PYTHONPATH`` pointing at it, runs
alternated). ``--against`` does that within one run: a second ``sls serve``, started from another checkout,
takes its turn in every round beside this one and the baseline, on the same Redis and the same users.

The other code is a folder holding an ``sls_server`` package (a checkout, a worktree) or a git revision of
the checkout this ``sls_server`` was imported from, checked out for the run in a temporary worktree and
removed after. Its server imports it through ``PYTHONPATH``, which comes before an installed or editable
``sls_server``; that the import really lands there is checked before anything starts, so a folder that
would quietly measure this code against itself is refused.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sls_server


class AgainstRefused(ValueError):
    """``--against`` names nothing this run can serve: the message says why."""


@dataclass(frozen=True)
class OtherCode:
    label: str
    """As the user gave it: a folder or a revision."""
    path: Path
    """The folder whose ``sls_server`` the other server imports."""

    def environ(self, base: dict[str, str]) -> dict[str, str]:
        """``base`` with this code first on the import path."""
        given = base.get("PYTHONPATH")
        return {**base, "PYTHONPATH": os.pathsep.join([str(self.path), *([given] if given else [])])}


@contextmanager
def checked_out(spec: str, workdir: Path) -> Iterator[OtherCode]:
    """The code ``spec`` names, ready for a server to import, for as long as the block lasts."""
    folder = Path(spec).expanduser()
    if folder.is_dir():
        yield _imports_from(OtherCode(spec, folder.resolve()))
        return
    repo = _repo(spec)
    tree = workdir / "against"
    _git(repo, "worktree", "add", "--detach", "--quiet", str(tree), f"{spec}^{{commit}}", spec=spec)
    try:
        yield _imports_from(OtherCode(spec, tree))
    finally:
        # --force: the run leaves bytecode caches in it; a failed removal leaves a prunable worktree entry
        subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)], check=False)


def _repo(spec: str) -> Path:
    """The git checkout this ``sls_server`` was imported from, where ``spec`` is a revision."""
    here = Path(sls_server.__file__).resolve().parent.parent
    try:
        found = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        found = None
    if found is None or found.returncode != 0:
        raise AgainstRefused(
            f"{spec}: not a folder, and {here} is not a git checkout to take a revision from"
        )
    repo = Path(found.stdout.strip())
    verified = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if verified.returncode != 0:
        raise AgainstRefused(f"{spec}: not a folder, nor a revision of the git checkout at {repo}")
    return repo


def _git(repo: Path, *args: str, spec: str) -> None:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AgainstRefused(f"{spec}: git {args[0]} {args[1]} failed: {done.stderr.strip()}")


def _imports_from(code: OtherCode) -> OtherCode:
    """``code``, once a server started with its environment is seen to import ``sls_server`` from it."""
    if not (code.path / "sls_server" / "__init__.py").is_file():
        raise AgainstRefused(f"{code.label}: no sls_server package in {code.path}")
    # -P, as the servers are started: the working folder must not decide what is imported
    probe = [sys.executable, "-P", "-c", "import sls_server; print(sls_server.__file__)"]
    done = subprocess.run(
        probe, env=code.environ(dict(os.environ)), capture_output=True, text=True, timeout=60, check=False
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise AgainstRefused(f"{code.label}: its sls_server does not import ({last})")
    imported = Path(done.stdout.strip()).resolve()
    if not imported.is_relative_to(code.path):
        raise AgainstRefused(
            f"{code.label}: Python imports sls_server from {imported.parent}, not from {code.path}"
        )
    return code
