"""A key written as far in as the key above it, which was meant to hold it: told to be indented under that
key, not as a typo of the mapping it landed in.

Found indenting by hand: ``expect:`` then ``status: 200`` on the next line at the same column said only
"unknown key 'status'; expected `login`, `actor`, ..."; ``json:`` then ``state: second_factor`` said "did you
mean 'statuses'?", sending the writer to a key that has nothing to do with it.
"""

from __future__ import annotations

from pathlib import Path

from format_kit import problems


def test_an_expects_key_at_the_column_of_expect_is_told_to_go_under_it(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: alice
          expect:
          status: 200
        """,
    )
    assert found == [
        "10:12: step 1 expect: expected a mapping, got nothing",
        "11:5: step 1 status: unknown key 'status'; expected `login`, `actor`, `name`, `expect`, `capture` "
        "(`status` is the expect's, left empty on line 10: indent it under `expect:`)",
    ]


def test_a_json_path_at_the_column_of_json_is_no_typo_of_statuses(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: alice
          expect:
            json:
            state: second_factor
        """,
    )
    assert found[-1] == (
        "12:7: step 1 expect.state: unknown key 'state'; expected `status`, `error`, `json`, `headers`, "
        "`events`, `statuses` (`state` is the json's, left empty on line 11: indent it under `json:`)"
    ), found


def test_a_setup_key_under_an_empty_users_is_told_too(tmp_path: Path) -> None:
    head = "name: probe\ndescription: A scenario written to probe the loader.\nsetup:\n  users:\n"
    head += "  - {username: alice}\n  devices: []\n  username: bob\nsteps:\n"
    found = problems(tmp_path, "- login: alice\n  expect: {status: 403}\n", head=head)
    assert all("left empty" not in p for p in found), found  # users holds a list: no key goes under it
