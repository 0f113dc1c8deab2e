"""The scenario format: the schema, the loader's errors (file, line, column, what was expected), the
cross-checks, the shipped library and template, and the reference generated from the schema."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from sls_scenarios.loader import ScenarioInvalid, library_files, load, new_file
from sls_scenarios.reference import markdown
from sls_scenarios.schema import schema, step_types
from sls_scenarios.steps import load_all

ROOT = Path(__file__).parents[2]
HEAD = """\
name: probe
description: A scenario written to probe the loader.
setup:
  users:
    - {username: alice, phone: "+15550100001"}
  devices:
    - {user: alice, type: dscplus, pin: "1234", as: card}
steps:
"""


def problems(tmp_path: Path, steps: str, head: str = HEAD) -> list[str]:
    file = tmp_path / "probe.scenario.yaml"
    file.write_text(head + textwrap.indent(textwrap.dedent(steps), "  "))
    with pytest.raises(ScenarioInvalid) as caught:
        load(file)
    return [str(p).replace(f"{file}:", "") for p in caught.value.problems]


def test_the_schema_is_a_valid_2020_12_schema_and_every_step_type_is_implemented() -> None:
    Draft202012Validator.check_schema(schema())
    assert sorted(step_types()) == sorted(load_all())
    assert len(step_types()) >= 25


@pytest.mark.parametrize(
    ("kind", "n"),
    [(kind, n) for kind in step_types() for n in range(len(schema()["$defs"][f"step_{kind}"]["examples"]))],
)
def test_each_step_types_examples_are_valid_steps(kind: str, n: int, tmp_path: Path) -> None:
    example = schema()["$defs"][f"step_{kind}"]["examples"][n]
    file = tmp_path / "example.scenario.yaml"
    import yaml

    document = yaml.safe_load(HEAD + "  - login: alice\n")
    document["actors"] = {"attacker": {}}
    names = {"phone", "new_phone", "temp"} - {example.get("enroll", {}).get("as")}
    document["steps"] += [
        {"enroll": {"user": "alice", "type": "ibkey", "as": name}} for name in sorted(names)
    ] + [{"enroll": {"user": "alice", "type": "totp", "as": "app"}}]
    document["setup"]["users"].append({"username": "bob"})
    document["steps"].append({"capture": {"retry_after": "x", "response": "y"}, "expect": {"status": 200}})
    document["steps"].append(example)
    file.write_text(yaml.safe_dump(document))
    load(file)


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
    found = problems(tmp_path, "- card: {device: card, pin: 1234}\n", head=head)
    assert found == [
        "5:32: setup.users[1].phone: expected a string, got +15550100001, which YAML reads as 15550100001:"
        ' quote it, "+15550100001"',
        '7:41: setup.devices[1].pin: expected a string, got 0123, which YAML reads as 83: quote it, "0123"',
        '9:31: step 1 card.pin: expected a string, got 1234: quote it, "1234"',
    ]


def test_a_texted_device_of_a_user_without_a_phone_is_told_at_its_line(tmp_path: Path) -> None:
    """Validated, then every run was an error at setup: ``400 invalid_request {'error': ...}``, no line."""
    head = HEAD.replace('{username: alice, phone: "+15550100001"}', "{username: alice}").replace(
        "as: card}", "as: card}\n    - {user: alice, type: sms}\n    - {user: alice, type: ibkey, as: phone}"
    )
    found = problems(tmp_path, "- login: alice\n  expect: {status: 200}\n", head=head)
    assert found == [
        "8:27: setup.devices[2].type: sms needs 'alice' to have a `phone` in setup.users (texts go to it)",
        "9:27: setup.devices[3].type: ibkey needs 'alice' to have a `phone` in setup.users"
        " (its activation code is texted)",
    ]


def test_names_must_be_defined_before_use_and_something_must_be_checked(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - card: {device: crd}
        - verify: {response: "${respnse}"}
        - login: alice
          actor: attacker
        """,
    )
    assert "9:20: step 1 card.device: no device is called 'crd' (did you mean 'card'?)" in found
    assert any("${respnse} is used before any step sets it (did you mean 'response'?)" in p for p in found)
    assert any("no actor is called 'attacker'" in p and "add it under `actors`" in p for p in found)
    assert any("nothing is checked: add an `expect`" in p for p in found)


def test_a_step_naming_a_user_the_setup_never_made_is_told_at_its_line(tmp_path: Path) -> None:
    """QA: ``login: alcie`` (a typo) was ``valid`` and failed only at run time ("give a password"); so did
    ``read_sms: {user: bob}`` for a user without a phone in the setup. A user made otherwise (an ``http``
    call to /admin/v1/users) is still reachable: with a ``password``, or a ``phone``."""
    found = problems(
        tmp_path,
        """\
        - login: alcie
          expect: {status: 200}
        - read_sms: {user: bob}
        - login: {user: mallory, password: pw}
          expect: {status: 401}
        - read_sms: {user: mallory, phone: "+15550100009"}
        """,
    )
    assert found == [
        "9:12: step 1 login: 'alcie' is not a user of setup.users (did you mean 'alice'?); "
        "a user made otherwise needs a `password`",
        "11:22: step 2 read_sms.user: 'bob' has no phone in setup.users; a number of another needs `phone`",
    ]


def test_a_parallel_expecting_one_answer_is_told_to_count_them(tmp_path: Path) -> None:
    """QA: ``parallel`` with ``expect: {status: 200}`` was valid and failed at run time with "there is no
    answer to check yet", after two answers of 200: a parallel has no one answer, `statuses` counts them."""
    found = problems(
        tmp_path,
        """\
        - parallel: {times: 2, steps: [{login: alice}]}
          expect: {status: 200, json: {state: x}}
        """,
    )
    assert found == [
        "10:22: step 1 expect.status: a parallel has no one answer to check: count its branches' answers "
        "with `statuses` (`statuses: {'200': N}`), or check an answer in a branch's own step",
        "10:33: step 1 expect.json: a parallel has no one answer to check: count its branches' answers "
        "with `statuses` (`statuses: {'200': N}`), or check an answer in a branch's own step",
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


def test_a_between_whose_ends_are_swapped_is_refused(tmp_path: Path) -> None:
    """``retry_after: {between: [60, 1]}`` was valid and failed whatever the server said ("is 42, expected
    between [60, 1]"), which read like a server bug."""
    found = problems(tmp_path, "- login: alice\n  expect: {json: {retry_after: {between: [60, 1]}}}\n")
    assert found == [
        "10:44: step 1 expect.json.retry_after.between: [60, 1] can never hold: write the low end first"
    ]


def test_a_name_that_does_not_fit_says_what_fits(tmp_path: Path) -> None:
    """``name: e`` got "'e' does not fit: it should be unique, kebab-case": ``e`` is kebab-case; the pattern
    also wants 2 to 64 characters, which nothing said."""
    for name in ("e", "My-Check"):
        found = problems(tmp_path, "- login: alice\n  expect: {status: 200}\n", HEAD.replace("probe", name))
        assert found == [
            f"1:7: name: {name!r} does not fit: it should be unique, kebab-case (2 to 64 lower-case letters, "
            "digits and hyphens, starting with a letter or digit): how `sls scenario run NAME` finds it."
        ], found


def test_a_step_naming_a_device_of_another_type_is_told_at_its_line(tmp_path: Path) -> None:
    """``ibkey_approve: {device: card}`` validated, then failed at run time with the card simulator's 404,
    which did not say the name was the wrong one."""
    head = HEAD.replace(
        "as: card}", 'as: card}\n    - {user: alice, type: ibkey, platform: android, pin: "12ab", as: phone}'
    )
    found = problems(
        tmp_path,
        """\
        - login: alice
        - ibkey_approve: {device: card}
        - card: {device: phone}
        - choose_factor: {type: dscplus, device: phone}
        - totp_code: {device: card}
          expect: {status: 200}
        - revoke: {user: alice, device: phone}
        """,
        head=head,
    )
    assert found == [
        "11:29: step 2 ibkey_approve.device: 'card' is of type dscplus, expected type ibkey"
        " (did you mean 'phone'?)",
        "12:20: step 3 card.device: 'phone' is of type ibkey, expected type dscplus (did you mean 'card'?)",
        "13:44: step 4 choose_factor.device: 'phone' is of type ibkey, expected type dscplus"
        " (did you mean 'card'?)",
        "14:25: step 5 totp_code.device: 'card' is of type dscplus, expected type totp (none is defined)",
    ]


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


def test_the_library_loads_and_each_file_is_named_after_its_scenario() -> None:
    files = library_files()
    assert len(files) >= 22
    for file in files:
        scenario = load(file)
        assert file.name == f"{scenario.name}.scenario.yaml"
        assert scenario.tags and scenario.data.get("source"), file.name


def test_the_template_is_a_valid_scenario(tmp_path: Path) -> None:
    written = new_file("fresh-check", tmp_path)
    assert load(written).name == "fresh-check"
    with pytest.raises(FileExistsError):
        new_file("fresh-check", tmp_path)
    with pytest.raises(ValueError):
        new_file("Bad Name", tmp_path)


def test_the_reference_is_generated_from_the_schema_and_committed() -> None:
    generated = markdown()
    assert all(f"### `{kind}`" in generated for kind in step_types())
    committed = (ROOT / "sls_scenarios" / "REFERENCE.md").read_text()
    assert committed == generated, "regenerate: sls scenario reference > sls_scenarios/REFERENCE.md"


def test_the_readme_names_every_library_scenario() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [f.name for f in library_files() if f"`{f.name.removesuffix('.scenario.yaml')}`" not in readme]
    assert missing == []


def test_values_only_the_setup_would_refuse_are_refused_at_validation(tmp_path: Path) -> None:
    """QA: ``validate`` said "valid" for ``setup.clock: "tomorrow morning"`` and a card ``pin: "12"``,
    which only failed when the scenario ran."""
    head = """\
name: probe
description: A scenario written to probe the loader.
setup:
  clock: "tomorrow morning"
  users:
    - {username: alice, phone: "+15550100001"}
  devices:
    - {user: alice, type: dscplus, pin: "12", as: card}
    - {user: alice, type: ibkey, pin: "1234567", as: app}
steps:
"""
    found = problems(
        tmp_path,
        """\
        - enroll: {user: alice, type: dscplus, pin: "12345"}
        - advance_clock: {to: "2030-01-01T09:00:00"}
        - advance_clock: {to: 0}
        - login: alice
          expect: {status: 200}
        """,
        head=head,
    )
    assert found == [
        "4:10: setup.clock: 'tomorrow morning' is neither Unix seconds nor an ISO 8601 instant",
        "8:41: setup.devices[1].pin: dscplus PIN '12': the PIN must be exactly 4 digits 0-9",
        "9:39: setup.devices[2].pin: ibkey PIN '1234567': the PIN must be 4-6 letters or digits 0-9, "
        "with at least one digit",
        "11:47: step 1 enroll.pin: dscplus PIN '12345': the PIN must be exactly 4 digits 0-9",
        "12:25: step 2 advance_clock.to: '2030-01-01T09:00:00' has no time zone: add Z for UTC",
        "13:25: step 3 advance_clock.to: 0 is outside the server clock's range, 2000-01-01 .. 2100-01-01 UTC",
    ]


def test_the_clock_range_is_the_servers() -> None:
    from sls_scenarios.values import CLOCK_MAX, CLOCK_MIN
    from sls_server.shapes.clock import CLOCK_MAX as SERVER_MAX
    from sls_server.shapes.clock import CLOCK_MIN as SERVER_MIN

    assert (CLOCK_MIN, CLOCK_MAX) == (SERVER_MIN, SERVER_MAX)


def test_expectations_that_could_never_fail_or_would_break_the_runner_are_refused(tmp_path: Path) -> None:
    """Each validated, then: ``json: {}`` passed a 401; ``statuses`` on a login or http step counted no rounds
    and passed a 404; a regex that does not compile failed at run time as "a runner bug?"; ``times: many``
    failed only when the step ran."""
    empty = problems(tmp_path, "- login: {user: alice, password: totally-wrong}\n  expect: {json: {}}\n")
    assert empty == [
        "10:20: step 1 expect.json: {} should be non-empty"
        " (Paths into the JSON answer and what they must be.)"
    ]
    found = problems(
        tmp_path,
        """\
        - http: {method: GET, path: /api/v1/no-such-route}
          expect: {statuses: {"200": 0}}
        - login: alice
          expect: {json: {factor.challenge: {regex: "[0-9"}}}
        - repeat:
            times: many
            steps:
              - login: {user: alice, password: "guess-${i}"}
                expect: {statuses: {"401": 1}}
        """,
    )
    assert found == [
        "10:24: step 1 expect.statuses: `statuses` counts the answers of a repeat or parallel, not of a http",
        "12:47: step 2 expect.json.factor.challenge.regex: '[0-9' is not a regular expression: unterminated"
        " character set at position 0",
        "14:14: step 3 repeat.times: times must be a whole number (or a ${variable} holding one), not 'many'",
        "17:30: step 3 repeat.steps[1].expect.statuses:"
        " `statuses` counts the answers of a repeat or parallel, not of a login",
    ]


def test_a_count_from_a_variable_a_regex_that_compiles_and_a_repeats_statuses_are_taken(
    tmp_path: Path,
) -> None:
    file = tmp_path / "probe.scenario.yaml"
    steps = """\
    - login: alice
      expect: {json: {factor.challenge: {regex: "[0-9]{6}"}}}
      capture: {n: factor.type}
    - repeat:
        times: "${n}"
        steps:
          - login: {user: alice, password: "guess-${i}"}
      expect: {statuses: {"401": 1}}
    """
    file.write_text(HEAD + textwrap.indent(textwrap.dedent(steps), "  "))
    assert load(file).name == "probe"
