"""An answer that is not JSON (the outbox hook's plain-text code) is kept as the text it is, and a scenario
can capture it whole.

Found writing an SMS login whose code is read from the hook (``GET /sim/v1/outbox/latest-code``, as a
tool's 2FA handler reads it): the runner parsed every answer as JSON whatever its ``Content-Type``, so the
text ``274642`` became the number 274642 and ``verify`` sent it as one (``400 response must be a string``),
while ``012345``, which JSON cannot parse, stayed text: the same scenario passed or failed by the code
drawn. And the whole answer could not be captured (``$status`` could; ``$body`` was "no '$body'").
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response
from runner_kit import in_process, run

from sls_scenarios.targets import InProcessTarget
from sls_scenarios.transport import InProcessClient

target = in_process

SMS_BY_THE_HOOK = """\
name: sms-by-the-hook
description: Bob's texted code is read from the outbox hook, as a tool's 2FA handler reads it.
setup:
  settings: {SLS_GATEWAY: true}
  users:
    - {username: bob, phone: "+15550100002"}
  devices:
    - {user: bob, type: sms}
steps:
  - login: bob
  - http: {method: GET, path: /sim/v1/outbox/latest-code, query: {user: bob}}
    expect: {status: 200, json: {$body: {regex: "[0-9]{6}"}}}
  - capture: {code: $body, status: $status}
  - verify: {response: "${code}"}
    expect: {json: {state: authenticated}}
"""


def _answers(body: str, mimetype: str) -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/x", "x", lambda: Response(body, 200, mimetype=mimetype))
    return app


def test_a_plain_text_answer_of_digits_stays_text() -> None:
    answer = InProcessClient(_answers("274642", "text/plain"), None).request("GET", "/x")
    assert answer.body == "274642"


def test_a_json_answer_is_still_parsed() -> None:
    for mimetype in ("application/json", "application/problem+json"):
        answer = InProcessClient(_answers('{"n": 274642}', mimetype), None).request("GET", "/x")
        assert answer.body == {"n": 274642}, mimetype


def test_the_hooks_code_is_captured_whole_and_logs_in(target: InProcessTarget, tmp_path: Path) -> None:
    file = tmp_path / "hook.scenario.yaml"
    file.write_text(SMS_BY_THE_HOOK)
    for seed in range(3):  # the code drawn differs: each must log in, a code starting with 0 or not
        result = run(target, file, seed=seed)
        assert result.status == "passed", result.message


def test_a_json_check_of_a_text_answer_says_how_to_check_it_whole(
    target: InProcessTarget, tmp_path: Path
) -> None:
    """``json: {code: ...}`` on the hook's answer said "(the answer is not JSON: text/plain)", and no more."""
    file = tmp_path / "hook.scenario.yaml"
    file.write_text(
        SMS_BY_THE_HOOK.replace('json: {$body: {regex: "[0-9]{6}"}}', 'json: {code: {regex: "[0-9]{6}"}}')
    )
    result = run(target, file)
    assert result.status == "failed", result.message
    assert (
        "(the answer is not JSON: text/plain; charset=utf-8; `$body: ...` checks it whole)" in result.message
    )
