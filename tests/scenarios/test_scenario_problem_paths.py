"""Where a scenario's problem is: a step in words, counted from 1 as reports number steps (``step 2``), an
item of any other list by its index from 0, as the API's ``index`` and the format's own json paths
(``factors.0.type``) count; and, for programs, the value's JSON pointer (``validate --json``'s ``path``).

QA: validation said ``setup.users[1].ip_allowlist[2]`` for the entry the server's 400 calls ``index: 1``
of the first user's list: two numbers for one entry, one of them off by one."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from flask.testing import FlaskClient

from sls_server.cli.main import cli

SCENARIO = """\
name: paths
description: An allowlist entry the server cannot read, and a misspelt key in an event expected.
setup:
  users:
    - {username: alice, ip_allowlist: [203.0.113.0/24, nope]}
steps:
  - http: {method: GET, path: /healthz}
    expect: {status: 200}
  - login: alice
    expect: {events: {happened: [{type: login.started}, {usr: alice}]}}
"""


def test_a_problem_names_a_list_item_by_the_index_the_api_gives_it(
    tmp_path: Path, client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    file = tmp_path / "paths.scenario.yaml"
    file.write_text(SCENARIO)
    said = CliRunner().invoke(cli, ["scenario", "validate", str(file), "--json"])
    assert said.exit_code == 1, said.output
    problems = {(p["where"], p["path"]) for p in json.loads(said.stdout)[0]["problems"]}
    assert ("setup.users[0].ip_allowlist[1]", "/setup/users/0/ip_allowlist/1") in problems, problems
    assert ("step 2 expect.events.happened[1].usr", "/steps/1/expect/events/happened/1/usr") in problems
    body = {"username": "alice", "password": "Correct-Horse-9", "ip_allowlist": ["203.0.113.0/24", "nope"]}
    refused = client.post("/admin/v1/users", json=body, headers=admin_headers)
    assert refused.status_code == 400, refused.get_json()
    assert (refused.get_json()["field"], refused.get_json()["index"]) == ("ip_allowlist", 1)
    text = CliRunner().invoke(cli, ["scenario", "validate", str(file)])
    assert f"{file}:5:56: setup.users[0].ip_allowlist[1]: 'nope' is not an IP address" in text.stderr
