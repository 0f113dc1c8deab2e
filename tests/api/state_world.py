"""A rich world for the state round trip, built only through the public surfaces (``/admin/v1``, ``/sim/v1``,
``/api/v1``) as a trainer or a QA script would: every kind of device in every state a person can leave it in,
every kind of lock, allowlists, an account, phone conditions, and every setting changeable at run time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conftest import ADMIN_TOKEN
from flask.testing import FlaskClient

from sls_server import create_app

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Quiet-Lantern-State-42"
HOME, STRANGER, OUTSIDE = "192.0.2.10", "203.0.113.99", "198.51.100.1"
AT = 1_893_492_000  # 2030-01-01T10:00:00Z: the clock is frozen here before anything else happens
#: The world's settings: permanent locks after two, known addresses, one wrong response disables a device.
CONFIG = {"GATEWAY": True, "LOCKOUT_PERMANENT_AFTER": 2, "LOCKOUT_KNOWN_IPS": True, "DEVICE_FAILURE_LIMIT": 1}


@dataclass
class Built:
    """What the test needs to act in the world: the client and the ids the admin API answered."""

    client: FlaskClient
    devices: dict[str, dict[str, Any]] = field(default_factory=dict)

    def ok(self, answer: Any, status: int = 200) -> Any:
        assert answer.status_code == status, answer.get_json()
        return answer.get_json()

    def admin(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        return self.ok(self.client.open(f"/admin/v1{path}", method=method, json=body, headers=ADMIN), status)

    def user(self, name: str, phone: str | None = None, **extra: Any) -> None:
        body = {"username": name, "password": PASSWORD, "sms": False, **extra}
        self.admin("POST", "/users", {**body, **({"phone": phone} if phone else {})}, 201)

    def enrol(self, name: str, key: str, **body: Any) -> dict[str, Any]:
        self.devices[key] = self.admin("POST", f"/users/{name}/devices", body, 201)
        return self.devices[key]

    def login(self, name: str, ip: str = STRANGER, password: str = PASSWORD) -> Any:
        body = {"username": name, "password": password}
        return self.client.post("/api/v1/auth/login", json=body, environ_base={"REMOTE_ADDR": ip})

    def fail(self, name: str, times: int) -> None:
        assert [self.login(name, password="not-the-password").status_code for _ in range(times)] == [
            401
        ] * times

    def card_response(self, key: str, challenge: str, pin: str = "2468") -> Any:
        device_id = self.devices[key]["device_id"]
        return self.client.post(
            f"/sim/v1/dscplus/{device_id}/respond", json={"pin": pin, "challenge": challenge}
        )

    def card_login(self, name: str, key: str, ip: str = HOME) -> Any:
        started = self.ok(self.login(name, ip))
        response = self.ok(self.card_response(key, started["factor"]["challenge"]))["response"]
        return self.client.post(
            f"/api/v1/auth/login/{started['txn_id']}/verify",
            json={"response": response},
            headers={"X-Login-Token": started["login_token"]},
            environ_base={"REMOTE_ADDR": ip},
        )

    def activate(self, name: str, key: str, phone: str, **unlock: Any) -> None:
        inbox = self.ok(self.client.get(f"/sim/v1/phones/{phone}/messages"))["messages"]
        code = next(m["code"] for m in inbox if "activation code" in m["text"])
        body = {"username": name, "password": PASSWORD, "activation_code": code, **unlock}
        self.ok(self.client.post(f"/sim/v1/ibkey/{self.devices[key]['device_id']}/activate", json=body))


def build(app_config: dict[str, Any]) -> Built:
    world = Built(create_app({**app_config, **CONFIG}).test_client())
    world.admin("POST", "/clock", {"set_at": AT, "freeze": True})
    # amy: a labelled card shared with ben, her own allowlist, an account with ben, a known address.
    world.user("amy", ip_allowlist=["192.0.2.0/24"])
    world.enrol("amy", "card", type="dscplus", pin="2468", label="Desk card")
    world.user("ben", paper=True)
    world.enrol("ben", "shared", type="dscplus", share_device_id=world.devices["card"]["device_id"])
    world.admin("POST", "/accounts", {"account_id": "U7654321", "users": ["amy", "ben"]}, 201)
    world.admin("PUT", "/accounts/U7654321/ip-allowlist", {"ip_allowlist": ["192.0.2.0/24", "2001:db8::/32"]})
    world.ok(world.card_login("amy", "card"))
    # pat: locked until an admin unlocks him; tim: a timed lock running; dee: disabled.
    for name in ("pat", "tim", "dee"):
        world.user(name)
        world.enrol(name, f"{name}-card", type="dscplus", pin="2468")
    world.fail("pat", 5)
    world.admin("POST", "/clock", {"advance_s": 60})
    world.fail("pat", 5)
    world.fail("tim", 5)
    world.admin("POST", "/users/dee/disable")
    # ivy: an active IB Key on Android; ian: on an iPhone, notifications off; pen: one not yet activated.
    for name, phone in (("ivy", "+15550100021"), ("ian", "+15550100022"), ("pen", "+15550100023")):
        world.user(name, phone)
    world.enrol("ivy", "ivy-key", type="ibkey", platform="android")
    world.activate("ivy", "ivy-key", "+15550100021", pin="12ab")
    world.enrol("ian", "ian-key", type="ibkey", platform="ios")
    world.activate("ian", "ian-key", "+15550100022", biometric=True)
    settings = world.client.put(
        f"/sim/v1/ibkey/{world.devices['ian-key']['device_id']}/settings", json={"notifications": False}
    )
    world.ok(settings)
    world.enrol("pen", "pen-key", type="ibkey", platform="android")
    # sam: SMS on a number whose carrier drops texts; val: voice, on a number given after creation, abroad.
    world.user("sam", "+15550100031")
    world.enrol("sam", "sam-sms", type="sms", label="Work phone")
    world.ok(world.client.put("/sim/v1/phones/+15550100031/conditions", json={"carrier_blocks_sms": True}))
    world.ok(
        world.client.put(
            "/sim/v1/phones/+15550100023/conditions", json={"needs_restart": True, "approves_pushes": True}
        )
    )  # pen's: her IB Key, once active, approves pushes by itself
    world.user("val")
    world.admin("PUT", "/users/val/phone", {"phone": "+15550100032"})
    world.enrol("val", "val-voice", type="voice")
    world.ok(
        world.client.put(
            "/sim/v1/phones/+15550100032/conditions",
            json={"delivery_delay_s": 45, "roaming": True, "roaming_loses_every": 3},
        )
    )
    # tom: a TOTP app of his choosing, a temporary passcode, and a card he revoked.
    world.user("tom")
    world.enrol("tom", "tom-totp", type="totp", digits=8, algorithm="sha256", period=60)
    world.enrol("tom", "tom-temp", type="temporary", days=3)
    world.enrol("tom", "tom-old", type="dscplus", pin="2468")
    world.admin("DELETE", f"/users/tom/devices/{world.devices['tom-old']['device_id']}")
    # ann: her password reset by Client Services (to the same one here): the password has an epoch of its own.
    world.user("ann")
    world.enrol("ann", "ann-card", type="dscplus", pin="2468")
    world.admin("PUT", "/users/ann/password", {"password": PASSWORD})
    # kay: a card locked by wrong PINs; dan: a TOTP disabled by a wrong code.
    world.user("kay")
    world.enrol("kay", "kay-card", type="dscplus", pin="2468")
    assert [world.card_response("kay-card", "123456", pin="1111").status_code for _ in range(4)][-1] == 423
    world.user("dan")
    world.enrol("dan", "dan-totp", type="totp")
    started = world.ok(world.login("dan"))
    right = world.ok(world.client.get(f"/sim/v1/totp/{world.devices['dan-totp']['device_id']}/code"))["code"]
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    verify = f"/api/v1/auth/login/{started['txn_id']}/verify"
    world.client.post(verify, json={"response": wrong}, headers={"X-Login-Token": started["login_token"]})
    # the settings a trainer changes at run time: the gateway's daily reset (the clock is frozen above).
    world.admin("PUT", "/gateway/daily-reset", {"at": "10:30"})
    return world
