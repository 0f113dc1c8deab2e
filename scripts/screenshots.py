"""Screenshots of the real pages for the README and docs/pages.md: starts ``sls serve`` (embedded Redis in a
temporary folder), seeds a small world through the admin API, drives the pages in Debian's Chromium and saves
PNGs into ``docs/screenshots/`` at 1280x800 and at phone size (390x844).

    python scripts/screenshots.py            # needs: pip install -e '.[test]' and apt-get install chromium
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import expect, sync_playwright

from sls_server.store.embedded import free_port

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
TOKEN = "screenshot-admin-token-0123456789"
PASSWORD = "plum-sketch-harbour-9"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


def start_server(data_dir: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "SLS_ADMIN_TOKEN": TOKEN, "SLS_HASH_PROFILE": "test", "SLS_DATA_DIR": data_dir}
    command = [sys.executable, "-m", "sls_server.cli.main", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(url + "/healthz", timeout=1).ok:
                    return process, url
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        raise SystemExit("sls serve did not start")
    except BaseException:  # never leave the server behind
        process.terminate()
        raise


def seed(url: str) -> dict[str, Any]:
    admin = ADMIN

    def post(path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
        sent = admin if headers is None else headers
        answer = requests.post(url + path, json=body, headers=sent, timeout=10)
        answer.raise_for_status()
        answered: dict[str, Any] = answer.json()  # every admin answer is an object
        return answered

    for name, phone in (("alice", "+15555550100"), ("bob", "+15555550101"), ("carol", "+15555550102")):
        post("/admin/v1/users", {"username": name, "password": PASSWORD, "phone": phone, "sms": False})
    card = post("/admin/v1/users/alice/devices", {"type": "dscplus", "pin": "1234"})
    post("/admin/v1/users/bob/devices", {"type": "sms"})
    ibkey = post("/admin/v1/users/carol/devices", {"type": "ibkey", "platform": "android"})
    texts = requests.get(url + "/sim/v1/phones/+15555550102/messages", timeout=10).json()["messages"]
    code = next(m["code"] for m in texts if m["purpose"] == "ibkey_activation")
    activation = {"username": "carol", "password": PASSWORD, "activation_code": code, "pin": "12ab"}
    post(f"/sim/v1/ibkey/{ibkey['device_id']}/activate", activation, headers={})
    post("/admin/v1/users/carol/devices", {"type": "totp"})
    return {"card": card["device_id"]}


def log_in(page: Any, url: str, username: str) -> None:
    page.goto(url + "/")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()


def shoot(browser: Any, url: str, world: dict[str, Any]) -> None:
    desk = browser.new_context(viewport=DESKTOP)
    login = desk.new_page()
    log_in(login, url, "alice")
    challenge = login.get_by_test_id("step-challenge").inner_text()
    login.screenshot(path=OUT / "login-dscplus.png")

    card = desk.new_page()
    card.goto(f"{url}/sim/card/{world['card']}")
    card.get_by_test_id("card-power").click()
    for key in [*"1234", "ok", *challenge, "ok"]:
        card.get_by_test_id(f"card-key-{key}").click()
    expect(card.get_by_test_id("card-display")).to_have_text(__import__("re").compile(r"^[0-9]{8}$"))
    card.screenshot(path=OUT / "card.png")

    push = desk.new_page()
    log_in(push, url, "carol")
    push.get_by_test_id("factor-select-submit").click()  # M2FS: IB Key, then the authenticator app
    expect(push.get_by_test_id("push-match")).to_be_visible()
    push.screenshot(path=OUT / "login-push.png")
    phone = desk.new_page()
    phone.goto(url + "/sim/phone/carol")
    phone.get_by_test_id("phone-tab-ibkey").click()
    expect(phone.get_by_test_id("ibkey-notification")).to_have_count(1)
    phone.get_by_test_id("ibkey-pin").fill("12ab")
    phone.screenshot(path=OUT / "phone.png")

    trainer = desk.new_page()
    trainer.goto(url + "/trainer")
    trainer.get_by_test_id("trainer-token").fill(TOKEN)
    trainer.get_by_test_id("trainer-sign-in").click()
    expect(trainer.get_by_test_id("feed-state")).to_have_text("live")
    trainer.get_by_test_id("attack-user").select_option("alice")
    trainer.get_by_test_id("attack-kind").select_option("brute_force")
    trainer.get_by_test_id("attack-run").click()
    expect(trainer.get_by_test_id("trainer-lock-alice")).to_contain_text("locked")
    trainer.evaluate("window.scrollTo(0, 0)")
    trainer.screenshot(path=OUT / "trainer.png")

    relay = desk.new_page()  # the attacker's screen, beside the console: a relay of carol's IB Key push
    relay.goto(url + "/trainer/attacks/relay")
    expect(relay.get_by_test_id("relay-feed-state")).to_have_text("live")
    staged = {"attack": "phishing_relay", "username": "carol", "password": PASSWORD}
    requests.post(url + "/admin/v1/attacks", json=staged, headers=ADMIN, timeout=10).raise_for_status()
    expect(relay.get_by_test_id("relay-number")).to_be_visible()
    relay.screenshot(path=OUT / "trainer-relay.png", full_page=True)

    mobile = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    small = mobile.new_page()
    log_in(small, url, "bob")
    expect(small.get_by_test_id("sms-sent-to")).to_be_visible()
    small.screenshot(path=OUT / "login-sms-phone-size.png")
    small_phone = mobile.new_page()
    small_phone.goto(url + "/sim/phone/bob")
    expect(small_phone.get_by_test_id("sms-code").first).to_be_visible()
    small_phone.screenshot(path=OUT / "phone-phone-size.png")
    desk.close()
    mobile.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("Chromium is not installed: apt-get install -y chromium")
    with tempfile.TemporaryDirectory() as data_dir:
        process, url = start_server(data_dir)
        try:
            world = seed(url)
            with sync_playwright() as playwright:
                args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
                browser = playwright.chromium.launch(executable_path=executable, args=args)
                shoot(browser, url, world)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=15)
    print("screenshots written to", OUT)


if __name__ == "__main__":
    main()
