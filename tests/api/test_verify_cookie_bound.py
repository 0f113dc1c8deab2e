"""The Cookie header a request to ``/account/verify`` carries, at its worst, fits the 8 KB servers take
(gunicorn's ``limit_request_field_size``, 8190 bytes for the whole line; nginx's default buffer): a larger
one is refused before the emulator sees it, and the person is stuck until the cookies lapse.

Everything a browser can hold for that path, each at its longest, built through the pages as a browser
would, every redirect left unfollowed (tabs closed as they redirected): the session's and the browser's
cookies; the login page's outcome (``/``), its username typed long in a script whose characters JSON
escapes; the account page's own refusals (``/account``), their typed lists at the longest kept; the list of
the problem pages' outcomes (``sls_page_told``, scoped to ``/account``) at its longest; more tasks
started than :data:`MAX_TASKS`, their pages never shown; and each live task's verify page told a refusal
(``/account/verify``) with the longest username kept."""

from __future__ import annotations

from conftest import EnrolledUser
from page_forms import confirm_identity, csrf

from sls_server.http.pages.account import VERIFY_PATH
from sls_server.http.pages.ip_form import KEEP_TYPED_CHARS
from sls_server.http.pages.outcome import BUDGETS, WHOLE_CHARS_AT
from sls_server.http.pages.verify_tasks import MAX_TASKS

#: gunicorn's ``limit_request_field_size``: the most bytes of one header line, ``Cookie: `` included.
SERVERS_LIMIT = 8190
#: A character JSON writes as an escape (a surrogate pair: twelve characters for one typed).
WIDE = "\U0001f600"


def _header_line(alice: EnrolledUser, here: str) -> str:
    sent = alice.client.get(here).request.headers.get("Cookie", "")
    return f"Cookie: {sent}"


def test_the_cookies_sent_to_a_verify_page_fit_the_servers_limit_at_their_worst(alice: EnrolledUser) -> None:
    client = alice.client
    login_token = csrf(client.get("/").get_data(as_text=True))
    refused = client.post("/login", data={"username": WIDE * 128, "password": "", "csrf_token": login_token})
    assert refused.status_code == 303  # its outcome left waiting at "/"
    alice.log_in()
    token = csrf(client.get("/account").get_data(as_text=True))

    typed = "\n".join(WIDE * 10 for _ in range(KEEP_TYPED_CHARS // 11))  # the longest list kept typed
    for _ in range(6):
        told = client.post("/account/ip-allowlist/save", data={"ip_allowlist": typed, "csrf_token": token})
        assert told.headers.get("Location", "").startswith("/account?told="), told.get_data(as_text=True)[
            -600:
        ]

    wrong = {"amount": "1", "currency": "?", "csrf_token": token}  # the shortest problem: the longest list
    for _ in range(30):  # problem pages left waiting: their list (``sls_page_told``) rides here too
        assert client.post("/account/withdrawal", data=wrong).status_code == 303

    started = []
    for amount in range(1, MAX_TASKS + 12):  # more than the bound, each page never shown
        asked = client.post("/account/withdrawal", data={"amount": str(amount), "csrf_token": token})
        assert asked.status_code == 303
        started.append(str(asked.headers["Location"]))
    for n, here in enumerate(started[-MAX_TASKS:]):  # each live task's page told a refusal, never shown
        typed = "a" * 128 if n % 2 else WIDE * 42  # whole (sealed under the bound), or too long: cut
        answer = client.post(here, data={"username": typed, "password": "", "csrf_token": token})
        assert answer.status_code == 303 and answer.headers["Location"] == here
        confirm_identity(client, alice.username, alice.password, token, here)  # its task at its prompt

    line = _header_line(alice, started[-1])
    assert len(line.encode()) <= SERVERS_LIMIT, len(line.encode())
    sent = dict(cookie.split("=", 1) for cookie in line.removeprefix("Cookie: ").split("; "))
    tasks = [
        len(name) + len(value) + 3 for name, value in sent.items() if name.startswith("sls_page_verify_")
    ]
    assert len(tasks) == MAX_TASKS
    fixed = sum(
        len(name) + len(sent[name]) + 3
        for name in ("sls_browser", "sls_session", "sls_page_tasks", "sls_page_told")
    )
    at_most = (  # each part at its bound: what no browser can pass, whatever it holds
        len("Cookie: ")
        + fixed
        + len("sls_page_outcome")
        + WHOLE_CHARS_AT["/"]
        + 3
        + BUDGETS["/account"]
        + BUDGETS[VERIFY_PATH]
        + MAX_TASKS * max(tasks)
    )
    assert at_most <= SERVERS_LIMIT, at_most
