"""A saved world keeps its clock as it was: frozen at its instant, or running at its offset.

Before, only ``settings.clock_offset_s`` was exported, so a world saved with its clock frozen at
1900000000 came back running, two real seconds later 1900000002. Now a frozen clock is exported with
``settings.clock_frozen_at`` and imported (with ``replace``) frozen there; a document of version 1 without
it, as written before, is still a running clock at its offset.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask.testing import FlaskClient
from freezegun import freeze_time
from test_state_transfer import export

from sls_server.shapes.clock import CLOCK_MAX
from sls_server.store import connect

AT = 1_900_000_000


def _clock(client: FlaskClient, headers: dict[str, str], body: dict[str, Any] | None = None) -> Any:
    if body is None:
        return client.get("/admin/v1/clock", headers=headers).get_json()
    answer = client.post("/admin/v1/clock", json=body, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def _import(client: FlaskClient, headers: dict[str, str], document: dict[str, Any], status: int = 200) -> Any:
    answer = client.post("/admin/v1/state/import?replace=true", json=document, headers=headers)
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


@pytest.mark.parametrize("at", [AT, CLOCK_MAX])
def test_a_frozen_clock_comes_back_frozen_at_its_instant(
    client: FlaskClient, admin_headers: dict[str, str], at: int
) -> None:
    with freeze_time("2026-01-01 00:00:00") as real:
        _clock(client, admin_headers, {"set_at": at, "freeze": True})
        document = export(client, admin_headers)
        assert document["settings"]["clock_frozen_at"] == at
        real.tick(86400)  # a day of real time between the save and the load
        _clock(client, admin_headers, {"reset": True})
        _import(client, admin_headers, document)
        after = _clock(client, admin_headers)
        assert (after["now"], after["frozen"]) == (at, True)
        real.tick(60)
        assert _clock(client, admin_headers)["now"] == at


def test_a_running_clock_keeps_its_offset_and_its_document_is_as_before(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    with freeze_time("2026-01-01 00:00:00") as real:
        _clock(client, admin_headers, {"advance_s": 3600})
        document = export(client, admin_headers)
        assert document["settings"] == {"clock_offset_s": 3600}
        _clock(client, admin_headers, {"set_at": AT, "freeze": True})
        real.tick(5)
        _import(client, admin_headers, document)
        assert _clock(client, admin_headers) == {
            "now": 1_767_225_605 + 3600,
            "offset_s": 3600,
            "frozen": False,
        }


@pytest.mark.parametrize("value", [5, 946684799, CLOCK_MAX + 1, "1900000000", 1.5, True, {"at": AT}])
def test_a_bad_frozen_instant_is_refused_by_name_and_changes_nothing(
    client: FlaskClient, admin_headers: dict[str, str], redis_url: str, value: Any
) -> None:
    _clock(client, admin_headers, {"set_at": AT, "freeze": True})
    good = export(client, admin_headers)
    store = connect(redis_url)
    before = {key: store.dump(key) for key in sorted(store.scan_iter(count=1000))}
    broken = copy.deepcopy(good)
    broken["settings"]["clock_frozen_at"] = value
    refused = _import(client, admin_headers, broken, status=400)
    assert refused["error"] == "invalid_request" and refused["field"] == "settings.clock_frozen_at", refused
    after = {key: store.dump(key) for key in sorted(store.scan_iter(count=1000))}
    store.close()
    assert after == before
    assert _clock(client, admin_headers)["frozen"] is True
