"""An ``expect.error`` code is checked at validation time against the codes the server answers with.

QA: ``error: ip_restriced`` validated, then failed only at the run (``error is 'ip_restricted', expected
'ip_restriced'``), after the whole setup. The server declares its codes on its error classes
(``SlsError.code``, in ``sls_server/**/errors.py``); the scenarios package reaches the server only over HTTP,
so the closed list lives in ``sls_scenarios/error_codes.py``, and the last test holds it equal to the
server's classes.
"""

from __future__ import annotations

from pathlib import Path

from format_kit import problems
from unit.test_error_names import sls_errors

from sls_server.cli.gunicorn_errors import SERVER_FAULT


def test_a_misspelt_error_code_is_refused_with_the_closest_one(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: {user: alice, password: x}
          expect: {status: 403, error: ip_restriced}
        - login: {user: alice, password: x}
          expect: {status: 401, error: {in: [invalid_credentials, acount_locked]}}
        - login: {user: alice, password: x}
          expect: {status: 401, error: {ne: no_such_thing_at_all}}
        """,
    )
    assert found == [
        "10:34: step 1 expect.error: the server answers with no error 'ip_restriced' "
        "(did you mean 'ip_restricted'?)",
        "12:61: step 2 expect.error.in[1]: the server answers with no error 'acount_locked' "
        "(did you mean 'account_locked'?)",
        "14:39: step 3 expect.error.ne: the server answers with no error 'no_such_thing_at_all'; "
        "`sls scenario reference` lists them",
    ]


def test_a_real_code_a_variable_a_regex_or_no_error_pass(tmp_path: Path) -> None:
    from sls_scenarios.loader import load

    file = tmp_path / "fine.scenario.yaml"
    file.write_text(
        """\
name: fine
description: Every form an error may take that names no code wrongly.
setup:
  users: [{username: alice}]
steps:
  - login: {user: alice, password: wrong-password-1}
    expect: {status: 401, error: invalid_credentials}
  - login: {user: alice, password: wrong-password-1}
    expect: {status: 401, error: {regex: 'invalid_.*'}}
  - login: {user: alice, password: wrong-password-1}
    expect: {status: 401, error: {in: [invalid_credentials, account_locked]}}
  - login: {user: alice, password: wrong-password-1}
    expect: {status: 401, error: {ne: null}}
"""
    )
    assert len(load(file).data["steps"]) == 4


def _server_codes() -> set[str]:
    """Every code a server's answer may carry: each error class's ``code`` (``sls_errors``: every module
    imported, the tests' own classes left out), and the one a crash answers with."""
    return {error.code for error in sls_errors()} | {SERVER_FAULT}


def test_the_codes_are_the_server_s() -> None:
    """A code the server gains is one a scenario may expect; one it drops, one no scenario should."""
    from sls_scenarios.error_codes import ERROR_CODES

    assert sorted(ERROR_CODES ^ _server_codes()) == []
