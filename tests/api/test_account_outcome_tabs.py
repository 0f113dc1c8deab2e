"""The account page's own forms (a new password, IP Restrictions, the new number's code) refused in two tabs
at once: each tab is told its own refusal. They answered ``303 /account`` with one outcome for the path, so
the later refusal replaced the earlier in the browser's one cookie, and the first tab to load showed it and
dropped it: one tab told the other's refusal, the other told nothing. Each refusal now goes to an address of
its own (``/account?told=KEY``), its outcome keyed to it (``outcome``), as the problem pages' are
(``test_stepup_tabs.py``); the waiting outcomes of a path are bounded, as the step-up tasks are."""

from __future__ import annotations

from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import csrf

from sls_server.http.pages.account import TYPED_CUT
from sls_server.http.pages.ip_form import KEEP_TYPED_CHARS
from sls_server.http.pages.outcome import BUDGETS, OUTCOME_COOKIE, OUTCOMES_CHARS, SHORT_CHARS, TABS_TOLD

PASSWORDS = {"current_password": "x", "new_password": "Violet-Harbour-42", "confirm_password": "other"}


def _token(alice: EnrolledUser) -> str:
    alice.log_in()
    return csrf(alice.client.get("/account").get_data(as_text=True))


def _outcomes(alice: EnrolledUser, path: str) -> list[str]:
    """The keyed outcome cookies the browser holds for ``path``."""
    jar = alice.client._cookies.values()  # the test client's jar: what waits
    return [c.value for c in jar if c.key.startswith(OUTCOME_COOKIE + "_") and c.path == path]


def test_each_account_form_refused_in_its_own_tab_is_told_its_own_refusal(alice: EnrolledUser) -> None:
    token = _token(alice)
    client = alice.client
    refused = {
        "do not match": client.post("/account/password/change", data={**PASSWORDS, "csrf_token": token}),
        "Verify your identity again to change your IP": client.post(
            "/account/ip-allowlist/save", data={"ip_allowlist": "198.51.100.7", "csrf_token": token}
        ),
        "No code is waiting": client.post("/account/phone/confirm", data={"code": "1", "csrf_token": token}),
    }
    places = {said: str(answer.headers["Location"]) for said, answer in refused.items()}
    statuses = dict(zip(refused, (400, 401, 410), strict=True))
    assert all(a.status_code == 303 for a in refused.values())
    assert len(set(places.values())) == 3 and all(p.startswith("/account?told=") for p in places.values())
    assert "Verify your identity again" not in client.get("/account").get_data(as_text=True), "no key: none"
    for said, here in reversed(places.items()):
        shown = client.get(here)
        html = shown.get_data(as_text=True)
        assert shown.status_code == statuses[said]
        assert [s for s in places if s in html] == [said], "its own refusal only"
    kept = client.get(places["Verify your identity again to change your IP"]).get_data(as_text=True)
    assert "Verify your identity again" not in kept, "told once"


def test_a_key_of_another_tab_or_forged_opens_nothing(alice: EnrolledUser) -> None:
    token = _token(alice)
    client = alice.client
    here = str(
        client.post("/account/phone/confirm", data={"code": "1", "csrf_token": token}).headers["Location"]
    )
    key = here.removeprefix("/account?told=")
    for other in ("AAAAAAAAAAAA", "short", key + "x"):
        assert "No code is waiting" not in client.get(f"/account?told={other}").get_data(as_text=True)
    jar = client._cookies
    moved = next(c for c in jar.values() if c.key == f"{OUTCOME_COOKIE}_{key}")
    client.set_cookie(f"{OUTCOME_COOKIE}_AAAAAAAAAAAA", moved.value, path="/account")
    assert "No code is waiting" not in client.get("/account?told=AAAAAAAAAAAA").get_data(as_text=True)
    assert "No code is waiting" in client.get(here).get_data(as_text=True), "still waiting for its own tab"


def test_refusals_left_waiting_are_bounded_the_newest_kept(alice: EnrolledUser) -> None:
    """Tabs whose redirects were never followed (closed, a lost connection) leave their outcomes waiting: each
    is sent with every request under ``/account`` until it lapses, so at most ``OUTCOMES_CHARS`` of them
    wait; the newest is kept."""
    token = _token(alice)
    client = alice.client
    typed = "\n".join(f"198.51.100.{n}" for n in range(100))  # a long list, kept typed: a big outcome
    places = []
    for _ in range(12):
        answer = client.post("/account/ip-allowlist/save", data={"ip_allowlist": typed, "csrf_token": token})
        places.append(str(answer.headers["Location"]))
        waiting = _outcomes(alice, "/account")
        assert sum(len(v) for v in waiting) <= OUTCOMES_CHARS and waiting
    newest, oldest = client.get(places[-1]), client.get(places[0])
    assert newest.status_code == 401 and "Verify your identity again" in newest.get_data(as_text=True)
    assert oldest.status_code == 200 and "Verify your identity again" not in oldest.get_data(as_text=True)


def test_two_tabs_refused_at_once_with_long_lists_are_each_told(alice: EnrolledUser) -> None:
    """Two refusals each keeping the longest list typed do not fit the bound together: the earlier tab was
    dropped and told nothing. It is cut to its sentence instead, and says its list was not kept."""
    client = _verified(alice)
    token = csrf(client.get("/account").get_data(as_text=True))
    typed = "\n".join(f"198.51.100.{n}" for n in range(KEEP_TYPED_CHARS // 14))  # without this address
    assert len(typed) <= KEEP_TYPED_CHARS
    earlier, later = (
        str(
            client.post(
                "/account/ip-allowlist/save", data={"ip_allowlist": typed, "csrf_token": token}
            ).location
        )
        for _ in range(2)
    )
    for here, whole in ((earlier, False), (later, True)):
        shown = client.get(here)
        html = shown.get_data(as_text=True)
        assert shown.status_code == 400 and "must include the address you are using now" in html, "each told"
        assert (TYPED_CUT not in html) is whole and (f">{typed}</textarea>" in html) is whole


def _verified(alice: EnrolledUser) -> FlaskClient:
    """Logged in and verified for ``change_security``: the IP Restrictions form is shown, the list judged."""
    alice.step_up(purpose="change_security")
    return alice.client


def test_tabs_refused_at_once_are_each_told_whatever_they_typed(alice: EnrolledUser) -> None:
    """The sentences are short whatever was typed (a refused entry's echo shortened, a list JSON escapes
    kept whole only while it fits), so ``TABS_TOLD`` tabs refused at once are each told theirs."""
    client = _verified(alice)  # the list itself is judged: its first bad entry echoed
    token = csrf(client.get("/account").get_data(as_text=True))
    wide = "\U0001f600" * 100  # a refused entry at its longest, of characters UTF-8 writes in four bytes
    typed = "\n".join([wide] * (KEEP_TYPED_CHARS // 101))
    places = [
        str(
            client.post(
                "/account/ip-allowlist/save", data={"ip_allowlist": typed, "csrf_token": token}
            ).location
        )
        for _ in range(TABS_TOLD)
    ]
    sizes = [
        len(c.key) + len(c.value) + 3 for c in client._cookies.values() if c.key.startswith(OUTCOME_COOKIE)
    ]
    assert len(sizes) == TABS_TOLD and max(sizes) <= SHORT_CHARS, sizes
    assert min(BUDGETS.values()) >= TABS_TOLD * SHORT_CHARS, "every path holds as many sentences"
    for here in places:
        shown = client.get(here)
        html = shown.get_data(as_text=True)
        assert shown.status_code == 400 and "is not an IP address" in html and "\U0001f600" * 23 + "…" in html
        assert TYPED_CUT in html, "its list too long to keep beside the others"
    assert not _outcomes(alice, "/account"), "each shown once"
