"""A setup user's password the server's policy refuses for more than its length (a common password, one
character repeated, a run like abcd, the username inside) validated, and every run ended at the setup's
``400 weak_password``. The scenarios judge it at the line with the server's own rules
(``sls_server.password_rules``: pure, beneath the server's policy and the scenarios alike), never showing the
password: a problem goes into reports and CI logs."""

from __future__ import annotations

from pathlib import Path

import pytest
from format_kit import HEAD, problems

from sls_scenarios.loader import load

WEAK = {
    "password123": "Too common or easy to guess: choose something else",
    "zzzzzzzzzz": "Must not be one character repeated",
    "abcdefghij": "Must not be a run of consecutive characters like abcd or 4321",
    "Alice-harbour-42": "Must not contain the username",
}


@pytest.mark.parametrize("password", list(WEAK))
def test_a_setup_password_the_policy_refuses_is_told_at_its_line_without_its_value(
    tmp_path: Path, password: str
) -> None:
    head = HEAD.replace("username: alice,", f"username: alice, password: {password},")
    found = problems(tmp_path, "- login: alice\n  expect: {status: 200}\n", head)
    assert found == [
        f"5:35: setup.users[0].password: this secret is refused: {WEAK[password]}, as the server's "
        "password policy has it (its value is not shown)"
    ]
    assert password not in str(found)


def test_a_password_the_policy_takes_validates(tmp_path: Path) -> None:
    head = HEAD.replace("username: alice,", "username: alice, password: violet-harbour-lantern-42,")
    file = tmp_path / "fine.scenario.yaml"
    file.write_text(head + "  - login: alice\n    expect: {status: 200}\n")
    load(file)


def test_the_server_s_policy_refuses_what_the_rules_refuse() -> None:
    """One set of rules: the server's check (``accounts.passwords``) raises with the rules' reason."""
    from sls_server.accounts.passwords import PasswordRejected, check_password_policy
    from sls_server.password_rules import refusal

    for password in (*WEAK, "short"):
        found = refusal(password, username="alice")
        assert found is not None
        with pytest.raises(PasswordRejected) as refused:
            check_password_policy(password, username="alice")
        assert (refused.value.reason, refused.value.message) == found
    assert refusal("violet-harbour-lantern-42", username="alice") is None
