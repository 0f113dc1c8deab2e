"""``sls scenario demo --host``: the server a demo starts of its own listens where the trainer said, so a
class's browsers on other machines can open it, and the console's URL printed is the one they open.

It listened on 127.0.0.1 alone, with no option to change it: the room could only watch the projector."""

from __future__ import annotations

import os
import queue
import re
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
import requests
from over_http_kit import network_address, signs_in_to_the_console
from test_scenario_remote import no_demo, sls

pytestmark = pytest.mark.e2e
SCENARIO = "stolen-card-without-pin"  # its attacker has an address of its own: the runner must be trusted


def lines_until(stream: queue.Queue[str | None], marker: str, timeout_s: float = 120) -> list[str]:
    """The lines the demo printed up to the first holding ``marker``; waits on its output, with a deadline,
    and not past its end (``None``: the demo exited)."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout_s
    while not seen or marker not in seen[-1]:
        try:
            line = stream.get(timeout=max(deadline - time.monotonic(), 0))
        except queue.Empty:
            line = None
        if line is None:
            raise AssertionError(f"the demo never printed {marker!r}:\n" + "".join(seen))
        seen.append(line)
    return seen


def read_into(stream: queue.Queue[str | None], lines: Iterable[str]) -> None:
    """Every line of the demo's output, then ``None`` once it ends."""
    for line in lines:
        stream.put(line)
    stream.put(None)


class DemoOnEveryInterface:
    """``sls scenario demo SCENARIO --host 0.0.0.0`` running, its output read line by line into ``printed``
    while a test talks to it; :meth:`stop_pausing` closes its stdin (no more Enter: it plays on without
    pauses, to its end) and waits for that end; :meth:`finish` gives the exit code and the rest printed."""

    def __init__(self, tmp_path: Path) -> None:
        command = [
            sys.executable,
            "-m",
            "sls_server.cli.main",
            "scenario",
            "demo",
            SCENARIO,
            "--host",
            "0.0.0.0",
        ]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **no_demo(tmp_path)},
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.printed: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(
            target=read_into, args=(self.printed, self.process.stdout), daemon=True
        )
        self.reader.start()
        self.code: int | None = None

    def stop_pausing(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.code = self.process.wait(timeout=180)
        self.reader.join(10)
        self.process.stdout.close()

    def finish(self) -> tuple[int | None, str]:
        """The exit code and what it printed after what the test read, up to the end the reader marked."""
        return self.code, "".join(iter(self.printed.get_nowait, None))


def test_a_demo_on_every_interface_is_opened_at_this_machines_address(tmp_path: Path) -> None:
    """--host 0.0.0.0: the URL printed for the room is this machine's network address, and the server answers
    there while the demo waits for Enter; the actors' addresses still take (the scenario passes)."""
    address = network_address()
    demo = DemoOnEveryInterface(tmp_path)
    printed = demo.printed
    try:
        shown = lines_until(printed, "trainer console:")
        console = re.search(r"trainer console: (http://\S+)/trainer", shown[-1])
        assert console is not None, "".join(shown)
        room = console.group(1)
        assert re.fullmatch(rf"http://{re.escape(address)}:\d+", room), room
        answered = requests.get(f"{room}/healthz", timeout=10)  # from the network address, not loopback
        assert answered.status_code == 200
        port = room.rsplit(":", 1)[1]
        told = lines_until(printed, "on this machine also")[-1]
        assert f"http://127.0.0.1:{port}/trainer" in told
    finally:
        demo.stop_pausing()
    code, rest = demo.finish()
    assert code == 0, rest
    assert "card.pin_locked" in rest


def test_on_every_interface_the_admin_token_is_withheld_and_read_from_its_file(tmp_path: Path) -> None:
    """It printed "sign in there with the admin token ..." on the terminal a trainer projects to the class
    that reaches the server, as ``sls demo`` no longer does: the same rule and words now, and the trainer
    reads it from the 0600 file named, there while the demo runs, and signs in to the console with it."""
    address = network_address()
    demo = DemoOnEveryInterface(tmp_path)
    printed = demo.printed
    try:
        shown = "".join(lines_until(printed, "--show-token"))
        assert "Admin token  not shown: the server answers beyond loopback (0.0.0.0)" in shown, shown
        assert "`sls scenario demo --show-token` prints it here" in shown, shown
        named = re.search(r"read it on your own screen with `cat (\S+)` \(mode 0600", shown)
        assert named is not None, shown
        token_file = Path(named.group(1))
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        token = token_file.read_text().strip()
        room = re.search(rf"trainer console: (http://{re.escape(address)}:\d+)/trainer", shown)
        assert room is not None, shown
        assert signs_in_to_the_console(room.group(1), token)
    finally:
        demo.stop_pausing()
    code, rest = demo.finish()
    assert code == 0, rest
    assert token not in shown + rest
    assert not token_file.exists()  # its server stopped with the demo: its token goes too


def test_show_token_prints_it_beyond_loopback(tmp_path: Path) -> None:
    shown = sls("demo", SCENARIO, "--pace", "0", "--host", "0.0.0.0", "--show-token", env=no_demo(tmp_path))
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert re.search(r"Admin token  [A-Za-z0-9_-]{20,}\n", shown.stdout), shown.stdout
    assert "not shown" not in shown.stdout


def test_a_demo_on_one_address_is_opened_there_and_trusts_the_runner(tmp_path: Path) -> None:
    """--host ADDRESS: it listens there alone, and the runner, which reaches it there (not on loopback), is
    still believed when it sends each actor's address."""
    address = network_address()
    shown = sls("demo", SCENARIO, "--pace", "0", "--host", address, env=no_demo(tmp_path))
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert re.search(rf"trainer console: http://{re.escape(address)}:\d+/trainer\n", shown.stdout)
    assert "on this machine also" not in shown.stdout and "card.pin_locked" in shown.stdout
    assert f"Admin token  not shown: the server answers beyond loopback ({address})" in shown.stdout


def test_a_host_with_a_server_given_is_a_usage_error(tmp_path: Path) -> None:
    """--server names a server that runs: there is no server of its own for --host to place."""
    shown = sls(
        "demo", "sim-swap", "--server", "http://127.0.0.1:9", "--admin-token", "t" * 20, "--host", "0.0.0.0",
        env=no_demo(tmp_path),
    )  # fmt: skip
    assert shown.returncode == 2, shown.stdout + shown.stderr
    assert "--host is the address of a server of its own" in shown.stderr


def test_an_address_of_no_interface_here_is_refused_naming_host(tmp_path: Path) -> None:
    """An address this machine does not have (a documentation one) is refused before the demo begins."""
    shown = sls("demo", SCENARIO, "--pace", "0", "--host", "198.51.100.7", env=no_demo(tmp_path))
    assert shown.returncode == 1, shown.stdout + shown.stderr
    assert "cannot listen on 198.51.100.7" in shown.stderr and "give --host (or SLS_HOST)" in shown.stderr
    assert "Traceback" not in shown.stderr and "trainer console" not in shown.stdout
