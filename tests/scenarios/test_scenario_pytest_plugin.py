"""The pytest plugin as another project uses it: a separate project in a temporary folder, with nothing but
the installed package, runs tests on the ``sls_emulator`` fixture and collects ``*.scenario.yaml`` files."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ADMIN_TOKEN
from inner_pytest import PytestIn, inner_pytest  # noqa: F401 (the fixture pytest_in)
from serve_processes import ServerProcess

pytestmark = pytest.mark.e2e
SIM_TOKEN = "plugin-sim-token-0123456789"

INTEGRATION_TESTS = """
import pytest
import requests

from sls_scenarios.emulator import EmulatorError


def start(emulator, username, password):
    body = {"username": username, "password": password}
    answer = requests.post(f"{emulator.url}/api/v1/auth/login", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def finish(emulator, started, response):
    return requests.post(
        f"{emulator.url}/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": response},
        headers={"X-Login-Token": started["login_token"]},
    )


def test_a_card_login(sls_emulator):
    password = sls_emulator.create_user("carol", phone="+15550100003")
    card = sls_emulator.enroll_card("carol", pin="2468")
    assert card.device_id.startswith("dscplus-")
    started = start(sls_emulator, "carol", password)
    done = finish(sls_emulator, started, card.respond(started["factor"]["challenge"]))
    assert done.status_code == 200 and done.json()["state"] == "authenticated"
    assert [e["user"] for e in sls_emulator.events(type="login.succeeded")] == ["carol"]


def test_each_test_starts_from_an_empty_world(sls_emulator):
    users = requests.get(f"{sls_emulator.url}/admin/v1/users",
                         headers={"Authorization": f"Bearer {sls_emulator.admin_token}"}).json()
    assert users["users"] == []
    assert sls_emulator.events(user="carol") == []


def test_a_texted_code_expires_with_the_clock(sls_emulator):
    password = sls_emulator.create_user("sam", phone="+15550100009")
    started = start(sls_emulator, "sam", password)
    code = sls_emulator.latest_code("+15550100009")
    sls_emulator.advance_clock(301)
    late = finish(sls_emulator, started, code)
    assert late.status_code == 410 and late.json()["error"] == "challenge_expired"


def test_the_code_sent_last_is_the_latest_in_one_second(sls_emulator):
    password = sls_emulator.create_user("sid", phone="+15550100011")  # SMS enrolled at opening
    sls_emulator.call("POST", "/admin/v1/clock", {"freeze": True}, admin=True)  # one second for all
    started = start(sls_emulator, "sid", password)
    for factor in ("voice", "sms"):
        switched = requests.post(f"{sls_emulator.url}/api/v1/auth/login/{started['txn_id']}/factor",
                                 json={"type": factor}, headers={"X-Login-Token": started["login_token"]})
        assert switched.status_code == 200, switched.text
    done = finish(sls_emulator, started, sls_emulator.latest_code("+15550100011"))
    assert done.status_code == 200, done.text


def test_a_push_needs_the_number_on_the_page(sls_emulator):
    password = sls_emulator.create_user("ivy", phone="+15550100007")
    sls_emulator.enroll_ibkey("ivy", platform="android", pin="9q9q", password=password)
    started = start(sls_emulator, "ivy", password)
    with pytest.raises(TypeError, match="'match'"):  # required: number matching forbids guessing it
        sls_emulator.approve_push("ivy")
    assert sls_emulator.approve_push("ivy", match=started["factor"]["match"])["state"] == "approved"
    polled = requests.get(f"{sls_emulator.url}/api/v1/auth/login/{started['txn_id']}",
                          headers={"X-Login-Token": started["login_token"]})
    assert polled.json()["state"] == "authenticated"


def test_an_iphone_without_face_id_approves_with_its_passcode(sls_emulator):
    password = sls_emulator.create_user("ian", phone="+15550100010")
    sls_emulator.enroll_ibkey("ian", platform="ios", password=password, passcode="482916")
    started = start(sls_emulator, "ian", password)
    with pytest.raises(EmulatorError, match="wrong_passcode"):
        sls_emulator.approve_push("ian", match=started["factor"]["match"], passcode="000000")
    assert sls_emulator.approve_push("ian", match=started["factor"]["match"])["state"] == "approved"


def test_a_push_is_picked_by_its_login_when_several_wait(sls_emulator):
    password = sls_emulator.create_user("ivo", phone="+15550100008")
    sls_emulator.enroll_ibkey("ivo", platform="android", pin="8w8w", password=password)
    first = start(sls_emulator, "ivo", password)
    second = start(sls_emulator, "ivo", password)  # the same second: sent_at cannot tell them apart
    approved = sls_emulator.approve_push("ivo", match=first["factor"]["match"], txn_id=first["txn_id"])
    assert approved["state"] == "approved"
    states = [requests.get(f"{sls_emulator.url}/api/v1/auth/login/{s['txn_id']}",
                           headers={"X-Login-Token": s["login_token"]}).json()["state"]
              for s in (first, second)]
    assert states == ["authenticated", "pending"]
    with pytest.raises(EmulatorError, match="from login"):
        sls_emulator.approve_push("ivo", match="10", txn_id="ivo~not-a-login")


def test_the_server_takes_settings_from_the_ini_file(sls_emulator):
    sls_emulator.create_user("max")
    answers = [requests.post(f"{sls_emulator.url}/api/v1/auth/login",
                             json={"username": "max", "password": "wrong-password-1"}).status_code
               for _ in range(3)]
    assert answers == [401, 401, 423]  # SLS_LOCKOUT_THRESHOLD=2 from pytest.ini
"""

SHARED_WORLD = """
import pytest
import requests

pytestmark = pytest.mark.sls_keep_world


@pytest.fixture(scope="module")
def olive(sls_emulator):
    sls_emulator.reset()  # a world of this module's own, built once
    password = sls_emulator.create_user("olive", phone="+15550100012")
    return password, sls_emulator.enroll_card("olive", pin="1357")


@pytest.mark.parametrize("attempt", [1, 2])
def test_a_world_built_once_serves_each_test(sls_emulator, olive, attempt):
    password, card = olive
    body = {"username": "olive", "password": password}
    started = requests.post(f"{sls_emulator.url}/api/v1/auth/login", json=body).json()
    done = requests.post(f"{sls_emulator.url}/api/v1/auth/login/{started['txn_id']}/verify",
                         json={"response": card.respond(started["factor"]["challenge"])},
                         headers={"X-Login-Token": started["login_token"]})
    assert done.status_code == 200, done.text
"""

SCENARIO = """\
name: {name}
description: A scenario in another project's test suite.
{extra}
setup:
  users: [{{username: alice, phone: "+15550100001"}}]
  devices: [{{user: alice, type: dscplus, pin: "1234", as: card}}]
steps:
  - login: alice
  - card: {{device: card}}
  - verify: {{}}
    expect: {{json: {{state: {state}}}}}
"""


#: The fixture's example (docs/integration.md, "A pytest fixture"), as a user pastes it into their own suite.
GUIDE = (Path(__file__).parents[2] / "docs" / "integration.md").read_text()
README_EXAMPLE = (
    GUIDE.split("\n## A pytest fixture\n", 1)[1].split("\n```python\n", 1)[1].split("\n```", 1)[0]
)


def project(folder: Path) -> Path:
    (folder / "test_readme_example.py").write_text(README_EXAMPLE)
    (folder / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider\nsls_emulator_env =\n    SLS_LOCKOUT_THRESHOLD=2\n"
        f"    SLS_SIM_TOKEN={SIM_TOKEN}\n"
    )  # a guarded /sim/v1: the fixture's latest_code, enroll_ibkey and approve_push must send the token
    (folder / "test_integration.py").write_text(textwrap.dedent(INTEGRATION_TESTS))
    (folder / "test_shared_world.py").write_text(SHARED_WORLD)
    (folder / "login.scenario.yaml").write_text(
        SCENARIO.format(name="login", extra="", state="authenticated")
    )
    mark = "expect_failure: the server hands out no such state (a test of the mark)"
    (folder / "marked.scenario.yaml").write_text(SCENARIO.format(name="marked", extra=mark, state="elated"))
    return folder


def test_another_project_uses_the_fixture_and_its_scenario_files(tmp_path: Path, pytest_in: PytestIn) -> None:
    ran = pytest_in(project(tmp_path))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "12 passed, 1 xfailed" in ran.stdout  # the guide's example among them


def test_scenario_yml_files_are_collected_beside_scenario_yaml_ones(
    tmp_path: Path, pytest_in: PytestIn
) -> None:
    """As `sls scenario run FOLDER` runs them: a *.scenario.yml beside a *.scenario.yaml was not collected,
    and nothing said so."""
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (tmp_path / "login.scenario.yaml").write_text(
        SCENARIO.format(name="login", extra="", state="authenticated")
    )
    (tmp_path / "again.scenario.yml").write_text(
        SCENARIO.format(name="again", extra="", state="authenticated")
    )
    ran = pytest_in(tmp_path, "-v", "-v")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "again.scenario.yml::again PASSED" in ran.stdout and "2 passed" in ran.stdout, ran.stdout


def test_a_failing_scenario_file_fails_with_its_steps_in_the_report(
    tmp_path: Path, pytest_in: PytestIn
) -> None:
    folder = project(tmp_path)
    (folder / "wrong.scenario.yaml").write_text(SCENARIO.format(name="wrong", extra="", state="elated"))
    ran = pytest_in(folder, "wrong.scenario.yaml", "marked.scenario.yaml")
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "1 failed, 1 xfailed" in ran.stdout
    assert "\nfailed: step 3 (verify: typed " in ran.stdout  # the reason first: pytest's summary shows it
    assert "\nwrong.scenario.yaml:10: failed\n" in ran.stdout  # the step's own line, last
    assert "state is 'authenticated', expected 'elated'" in ran.stdout
    assert "ok   2 [user] card card" in ran.stdout and "FAIL 3 [user] verify" in ran.stdout


TEXTED = """\
name: texted
description: A texted code read off the phone, through a server that guards /sim/v1 with a token.
setup:
  users: [{username: sam, phone: "+15550100009"}]
  devices: [{user: sam, type: sms}]
steps:
  - login: sam
  - read_sms: {user: sam}
  - verify: {}
    expect: {json: {state: authenticated}}
"""


def test_scenario_files_run_against_a_server_with_its_tokens_from_options_or_environment(
    sls_serve: Callable[..., ServerProcess], tmp_path: Path, pytest_in: PytestIn
) -> None:
    """QA: there was no ``--sls-sim-token`` (``read_sms`` got 401 ``sim_token_required``), and neither
    token was read from the environment (``SLS_ADMIN_TOKEN`` alone gave a traceback in every item)."""
    server = sls_serve(workers=1, SLS_SIM_TOKEN=SIM_TOKEN)
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (tmp_path / "texted.scenario.yaml").write_text(TEXTED)
    (tmp_path / "tight.scenario.yaml").write_text(
        TEXTED.replace("name: texted", "name: tight").replace(
            "setup:\n", "setup:\n  settings: {SLS_LOCKOUT_THRESHOLD: 2}\n"
        )
    )  # settings this server lacks: skipped with them named, as by sls scenario run
    by_options = pytest_in(
        tmp_path,
        "-rs",
        "--sls-server",
        server.url,
        "--sls-admin-token",
        ADMIN_TOKEN,
        "--sls-sim-token",
        SIM_TOKEN,
    )
    assert by_options.returncode == 0 and "1 passed, 1 skipped" in by_options.stdout, by_options.stdout
    # the skip names the scenario file (not the plugin's source line) and pytest's own option
    skipped = next(line for line in by_options.stdout.splitlines() if line.startswith("SKIPPED"))
    assert skipped.startswith("SKIPPED [1] tight.scenario.yaml"), skipped
    assert "SLS_LOCKOUT_THRESHOLD=2" in skipped and "(without --sls-server)" in skipped, skipped
    by_environment = pytest_in(
        tmp_path, "--sls-server", server.url, SLS_ADMIN_TOKEN=ADMIN_TOKEN, SLS_SIM_TOKEN=SIM_TOKEN
    )
    assert by_environment.returncode == 0, by_environment.stdout
    assert "1 passed, 1 skipped" in by_environment.stdout, by_environment.stdout
    strict = pytest_in(
        tmp_path, "--sls-server", server.url, "--sls-fail-on-skip", "--sls-sim-token", SIM_TOKEN,
        SLS_ADMIN_TOKEN=ADMIN_TOKEN,
    )  # fmt: skip
    assert strict.returncode == 1 and "1 failed, 1 passed" in strict.stdout, strict.stdout
    assert "(without --sls-server) (a skip fails this run: fail-on-skip)" in strict.stdout, strict.stdout


def test_a_wrong_admin_token_or_no_server_stops_the_session_once(
    plain_server: ServerProcess, tmp_path: Path, pytest_in: PytestIn
) -> None:
    """Each scenario file was an error of its own ("setup: reset the world: ... 401"), the same one again."""
    server = plain_server
    for name in ("one", "two"):
        (tmp_path / f"{name}.scenario.yaml").write_text(TEXTED.replace("name: texted", f"name: {name}"))
    wrong = pytest_in(
        tmp_path, "-p", "no:cacheprovider", "--sls-server", server.url, "--sls-admin-token", "not-its-token"
    )
    assert wrong.returncode == 4, wrong.stdout + wrong.stderr  # pytest's usage error: nothing ran
    said = wrong.stdout + wrong.stderr
    assert said.count("refused the admin token (401 admin_token_required)") == 1, said
    assert "not-its-token" not in said and "no tests ran" in said, said
    nobody = pytest_in(
        tmp_path, "-p", "no:cacheprovider", "--sls-server", "http://127.0.0.1:9", "--sls-admin-token", "x"
    )
    assert nobody.returncode == 4 and (nobody.stdout + nobody.stderr).count("no answer from") == 1, (
        nobody.stdout
    )


def test_a_server_without_its_admin_token_is_one_usage_error(tmp_path: Path, pytest_in: PytestIn) -> None:
    (tmp_path / "texted.scenario.yaml").write_text(TEXTED)
    ran = pytest_in(tmp_path, "-p", "no:cacheprovider", "--sls-server", "http://127.0.0.1:9")
    assert ran.returncode == 4, ran.stdout + ran.stderr  # pytest's usage error: nothing ran
    assert "--sls-admin-token" in ran.stderr and "SLS_ADMIN_TOKEN" in ran.stderr
    assert "Traceback" not in ran.stdout + ran.stderr and "TargetError" not in ran.stdout + ran.stderr
    # a URL without its scheme, as `sls scenario run --server` refuses it: it was sent, and requests' "No
    # connection adapters were found" came back with "is the server running?"
    bare = pytest_in(tmp_path, "-p", "no:cacheprovider", "--sls-server", "127.0.0.1:9", SLS_ADMIN_TOKEN="t")
    said = bare.stdout + bare.stderr
    assert bare.returncode == 4 and "is the server running" not in said, said
    assert "--sls-server: '127.0.0.1:9' is not a server's URL like http://127.0.0.1:8000" in said, said


def test_an_ini_setting_the_server_would_never_see_is_one_usage_error(
    tmp_path: Path, pytest_in: PytestIn
) -> None:
    """Integrator audit: ``SLS_LOCKOUT_THRESHOLD: 2`` (a YAML habit) reached the server as an environment
    variable of that whole name, which it ignores: the tests ran on the default threshold, unexplained."""
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider\nsls_emulator_env =\n    SLS_LOCKOUT_THRESHOLD: 2\n"
    )
    (tmp_path / "test_uses_it.py").write_text("def test_it(sls_emulator):\n    pass\n")
    ran = pytest_in(tmp_path)
    assert ran.returncode == 4, ran.stdout + ran.stderr  # pytest's usage error: nothing ran
    assert "'SLS_LOCKOUT_THRESHOLD: 2' is not SLS_NAME=value" in ran.stderr


def test_the_fixtures_server_takes_the_port_the_ini_gives(tmp_path: Path, pytest_in: PytestIn) -> None:
    """Integrator: behind a firewall, or on a machine that allows a range of ports, the fixture's server
    needs a port of the project's choosing; a port that is none is a usage error before any test runs."""
    from sls_scenarios.server import ChildServer, free_port

    port = free_port()
    assert ChildServer(settings={"SLS_PORT": str(port)}, data_dir=tmp_path).url.endswith(f":{port}")
    (tmp_path / "pytest.ini").write_text("[pytest]\nsls_emulator_env =\n    SLS_PORT=http\n")
    (tmp_path / "test_nothing.py").write_text("def test_nothing(sls_emulator):\n    pass\n")
    ran = pytest_in(tmp_path)
    assert ran.returncode == 4 and "SLS_PORT=http is not a port" in ran.stdout + ran.stderr


def test_a_misspelt_ini_setting_stops_the_fixture_naming_the_right_one(tmp_path: Path) -> None:
    """Integrator audit: ``SLS_LOCKOUT_TRESHOLD=2`` in ``sls_emulator_env`` started the fixture's server
    on the default threshold, silently: ``sls serve`` ignores ``SLS_*`` names it does not know."""
    from sls_scenarios.server import ChildServer, ServerFailed

    server = ChildServer(settings={"SLS_LOCKOUT_TRESHOLD": "2"}, data_dir=tmp_path)
    try:
        with pytest.raises(
            ServerFailed, match=r"SLS_LOCKOUT_TRESHOLD \(did you mean SLS_LOCKOUT_THRESHOLD\?\)"
        ):
            server.start()
    finally:
        server.stop()


OWN_TOKENS = """
import requests


def test_the_fixture_calls_with_the_tokens_the_ini_gave_its_server(sls_emulator):
    assert sls_emulator.admin_token == "project-admin-token-0123456789"
    users = requests.get(f"{sls_emulator.url}/admin/v1/users",
                         headers={"Authorization": "Bearer project-admin-token-0123456789"})
    assert users.status_code == 200, users.text
    password = sls_emulator.create_user("sam", phone="+15550100009")
    started = requests.post(f"{sls_emulator.url}/api/v1/auth/login",
                            json={"username": "sam", "password": password}).json()
    code = sls_emulator.latest_code("+15550100009", purpose="login")  # /sim/v1, behind SLS_SIM_TOKEN
    done = requests.post(f"{sls_emulator.url}/api/v1/auth/login/{started['txn_id']}/verify",
                         json={"response": code}, headers={"X-Login-Token": started["login_token"]})
    assert done.json()["state"] == "authenticated"
"""


def test_the_fixture_honours_the_tokens_of_sls_emulator_env(tmp_path: Path, pytest_in: PytestIn) -> None:
    """SLS_ADMIN_TOKEN given in sls_emulator_env was silently replaced by a random one (the server and the
    fixture both used that), and SLS_SIM_TOKEN reached the server but not the fixture's own /sim/v1 calls."""
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider\nsls_emulator_env =\n"
        "    SLS_ADMIN_TOKEN=project-admin-token-0123456789\n    SLS_SIM_TOKEN=project-sim-token-0123456789\n"
    )
    (tmp_path / "test_tokens.py").write_text(textwrap.dedent(OWN_TOKENS))
    ran = pytest_in(tmp_path)
    assert ran.returncode == 0 and "1 passed" in ran.stdout, ran.stdout + ran.stderr


def test_a_data_dir_in_sls_emulator_env_is_one_usage_error(tmp_path: Path, pytest_in: PytestIn) -> None:
    """It was silently replaced by a folder of the session's own; honoured, the world the fixture wipes
    before every test could be the one of a developer's ``sls demo`` in that folder."""
    mine = tmp_path / "my-demo-data"
    (tmp_path / "pytest.ini").write_text(
        f"[pytest]\naddopts = -p no:cacheprovider\nsls_emulator_env =\n    SLS_DATA_DIR={mine}\n"
    )
    (tmp_path / "test_tokens.py").write_text(textwrap.dedent(OWN_TOKENS))
    ran = pytest_in(tmp_path)
    assert ran.returncode == 4, ran.stdout + ran.stderr  # pytest's usage error: nothing ran
    assert "sls_emulator_env: SLS_DATA_DIR cannot be set" in ran.stderr, ran.stderr
    assert "Traceback" not in ran.stdout + ran.stderr and not mine.exists()
