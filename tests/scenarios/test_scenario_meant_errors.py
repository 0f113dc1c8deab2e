"""Shapes a newcomer writes by habit, told with what they meant, not only what the schema refused.

Found walking the QA path with the docs alone: a JSON answer's field written nested as the answer is
(``json: {factor: {type: dscplus}}``) was told "'dscplus' is not one of `string`, `integer`..."; a login's
password written beside ``login: carol`` was an "unknown key" of the step; ``read_call: dan`` "expected a
mapping"; an unquoted number key of ``setup.phones`` was told as a regular expression, at the mapping; and a
misspelt ``factor`` of an event under ``not_happened`` checked nothing and said nothing.
"""

from __future__ import annotations

from pathlib import Path

from format_kit import HEAD, problems

MATCHERS = (
    "`eq`, `ne`, `gt`, `ge`, `lt`, `le`, `between`, `in`, `not_in`, `regex`, `contains`, `excludes`, `len`, "
    "`exists`, `type`"
)
STEP_KEYS = "`actor`, `name`, `expect`, `capture`"


def test_a_nested_json_field_is_told_to_be_written_as_a_dotted_path(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: alice
          expect: {json: {factor: {type: dscplus}}}
        - login: alice
          expect: {json: {factor: {challenge: {len: 6}}}}
        """,
    )
    assert found == [
        "10:36: step 1 expect.json.factor.type: 'dscplus' is not one of `string`, `integer`, `number`, "
        "`boolean`, `object`, `array`, `null` (`type` checks the JSON type of `factor`; a field of the "
        "answer is a dotted path: `factor.type: dscplus`)",
        f"12:30: step 2 expect.json.factor.challenge: unknown key 'challenge'; expected {MATCHERS} "
        "(a field of the answer is a dotted path: `factor.challenge: {len: 6}`)",
    ]


def test_an_event_detail_nested_is_told_the_same(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: alice
          expect:
            events: {happened: [{type: login.password_ok, detail: {notes: {first: new_place}}}]}
        """,
    )
    assert found == [
        "11:70: step 1 expect.events.happened[0].detail.notes.first: unknown key 'first'; "
        f"expected {MATCHERS} (a field of the event's detail is a dotted path: `notes.first: new_place`)"
    ]


def test_a_key_of_the_step_type_written_beside_it_is_told_where_it_goes(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: alice
          password: wrong-password-1
          expect: {status: 401}
        - stepup: withdrawal
          type: dscplus
        """,
    )
    assert found == [
        f"10:5: step 1 password: unknown key 'password'; expected `login`, {STEP_KEYS} "
        "(`password` is the login's: `login: {user: alice, password: …}`)",
        f"13:5: step 2 type: unknown key 'type'; expected `stepup`, {STEP_KEYS} "
        "(`type` is the stepup's: `stepup: {purpose: withdrawal, type: dscplus}`)",
    ]


def test_a_word_where_a_step_takes_a_mapping_is_told_the_key_it_likely_means(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: alice
          expect: {status: 200}
        - card: card
        - read_sms: alice
        - read_call: "+15550100001"
        """,
    )
    assert found == [
        "11:11: step 2 card: expected a mapping, got 'card': `card: {device: card}`",
        "12:15: step 3 read_sms: expected a mapping, got 'alice': `read_sms: {user: alice}`",
        "13:16: step 4 read_call: expected a mapping, got '+15550100001': "
        "`read_call: {phone: '+15550100001'}`",
    ]


def test_an_unquoted_number_of_setup_phones_is_told_at_the_key_to_be_quoted(tmp_path: Path) -> None:
    head = HEAD.replace("  devices:", "  phones: {+15550100001: {roaming: true}, 555-0100: {}}\n  devices:")
    found = problems(tmp_path, "- login: alice\n  expect: {status: 200}\n", head=head)
    assert found == [
        "6:12: setup.phones.15550100001: '15550100001' does not fit: it should be an E.164 number, like "
        '`+15550100001`: written +15550100001, which YAML reads as 15550100001: quote it, "+15550100001"',
        "6:43: setup.phones.555-0100: '555-0100' does not fit: it should be an E.164 number, like "
        "`+15550100001`",
    ]


def test_an_event_factor_the_server_never_writes_is_refused_with_the_closest_type(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: alice
          expect:
            events:
              not_happened: [{type: login.succeeded, factor: dsc}]
              happened:
                - {type: login.password_ok, factor: {in: [sms, voice]}}
                - {type: login.refused, factor: SMS}
        """,
    )
    assert found == [
        "12:56: step 1 expect.events.not_happened[0].factor: the server writes no factor 'dsc' (did you mean "
        "'dscplus'?); factors are `dscplus`, `ibkey`, `sms`, `voice`, `totp`, `temporary`",
        "15:43: step 1 expect.events.happened[1].factor: the server writes no factor 'SMS' (did you mean "
        "'sms'?); factors are `dscplus`, `ibkey`, `sms`, `voice`, `totp`, `temporary`",
    ]


def test_a_number_quoted_or_a_duration_by_its_units_is_told_how_to_write_it(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        - login: {user: alice, password: wrong-password-1}
          expect: {status: "401"}
        - advance_clock: {minutes: 2}
        - advance_clock: {hours: 1}
        """,
    )
    assert found == [
        "10:22: step 1 expect.status: expected an integer or a list, got '401': write it unquoted, 401",
        "11:21: step 2 advance_clock.minutes: unknown key 'minutes'; expected `seconds`, `to` "
        "(a duration is one value: `advance_clock: 2m`)",
        "12:21: step 3 advance_clock.hours: unknown key 'hours'; expected `seconds`, `to` "
        "(a duration is one value: `advance_clock: 1h`)",
    ]


def test_a_duration_written_in_words_is_told_its_short_form(tmp_path: Path) -> None:
    """QA: ``advance_clock: 2 minutes`` was refused with the forms alone; the short form of what was
    written is suggested (units as ``sls clock --advance`` takes them, largest first)."""
    found = problems(
        tmp_path,
        """\
        - advance_clock: 2 minutes
        - advance_clock: 90 seconds
        - advance_clock: 1 hour
        - advance_clock: {seconds: 2 mins}
        - advance_clock: 1 hour 30 minutes
        - advance_clock: -1 day
        - advance_clock: a few minutes
        - http: {method: GET, path: /healthz}
          expect: {status: 200}
        """,
    )
    forms = "is not a duration like 900, 15m, 1h30m or -1d"
    assert found == [
        f"9:20: step 1 advance_clock: '2 minutes' {forms} (did you mean '2m'?)",
        f"10:20: step 2 advance_clock: '90 seconds' {forms} (did you mean '90s'?)",
        f"11:20: step 3 advance_clock: '1 hour' {forms} (did you mean '1h'?)",
        f"12:30: step 4 advance_clock.seconds: '2 mins' {forms} (did you mean '2m'?)",
        f"13:20: step 5 advance_clock: '1 hour 30 minutes' {forms} (did you mean '1h30m'?)",
        f"14:20: step 6 advance_clock: '-1 day' {forms} (did you mean '-1d'?)",
        f"15:20: step 7 advance_clock: 'a few minutes' {forms}",
    ]


def test_a_setup_user_the_server_cannot_create_is_refused_at_validation(tmp_path: Path) -> None:
    """QA: ``username: jo`` validated, then every run ended at the setup: ``POST /admin/v1/users answered 400
    invalid_request: username must be 3-64 characters``. A name set up is one the server creates; a login may
    still type any name (``password-typed-as-username`` types a password)."""
    for name in ("jo", "-alice", "a" * 65):
        head = HEAD.replace("username: alice", f"username: {name}").replace("user: alice", f"user: {name}")
        found = problems(
            tmp_path, f"- login: {{user: {name}, password: x}}\n  expect: {{status: 401}}\n", head
        )
        assert found == [
            f"5:18: setup.users[0].username: {name!r} does not fit: it should be a username the server "
            "creates: 3-64 lower-case letters, digits, `.`, `_` or `-`, starting with a letter or digit; "
            "or a ${variable}."
        ], found


def test_the_username_form_is_the_server_s() -> None:
    """The scenarios reach the server over HTTP and mirror its username form in the schema: held equal."""
    from sls_scenarios.schema import schema
    from sls_server.shapes.common import USERNAME_PATTERN

    declared = schema()["properties"]["setup"]["properties"]["users"]["items"]["properties"]["username"]
    assert declared["pattern"].startswith(f"^({USERNAME_PATTERN.strip('^$')}|")


def test_a_setup_password_shorter_than_the_policy_is_refused_at_validation_without_its_value(
    tmp_path: Path,
) -> None:
    """QA: ``password: secret`` validated, then every run ended at the setup's ``400 weak_password: Too
    short``. The policy's length is judged at the line (its other rules too:
    ``test_scenario_setup_passwords.py``), and the password is not shown: a problem goes into reports and CI
    logs."""
    head = HEAD.replace("username: alice,", "username: alice, password: secret,")
    found = problems(tmp_path, "- login: alice\n  expect: {status: 200}\n", head)
    assert found == [
        "5:35: setup.users[0].password: this secret is refused: at least 8 characters "
        "(its value is not shown)"
    ]
    from sls_scenarios.schema import schema
    from sls_server.accounts.passwords import MAX_LENGTH, MIN_LENGTH

    declared = schema()["properties"]["setup"]["properties"]["users"]["items"]["properties"]["password"]
    assert (declared["minLength"], declared["maxLength"]) == (MIN_LENGTH, MAX_LENGTH)


def test_a_code_asked_for_by_another_word_is_told_the_option_it_means(tmp_path: Path) -> None:
    """QA: ``request_code: call`` was told "'call' is not one of `sms`, `voice`", with no "did you mean":
    a callback is what the format calls ``voice``, a text ``sms``."""
    found = problems(
        tmp_path,
        """\
        - request_code: call
          expect: {status: 200}
        - request_code: text
          expect: {status: 200}
        """,
    )
    assert found == [
        "9:19: step 1 request_code: 'call' is not one of `sms`, `voice` (did you mean 'voice'?)",
        "11:19: step 2 request_code: 'text' is not one of `sms`, `voice` (did you mean 'sms'?)",
    ]


def test_setup_phones_written_as_a_list_is_shown_as_the_mapping(tmp_path: Path) -> None:
    """QA: ``phones:`` written as a list of numbers was told "expected a mapping, got a list", with no
    example of the mapping it is: each number a key, its conditions the value."""
    listed = HEAD.replace("  devices:", '  phones:\n    - "+15550100001": {roaming: true}\n  devices:')
    found = problems(tmp_path, "- login: alice\n  expect: {status: 200}\n", listed)
    assert found == [
        "7:5: setup.phones: expected a mapping, got a list: each number a key, as "
        "`phones: {'+15550100001': {roaming: true}}`"
    ]
    bare = HEAD.replace("  devices:", '  phones: ["+15550100001"]\n  devices:')
    found = problems(tmp_path, "- login: alice\n  expect: {status: 200}\n", bare)
    assert found == [
        "6:11: setup.phones: expected a mapping, got a list: each number a key, as "
        "`phones: {'+15550100001': {roaming: true}}`"
    ]


def test_an_unquoted_date_is_shown_as_written_and_told_how_to_quote_it(tmp_path: Path) -> None:
    """An unquoted ``setup.clock: 2026-01-05T09:30:00Z`` was told with Python's repr of what YAML made of
    it (``datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.timezone.utc)``), and a bare date was told
    to be quoted as it was, which the clock refuses next (it has no time nor zone)."""
    steps = (
        "- advance_clock: {to: 2026-01-05 09:30:00}\n- say: 2026-01-05\n- tickle:\n  expect: {status: 401}\n"
    )
    found = problems(
        tmp_path, steps, head=HEAD.replace("setup:\n", "setup:\n  clock: 2026-01-05T09:30:00Z\n")
    )
    assert found == [
        "4:10: setup.clock: expected an integer or a string, got 2026-01-05T09:30:00Z, which YAML reads as "
        'a date and time: quote it, "2026-01-05T09:30:00Z"',
        "10:25: step 1 advance_clock.to: expected an integer or a string, got 2026-01-05 09:30:00, "
        'which YAML reads as a date and time: an instant needs a zone, quote it as "2026-01-05T09:30:00Z"',
        "11:10: step 2 say: expected a string, got 2026-01-05, which YAML reads as a date: quote it, "
        '"2026-01-05"',
    ]
    bare = problems(
        tmp_path,
        "- tickle:\n  expect: {status: 401}\n",
        head=HEAD.replace("setup:\n", "setup:\n  clock: 2026-01-05\n"),
    )
    assert bare == [
        "4:10: setup.clock: expected an integer or a string, got 2026-01-05, which YAML reads as a date: "
        'an instant needs a time and a zone, quote it as "2026-01-05T00:00:00Z"'
    ]
