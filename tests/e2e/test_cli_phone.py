"""``sls phone inbox|calls|conditions`` against a real ``sls serve``: what a trainer types in a demo."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest
import requests
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess

pytestmark = pytest.mark.e2e
PASSWORD = "Copper-Lantern-Sms-31"
PHONE = "+15555550100"


def sls(server: ServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    done = server.sls(*args)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def sls_json(server: ServerProcess, *args: str) -> Any:
    done = sls(server, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def api(
    server: ServerProcess, path: str, body: dict[str, Any], admin: bool = False, login_token: str = ""
) -> requests.Response:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"} if admin else {}
    if login_token:
        headers["X-Login-Token"] = login_token
    return requests.post(f"{server.url}{path}", json=body, headers=headers, timeout=10)


def test_read_codes_set_conditions_and_swap_a_sim_from_the_cli(plain_server: ServerProcess) -> None:
    server = plain_server
    assert api(
        server,
        "/admin/v1/users",
        {"username": "pat", "password": PASSWORD, "phone": PHONE, "sms": False},
        True,
    ).ok
    assert api(server, "/admin/v1/users/pat/devices", {"type": "sms"}, True).status_code == 201

    started = api(server, "/api/v1/auth/login", {"username": "pat", "password": PASSWORD}).json()
    inbox = sls_json(server, "phone", "inbox", PHONE)
    code = next(m["code"] for m in inbox["messages"] if m["code"])
    assert inbox["number"] == PHONE and code in inbox["messages"][0]["text"]
    table = sls(server, "phone", "inbox", PHONE)
    assert table.returncode == 0 and code in table.stdout
    only = sls(server, "phone", "inbox", PHONE, "--code")  # for scripts: CODE=$(sls phone inbox N --code)
    assert only.returncode == 0 and only.stdout == f"{code}\n"
    nothing = sls(server, "phone", "inbox", "+15555550199", "--code")
    assert nothing.returncode == 1 and "no text to +15555550199 holds a code" in nothing.stderr

    bound = started["login_token"]
    api(server, f"/api/v1/auth/login/{started['txn_id']}/factor", {"type": "voice"}, login_token=bound)
    call = sls_json(server, "phone", "calls", PHONE)["calls"][0]
    assert "Your code is" in call["transcript"] and call["code"]
    calls = sls(server, "phone", "calls", PHONE)
    assert calls.returncode == 0
    assert f" {call['id']} " in calls.stdout  # its own column, for `sls phone audio NUMBER CALL_ID`
    done = api(
        server,
        f"/api/v1/auth/login/{started['txn_id']}/verify",
        {"response": call["code"]},
        login_token=bound,
    )
    assert done.status_code == 200, done.text

    normal = {
        "number": PHONE,
        "carrier_blocks_sms": False,
        "roaming": False,
        "delivery_delay_s": 0,
        "needs_restart": False,
        "roaming_loses_every": 0,
        "approves_pushes": False,
    }
    assert sls_json(server, "phone", "conditions", PHONE) == {**normal, "sim_swapped_to": None}
    blocked = sls_json(server, "phone", "conditions", PHONE, "--carrier-blocks-sms", "--delay", "30")
    assert blocked == {**normal, "carrier_blocks_sms": True, "delivery_delay_s": 30, "sim_swapped_to": None}
    swapped = sls_json(
        server, "phone", "conditions", PHONE, "--no-carrier-blocks-sms", "--sim-swapped-to", "eve"
    )
    assert swapped == {**normal, "delivery_delay_s": 30, "sim_swapped_to": "eve"}, (
        "options change what they name"
    )
    shown = sls(server, "phone", "conditions", PHONE)
    assert shown.returncode == 0 and "eve" in shown.stdout

    sls_json(server, "phone", "conditions", PHONE, "--delay", "0")
    api(server, "/api/v1/auth/login", {"username": "pat", "password": PASSWORD})
    stolen = sls_json(server, "phone", "inbox", "eve")["messages"]
    assert stolen and stolen[0]["to"] == PHONE and stolen[0]["code"], "the attacker's handset got the code"
    restored = sls_json(server, "phone", "conditions", PHONE, "--restore-sim")
    assert restored == {**normal, "sim_swapped_to": None}

    stuck = sls_json(server, "phone", "conditions", PHONE, "--needs-restart")
    assert stuck == {**normal, "sim_swapped_to": None, "needs_restart": True}
    api(server, "/api/v1/auth/login", {"username": "pat", "password": PASSWORD})
    before = len(sls_json(server, "phone", "inbox", PHONE)["messages"])
    assert sls_json(server, "phone", "restart", PHONE) == {**normal, "sim_swapped_to": None}
    api(server, "/api/v1/auth/login", {"username": "pat", "password": PASSWORD})
    after = sls_json(server, "phone", "inbox", PHONE)["messages"]
    assert len(after) == before + 1, "lost while it needed a restart; the next one arrives"

    abroad = sls_json(server, "phone", "conditions", PHONE, "--roaming", "--roaming-loses-every", "1")
    assert abroad == {**normal, "sim_swapped_to": None, "roaming": True, "roaming_loses_every": 1}
    api(server, "/api/v1/auth/login", {"username": "pat", "password": PASSWORD})
    assert len(sls_json(server, "phone", "inbox", PHONE)["messages"]) == len(after), "lost abroad"
    home = sls_json(server, "phone", "conditions", PHONE, "--no-roaming")
    assert home == {**normal, "sim_swapped_to": None}, "home again, nothing is lost any more"

    hook = sls_json(server, "phone", "conditions", PHONE, "--approves-pushes")
    assert hook == {**normal, "sim_swapped_to": None, "approves_pushes": True}
    assert "approves_pushes" in sls(server, "phone", "conditions", PHONE).stdout
    off = sls_json(server, "phone", "conditions", PHONE, "--no-approves-pushes")
    assert off == {**normal, "sim_swapped_to": None}


def test_cli_phone_errors_are_one_line(plain_server: ServerProcess) -> None:
    server = plain_server
    both = sls(server, "phone", "conditions", PHONE, "--sim-swapped-to", "eve", "--restore-sim")
    assert both.returncode == 2 and "give one or the other" in both.stderr
    bad = sls(server, "phone", "conditions", PHONE, "--sim-swapped-to", "evil handset")
    assert bad.returncode == 1 and "sim_swapped_to" in bad.stderr
    delay = sls(server, "phone", "conditions", PHONE, "--delay", "99999")
    assert delay.returncode == 1 and "delivery_delay_s" in delay.stderr
    at_home = sls(server, "phone", "conditions", PHONE, "--roaming-loses-every", "2")
    assert at_home.returncode == 1 and "roaming_loses_every needs roaming" in at_home.stderr
    too_sparse = sls(server, "phone", "conditions", PHONE, "--roaming", "--roaming-loses-every", "11")
    assert too_sparse.returncode == 1 and "roaming_loses_every" in too_sparse.stderr
    number = sls(server, "phone", "inbox", "not a number")
    assert number.returncode == 1 and "field=number" in number.stderr
    empty = sls(server, "phone", "inbox", "nobody-here")
    assert empty.returncode == 0 and "no texts yet" in empty.stderr


def test_inbox_code_refuses_an_older_code_while_a_newer_one_is_on_its_way(
    plain_server: ServerProcess,
) -> None:
    """With texts delayed, `--code` printed the last login's code, and a script went on with a spent one."""
    server = plain_server
    assert api(server, "/admin/v1/clock", {"freeze": True}, True).ok  # the wait is told to the second
    user = {"username": "pat", "password": PASSWORD, "phone": PHONE, "sms": False}
    assert api(server, "/admin/v1/users", user, True).ok
    assert api(server, "/admin/v1/users/pat/devices", {"type": "sms"}, True).status_code == 201
    api(server, "/api/v1/auth/login", {"username": "pat", "password": PASSWORD})
    first = sls(server, "phone", "inbox", PHONE, "--code").stdout.strip()
    assert first.isdigit()

    sls_json(server, "phone", "conditions", PHONE, "--delay", "90")
    api(server, "/api/v1/auth/login", {"username": "pat", "password": PASSWORD})
    waiting = sls(server, "phone", "inbox", PHONE, "--code")
    assert waiting.returncode == 1 and waiting.stdout == "", waiting.stdout
    assert "a newer code to +15555550100 is still on its way" in waiting.stderr
    assert "sls clock --advance 90" in waiting.stderr, waiting.stderr
    listed = sls(server, "phone", "inbox", PHONE)
    assert listed.returncode == 0 and "1 text on the way" in listed.stdout + listed.stderr

    assert sls(server, "clock", "--advance", "90").returncode == 0
    arrived = sls(server, "phone", "inbox", PHONE, "--code")
    assert arrived.returncode == 0 and arrived.stdout.strip() not in ("", first), arrived.stderr


def test_login_auto_waits_for_its_own_code_past_an_older_delayed_one(plain_server: ServerProcess) -> None:
    """Two logins while texts were delayed: once the first login's text arrived, `sls answer --auto` typed
    its code for the second login, and spent an attempt."""
    server = plain_server
    assert api(server, "/admin/v1/clock", {"freeze": True}, True).ok
    user = {"username": "pat", "password": PASSWORD, "phone": PHONE, "sms": False}
    assert api(server, "/admin/v1/users", user, True).ok
    assert api(server, "/admin/v1/users/pat/devices", {"type": "sms"}, True).status_code == 201
    sls_json(server, "phone", "conditions", PHONE, "--delay", "120")
    login = ("login", "pat", "--password", PASSWORD, "--auto")
    assert sls(server, *login).returncode == 1
    assert sls(server, "clock", "--advance", "3").returncode == 0
    second = sls(server, *login)
    assert second.returncode == 1 and "arrives in 120 s" in second.stderr, second.stderr

    assert sls(server, "clock", "--advance", "117").returncode == 0  # the first login's text arrives
    early = sls(server, "answer", "--auto")
    assert early.returncode == 1 and "arrives in 3 s" in early.stderr, early.stderr + early.stdout
    assert sls(server, "clock", "--advance", "3").returncode == 0
    done = sls(server, "answer", "--auto")
    assert done.returncode == 0 and "logged in as pat" in done.stdout, done.stderr
