"""Event types in ``expect.events`` are checked at validation time against the types the server writes.

QA: ``not_happened: [{type: login.succeded}]`` passed silently (no such event ever happens). The closed list
lives in ``sls_server/event_types.py`` (pure: the scenarios and the admin API read it); the last two tests
read the server's source so the list can neither miss a type the server writes nor keep one it does not.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

from sls_scenarios.loader import load
from sls_scenarios.positions import ScenarioInvalid
from sls_server.event_types import EVENT_TYPES

ROOT = Path(__file__).parents[2]
SERVER = ROOT / "sls_server"
EVENT_TYPE = re.compile(r"^[a-z]+\.[a-z_]+$")
HEAD = """\
name: probe
description: A scenario written to probe the event checks.
setup:
  users: [{username: alice}]
steps:
  - login: {user: alice, password: wrong-password-1}
    expect:
      status: 401
"""


def problems(tmp_path: Path, events: str) -> list[str]:
    file = tmp_path / "probe.scenario.yaml"
    file.write_text(HEAD + textwrap.indent(textwrap.dedent(events), "      "))
    with pytest.raises(ScenarioInvalid) as caught:
        load(file)
    return [str(p).replace(f"{file}:", "") for p in caught.value.problems]


def test_a_misspelt_event_type_is_refused_with_the_closest_one(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        events:
          happened: [{type: login.password_faild}]
          not_happened: [{type: login.succeded, user: alice}]
        """,
    )
    assert found == [
        "10:27: step 1 expect.events.happened[0].type: the server writes no event 'login.password_faild' "
        "(did you mean 'login.password_failed'?)",
        "11:31: step 1 expect.events.not_happened[0].type: the server writes no event 'login.succeded' "
        "(did you mean 'login.succeeded'?)",
    ]


def test_an_unknown_type_with_no_close_one_points_to_the_list(tmp_path: Path) -> None:
    found = problems(tmp_path, "events: {not_happened: [{type: nothing.ever}]}\n")
    assert len(found) == 1 and "`sls scenario reference` lists them" in found[0]


def test_a_variable_or_a_real_type_is_accepted(tmp_path: Path) -> None:
    file = tmp_path / "ok.scenario.yaml"
    file.write_text(
        HEAD
        + "      events: {happened: [{type: login.password_failed}],\n"
        + "               not_happened: [{type: login.succeeded}]}\n"
        + "  - capture: {kind: error}\n  - expect: {events: {not_happened: [{type: '${kind}'}]}}\n"
    )
    load(file)


def _server_literals() -> set[str]:
    """Every literal event type the server hands its recorder (``record``/``record_flood``), including
    both branches of a conditional and a type chosen into a variable named ``event`` first."""
    found: set[str] = set()
    for path in SERVER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            chosen: list[ast.AST] = []
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("record", "record_flood")
                and node.args
            ):
                chosen.append(node.args[0])
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "event" for t in node.targets
            ):
                chosen.append(node.value)
            for part in chosen:
                found |= {
                    c.value
                    for c in ast.walk(part)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str) and EVENT_TYPE.match(c.value)
                }
    return found


def test_every_type_the_server_writes_is_known() -> None:
    literals = _server_literals()
    assert len(literals) > 40
    assert sorted(literals - EVENT_TYPES) == []


def test_every_known_type_is_one_the_server_can_write() -> None:
    """A literal type is in the source as it is; a composed one (``f"session.{reason}"``,
    ``f"{door}.password_failed"``, ``f"{self.name}.signed_in"``) has both its parts there, quoted."""
    written_by = [p for p in SERVER.rglob("*.py") if p != SERVER / "event_types.py"]  # not the list itself
    source = "\n".join(p.read_text() for p in [*written_by, *SERVER.rglob("*.lua")])
    literals = _server_literals()

    def quoted(word: str) -> bool:
        return f'"{word}"' in source or f"'{word}'" in source

    def written(kind: str) -> bool:
        prefix, suffix = kind.split(".")
        return (
            kind in literals
            or quoted(kind)
            or ('"session.{' in source and prefix == "session" and quoted(suffix))
            or (f'}}.{suffix}"' in source and quoted(prefix))
        )

    assert sorted(k for k in EVENT_TYPES if not written(k)) == []


#: The types the HTTP contract's Events section names (api.md): part of the contract, never renamed.
CONTRACT_EVENT_TYPES = [
    "login.password_ok",
    "login.password_failed",
    "login.challenge_issued",
    "login.second_factor_failed",
    "login.succeeded",
    "account.locked",
    "account.unlocked",
    "device.locked",
    "ip.rejected",
    "session.expired_idle",
    "session.expired_absolute",
    "session.logout",
    "sms.sent",
    "voice.called",
    "push.sent",
    "push.approved",
    "push.denied",
    "device.enrolled",
    "device.revoked",
    "stepup.verified",
]


def test_every_event_type_the_contract_names_is_one_the_server_writes() -> None:
    """EVENT_TYPES is held to the server's source above, so a type renamed in the server, which a client
    written against the contract filters the trail by (``?type=``), fails here."""
    assert sorted(set(CONTRACT_EVENT_TYPES) - EVENT_TYPES) == []
