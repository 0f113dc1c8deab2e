"""A page of another site, open in the trainer's browser, cannot drive the simulated devices.

``/sim/v1`` needs no credential without ``SLS_SIM_TOKEN``, and a plain HTML form needs no CORS preflight: a
page on any site posting one to ``/sim/v1/phones/<number>/restart`` restarted the trainer's phone. Chromium
marks such a request (``Sec-Fetch-Site: cross-site``, ``Origin``) and the server now refuses it
(``tests/api/test_sim_cross_site.py`` for each header); here the forgery is a real page on another origin."""

from __future__ import annotations

from typing import Any

import requests

from .pages_kit import World

EVIL = "http://evil.example/"
PHONE = "+15555550187"


def _needs_restart(world: World) -> bool:
    answer = requests.get(f"{world.url}/sim/v1/phones/{PHONE}/conditions", headers=world.sim, timeout=10)
    return bool(answer.json()["needs_restart"])


def test_another_sites_form_cannot_restart_the_phone(world: World, page: Any) -> None:
    world.put(f"/sim/v1/phones/{PHONE}/conditions", {"needs_restart": True})
    target = f"{world.url}/sim/v1/phones/{PHONE}/restart"
    html = f'<form method="post" action="{target}"><button id="go">Win a prize</button></form>'
    page.route(EVIL, lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(EVIL)
    with page.expect_response(target) as sent:
        page.click("#go")
    answer = sent.value
    assert answer.status == 403, answer.text()
    assert answer.json()["error"] == "cross_site_request"
    assert answer.request.header_value("origin") == "http://evil.example"
    assert _needs_restart(world)  # the trainer's phone was not restarted
