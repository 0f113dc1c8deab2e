"""How the scenario loader tells a problem: file, line and column, what was expected, the closest valid name,
and a YAML surprise (an alias loop, an unquoted variable, a number read as octal) said plainly."""

from __future__ import annotations

from pathlib import Path

import pytest
from format_kit import HEAD, problems

from sls_scenarios.loader import load
from sls_scenarios.positions import ScenarioInvalid
from sls_scenarios.reference import markdown


def test_a_misspelt_step_names_the_closest_one_with_line_and_column(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: alice
          expect: {status: 200}
        - logn: alice
        """,
    )
    assert found == ["11:5: step 2: unknown step type 'logn' (did you mean 'login'?)"]


def test_unknown_keys_are_errors_that_suggest_and_list_the_valid_ones(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: {user: alice, pasword: x}
          expect: {stauts: 200}
        """,
    )
    expected = "unknown key 'pasword' (did you mean 'password'?); expected `user`, `password`"
    assert f"9:26: step 1 login.pasword: {expected}" in found
    assert any(
        p.startswith("10:14: step 1 expect.stauts: unknown key 'stauts' (did you mean 'status'?)")
        for p in found
    )


def test_wrong_values_say_what_was_expected(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - request_code: vioce
        - read_sms: {phone: "555 0100"}
        - http: {method: GET, path: /healthz}
        - expect: {status: 200}
        """,
    )
    assert (
        found[0] == "9:19: step 1 request_code: 'vioce' is not one of `sms`, `voice` (did you mean 'voice'?)"
    )
    assert found[1].startswith("10:23: step 2 read_sms.phone: '555 0100' does not fit: it should be an E.164")
    assert found[2] == "11:5: step 3: this step needs an `expect`: say what must happen"


def test_top_level_typos_duplicates_and_broken_yaml(tmp_path: Path) -> None:
    typo = problems(tmp_path, "- login: alice\n", head=HEAD.replace("setup:", "stup:"))
    assert any("unknown key 'stup' (did you mean 'setup'?)" in p for p in typo)
    twice = problems(tmp_path, "- login: alice\n  login: bob\n")
    assert twice == ["10:5: step 1: duplicate key 'login'"]
    broken = problems(tmp_path, "- login: [alice\n")
    assert broken[0].startswith("10:1:") or "not valid YAML" in broken[0]


def test_an_alias_that_contains_itself_or_expands_too_far_is_a_problem_not_a_recursion_error(
    tmp_path: Path,
) -> None:
    """``steps: &a [..., {repeat: {steps: *a}}]`` crashed `sls scenario run` and pytest's collection with a
    RecursionError traceback (no report written): the alias is told at its line, as any other problem."""
    loop = HEAD.replace("steps:\n", "steps: &a\n")
    steps = "- login: alice\n  expect: {status: 200}\n- repeat: {times: 2, steps: *a}\n"
    found = problems(tmp_path, steps, loop)
    assert found == ["11:24: step 2 repeat.steps: an alias here refers to a node that contains it (a loop)"]
    bomb = "\n".join(
        [f"x0: &x0 [{', '.join(['login'] * 10)}]"]
        + [f"x{n}: &x{n} [{', '.join([f'*x{n - 1}'] * 10)}]" for n in range(1, 8)]
    )
    file = tmp_path / "bomb.scenario.yaml"
    file.write_text(HEAD.replace("steps:\n", bomb + "\nsteps:\n") + "  - login: alice\n")
    with pytest.raises(ScenarioInvalid) as caught:
        load(file)
    assert "aliases expand to more than" in str(caught.value)


def test_an_unquoted_variable_inside_braces_is_told_to_be_quoted(tmp_path: Path) -> None:
    """``{user: alice, password: wrong-${i}}`` got only PyYAML's ``expected ',' or '}', but got '{'``."""
    found = problems(tmp_path, "- login: {user: alice, password: wrong-${i}}\n")
    assert found == [
        "9:43: not valid YAML: expected ',' or '}', but got '{';"
        ' a ${variable} inside { } or [ ] needs quotes: "wrong-${i}"'
    ]
    found = problems(tmp_path, "- card: {device: card, challenge: ${challenge}}\n")
    assert found[0].endswith('needs quotes: "${challenge}"')


def test_a_number_where_text_goes_is_shown_as_written_and_told_to_be_quoted(tmp_path: Path) -> None:
    """``pin: 0123`` said ``expected a string, got 83``: YAML had read the unquoted PIN as octal."""
    head = HEAD.replace('pin: "1234"', "pin: 0123").replace('phone: "+15550100001"', "phone: +15550100001")
    found = problems(tmp_path, "- card: {device: card, pin: 1234}\n  expect: {status: 200}\n", head=head)
    assert found == [
        "5:32: setup.users[0].phone: expected a string, got +15550100001, which YAML reads as 15550100001:"
        ' quote it, "+15550100001"',
        '7:41: setup.devices[0].pin: expected a string, got 0123, which YAML reads as 83: quote it, "0123"',
        '9:31: step 1 card.pin: expected a string, got 1234: quote it, "1234"',
    ]


def test_a_too_short_description_says_how_long_it_must_be(tmp_path: Path) -> None:
    """``description: x`` got "'x' is too short (What it shows, in a sentence or two.)": not how long, and
    the reference gives no minimum either."""
    found = problems(
        tmp_path,
        "- login: alice\n  expect: {status: 200}\n",
        HEAD.replace("description: A scenario written to probe the loader.", "description: Logs in"),
    )
    assert found == [
        "2:14: description: 'Logs in' is too short: at least 10 characters"
        " (What it shows, in a sentence or two.)"
    ]
    assert (
        "| `description` | string | yes | What it shows, in a sentence or two. At least 10 characters. |"
        in (markdown())
    )


def test_a_name_that_does_not_fit_says_what_fits(tmp_path: Path) -> None:
    """``name: e`` got "'e' does not fit: it should be unique, kebab-case": ``e`` is kebab-case; the pattern
    also wants 2 to 64 characters, which nothing said."""
    for name in ("e", "My-Check"):
        found = problems(tmp_path, "- login: alice\n  expect: {status: 200}\n", HEAD.replace("probe", name))
        assert found == [
            f"1:7: name: {name!r} does not fit: it should be unique, kebab-case (2 to 64 lower-case letters, "
            "digits and hyphens, starting with a letter or digit): how `sls scenario run NAME` finds it."
        ], found


def test_expect_and_capture_alone_are_steps_but_not_beside_another_step_type(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: alice
        - {capture: {x: txn}}
        - {expect: {status: 200}, logn: alice}
        """,
    )
    assert found == ["11:5: step 3: unknown step type 'logn' (did you mean 'login'?)"]


def test_len_takes_a_whole_number_or_a_matcher(tmp_path: Path) -> None:
    """QA: ``{len: "six"}`` validated and failed only at run time, as an assertion."""
    found = problems(
        tmp_path,
        """\
        - login: alice
          expect: {json: {factors: {len: "six"}}}
        - login: alice
          expect: {json: {factors: {len: -1}}}
        - login: alice
          expect: {json: {factors: {len: {ge: 1}}, factor: {len: 3}}}
        """,
    )
    assert found == [
        "10:36: step 1 expect.json.factors.len: expected an integer or a mapping, got 'six'",
        "12:36: step 2 expect.json.factors.len: -1 is less than the minimum of 0",
    ]
