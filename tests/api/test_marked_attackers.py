"""``PUT /admin/v1/attackers``: addresses the trainer console's feed tags as the attacker's beside the staged
attacks' own, so a scenario demo's attacker actor logging in from the scenario's address is not shown as
good news (``sls scenario demo`` marks them)."""

from __future__ import annotations

from flask.testing import FlaskClient
from test_trainer_attacks import sign_in_to_console


def test_marked_addresses_are_stored_told_in_the_trail_and_on_the_console(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    body = {"addresses": ["203.0.113.66", "2001:db8::0:1"]}
    marked = client.put("/admin/v1/attackers", json=body, headers=admin_headers)
    assert marked.status_code == 200, marked.get_json()
    assert marked.get_json() == {"addresses": ["2001:db8::1", "203.0.113.66"]}
    events = client.get("/admin/v1/events?type=attack.addresses_marked", headers=admin_headers).get_json()
    assert [e["detail"]["addresses"] for e in events["events"]] == [["2001:db8::1", "203.0.113.66"]]
    sign_in_to_console(client)
    page = client.get("/trainer").get_data(as_text=True)
    assert "203.0.113.66" in page.split('data-attacker-ips="')[1].split('"')[0]


def test_a_bad_address_is_refused_naming_its_index_and_nothing_changes(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    first = client.put("/admin/v1/attackers", json={"addresses": ["203.0.113.66"]}, headers=admin_headers)
    assert first.status_code == 200, first.get_json()
    refused = client.put(
        "/admin/v1/attackers", json={"addresses": ["198.51.100.1", "nope"]}, headers=admin_headers
    )
    assert refused.status_code == 400, refused.get_json()
    answer = refused.get_json()
    assert answer["error"] == "invalid_request" and answer["field"] == "addresses" and answer["index"] == 1
    sign_in_to_console(client)
    shown = client.get("/trainer").get_data(as_text=True).split('data-attacker-ips="')[1].split('"')[0]
    assert "203.0.113.66" in shown.split() and "198.51.100.1" not in shown.split()  # as it was
    again = client.put("/admin/v1/attackers", json={"addresses": []}, headers=admin_headers)
    assert again.get_json() == {"addresses": []}


def test_the_addresses_the_feed_names_the_attacker_s_are_read_from_one_list(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """``sls events`` tags them as the feed does: it reads the feed's own list (``attacker_addresses``),
    the staged attacks' addresses and the marked ones, rather than keep one of its own."""
    from sls_server.sim.attacks import BRUTE_IP

    before = client.get("/admin/v1/attackers", headers=admin_headers)
    assert before.status_code == 200, before.get_json()
    assert BRUTE_IP in before.get_json()["addresses"] and "203.0.113.66" not in before.get_json()["addresses"]
    client.put("/admin/v1/attackers", json={"addresses": ["203.0.113.66"]}, headers=admin_headers)
    after = client.get("/admin/v1/attackers", headers=admin_headers).get_json()["addresses"]
    assert BRUTE_IP in after and "203.0.113.66" in after
    sign_in_to_console(client)
    shown = client.get("/trainer").get_data(as_text=True).split('data-attacker-ips="')[1].split('"')[0]
    assert sorted(shown.split()) == sorted(after)  # the console's list, the same
    assert client.get("/admin/v1/attackers").status_code == 401  # the admin token's, as every admin route
