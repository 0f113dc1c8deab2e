"""A soak of a kept world, to see that Redis state stays bounded: rounds of every kind of flow over real HTTP
against a running ``sls demo`` or ``sls serve`` (never in CI), the emulated clock moved on between rounds,
then a census of the Redis keys (``scripts/redis_census.py``). Each round's users are made and deleted in
that round, so what a census finds growing with the rounds, and not with the users still there, is a leak.

    SLS_DATA_DIR=/tmp/soak SLS_PORT=6410 sls demo &
    python scripts/soak_state.py --url http://127.0.0.1:6410 --data-dir /tmp/soak --rounds 20

Each round: a user per authenticator (card, IB Key Android and iPhone, SMS, voice, several factors) logs in
through the simulators (``--auto``'s answerer), steps up and logs out; wrong passwords lock one out, from an
address of the round's own (the demo believes ``X-Forwarded-For`` from loopback); a recovery is started and
left; a device is revoked; every staged attack is run; a login on ``sls gateway``'s page if ``--gateway-url``
is given (a gateway on the same data folder); the demo's own users log in from a new address of the round's
(``--demo-logins``); the whole scenario library runs every N rounds (``--scenarios-every``: the runner puts
the kept world back after); then every user of the round is deleted and the clock moves a day (a week every
seventh round).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from sls_server.cli.admin_client import AdminClient, ApiError
from sls_server.cli.answering import Answerer
from sls_server.cli.demo_world import World
from sls_server.cli.step_flow import Flow
from sls_server.cli.step_loop import run_flow

PASSWORD = "granite-willow-harbour-42"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
KINDS: dict[str, list[dict[str, Any]]] = {
    "card": [{"type": "dscplus", "pin": "1234"}],
    "andr": [{"type": "ibkey", "platform": "android", "pin": "12ab"}],
    "ipho": [{"type": "ibkey", "platform": "ios", "biometric": True}],
    "smsu": [],  # the SMS of account opening
    "voic": [{"type": "voice"}],
    "mult": [{"type": "dscplus", "pin": "2468"}, {"type": "totp"}],
}
ATTACKS = (
    ("password_spray", "card", False),
    ("brute_force", "card", False),
    ("credential_stuffing", "voic", False),
    ("push_bombing", "andr", True),
    ("sim_swap", "smsu", True),
    ("sim_swap_reset", "smsu", False),
    ("phishing_relay", "andr", True),
)


class Round:
    """One round's users: made, driven, deleted."""

    def __init__(self, admin: AdminClient, sim: AdminClient, number: int) -> None:
        self.admin, self.sim, self.number = admin, sim, number
        self.users: dict[str, dict[str, Any]] = {}
        self.failures: list[str] = []

    def name(self, kind: str) -> str:
        return f"{kind}-{self.number:05d}"

    def phone(self, index: int) -> str:
        return f"+1555{self.number:06d}{index}"

    def make(self) -> None:
        for index, (kind, devices) in enumerate(KINDS.items()):
            name = self.name(kind)
            self.admin.create_user(name, PASSWORD, self.phone(index), sms=kind == "smsu")
            entry: dict[str, Any] = {"username": name, "password": PASSWORD, "phone": self.phone(index)}
            entry["devices"] = [d for d in self.admin.devices(name)]
            for spec in devices:
                body = {
                    k: v
                    for k, v in spec.items()
                    if k not in ("biometric",) and not (k == "pin" and spec["type"] == "ibkey")
                }
                enrolled = self.admin.enrol_device(name, body)
                held: dict[str, Any] = {k: spec[k] for k in ("pin", "biometric") if k in spec}
                if spec["type"] == "ibkey":
                    self._activate(name, entry["phone"], enrolled["device_id"], held)
                entry["devices"].append({**enrolled, **held})
            self.users[name] = entry

    def _activate(self, name: str, phone: str, device_id: str, held: dict[str, Any]) -> None:
        texts = self.sim.request("GET", f"/sim/v1/phones/{phone}/messages").get("messages", [])
        code = next(str(m["code"]) for m in texts if m.get("purpose") == "ibkey_activation" and m.get("code"))
        body = {"username": name, "password": PASSWORD, "activation_code": code, **held}
        self.sim.request("POST", f"/sim/v1/ibkey/{device_id}/activate", body)

    def answerer(self) -> Answerer:
        return Answerer(self.admin, self.sim, World({"users": self.users}))

    def login(self, name: str, *, factor: str | None = None) -> str | None:
        """A whole login through the simulators; the session token, or None (said in ``failures``)."""
        try:
            done = log_in(self.admin.with_token(None), self.answerer(), name, PASSWORD, factor=factor)
            return str(done["session"]["token"])
        except (ApiError, KeyError, StopIteration) as exc:
            self.failures.append(f"login {name}: {exc}")
            return None

    def stepup(self, name: str, token: str) -> str:
        """A step-up for a withdrawal; the session's token after it (a step-up rotates it)."""
        api = self.admin.with_token(token)
        answerer = self.answerer()
        try:
            seen = answerer.snapshot(name)
            begun = api.request("POST", "/api/v1/verify", {"purpose": "withdrawal"})
            flow = Flow(
                "stepup",
                name,
                begun["txn_id"],
                begun["factor"],
                begun.get("factors") or [],
                session_token=token,
                purpose="withdrawal",
                seen=seen,
            )
            done = run_flow(
                flow, self.admin, answerer, response=None, auto=True, timeout=10, remember=_ignore
            )
            return str(done.get("session", {}).get("token") or token)
        except (ApiError, KeyError) as exc:
            self.failures.append(f"stepup {name}: {exc}")
            return token

    def quietly(
        self,
        what: str,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        client: AdminClient | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        try:
            return (client or self.admin).request(method, path, body, headers=headers)
        except ApiError as exc:
            self.failures.append(f"{what}: {exc.code} {exc.message[:150]}")
            return {}

    def drive(self) -> None:
        api = self.admin.with_token(None)
        for name in self.users:
            kinds = ["sms", "voice"] if name.startswith("smsu") else [None]
            for factor in kinds:
                token = self.login(name, factor=factor)
                if token is None:
                    continue
                token = self.stepup(name, token)
                self.quietly("logout", "POST", "/api/v1/auth/logout", client=self.admin.with_token(token))
        # wrong passwords from an address of the round's own, until the account locks
        address = {"X-Forwarded-For": f"198.18.{self.number // 250 % 250}.{self.number % 250 + 1}"}
        for _ in range(6):
            with contextlib.suppress(ApiError):
                api.request(
                    "POST",
                    "/api/v1/auth/login",
                    {"username": self.name("voic"), "password": "wrong-wrong-9"},
                    headers=address,
                )
        # a recovery started, its code typed, then left (the multi user: a card to answer with)
        started = self.quietly(
            "recovery", "POST", "/api/v1/auth/recovery", {"username": self.name("mult")}, client=api
        )
        texts = self.sim.request("GET", f"/sim/v1/phones/{self.phone(5)}/messages").get("messages", [])
        code = next((str(m["code"]) for m in texts if m.get("code")), None)
        if started and code:
            typed = {"recovery_token": started["recovery_token"], "code": code}
            self.quietly("recovery code", "POST", "/api/v1/auth/recovery/code", typed, client=api)
        # a login started and never answered
        self.quietly(
            "login left",
            "POST",
            "/api/v1/auth/login",
            {"username": self.name("card"), "password": PASSWORD},
            client=api,
        )
        for attack, kind, phished in ATTACKS:
            body: dict[str, Any] = {"attack": attack, "username": self.name(kind)}
            if phished:
                body["password"] = PASSWORD
            self.quietly(f"attack {attack}", "POST", "/admin/v1/attacks", body)
        # a device revoked, then everything deleted
        card = self.users[self.name("mult")]["devices"][0]["device_id"]
        self.quietly("revoke", "DELETE", f"/admin/v1/users/{self.name('mult')}/devices/{card}")

    def delete(self) -> None:
        for name in self.users:
            self.quietly("delete", "DELETE", f"/admin/v1/users/{name}")


def _ignore(flow: Flow) -> None:
    """``run_flow`` remembers each step for the CLI's next command; the soak has none."""


def log_in(
    api: AdminClient, answerer: Answerer, name: str, password: str, *, factor: str | None = None
) -> dict[str, Any]:
    """A whole login through the simulators, as ``sls login --auto`` makes it (on ``factor`` if given);
    the flow's last answer, with the session."""
    seen = answerer.snapshot(name)
    started = api.request("POST", "/api/v1/auth/login", {"username": name, "password": password})
    flow = Flow(
        "login",
        name,
        started["txn_id"],
        started["factor"],
        started.get("factors") or [],
        login_token=started["login_token"],
        seen=seen,
    )
    if factor and factor != flow.factor.get("type"):
        flow.switch(api, factor, None)
    return run_flow(flow, api, answerer, response=None, auto=True, timeout=10, remember=_ignore)


def demo_logins(url: str, data_dir: str, number: int, failures: list[str]) -> None:
    """The demo's own users log in as a class would, each from an address of the round's own (a trainee's
    machine): what grows with a kept world's logins (known addresses, a card's used challenges)."""
    info = json.loads((Path(data_dir) / "demo.json").read_text())
    address = {"X-Forwarded-For": f"10.{number // 250 % 250}.{number % 250}.7"}
    admin = AdminClient(url, info["admin_token"], headers=address)
    answerer = Answerer(admin, AdminClient(url, None), World(info))
    api = admin.with_token(None)
    for name in ("card-carl", "sms-sam", "totp-tom", "android-ann", "multi-mia"):
        try:
            log_in(api, answerer, name, info["users"][name]["password"])
        except (ApiError, KeyError) as exc:  # a session left open: the next login replaces it
            failures.append(f"demo login {name}: {exc}")


def scenario_runs(url: str, token: str, failures: list[str]) -> None:
    """The whole scenario library against the server, as a QA farm runs it: the runner wipes the world before
    each scenario and puts the kept world back after (``sls scenario run --server``)."""
    ran = subprocess.run(
        ["sls", "scenario", "run", "--all", "--server", url, "--admin-token", token, "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if ran.returncode != 0:
        failures.append(f"scenarios: exit {ran.returncode}")


def gateway_login(url: str, username: str, failures: list[str]) -> None:
    """A login on ``sls gateway``'s page (``/sso/Login``) with the code from its outbox hook, as IBeam does
    (the round's SMS user: the gateway shares the demo's Redis), then a tickle and its logout."""
    browser = requests.Session()
    try:
        page = browser.get(f"{url}/sso/Login?forwardTo=22&RL=1&ip2loc=on", timeout=10)
        csrf = CSRF.search(page.text)
        form = {"username": username, "password": PASSWORD, "csrf_token": csrf.group(1) if csrf else ""}
        started = browser.post(f"{url}/sso/Login", data=form, allow_redirects=False, timeout=10)
        step = started.headers.get("Location", "")
        code = browser.get(f"{url}/sim/v1/outbox/latest-code", params={"user": username}, timeout=10)
        answer = {"response": code.text, "csrf_token": form["csrf_token"]}
        done = browser.post(f"{url}{step}/verify", data=answer, allow_redirects=False, timeout=10)
        if done.headers.get("Location") != "/sso/Dispatcher":
            failures.append(f"gateway login: {done.status_code}")
            return
        browser.post(f"{url}/v1/api/tickle", timeout=10)
        browser.post(f"{url}/v1/api/logout", timeout=10)
    except requests.RequestException as exc:
        failures.append(f"gateway login: {type(exc).__name__}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True)
    parser.add_argument("--data-dir", required=True, help="the server's SLS_DATA_DIR (its admin.token)")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--first", type=int, default=0, help="the first round's number (to run more later)")
    parser.add_argument("--gateway-url", default=None)
    parser.add_argument("--scenarios-every", type=int, default=0, help="run the library every N rounds")
    parser.add_argument("--demo-logins", action="store_true", help="the demo's users log in too (sls demo)")
    args = parser.parse_args()
    token = (Path(args.data_dir) / "admin.token").read_text().strip()
    admin = AdminClient(args.url, token)
    sim = AdminClient(args.url, None)
    started = time.monotonic()
    failures: dict[str, int] = {}
    for number in range(args.first, args.first + args.rounds):
        one = Round(admin, sim, number)
        one.make()
        if args.gateway_url:  # first: sls gateway keeps the default SMS send limit (5), the demo raises it
            gateway_login(args.gateway_url, one.name("smsu"), one.failures)
        one.drive()
        if args.demo_logins:
            demo_logins(args.url, args.data_dir, number, one.failures)
        if args.scenarios_every and number % args.scenarios_every == args.scenarios_every - 1:
            scenario_runs(args.url, token, one.failures)
        one.delete()
        admin.move_clock(advance_s=7 * 86400 if number % 7 == 6 else 86400)
        for failure in one.failures:
            key = failure.split(":")[0]
            failures[key] = failures.get(key, 0) + 1
        print(
            f"round {number}: {len(one.failures)} refusals ({time.monotonic() - started:.0f} s)", flush=True
        )
    print(json.dumps({"refusals": failures}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
